"""Stage 4a: Report -> HTML (Jinja2, autoescaped). Typesetting it is flows/typesetting/."""

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from flows.render.filters import report_filters
from flows.render.fonts import font_face_css
from schemas import Report, slugify


def safe_environment(templates_dir: Path) -> jinja2.Environment:
    """Jinja2 as every page of ours uses it: autoescaped, and an unknown name is an error.

    Compiled templates are kept between processes (Jinja's own bytecode cache, in a folder of
    this user's under the temporary directory, checked against each template's source):
    compiling them cost a new build command 0.2 s."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
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
    env.filters.update(report_filters())
    return env


def render_html(
    report: Report,
    templates_dir: Path,
    draft: bool = False,
    part: str | None = None,
    pages: dict[str, int] | None = None,
) -> str:
    """The report as HTML; a draft also lists the files left out (``report.excluded``).

    With ``part`` ("fram", "mal-<n>" or "bak", see flows/typesetting/parts.py) only that part
    of the body, without page numbers; ``pages`` gives the contents its numbers, by anchor.
    """
    env = template_environment(templates_dir)

    def page_of(anchor: str) -> Markup:
        if pages is None:
            return Markup("")
        return Markup(' data-page="{}"').format(pages[anchor])

    stylesheets = [(templates_dir / "css" / name).as_uri() for name in ("report.css", "text.css")]
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
        excluded=report.excluded,
        stylesheets=stylesheets,
        font_faces=Markup(font_face_css()),
        part=part,
        page_of=page_of,
    )
