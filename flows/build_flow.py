"""The Prefect flow `build-report`: gather -> validate -> merge -> render -> publish.

Each stage is a plain function in its own module; this module only wires them as tasks.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE

from flows.edition import load_edition
from flows.gather import Disposition, DroppedFile, gather
from flows.merge import merge
from flows.publish import OutputNames, manifest, receipt, write_atomically, write_json
from flows.render import Rendered, RenderError, render_html, render_pdf
from flows.settings import TEMPLATES_DIR, Paths
from flows.validate import Checked, check_edition, validate_file
from schemas import Edition, Report


@dataclass
class BuildResult:
    """What a build did: the published PDF (if any) and the fate of every file."""

    pdf: Path | None
    files: list[DroppedFile]
    checked: list[Checked]
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    archive_pdf: Path | None = None

    @property
    def rejected(self) -> list[Checked]:
        return [c for c in self.checked if not c.accepted]


@task(name="read-and-validate", task_run_name="validera {dropped.relative}", cache_policy=NO_CACHE)
def read_and_validate(dropped: DroppedFile, edition: Edition, assets: frozenset[str]) -> Checked:
    """Read one submission file and validate it; problems are data, never exceptions."""
    return validate_file(dropped, edition, assets)


@task(name="merge", cache_policy=NO_CACHE)
def merge_task(edition: Edition, checked: list[Checked]) -> Report:
    """Merge the accepted submissions into one report."""
    return merge(edition, checked)


@task(name="render", cache_policy=NO_CACHE)
def render_task(report: Report, edition_dir: Path, draft: bool, archive: bool) -> Rendered:
    """Render the report to HTML and a tagged PDF (and an archival PDF/A)."""
    html = render_html(report, TEMPLATES_DIR, draft=draft)
    identifier = f"{report.edition.municipality_code}-{report.edition.year}-{'utkast' if draft else 'rapport'}"
    return render_pdf(
        html, edition_dir, TEMPLATES_DIR, identifier, timestamp=report.edition.date, archive=archive
    )


@flow(name="build-report", log_prints=True)
def build_report(
    year: int,
    inputs: Path = Path("inputs"),
    outputs: Path = Path("outputs"),
    draft: bool = False,
    archive: bool = False,
) -> BuildResult:
    """Build one edition's report from the files departments dropped."""
    paths = Paths(inputs=Path(inputs), outputs=Path(outputs), year=year)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    edition = load_edition(paths.edition_config)
    files = gather(paths.edition_dir)
    lap("gather")

    assets = frozenset(f.relative for f in files if f.disposition is Disposition.ASSET)
    submissions = [f for f in files if f.disposition is Disposition.SUBMISSION]
    futures = read_and_validate.map(submissions, edition=unmapped(edition), assets=unmapped(assets))
    checked = check_edition([future.result() for future in futures])
    lap("validate")

    report = merge_task(edition, checked)
    lap("merge")

    try:
        rendered = render_task(report, paths.edition_dir, draft, archive)
    except RenderError as error:
        return BuildResult(None, files, checked, error=str(error), timings=timings)
    lap("render")

    names = OutputNames(year, draft)
    out = paths.output_dir
    write_atomically(out / names.html, rendered.html.encode())
    write_json(out / names.receipt, receipt(files, checked))
    write_json(
        out / names.manifest,
        manifest(
            files, paths.edition_config.read_bytes(), rendered.page_count, rendered.pdf, timings
        ),
    )
    write_atomically(out / names.pdf, rendered.pdf)
    archive_pdf = None
    if rendered.archive_pdf is not None:
        archive_pdf = out / names.archive_pdf
        write_atomically(archive_pdf, rendered.archive_pdf)
    lap("publish")
    return BuildResult(out / names.pdf, files, checked, timings=timings, archive_pdf=archive_pdf)
