"""What the Prefect UI shows people about a build: Swedish parameter titles, warnings per
rejected file and per owing department, the receipt sorted by what needs doing, links to what
was published, and what changed since the previous build."""

import json
import logging
from pathlib import Path
from typing import Any

from prefect.artifacts import create_link_artifact, create_markdown_artifact
from pydantic import Field

from flows.publish import json_bytes
from flows.receipt import links
from flows.receipt.changes import PAGE, Changes, changes_markdown, changes_page, compare, contents
from flows.receipt.completeness import Completeness
from flows.receipt.outcomes import FileOutcome, FileStatus, without_file
from flows.receipt.owing import CONTENTS, Owed
from flows.settings import TEMPLATES_DIR, Paths
from schemas import Edition, Report


def Parameter(  # noqa: N802
    default: Any, title: str, description: str, schema: dict | None = None, **constraints: Any
) -> Any:
    """A flow parameter's default with its Swedish title and help text for the run form.
    (Prefect titles a parameter by its name; a title in json_schema_extra wins.)"""
    extra = {"title": title} | (schema or {})
    return Field(default, description=description, json_schema_extra=extra, **constraints)


def warn_people(
    logger: logging.Logger | logging.LoggerAdapter,
    items: list[FileOutcome],
    owed: list[Owed],
    status: Completeness,
) -> None:
    """One WARNING per rejected file (with its reasons) and per department that owes."""
    for item in items:
        if item.status is FileStatus.REJECTED:
            reasons = "; ".join(without_file(str(p), item.file) for p in item.problems)
            logger.warning("Avvisad fil %s: %s", item.file, reasons or item.explanation)
    for department in owed:
        logger.warning(
            "%s har inte lämnat allt: %s (%s). Kontakt: %s",
            department.name,
            department.goals_text,
            status.deadline_text,
            department.contact_text,
        )


_ORDER = {FileStatus.REJECTED: 0}


def receipt_rows(
    items: list[FileOutcome], from_cache: frozenset[str] = frozenset()
) -> list[dict[str, str]]:
    """The receipt as a table: rejected first, then the files someone must act on, then the
    accepted ones and the rest; every problem in full. ``Kontrollerad`` says whether this
    build read the file or reused an earlier build's check of the same content
    (``from_cache``)."""

    def rank(item: FileOutcome) -> int:
        if item.status is FileStatus.REJECTED:
            return 0
        if item.needs_action or item.needs_update or item.notes:
            return 1
        return 2

    rows = []
    for item in sorted(items, key=lambda i: (rank(i), i.file)):
        messages = [without_file(str(p), item.file) for p in item.problems]
        messages += [f"anmärkning: {without_file(str(n), item.file)}" for n in item.notes]
        if item.misplaced:
            messages.append(item.misplaced)
        rows.append(
            {
                "Fil": item.file,
                "Status": str(item.status),
                "Vad som hände": " | ".join(messages) or item.explanation,
                "Kontrollerad": _checked_when(item, from_cache),
            }
        )
    return rows


def _checked_when(item: FileOutcome, from_cache: frozenset[str]) -> str:
    if item.status in (FileStatus.PENDING, FileStatus.IGNORED, FileStatus.ASSET):
        return "–"  # not a submission this build checked
    return "tidigare bygge (samma innehåll)" if item.file in from_cache else "nu"


def previous_contents(out: Path) -> dict[str, Any] | None:
    """The contents the previous published build of this edition left, if any."""
    try:
        return json.loads((out / CONTENTS).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def contents_files(
    edition: Edition,
    report: Report,
    page_count: int | None,
    before: dict[str, Any] | None,
    contacts_before: dict[str, list[dict[str, str]]],
) -> tuple[Changes | None, dict[str, bytes]]:
    """innehall.json (contacts of earlier builds carried on) and andringar.html, and the
    changes artifact; the changes themselves for the result."""
    now = contents(report, page_count)
    now["kontakter"] = contacts_before | now["kontakter"]
    changes = compare(before, now, ("förra bygget", "detta bygge")) if before else None
    create_markdown_artifact(
        key=f"andringar-{edition.year}",
        markdown=changes_markdown(changes),
        description="Vad som har ändrats sedan förra bygget",
    )
    html = changes_page(edition, changes, TEMPLATES_DIR)
    return changes, {CONTENTS: json_bytes(now), PAGE: html.encode()}


def published_url(paths: Paths, name: str) -> str:
    return links.published_url(paths.output_dir, paths.outputs, name)


def link_artifacts(paths: Paths, pdf: Path, draft: bool, changes: Changes | None) -> None:
    """Links to the published PDF, the receipt pages and the changes."""
    suffix = "-utkast" if draft else ""
    create_link_artifact(
        key=f"pdf-{paths.year}{suffix}",
        link=published_url(paths, pdf.name),
        link_text=f"Öppna {pdf.name}",
        description="Den publicerade rapporten",
    )
    create_link_artifact(
        key=f"kvitto-{paths.year}",
        link=published_url(paths, "validering/index.html"),
        link_text="Kvittot: vad som hände med varje fil",
        description="Kvittosidorna för förvaltningarna",
    )
    create_link_artifact(
        key=f"andringar-sida-{paths.year}",
        link=published_url(paths, PAGE),
        link_text="Vad har ändrats sedan förra bygget",
        description=changes.summary if changes else "Första bygget; inget att jämföra med",
    )
