"""Stage 4: Report -> HTML (Jinja2, autoescaped) -> PDF (WeasyPrint, tagged, fonts embedded)."""

import base64
import calendar
import datetime as dt
import hashlib
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from flows import charts
from flows.fetcher import AllowedFiles, folder_fetcher
from flows.fonts import font_dirs, font_face_css
from flows.markdown import render_markdown
from flows.numbers import swedish_number
from schemas import Goal, KeyFigure, Project, Report, Source, slugify

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]

# The default document is PDF/UA-1: tagged, with language, title and embedded fonts.
ACCESSIBLE_VARIANT = "pdf/ua-1"
ARCHIVE_VARIANT = "pdf/a-3a"


class RenderError(Exception):
    """The renderer failed or reported an error; nothing may be published from it."""


@dataclass(frozen=True)
class Rendered:
    html: str
    pdf: bytes
    page_count: int
    archive_pdf: bytes | None = None


def safe_environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja2 as every page of ours uses it: autoescaped, and an unknown name is an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["slug"] = slugify
    return env


@cache
def template_environment(templates_dir: Path) -> jinja2.Environment:
    """The report's environment, made once per process: compiling the templates costs more
    than rendering them, and a report typeset in parts renders them once per part."""
    env = safe_environment(templates_dir)
    env.filters.update(
        markdown=lambda text, level, source: _markdown(text, level, source),
        swedish_date=lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
        badge_uri=badge_uri,
        chart_uri=charts.chart_data_uri,
        chart_alt=charts.chart_alt,
        trend=charts.trend_sentence,
        years=figure_years,
        project_columns=project_columns,
        has_targets=lambda figures: any(f.target is not None for f in figures),
        number=lambda value: "–" if value is None else swedish_number(value),
        department_name=_department_name,
        css_string=css_string,
    )
    return env


@jinja2.pass_context
def _department_name(context, department_id: str) -> str:
    names = {d.id: d.name for d in context["edition"].departments}
    return names.get(department_id, department_id)


def _markdown(text: str, level: int, source: Source) -> Markup:
    return render_markdown(text, level, source.file.rsplit("/", 1)[0])


def render_html(
    report: Report,
    templates_dir: Path,
    draft: bool = False,
    excluded: list | None = None,
    part: str | None = None,
    pages: dict[str, int] | None = None,
) -> str:
    """The report as HTML; a draft also lists the files left out (``excluded`` outcomes).

    With ``part`` ("fram", "mal-<n>" or "bak", see flows/parts.py) only that part of the body,
    without page numbers; ``pages`` gives the contents its numbers, by anchor.
    """
    env = template_environment(templates_dir)

    def page_of(anchor: str) -> Markup:
        if pages is None:
            return Markup("")
        return Markup(' data-page="{}"').format(pages[anchor])

    stylesheets = [(templates_dir / "css" / "report.css").as_uri()]
    if draft:
        stylesheets.append((templates_dir / "css" / "draft.css").as_uri())
    sources = sorted(
        {f.source for c in report.chapters for s in c.walk() for f in s.key_figures if f.source}
    )
    return env.get_template("report.html").render(
        edition=report.edition,
        chapters=report.chapters,
        contributors=report.contributors,
        sources=sources,
        draft=draft,
        excluded=excluded or [],
        stylesheets=stylesheets,
        font_faces=Markup(font_face_css()),
        part=part,
        page_of=page_of,
    )


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string that is safe inside a <style> element."""
    escaped = "".join(f"\\{ord(char):x} " if char in '\\"<>\n\r' else char for char in text)
    return Markup(f'"{escaped}"')


def render_pdf(
    html: str,
    edition_dir: Path,
    templates_dir: Path,
    identifier: str,
    timestamp: dt.date = dt.date(2000, 1, 1),
    archive: bool = False,
    embedded: dict[str, bytes] | None = None,
) -> Rendered:
    """Typeset ``html`` once, and write it as PDF/UA-1 (and, with ``archive``, as PDF/A-3a).

    Relative URLs resolve in the edition folder; nothing outside the edition, the templates
    and the font packages can be read. ``identifier`` and ``timestamp`` come from the edition
    so the same inputs give the same bytes (fontTools stamps subset fonts with
    SOURCE_DATE_EPOCH when it is set). ``embedded`` holds images that live inside submissions
    (Word), by edition-relative path.
    """
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(timestamp.timetuple()))
    in_memory = {edition_dir / name: content for name, content in (embedded or {}).items()}
    import weasyprint  # here, not at the top: only processes that typeset load it

    fetcher = folder_fetcher(AllowedFiles([edition_dir, templates_dir, *font_dirs()], in_memory))
    pdf_identifier = hashlib.sha256(identifier.encode()).hexdigest()[:32].encode()
    with weasyprint_errors() as errors:
        try:
            document = weasyprint.HTML(
                string=html, base_url=edition_dir.resolve().as_uri() + "/", url_fetcher=fetcher
            ).render()
            pdf = document.write_pdf(pdf_variant=ACCESSIBLE_VARIANT, pdf_identifier=pdf_identifier)
            archive_pdf = (
                document.write_pdf(pdf_variant=ARCHIVE_VARIANT, pdf_identifier=pdf_identifier)
                if archive
                else None
            )
        except weasyprint.urls.FatalURLFetchingError as error:
            cause = error.__cause__ or error
            raise RenderError(f"en resurs kunde inte hämtas: {cause}") from None
    if errors:
        raise RenderError("WeasyPrint rapporterade fel: " + "; ".join(errors))
    return Rendered(html=html, pdf=pdf, page_count=len(document.pages), archive_pdf=archive_pdf)


class _NoSubsetterNagging(logging.Filter):
    """WeasyPrint warns on every font that it subsets with fontTools because the system lacks
    libharfbuzz-subset; the output is correct, so the warning only buries real ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()


logging.getLogger("weasyprint").addFilter(_NoSubsetterNagging())


@contextmanager
def weasyprint_errors():
    """Collect WeasyPrint's ERROR records: a silent omission is an error."""
    errors: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    handler = Collector(level=logging.ERROR)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield errors
    finally:
        logger.removeHandler(handler)


def badge_uri(goal: Goal) -> str:
    """The goal's number badge, drawn here (not the UN's icon images)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
        f'<rect x="3" y="3" width="94" height="94" rx="10" fill="{goal.colour}" '
        f'stroke="{goal.text_colour}" stroke-width="4"/>'
        f'<text x="50" y="69" text-anchor="middle" font-family="Source Sans Pro" '
        f'font-weight="700" font-size="56" fill="{goal.text_colour}">{goal.number}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


PROJECT_COLUMNS = (
    ("kind", "Typ"),
    ("period", "Period"),
    ("partners", "Partner"),
    ("funding", "Finansiering"),
    ("role", "Kommunens roll"),
)


def project_columns(projects: list[Project]) -> list[tuple[str, str]]:
    return [
        (key, label) for key, label in PROJECT_COLUMNS if any(getattr(p, key) for p in projects)
    ]


def figure_years(figures: list[KeyFigure]) -> list[int]:
    return sorted({year for figure in figures for year in figure.values})
