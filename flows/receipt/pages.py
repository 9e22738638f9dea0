"""HTML pages for people: the receipt per department, an overview, and the completeness matrix.

Every entry of the drop folder is on one page: a department's own files on its page, and the
files outside every department's folder (a misspelt folder, a file beside rapport.yaml) on the
overview, each with what to do."""

from pathlib import Path

from flows.receipt.completeness import SYMBOLS, Cell, Completeness
from flows.receipt.outcomes import FileOutcome, FileStatus, count_text, misplaced
from flows.render.html import safe_environment
from schemas import GOALS, Edition, Problem


def receipt_pages(
    edition: Edition,
    items: list[FileOutcome],
    status: Completeness,
    templates_dir: Path,
    build: str | None = None,
) -> dict[str, str]:
    """{relative output path: HTML} for validering/<department>.html, index.html and status.html.

    ``build`` names the build the receipt is of (its input digest, short), shown with the
    date it was checked (the build's ``today``), so a department knows which build it reads."""
    env = safe_environment(templates_dir)
    env.globals.update(where=where, checked_on=status.today.isoformat(), build=build)
    pages = {}
    overview = []
    rows = {row.department: row for row in status.rows}
    for department in edition.departments:
        own = [i for i in items if i.department == department.id]
        missing = [g for g, c in rows[department.id].cells.items() if c is Cell.MISSING]
        pages[f"validering/{department.id}.html"] = env.get_template(
            "pages/department.html"
        ).render(edition=edition, department=department, items=own, missing=missing)
        overview.append(
            {"id": department.id, "name": department.name, "missing": missing}
            | {s.name.lower(): sum(i.status is s for i in own) for s in FileStatus}
        )
    known = edition.department_ids
    outside = [
        (item, misplaced(item.department, known, item.reason))
        for item in items
        if item.department not in known
    ]
    pages["validering/index.html"] = env.get_template("pages/index.html").render(
        edition=edition,
        departments=overview,
        outside=outside,
        counts=count_text(items),
        status=status,
    )
    pages["status.html"] = env.get_template("pages/status.html").render(
        edition=edition, status=status, goals=GOALS, symbols=SYMBOLS
    )
    return pages


def where(problem: Problem) -> str:
    """'rad 7, nyckel mål' or 'tabell 1, raden Mål'; 'hela filen' when nothing narrower."""
    parts = [problem.place] if problem.place else []
    if problem.line is not None:
        parts.append(f"rad {problem.line}")
    if problem.key:
        parts.append(f"nyckel {problem.key}")
    return ", ".join(parts) or "hela filen"
