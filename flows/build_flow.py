"""The Prefect flow `build-report`: gather -> validate -> merge -> render -> publish.

Each stage is a plain function in its own module; this module only wires them as tasks and
reports what people read as artifacts.
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.completeness import Completeness, completeness, status_table
from flows.edition import load_edition
from flows.gather import Disposition, DroppedFile, asset_files, gather
from flows.isolation import RenderJob, RenderOutcome, job_for, render_resilient
from flows.merge import merge
from flows.pages import receipt_pages
from flows.publish import (
    OutputNames,
    edition_lock,
    keep_earlier,
    manifest,
    write_atomically,
    write_json,
    write_pages,
)
from flows.receipt import FileOutcome, outcomes, receipt_json, receipt_table
from flows.render import RenderError
from flows.settings import DEFAULT_SETTLE_SECONDS, TEMPLATES_DIR, Paths
from flows.strict import strict_reasons
from flows.validate import Checked, check_edition, validate_file
from schemas import Edition, Report


@dataclass
class BuildResult:
    """What a build did: the published PDF (if any) and the fate of every file."""

    pdf: Path | None
    files: list[DroppedFile]
    checked: list[Checked]
    outcomes: list[FileOutcome] = field(default_factory=list)
    status: Completeness | None = None
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    archive_pdf: Path | None = None

    @property
    def rejected(self) -> list[Checked]:
        return [c for c in self.checked if not c.accepted]


@task(name="read-and-validate", task_run_name="validera {dropped.relative}", cache_policy=NO_CACHE)
def read_and_validate(dropped: DroppedFile, edition: Edition, assets: dict[str, bytes]) -> Checked:
    """Read one submission file and validate it; problems are data, never exceptions."""
    return validate_file(dropped, edition, assets)


@task(name="merge", cache_policy=NO_CACHE)
def merge_task(edition: Edition, checked: list[Checked]) -> Report:
    """Merge the accepted submissions into one report."""
    return merge(edition, checked)


@task(name="render", cache_policy=NO_CACHE)
def render_task(
    report: Report, checked: list[Checked], edition_dir: Path, draft: bool, archive: bool
) -> RenderOutcome:
    """Typeset the report in a child process with time and memory limits; a submission that
    cannot be typeset is found, rejected with the reason, and the rest rendered."""

    def make_job(merged: Report, items: list[Checked]) -> RenderJob:
        return job_for(merged, items, TEMPLATES_DIR, edition_dir, draft, archive)

    return render_resilient(report.edition, checked, make_job, report=report)


@task(name="publish-receipt", cache_policy=NO_CACHE)
def publish_receipt(
    out: Path, edition: Edition, items: list[FileOutcome], status: Completeness
) -> None:
    """Write the receipt (JSON and HTML pages) and show it and the matrix as artifacts."""
    write_json(out / OutputNames.receipt, receipt_json(items))
    write_pages(out, receipt_pages(edition, items, status, TEMPLATES_DIR))
    create_table_artifact(
        key=f"bidrag-{edition.year}",
        table=receipt_table(items),
        description=f"Inlämnade filer för {edition.year} och vad som hände med dem",
    )
    create_table_artifact(
        key=f"status-{edition.year}",
        table=status_table(status),
        description=f"Vem har lämnat vad: {status.deadline_text}",
    )


@flow(name="build-report", log_prints=True)
def build_report(
    year: int,
    inputs: Path = Path("inputs"),
    outputs: Path = Path("outputs"),
    draft: bool = False,
    archive: bool = False,
    strict: bool = False,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    today: dt.date | None = None,
) -> BuildResult:
    """Build one edition's report from the files departments dropped."""
    paths = Paths(inputs=Path(inputs), outputs=Path(outputs), year=year)
    # One build of an edition at a time: a second one waits for the first to finish.
    with edition_lock(paths.output_dir):
        return _build(paths, draft, archive, strict, settle_seconds, today or dt.date.today())


def _build(
    paths: Paths, draft: bool, archive: bool, strict: bool, settle: float, today: dt.date
) -> BuildResult:
    out = paths.output_dir
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    edition = load_edition(paths.edition_config)
    files = gather(paths.edition_dir, settle_seconds=settle)
    lap("gather")

    assets = asset_files(files)
    submissions = [f for f in files if f.disposition is Disposition.SUBMISSION]
    futures = read_and_validate.map(submissions, edition=unmapped(edition), assets=unmapped(assets))
    checked = check_edition([future.result() for future in futures])
    items = outcomes(files, checked)
    status = completeness(edition, items, today)
    publish_receipt(out, edition, items, status)
    lap("validate")

    def not_published(error: str) -> BuildResult:
        return BuildResult(None, files, checked, items, status, error=error, timings=timings)

    if strict and (reasons := strict_reasons(items, status)):
        return not_published("strikt bygge: " + "; ".join(reasons))

    report = merge_task(edition, checked)
    lap("merge")

    try:
        rendered_outcome = render_task(report, checked, paths.edition_dir, draft, archive)
    except RenderError as error:
        return not_published(str(error))
    if rendered_outcome.checked != checked:  # a submission could not be typeset: say so
        checked = rendered_outcome.checked
        items = outcomes(files, checked)
        status = completeness(edition, items, today)
        publish_receipt(out, edition, items, status)
    rendered = rendered_outcome.rendered
    lap("render")

    names = OutputNames(paths.year, draft)
    write_atomically(out / names.html, rendered.html.encode())
    config = paths.edition_config.read_bytes()
    write_json(
        out / names.manifest, manifest(files, config, rendered.page_count, rendered.pdf, timings)
    )
    keep_earlier(out / names.pdf, rendered.pdf)
    write_atomically(out / names.pdf, rendered.pdf)
    archive_pdf = None
    if rendered.archive_pdf is not None:
        archive_pdf = out / names.archive_pdf
        keep_earlier(archive_pdf, rendered.archive_pdf)
        write_atomically(archive_pdf, rendered.archive_pdf)
    lap("publish")
    create_markdown_artifact(
        key=f"rapport-{paths.year}" + ("-utkast" if draft else ""),
        markdown=f"Rapporten publicerades: `{out / names.pdf}` ({rendered.page_count} sidor).",
        description="Den publicerade rapporten",
    )
    return BuildResult(
        out / names.pdf, files, checked, items, status, timings=timings, archive_pdf=archive_pdf
    )
