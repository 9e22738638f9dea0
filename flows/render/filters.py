"""The report templates' filters: Swedish dates and numbers, badges, charts, table columns."""

import base64

import jinja2
from markupsafe import Markup, escape

from flows.render import charts
from flows.render.markdown import render_markdown
from flows.render.numbers import figure_decimals, swedish_number
from schemas import Goal, KeyFigure, Project, Source

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


def report_filters() -> dict:
    """Filter name -> function, as report.html and its partials use them."""
    return {
        "markdown": markdown,
        "swedish_date": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
        "badge_uri": badge_uri,
        "chart_uri": charts.chart_data_uri,
        "chart_alt": charts.chart_alt,
        "trend": charts.trend_sentence,
        "years": figure_years,
        "project_columns": project_columns,
        "has_targets": lambda figures: any(f.target is not None for f in figures),
        "number": table_number,
        "decimals": figure_decimals,
        "any_missing": any_missing,
        "balanced": balanced,
        "goal_strip_uri": goal_strip_uri,
        "department_name": department_name,
        "css_string": css_string,
    }


@jinja2.pass_context
def department_name(context, department_id: str) -> str:
    names = {d.id: d.name for d in context["edition"].departments}
    return names.get(department_id, department_id)


def markdown(text: str, level: int, source: Source) -> Markup:
    """A submission's Markdown; its pictures resolve in the department's folder."""
    return render_markdown(text, level, source.file.rsplit("/", 1)[0])


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string that is safe inside a <style> element."""
    escaped = "".join(f"\\{ord(char):x} " if char in '\\"<>\n\r' else char for char in text)
    return Markup(f'"{escaped}"')


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


# Statistics Sweden's sign for "not available"; a dash would read as "nothing" or "zero".
MISSING = ".."


def table_number(value: float | None, decimals: int | None = None) -> str:
    return MISSING if value is None else swedish_number(value, decimals)


def any_missing(figures: list[KeyFigure], years: list[int]) -> bool:
    return any(figure.values.get(year) is None for figure in figures for year in years)


def balanced(text: str, line_chars: int = 24) -> Markup:
    """``text`` broken into as few lines as ``line_chars`` allows, the lines as even as
    possible and none ending on a one- or two-letter word (a cover title; WeasyPrint 70 has
    no ``text-wrap: balance``)."""
    words = text.split()
    lines = max(1, -(-len(text) // line_chars))
    if lines == 1 or len(words) < 2:
        return escape(text)
    best: tuple[float, list[str]] | None = None

    def splits(rest: list[str], count: int):
        if count == 1:
            yield [" ".join(rest)]
            return
        for cut in range(1, len(rest) - count + 2):
            for tail in splits(rest[cut:], count - 1):
                yield [" ".join(rest[:cut]), *tail]

    for candidate in splits(words, min(lines, len(words))):
        cost = max(len(line) for line in candidate)
        cost += sum(3 for line in candidate[:-1] if len(line.rsplit(" ", 1)[-1]) <= 2)
        if best is None or cost < best[0]:
            best = (cost, candidate)
    return Markup("<br>").join(escape(line) for line in best[1])


def goal_strip_uri(chapters) -> str:
    """The cover's row of goal colours, one square per goal, as an SVG image."""
    size, gap = 82, 9  # tenths of a millimetre, as the squares were drawn in CSS
    squares = "".join(
        f'<rect x="{i * (size + gap)}" y="0" width="{size}" height="{size}" '
        f'fill="{chapter.goal.colour}"/>'
        for i, chapter in enumerate(chapters)
    )
    width = max(1, len(chapters) * (size + gap) - gap)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {size}" '
        f'width="{width}" height="{size}">{squares}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
