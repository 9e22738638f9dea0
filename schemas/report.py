"""The merged report: what the renderer typesets, in reading order."""

from pydantic import BaseModel, ConfigDict

from schemas.edition import Edition
from schemas.goals import Goal
from schemas.messages import Problem
from schemas.submission import Assessment, Contact, KeyFigure, Project


class Merged(BaseModel):
    """Base for models the pipeline builds (not written by people)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class Source(Merged):
    """Where a piece of text came from: for the receipt, the draft and relative image paths."""

    file: str  # path relative to the edition folder, with '/' separators
    department: str


class Section(Merged):
    id: str
    title: str
    text: str  # Markdown
    source: Source
    key_figures: list[KeyFigure] = []
    projects: list[Project] = []
    children: list["Section"] = []
    # Advice to the writer (LIX, a bold line as heading, …): the draft shows it, the final not.
    advice: tuple[Problem, ...] = ()


class Opening(Merged):
    text: str
    source: Source
    advice: tuple[Problem, ...] = ()


class VisionSentence(Merged):
    number: int
    name: str
    through: list[str]

    @property
    def sentence(self) -> str:
        return f"Visionsmål {self.number} {self.name}, främjas av {join_swedish(self.through)}."


class Chapter(Merged):
    goal: Goal
    opening: Opening | None = None
    sections: list[Section] = []
    assessment: Assessment | None = None
    vision_sentences: list[VisionSentence] = []
    departments: list[str] = []  # names, in edition order

    @property
    def is_empty(self) -> bool:
        return self.opening is None and not self.sections

    def walk(self):
        """Every section, depth first, in reading order."""
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.children))


class Contributor(Merged):
    department: str
    name: str
    goals: list[int]
    contacts: list[Contact] = []


class Excluded(Merged):
    """A dropped submission left out of the report, with why: the draft lists them."""

    file: str
    problems: tuple[Problem, ...]


class Report(Merged):
    """Everything rendering needs, and nothing it would have to derive again."""

    edition: Edition
    chapters: list[Chapter]
    contributors: list[Contributor]
    excluded: list[Excluded] = []  # in path order
    pictures: dict[str, bytes] = {}  # embedded in accepted submissions (Word), by edition path


def join_swedish(items: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b och c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"
