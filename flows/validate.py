"""Stage 2: turn each dropped file into a validated Submission or located Swedish problems."""

import logging
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from pydantic import ValidationError

from flows.advice import advice
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
from flows.readers.read_on import PartlyRead
from flows.render.fonts import missing_glyphs
from flows.render.markdown import allowed_link, markdown_parser
from flows.starters.markdown import EXAMPLE_CONTACT, EXAMPLE_TEXTS, EXAMPLE_TITLE
from schemas import Edition, Problem, Submission, SubmissionKind
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


def _rejected(
    dropped: DroppedFile, *problems: Problem, goal_hint: int | None = None, notes=()
) -> Checked:
    return Checked(
        dropped.relative, dropped.folder, dropped.sha256, None, problems, goal_hint, notes=notes
    )


def _checked(dropped: DroppedFile, edition: Edition, assets: Mapping[str, bytes]) -> Checked:
    def rejected(*problems: Problem, goal_hint: int | None = None, notes=()) -> Checked:
        return _rejected(dropped, *problems, goal_hint=goal_hint, notes=tuple(notes))

    if dropped.size > MAX_FILE_BYTES:
        return rejected(
            _problem(
                dropped.relative,
                "file_too_large",
                size=dropped.size // 2**20,
                limit=MAX_FILE_BYTES // 2**20,
            )
        )
    # All the file's problems at once, wherever reading can go on: after a syntax error in
    # the keys, the other keys and the text are still checked (flows/readers/read_on.py).
    problems: list[Problem] = []
    try:
        raw = read_submission(dropped.name, dropped.content, _directory(dropped))
    except PartlyRead as error:
        raw = error.raw
        problems = [_read_problem(dropped.relative, e) for e in error.errors]
        left_out, keys_read = error.left_out, error.keys_read
    except ReadError as error:
        return rejected(_read_problem(dropped.relative, error))
    else:
        left_out, keys_read = frozenset(), True
    submission = None
    if keys_read:
        try:
            submission = Submission.model_validate(
                raw.data, context=validation_context(edition, dropped.folder)
            )
        except ValidationError as error:
            problems += problems_from(error, raw, dropped.relative, left_out=left_out)
    goal_hint = submission.goal if submission else _goal_hint(raw)
    text = raw.data.get("text")
    text = text if isinstance(text, str) else ""
    size_problems = check_text_size(text, dropped.relative, raw)
    if size_problems:
        return rejected(*problems, *size_problems, goal_hint=goal_hint)
    problems += example_texts_left(raw, dropped.relative)
    problems += characters_without_glyphs(text, raw, dropped.relative)
    clashes = sorted(set(raw.images) & set(assets))
    if clashes:
        problems.append(
            Problem(
                file=dropped.relative,
                code="image_name_clash",
                message=PROJECT_MESSAGES["image_name_clash"].format(name=clashes[0]),
            )
        )
        return rejected(*problems, goal_hint=goal_hint)
    image_problems, pictures = check_images(text, raw, dropped, {**assets, **raw.images})
    problems += image_problems
    if problems or submission is None:
        # The remarks on the text too, so that one round tells everything there is to say.
        notes = reader_notes(raw, dropped.relative) + link_notes(text, raw, dropped.relative)
        return rejected(*problems, goal_hint=goal_hint, notes=notes)
    return Checked(
        dropped.relative,
        dropped.folder,
        dropped.sha256,
        submission,
        images=pictures,
        notes=tuple(
            reader_notes(raw, dropped.relative)
            + link_notes(submission.text, raw, dropped.relative)
            + advice(submission, raw, dropped.relative)
        ),
    )


def _read_problem(file: str, error: ReadError) -> Problem:
    return Problem(
        file=file,
        code=error.code,
        message=error.message,
        line=error.line,
        column=error.column,
        place=error.place,
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
        line, place = raw.in_text(body_line)
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
        message = PROJECT_MESSAGES[code].format(src=raw.picture_name(src), **context)
        problems.append(
            Problem(file=dropped.relative, code=code, line=line, place=place, message=message)
        )
    return problems, pictures


def example_texts_left(raw: RawSubmission, file: str) -> list[Problem]:
    """The Markdown template's example texts still in the file, each named with its line: the
    untouched template must not reach the council. Read from the file's data, so that they
    are found whether or not the rest of it is valid."""
    found = []
    data = raw.data

    def left(example: str, line: int | None, key: str | None = None, place=None) -> None:
        snippet = example if len(example) <= 40 else example[:39].rstrip() + "…"
        message = PROJECT_MESSAGES["example_text_left"].format(snippet=snippet)
        found.append(
            Problem(
                file=file,
                code="example_text_left",
                message=message,
                line=line,
                key=key,
                place=place,
            )
        )

    if _text_of(data.get("rubrik")) == EXAMPLE_TITLE:
        left(EXAMPLE_TITLE, raw.line_of(("rubrik",)), "rubrik")
    contact = data.get("kontakt") if isinstance(data.get("kontakt"), dict) else {}
    name, email = _text_of(contact.get("namn")), _text_of(contact.get("epost"))
    if name in EXAMPLE_CONTACT or email in EXAMPLE_CONTACT:
        left(f"{name}, {email}", raw.line_of(("kontakt",)), "kontakt")
    text = data.get("text")
    lines = text.split("\n") if isinstance(text, str) else []
    for example in EXAMPLE_TEXTS:
        at = next((i for i, line in enumerate(lines) if example[:30] in line), None)
        if at is not None:
            line, place = raw.in_text(at)
            left(example, line, place=place)
    return found


def _text_of(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


def reader_notes(raw: RawSubmission, file: str) -> list[Problem]:
    """What the reader left out or changed, as the receipt shows it."""
    return [
        Problem(file=file, code=n.code, message=n.message, line=n.line, place=n.place)
        for n in raw.notes
    ]


def characters_without_glyphs(text: str, raw: RawSubmission, file: str) -> list[Problem]:
    """A character no font of the report can draw is named with where it stands, rather than
    printed as a box that also scrambles the page's text for screen readers."""
    problems = []
    for index, char in missing_glyphs(text)[:5]:
        line, place = raw.in_text(text.count("\n", 0, index))
        message = PROJECT_MESSAGES["glyph_missing"].format(char=char, code=f"U+{ord(char):04X}")
        problems.append(
            Problem(file=file, code="glyph_missing", message=message, line=line, place=place)
        )
    return problems


def link_notes(text: str, raw: RawSubmission, file: str) -> list[Problem]:
    """A remark for each link the report prints as text: only web and e-mail addresses
    become links, so '../../etc/x' or '//server/share/x.exe' never points anywhere."""
    notes = []
    for token in _markdown.parse(text):
        for child in token.children or ():
            href = child.attrGet("href") if child.type == "link_open" else None
            if href is not None and not allowed_link(href):
                line, place = raw.in_text(token.map[0] if token.map else 0)
                notes.append(
                    Problem(
                        file=file,
                        code="link_as_text",
                        line=line,
                        place=place,
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


def check_edition(checked: list[Checked], edition: Edition) -> list[Checked]:
    """Rules across files, decided by who owns what and never by file order, and never losing
    another file's text: one opening per goal, one assessment, unique section ids, and every
    'under' pointing at an accepted section of the same goal.

    - Opening: kept from the department that owns the goal's assessment (rapport.yaml's
      ``bedömer``), else from the first department in rapport.yaml's order; any other opening
      is published as a section headed with its department's name.
    - Assessment: taken from the department that owns it (``bedömer``, else the department
      of the opening, else the only department that set one); any other is left out, and
      both files are told. Only a file's assessment is refused, never its text.
    - Section ids: the department first in rapport.yaml's order keeps the id; another file's
      section gets the id with its department added, and its own 'under' links follow it.
    Rejecting a section can orphan its children, so the 'under' rule runs until nothing
    changes.
    """
    rank = {d.id: i for i, d in enumerate(edition.departments)}

    def order(item: Checked) -> tuple:
        return (rank.get(item.folder, len(rank)), item.file)

    result = {item.file: item for item in checked}
    accepted = sorted((c for c in checked if c.accepted), key=order)
    for goal in sorted({c.submission.goal for c in accepted}):
        of_goal = [result[c.file] for c in accepted if c.submission.goal == goal]
        for item in _openings(of_goal, goal, edition):
            result[item.file] = item
        of_goal = [result[c.file] for c in of_goal]
        for item in _assessments(of_goal, goal, edition):
            result[item.file] = item
        of_goal = [result[c.file] for c in of_goal]
        for item in _section_ids(of_goal, goal):
            result[item.file] = item
    return _check_parents([result[c.file] for c in checked], original=checked)


def _note(item: Checked, code: str, **context) -> Checked:
    note = Problem(file=item.file, code=code, message=PROJECT_MESSAGES[code].format(**context))
    return replace(item, notes=item.notes + (note,))


def _with(item: Checked, **changes) -> Checked:
    return replace(item, submission=item.submission.model_copy(update=changes))


def _assessment_owner(goal: int, edition: Edition) -> str | None:
    return next((d.id for d in edition.departments if goal in d.assesses), None)


def _openings(of_goal: list[Checked], goal: int, edition: Edition) -> list[Checked]:
    """The goal's one opening; any other becomes a section under its department's name."""
    openings = [c for c in of_goal if c.submission.kind is SubmissionKind.OPENING]
    if len(openings) < 2:
        return []
    owner = _assessment_owner(goal, edition)
    kept = next((c for c in openings if c.folder == owner), openings[0])
    changed = []
    for item in openings:
        if item is kept:
            continue
        name = edition.department(item.folder).name
        section = _with(
            item, kind=SubmissionKind.SECTION, title=name, id=f"inledning-{item.folder}"
        )
        changed.append(_note(section, "opening_as_section", goal=goal, other=kept.file, name=name))
    others = ", ".join(c.file for c in openings if c is not kept)
    return [_note(kept, "opening_kept", goal=goal, others=others), *changed]


def _assessments(of_goal: list[Checked], goal: int, edition: Edition) -> list[Checked]:
    """The goal's one assessment, from the department that owns it."""
    setting = [c for c in of_goal if c.submission.assessment is not None]
    if not setting:
        return []
    opening = next((c for c in of_goal if c.submission.kind is SubmissionKind.OPENING), None)
    owner = _assessment_owner(goal, edition) or (opening.folder if opening else None)
    if owner is None and len({c.folder for c in setting}) == 1:
        owner = setting[0].folder
    own = [c for c in setting if c.folder == owner]
    if len(own) > 1:  # one department twice: the opening's, if it is one of them, else none
        own = [c for c in own if c is opening]
    kept = own[0] if own else None
    changed = []
    for item in setting:
        if item is kept:
            continue
        where = f"{edition.department(owner).name} ({kept.file})" if kept else None
        stripped = _with(item, assessment=None)
        if where:
            changed.append(_note(stripped, "assessment_not_owned", goal=goal, owner=where))
        else:
            changed.append(_note(stripped, "assessment_without_owner", goal=goal))
    if kept is not None and changed:
        others = ", ".join(c.file for c in changed)
        changed.append(_note(kept, "assessment_kept", goal=goal, others=others))
    return changed


def _section_ids(of_goal: list[Checked], goal: int) -> list[Checked]:
    """Unique ids: the first department in rapport.yaml's order keeps an id it shares."""
    holders: dict[str, Checked] = {}
    changed: dict[str, Checked] = {}
    for item in of_goal:  # in rapport.yaml's department order, then by path
        section_id = item.submission.section_id
        if section_id not in holders:
            holders[section_id] = item
            continue
        new_id = _free_id(f"{section_id}-{item.folder}", holders)
        holders[new_id] = item
        renamed = _note(
            _with(item, id=new_id),
            "section_id_renamed",
            id=section_id,
            goal=goal,
            other=holders[section_id].file,
            new=new_id,
        )
        changed[item.file] = renamed
        for child in of_goal:  # the department's own children follow its section
            if child.folder == item.folder and child.submission.parent == section_id:
                current = changed.get(child.file, child)
                changed[child.file] = _with(current, parent=new_id)
    return list(changed.values())


def _free_id(wanted: str, taken: dict[str, Checked]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    return candidate


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
            existing = sorted(sid for goal, sid in accepted if goal == submission.goal)
            result[index] = _reject(
                item,
                code,
                parent=submission.parent,
                goal=submission.goal,
                other=all_sections.get(key, ""),
                existing=", ".join(existing) or "inga",
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
        ],
        edition,
    )
