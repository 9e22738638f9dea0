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
import logging
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup, escape

from flows.render.fonts import font_face_css
from flows.render.html import render_html, safe_environment
from flows.typesetting.cache import PartCache, is_fresh
from flows.typesetting.isolation import run_isolated
from flows.typesetting.part import PartJob, RenderError, TypesetPart, typeset_part
from flows.typesetting.workers import PartRenderer
from schemas import Report

logger = logging.getLogger(__name__)
FRONT, BACK, FOLIO = "fram", "bak", "sidnummer"
SUMMARY_ANCHOR = "mal-i-korthet"
FRONT_PAGES_GUESS = 3  # cover, contents, summary
MAX_FRONT_ROUNDS = 4
# Kept beside the guessed page numbers (a space never starts an anchor): the front part's
# length and the document's.
FRONT_PAGES, GUESS_PAGES = " fram", " alla"


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
    """Where and how a report's parts are typeset (built by flows/typesetting/report.py)."""

    edition_dir: Path
    templates_dir: Path
    draft: bool
    archive: bool
    renderer: PartRenderer
    cache: PartCache
    timeout: float  # for all the parts together


def typeset_report(report: Report, setting: Typesetting) -> TypesetReport:
    """Every part of the report, typeset side by side or taken from the cache: the chapters
    and the back matter, then the front matter with their page numbers, and the page-number
    layer.

    The front matter needs the chapters' page numbers, which makes it wait for them. So it is
    typeset beside the chapters from a guess, the numbers the last build of this variant ended
    with (usually right: most changes move no page), and again only if the guess was wrong."""
    deadline = time.monotonic() + setting.timeout
    jobs = PartJobs(report, setting)

    def typeset(parts: list[PartJob]) -> list[TypesetPart]:
        return typeset_all(setting.renderer, setting.cache, parts, deadline)

    body_jobs = jobs.parts(body_parts(report))
    if (guess := guessed_front(jobs)) is not None:
        front_pages, pages, front_jobs = guess
        *body, front, numbers = typeset([*body_jobs, *front_jobs])
    else:
        body = typeset(body_jobs)
        front_pages, pages = FRONT_PAGES_GUESS, page_numbers(None, body)
        front = numbers = None
    body_pages = sum(part.page_count for part in body)

    for _ in range(MAX_FRONT_ROUNDS):
        if front is None:
            front, numbers = typeset(
                [*jobs.parts([FRONT], pages), jobs.folio(front_pages + body_pages)]
            )
        if front.page_count != front_pages or numbers.page_count != front_pages + body_pages:
            front_pages = front.page_count
            numbers = typeset([jobs.folio(front_pages + body_pages)])[0]
        actual = page_numbers(front, body)
        if actual == pages:
            total = front_pages + body_pages
            setting.cache.remember_pages(
                _variant(setting), actual | {FRONT_PAGES: front_pages, GUESS_PAGES: total}
            )
            return TypesetReport(front, body, numbers)
        pages, front = actual, None
    raise RenderError("innehållsförteckningens sidnummer blev aldrig stabila")


def start_parts(report: Report, setting: Typesetting) -> None:
    """Hand the report's parts to the workers and return at once: the chapters and the back
    matter, and the front matter and page numbers from the last build's numbers if there are
    any (as typeset_report would). Whoever asks for the same part later finds it running or
    in the cache."""
    jobs = PartJobs(report, setting)
    parts = jobs.parts(body_parts(report))
    if (guess := guessed_front(jobs)) is not None:
        parts += guess[2]
    for job in sorted(parts, key=lambda job: len(job.html), reverse=True):
        setting.renderer.typeset(job, setting.cache)


def guessed_front(jobs: "PartJobs") -> tuple[int, dict[str, int], list[PartJob]] | None:
    """The front matter and the page-number layer as the last build of this variant ended
    them: the front's length, the page numbers, and the two jobs; None without a guess."""
    guess = jobs.setting.cache.last_pages(_variant(jobs.setting))
    if guess is None or FRONT_PAGES not in guess or GUESS_PAGES not in guess:
        return None
    pages = {anchor: page for anchor, page in guess.items() if not anchor.startswith(" ")}
    front = [*jobs.parts([FRONT], pages), jobs.folio(guess[GUESS_PAGES])]
    return guess[FRONT_PAGES], pages, front


def _variant(setting: Typesetting) -> str:
    return "utkast" if setting.draft else "slutlig"


def body_parts(report: Report) -> list[str]:
    """The parts after the front matter: one per goal chapter, then the back matter."""
    return [chapter_part(chapter.goal.number) for chapter in report.chapters] + [BACK]


class PartJobs:
    """The jobs for one report's parts: its HTML, options, and the pictures each part uses."""

    def __init__(self, report: Report, setting: Typesetting):
        self.report, self.setting = report, setting

    def part(self, name: str, pages: dict[str, int] | None = None) -> PartJob:
        setting = self.setting
        html = render_html(
            self.report, setting.templates_dir, setting.draft, part=name, pages=pages
        )
        pictures = self.report.pictures
        uses = {n: data for n, data in pictures.items() if _named_in(n, html)}
        return PartJob(
            name, html, setting.edition_dir, setting.templates_dir, setting.archive, embedded=uses
        )

    def parts(self, names: list[str], pages: dict[str, int] | None = None) -> list[PartJob]:
        """The named parts' jobs. A part whose HTML cannot be made (a fault of ours that some
        submission's content brings out) fails like a part that cannot be typeset, so the
        culprit search can find that submission and the rest is published."""
        made, failures = [], {}
        for name in names:
            try:
                made.append(self.part(name, pages))
            except Exception:  # noqa: BLE001  (the part's fault boundary; logged)
                logger.exception("the HTML of part %s could not be made", name)
                failures[name] = "texten kunde inte göras om till rapportens form (internt fel)"
        if failures:
            raise PartsFailed(failures)
        return made

    def folio(self, pages: int) -> PartJob:
        html = folio_html(self.setting.templates_dir, pages)
        return PartJob(
            FOLIO, html, self.setting.edition_dir, self.setting.templates_dir, tagged=False
        )


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


def _named_in(path: str, html: str) -> bool:
    """Whether the HTML refers to the picture at ``path`` (as written, escaped or quoted)."""
    return any(form in html for form in (path, str(escape(path)), quote(path)))


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
