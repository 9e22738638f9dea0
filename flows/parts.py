"""Typeset the report in parts, side by side and cached, and assemble one PDF (issue 8).

The parts are the front matter (cover, contents, summary), one part per goal chapter, and the
back matter (the draft's files left out, and the appendix). Each begins on a new page in the
whole document too, so typeset apart they break into the same pages. What needs the whole
comes last and is small: the contents' page numbers (the front part is typeset once the
chapters' page counts are known; a change of page count in one chapter re-typesets the front
part only) and "Sida X av Y" (a page-number layer stamped on the assembled pages).

A part that was typeset before from the same HTML, options and files comes from the part
cache, so a rebuild after one submission changed typesets one chapter (and the front part
if that chapter's page count changed).
"""

import concurrent.futures as cf
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from flows.assemble import assemble
from flows.fonts import font_face_css
from flows.isolation import RenderJob, RenderOutcome, find_culprits, reject, run_isolated
from flows.merge import merge
from flows.part_cache import PartCache, is_fresh
from flows.render import Rendered, RenderError, render_html, safe_environment
from flows.typeset import PartJob, TypesetPart, typeset_part
from flows.validate import Checked
from flows.workers import PartRenderer
from schemas import Edition, Report

FRONT, BACK, FOLIO = "fram", "bak", "sidnummer"
SUMMARY_ANCHOR = "mal-i-korthet"
FRONT_PAGES_GUESS = 3  # cover, contents, summary
MAX_FRONT_ROUNDS = 4


class PartsFailed(RenderError):
    """Some parts could not be typeset; ``failures`` maps part name -> reason."""

    def __init__(self, failures: dict[str, str]):
        self.failures = failures
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in failures.items()))

    def goals(self) -> set[int] | None:
        """The goals whose chapters failed; None when the front or back matter failed."""
        if any(not name.startswith("mal-") for name in self.failures):
            return None
        return {int(name.removeprefix("mal-")) for name in self.failures}


def chapter_part(number: int) -> str:
    return f"mal-{number}"


@dataclass(frozen=True)
class TypesetReport:
    front: TypesetPart
    body: list[TypesetPart]  # the chapters, then the back matter
    numbers: TypesetPart  # the page-number layer

    @property
    def parts(self) -> list[TypesetPart]:
        return [self.front, *self.body]

    @property
    def page_count(self) -> int:
        return sum(part.page_count for part in self.parts)


@dataclass(frozen=True)
class Typesetting:
    """Where and how a report's parts are typeset."""

    edition_dir: Path
    templates_dir: Path
    draft: bool
    archive: bool
    renderer: PartRenderer
    cache: PartCache
    timeout: float  # for all the parts together


def render_in_parts(report: Report, checked: list[Checked], setting: Typesetting) -> Rendered:
    """The report typeset part by part and assembled; raises PartsFailed naming the parts
    that could not be typeset."""
    typeset = typeset_report(report, checked, setting)
    excluded = [item for item in checked if item.problems]
    return Rendered(
        html=render_html(report, setting.templates_dir, setting.draft, excluded),
        pdf=assemble(typeset.parts, typeset.numbers),
        page_count=typeset.page_count,
        archive_pdf=(
            assemble(typeset.parts, typeset.numbers, archive=True) if setting.archive else None
        ),
    )


def typeset_report(report: Report, checked: list[Checked], setting: Typesetting) -> TypesetReport:
    """Every part of the report, typeset side by side or taken from the cache: the chapters
    and the back matter first, then the front matter with their page numbers, and the page-
    number layer."""
    excluded = [item for item in checked if item.problems]
    embedded = {name: data for c in checked if c.accepted for name, data in c.images.items()}
    deadline = time.monotonic() + setting.timeout
    where = (setting.edition_dir, setting.templates_dir, report.edition.date)

    def job(name: str, pages: dict[str, int] | None = None) -> PartJob:
        html = render_html(
            report, setting.templates_dir, setting.draft, excluded, part=name, pages=pages
        )
        uses = {n: data for n, data in embedded.items() if n in html or quote(n) in html}
        return PartJob(name, html, *where, archive=setting.archive, embedded=uses)

    def folio(pages: int) -> PartJob:
        return PartJob(FOLIO, folio_html(setting.templates_dir, pages), *where, tagged=False)

    def typeset(jobs: list[PartJob]) -> list[TypesetPart]:
        return typeset_all(setting.renderer, setting.cache, jobs, deadline)

    names = [chapter_part(chapter.goal.number) for chapter in report.chapters] + [BACK]
    body = typeset([job(name) for name in names])
    body_pages = sum(part.page_count for part in body)

    front_pages, pages = FRONT_PAGES_GUESS, page_numbers(None, body)
    for _ in range(MAX_FRONT_ROUNDS):
        front, numbers = typeset([job(FRONT, pages), folio(front_pages + body_pages)])
        if front.page_count != front_pages:
            front_pages = front.page_count
            numbers = typeset([folio(front_pages + body_pages)])[0]
        actual = page_numbers(front, body)
        if actual == pages:
            return TypesetReport(front, body, numbers)
        pages = actual
    raise RenderError("innehållsförteckningens sidnummer blev aldrig stabila")


def page_numbers(front: TypesetPart | None, body: list[TypesetPart]) -> dict[str, int]:
    """Anchor -> page number (1-based) in the assembled document. Before the front part is
    typeset, it is assumed to be cover, contents and summary, one page each."""
    if front is None:
        numbers, start = {SUMMARY_ANCHOR: FRONT_PAGES_GUESS}, FRONT_PAGES_GUESS
    else:
        numbers = {anchor: page + 1 for anchor, page in front.anchors.items()}
        start = front.page_count
    for part in body:
        for anchor, page in part.anchors.items():
            numbers.setdefault(anchor, start + page + 1)
        start += part.page_count
    return numbers


def folio_html(templates_dir: Path, pages: int) -> str:
    return (
        safe_environment(templates_dir)
        .get_template("folio.html")
        .render(
            pages=pages,
            stylesheet=(templates_dir / "css" / "report.css").as_uri(),
            font_faces=Markup(font_face_css()),
        )
    )


def typeset_all(
    renderer: PartRenderer, cache: PartCache, jobs: list[PartJob], deadline: float
) -> list[TypesetPart]:
    """Every job's part, typeset side by side by the workers (or taken from the cache).
    The longest are handed out first, so no worker is left with a long part at the end."""
    by_length = sorted(jobs, key=lambda job: len(job.html), reverse=True)
    started = {id(job): renderer.typeset(job, cache) for job in by_length}
    futures = [started[id(job)] for job in jobs]
    _, pending = cf.wait(futures, timeout=max(0.0, deadline - time.monotonic()))
    if pending:
        renderer.stop(kill=True)
    parts, failures = [], {}
    for job, future in zip(jobs, futures, strict=True):
        try:
            if future in pending:
                raise RenderError("typsättningen tog för lång tid och avbröts")
            try:
                part = future.result()
            except BrokenProcessPool:
                # A worker died (memory, a crash) and took the others' work down with it:
                # typeset this part alone, so only the part that kills its process fails.
                part = run_isolated(typeset_part, job, max(1.0, deadline - time.monotonic()))
            if not getattr(future, "from_cache", False) and not is_fresh(
                part, job
            ):  # a file it read changed meanwhile: once more
                part = renderer.typeset(job, cache).result(max(1.0, deadline - time.monotonic()))
        except (RenderError, cf.TimeoutError) as error:
            failures[job.name] = str(error) or "typsättningen tog för lång tid och avbröts"
            continue
        parts.append(part)
    if failures:
        raise PartsFailed(failures)
    return parts


def render_parts_resilient(
    edition: Edition,
    checked: list[Checked],
    render: Callable[[Report, list[Checked]], Rendered],
    make_job: Callable[[Report, list[Checked]], RenderJob],
    report: Report | None = None,
) -> RenderOutcome:
    """Render in parts; if a chapter cannot be typeset, typeset each of its submissions alone
    (as whole documents, ``make_job``) to find the ones that fail, reject them with the
    reason, and render the rest. A failing front or back part makes every submission a
    suspect, as for a whole-document render."""
    try:
        return RenderOutcome(render(report or merge(edition, checked), checked), checked)
    except PartsFailed as failed:
        goals = failed.goals()
        suspects = [
            item
            for item in checked
            if item.accepted and (goals is None or item.submission.goal in goals)
        ]
        failures = find_culprits(edition, suspects, make_job)
        if not failures:
            raise RenderError(f"rapporten kunde inte typsättas: {failed}") from None
    checked = reject(checked, failures)
    return RenderOutcome(render(merge(edition, checked), checked), checked)
