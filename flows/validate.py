"""Stage 2: turn each dropped file into a validated Submission or located Swedish problems."""

import logging
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from pydantic import ValidationError

from flows.gather import Disposition, DroppedFile, asset_files
from flows.limits import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    MAX_TEXT_CHARS,
    image_problem,
    nesting_depth,
)
from flows.readers import read_submission
from flows.readers.problems import problems_from
from flows.readers.raw import RawSubmission, ReadError
from flows.render.markdown import allowed_link, markdown_parser
from schemas import Edition, Problem, Submission
from schemas.messages import PROJECT_MESSAGES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """The outcome for one submission file: accepted (a submission) or rejected (problems)."""

    file: str  # relative to the edition folder
    folder: str
    sha256: str
    submission: Submission | None
    problems: tuple[Problem, ...] = ()
    goal_hint: int | None = None  # the goal a rejected file seems to be about, if readable
    # The pictures the accepted text shows, from the snapshot: embedded in the file (Word) or
    # dropped beside it, by edition-relative path. The typesetter reads nothing else.
    images: dict[str, bytes] = field(default_factory=dict)
    notes: tuple[Problem, ...] = ()  # remarks that do not reject the file (a link left as text)

    @property
    def accepted(self) -> bool:
        return self.submission is not None and not self.problems

    @property
    def goal(self) -> int | None:
        return self.submission.goal if self.submission else self.goal_hint

    def rejected_with(self, *problems: Problem) -> "Checked":
        return Checked(
            self.file,
            self.folder,
            self.sha256,
            None,
            self.problems + problems,
            self.goal,
            notes=self.notes,
        )


def validation_context(edition: Edition, folder: str) -> dict[str, Any]:
    return {
        "departments": edition.department_ids,
        "folder": folder,
        "vision_goals": [v.number for v in edition.vision_goals],
    }


def validate_file(dropped: DroppedFile, edition: Edition, assets: Mapping[str, bytes]) -> Checked:
    """Read and validate one file. ``assets`` are the edition's image files by relative path.

    A file's fault never leaves the file: whatever reading or validating it raises, a parser's
    own error, a recursion or memory limit, or a bug of ours, that file is rejected with a
    Swedish message, and the build goes on. Our own errors are logged with their traceback
    for the maintainer; the department only reads that it was not their fault.
    """
    try:
        return _checked(dropped, edition, assets)
    except (RecursionError, MemoryError):
        return _rejected(dropped, _problem(dropped.relative, "too_complex"))
    except Exception:  # noqa: BLE001  (the boundary: see the docstring)
        logger.exception("internal error while reading %s", dropped.relative)
        return _rejected(dropped, _problem(dropped.relative, "internal_error"))


def _rejected(dropped: DroppedFile, *problems: Problem, goal_hint: int | None = None) -> Checked:
    return Checked(dropped.relative, dropped.folder, dropped.sha256, None, problems, goal_hint)


def _checked(dropped: DroppedFile, edition: Edition, assets: Mapping[str, bytes]) -> Checked:
    def rejected(*problems: Problem, goal_hint: int | None = None) -> Checked:
        return _rejected(dropped, *problems, goal_hint=goal_hint)

    if dropped.size > MAX_FILE_BYTES:
        return rejected(
            _problem(
                dropped.relative,
                "file_too_large",
                size=dropped.size // 2**20,
                limit=MAX_FILE_BYTES // 2**20,
            )
        )
    try:
        raw = read_submission(dropped.name, dropped.content, _directory(dropped))
    except ReadError as error:
        return rejected(
            Problem(
                file=dropped.relative,
                code=error.code,
                message=error.message,
                line=error.line,
                column=error.column,
                place=error.place,
            )
        )
    try:
        submission = Submission.model_validate(
            raw.data, context=validation_context(edition, dropped.folder)
        )
    except ValidationError as error:
        return rejected(*problems_from(error, raw, dropped.relative), goal_hint=_goal_hint(raw))
    size_problems = check_text_size(submission.text, dropped.relative, raw)
    if size_problems:
        return rejected(*size_problems, goal_hint=submission.goal)
    clashes = sorted(set(raw.images) & set(assets))
    if clashes:
        return rejected(
            Problem(
                file=dropped.relative,
                code="image_name_clash",
                message=PROJECT_MESSAGES["image_name_clash"].format(name=clashes[0]),
            ),
            goal_hint=submission.goal,
        )
    image_problems, pictures = check_images(submission.text, raw, dropped, {**assets, **raw.images})
    if image_problems:
        return rejected(*image_problems, goal_hint=submission.goal)
    return Checked(
        dropped.relative,
        dropped.folder,
        dropped.sha256,
        submission,
        images=pictures,
        notes=tuple(link_notes(submission.text, raw, dropped.relative)),
    )


def _directory(dropped: DroppedFile) -> str:
    """The folder the file lies in, relative to the edition: its pictures are relative to it."""
    return posixpath.dirname(dropped.relative)


def _goal_hint(raw: RawSubmission) -> int | None:
    try:
        goal = int(str(raw.data.get("mål")))
    except ValueError:
        return None
    return goal if 1 <= goal <= 17 else None


_markdown = markdown_parser()


def image_sources(text: str) -> list[tuple[str, str, int]]:
    """(src, alt, body line) of every image in a Markdown text."""
    found = []
    for token in _markdown.parse(text):
        for child in token.children or ():
            if child.type == "image":
                line = token.map[0] if token.map else 0
                found.append((child.attrGet("src") or "", child.content, line))
    return found


def check_images(
    text: str, raw: RawSubmission, dropped: DroppedFile, assets: Mapping[str, bytes]
) -> tuple[list[Problem], dict[str, bytes]]:
    """Every image: inside the department's folder, present, described, and a sound image.

    Returns the problems, and the pictures the text shows (from the snapshot, by edition
    path), which are the only bytes the typesetter will have of them. A picture resolves
    against the file's own folder, as the renderer resolves it."""
    problems, pictures = [], {}
    for src, alt, body_line in image_sources(text):
        line = raw.text_line + body_line
        src = unquote(src)  # Markdown percent-encodes 'våtmark.png' and 'bild 1.png'
        resolved = posixpath.normpath(posixpath.join(_directory(dropped), src))
        context: dict = {}
        if "://" in src or src.startswith("/") or not resolved.startswith(dropped.folder + "/"):
            code = "image_outside"
        elif resolved not in assets:
            code = "missing_image"
        elif not alt.strip():
            code = "image_alt_missing"
        elif found := image_problem(assets[resolved]):
            code, context = found
        else:
            pictures[resolved] = assets[resolved]
            continue
        problems.append(
            Problem(
                file=dropped.relative,
                code=code,
                line=line,
                message=PROJECT_MESSAGES[code].format(src=src, **context),
            )
        )
    return problems, pictures


def link_notes(text: str, raw: RawSubmission, file: str) -> list[Problem]:
    """A remark for each link the report prints as text: only web and e-mail addresses
    become links, so '../../etc/x' or '//server/share/x.exe' never points anywhere."""
    notes = []
    for token in _markdown.parse(text):
        for child in token.children or ():
            href = child.attrGet("href") if child.type == "link_open" else None
            if href is not None and not allowed_link(href):
                line = raw.text_line + (token.map[0] if token.map else 0)
                notes.append(
                    Problem(
                        file=file,
                        code="link_as_text",
                        line=line,
                        message=PROJECT_MESSAGES["link_as_text"].format(target=unquote(href)),
                    )
                )
    return notes


def check_text_size(text: str, file: str, raw: RawSubmission) -> list[Problem]:
    if len(text) > MAX_TEXT_CHARS:
        return [_problem(file, "text_too_long", length=len(text), limit=MAX_TEXT_CHARS)]
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        return [_problem(file, "nesting_too_deep", depth=depth, limit=MAX_NESTING)]
    return []


def _problem(file: str, code: str, **context) -> Problem:
    return Problem(file=file, code=code, message=PROJECT_MESSAGES[code].format(**context))


def check_edition(checked: list[Checked]) -> list[Checked]:
    """Rules across files: one opening and one assessment per goal, unique section ids,
    and every 'under' pointing at an accepted section of the same goal.

    Files are taken in path order; the first one wins and the later one is rejected,
    its message naming the other file. Rejecting a section can orphan its children, so
    the 'under' rule runs until nothing changes.
    """
    result = list(checked)
    owners: dict[tuple, str] = {}
    for index, item in enumerate(result):
        if not item.accepted:
            continue
        submission = item.submission
        claims = [(("section", submission.goal, submission.section_id), "duplicate_section")]
        if submission.assessment is not None:
            claims.append((("assessment", submission.goal), "duplicate_assessment"))
        if submission.kind == "inledning":
            claims = [(("opening", submission.goal), "duplicate_opening")] + claims[1:]
        for claim, code in claims:
            if claim in owners:
                result[index] = _reject(
                    item, code, goal=submission.goal, id=submission.section_id, other=owners[claim]
                )
                break
        else:
            for claim, _ in claims:
                owners[claim] = item.file
    return _check_parents(result, original=checked)


def _check_parents(result: list[Checked], original: list[Checked]) -> list[Checked]:
    all_sections = {
        (c.submission.goal, c.submission.section_id): c.file for c in original if c.submission
    }
    changed = True
    while changed:
        changed = False
        accepted = {(c.submission.goal, c.submission.section_id): c for c in result if c.accepted}
        for index, item in enumerate(result):
            if not item.accepted or item.submission.parent is None:
                continue
            submission = item.submission
            key = (submission.goal, submission.parent)
            if key in accepted:
                if _in_cycle(accepted, (submission.goal, submission.section_id)):
                    result[index] = _reject(item, "parent_cycle", parent=submission.parent)
                    changed = True
                continue
            code = "parent_rejected" if key in all_sections else "parent_missing"
            result[index] = _reject(
                item,
                code,
                parent=submission.parent,
                goal=submission.goal,
                other=all_sections.get(key, ""),
            )
            changed = True
    return result


def _in_cycle(accepted: dict[tuple, Checked], start: tuple) -> bool:
    seen, key = set(), start
    while key in accepted and accepted[key].submission.parent is not None:
        if key in seen:
            return True
        seen.add(key)
        key = (key[0], accepted[key].submission.parent)
    return False


def _reject(item: Checked, code: str, **context) -> Checked:
    problem = Problem(file=item.file, code=code, message=PROJECT_MESSAGES[code].format(**context))
    return item.rejected_with(problem)


def validate_all(files: list[DroppedFile], edition: Edition) -> list[Checked]:
    """Every submission file checked, alone and together, without Prefect."""
    assets = asset_files(files)
    return check_edition(
        [
            validate_file(f, edition, assets)
            for f in files
            if f.disposition is Disposition.SUBMISSION
        ]
    )
