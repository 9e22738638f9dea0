"""The report templates' filters: Swedish dates and numbers, badges, charts, table columns."""

import base64

import jinja2
from markupsafe import Markup

from flows.render import charts
from flows.render.markdown import render_markdown
from flows.render.numbers import swedish_number
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
        "number": lambda value: "–" if value is None else swedish_number(value),
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
