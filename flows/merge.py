"""Stage 3: accepted submissions + the edition config -> one Report, in reading order."""

import logging
from collections import defaultdict
from collections.abc import Mapping

from flows.advice import ADVICE_CODES
from flows.validate import Checked
from schemas import (
    GOALS,
    Chapter,
    Contributor,
    Edition,
    Excluded,
    Opening,
    Problem,
    Report,
    Section,
    Source,
    Submission,
    SubmissionKind,
    VisionSentence,
)
from schemas.messages import PROJECT_MESSAGES

logger = logging.getLogger(__name__)


def merge_each_file_apart(edition: Edition, checked: list[Checked]) -> tuple[Report, list[Checked]]:
    """The report, and ``checked`` with every accepted file that cannot be merged even alone
    rejected as an internal error: a file's fault never leaves the file. The whole merge is
    tried first and is the result when nothing is wrong, so nothing is merged twice then."""
    try:
        return merge(edition, checked), checked
    except Exception:  # noqa: BLE001  (the boundary: a fault of ours, found file by file)
        logger.exception("merge failed; merging each file alone")
    result = []
    for item in checked:
        if item.accepted:
            try:
                merge(edition, [item])
            except Exception:  # noqa: BLE001
                logger.exception("merge failed on %s", item.file)
                message = PROJECT_MESSAGES["internal_error"]
                item = item.rejected_with(
                    Problem(file=item.file, code="internal_error", message=message)
                )
        result.append(item)
    return merge(edition, result), result


def merge(edition: Edition, checked: list[Checked]) -> Report:
    """Build the report from the accepted files only; rejected ones are left out."""
    accepted = [(c.file, c.submission) for c in checked if c.accepted]
    by_goal: dict[int, list[tuple[str, Submission]]] = defaultdict(list)
    for file, submission in accepted:
        by_goal[submission.goal].append((file, submission))
    advice = {c.file: advice_of(c) for c in checked if c.accepted}
    chapters = [build_chapter(edition, goal.number, by_goal[goal.number], advice) for goal in GOALS]
    return Report(
        edition=edition,
        chapters=chapters,
        contributors=contributors(edition, accepted),
        excluded=[Excluded(file=c.file, problems=c.problems) for c in checked if c.problems],
        pictures={name: data for c in checked if c.accepted for name, data in c.images.items()},
    )


def advice_of(item: Checked) -> tuple[Problem, ...]:
    """The advice among a file's remarks: what the draft shows beside its text."""
    return tuple(note for note in item.notes if note.code in ADVICE_CODES)


def build_chapter(
    edition: Edition,
    number: int,
    items: list[tuple[str, Submission]],
    advice: Mapping[str, tuple[Problem, ...]] | None = None,
) -> Chapter:
    """The goal's chapter from its submissions; ``advice`` by file goes with each text."""
    advice = advice or {}
    department_rank = {d.id: i for i, d in enumerate(edition.departments)}

    def order(item: tuple[str, Submission]):
        _, s = item
        # Lower 'ordning' first, unnumbered last; ties by department (edition order), then title.
        return (s.order is None, s.order or 0, department_rank[s.department], s.title or "")

    opening = None
    sections: dict[str, Section] = {}
    children: dict[str | None, list[str]] = defaultdict(list)
    for file, submission in sorted(items, key=order):
        source = Source(file=file, department=submission.department)
        if submission.kind is SubmissionKind.OPENING:
            opening = Opening(text=submission.text, source=source, advice=advice.get(file, ()))
            continue
        sections[submission.section_id] = Section(
            id=submission.section_id,
            title=submission.title,
            text=submission.text,
            source=source,
            key_figures=submission.key_figures,
            projects=submission.projects,
            advice=advice.get(file, ()),
        )
        children[submission.parent].append(submission.section_id)

    def nest(section_id: str) -> Section:
        section = sections[section_id]
        return section.model_copy(update={"children": [nest(c) for c in children[section_id]]})

    tree = [nest(section_id) for section_id in children[None]]
    chapter = Chapter(
        goal=GOALS[number - 1],
        opening=opening,
        sections=tree,
        assessment=next((s.assessment for _, s in items if s.assessment), None),
        departments=[
            d.name for d in edition.departments if any(s.department == d.id for _, s in items)
        ],
    )
    return chapter.model_copy(
        update={"vision_sentences": vision_sentences(edition, chapter, items)}
    )


def vision_sentences(
    edition: Edition, chapter: Chapter, items: list[tuple[str, Submission]]
) -> list[VisionSentence]:
    """One sentence per vision goal, joining what serves it in the chapter's reading order."""
    by_file = {file: submission for file, submission in items}
    reading_order = []
    if chapter.opening:
        reading_order.append(by_file[chapter.opening.source.file])
    reading_order += [by_file[section.source.file] for section in chapter.walk()]
    sentences = []
    for vision_goal in edition.vision_goals:
        through: list[str] = []
        for submission in reading_order:
            for link in submission.vision_links:
                if link.number == vision_goal.number and link.through not in through:
                    through.append(link.through)
        if through:
            sentences.append(
                VisionSentence(number=vision_goal.number, name=vision_goal.name, through=through)
            )
    return sentences


def contributors(edition: Edition, accepted: list[tuple[str, Submission]]) -> list[Contributor]:
    """Every department that delivered, in edition order, with its goals and contacts."""
    result = []
    for department in edition.departments:
        own = [s for _, s in accepted if s.department == department.id]
        if not own:
            continue
        contacts = []
        for submission in own:
            if submission.contact and submission.contact not in contacts:
                contacts.append(submission.contact)
        result.append(
            Contributor(
                department=department.id,
                name=department.name,
                goals=sorted({s.goal for s in own}),
                contacts=contacts,
            )
        )
    return result
