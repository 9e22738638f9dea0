"""The Prefect flow `build-report`: gather -> validate -> merge -> render -> publish.

Each stage is a plain function in its own module; this module only wires them as tasks and
reports what people read as artifacts. Reading and validating a submission is cached on its
content (flows/caching.py), with the results kept under <outputs>/.prefect-cache/, so a rerun
reads only the files that changed. The run ends in a named state: "Klar", "Klar med avvisade
filer" or "Ej publicerad".
"""

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.states import Completed, State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task
from prefect.utilities.annotations import quote
from pydantic import NonNegativeFloat

from flows.gather import Disposition, DroppedFile, asset_files, gather
from flows.merge import merge, merge_each_file_apart
from flows.orchestration.caching import DEPARTMENT_CACHE
from flows.orchestration.file_results import (
    CACHE_FOLDER,
    PER_FILE_FOLDER,
    FileResults,
    assets_of_folder,
    earlier_check,
)
from flows.orchestration.people import (
    Parameter,
    contents_files,
    link_artifacts,
    previous_contents,
    receipt_rows,
    warn_people,
)
from flows.publish import (
    OutputNames,
    edition_lock,
    inputs_digest,
    json_bytes,
    manifest,
    manifest_inputs,
    publish,
)
from flows.readers.edition import read_edition
from flows.receipt.completeness import Completeness, completeness, status_table, strict_reasons
from flows.receipt.outcomes import FileOutcome, count_text, outcomes, receipt_json
from flows.receipt.owing import Owed, contacts_of_submissions, earlier_contacts, owed
from flows.receipt.pages import receipt_pages
from flows.settings import DEFAULT_SETTLE_SECONDS, TEMPLATES_DIR, Paths
from flows.timeline import record, span
from flows.typesetting.part import Rendered, RenderError
from flows.typesetting.report import RenderOutcome, typeset_resilient, typesetting
from flows.typesetting.workers import shared_renderer
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
    from_cache: list[str] = field(default_factory=list)  # files whose check an earlier run made
    owed: list[Owed] = field(default_factory=list)  # departments that owe contributions
    changes_summary: str | None = None  # what changed since the previous build, if any

    @property
    def rejected(self) -> list[Checked]:
        return [c for c in self.checked if not c.accepted]

    @property
    def state_name(self) -> str:
        """The name the flow run ends with, so the UI tells the three outcomes apart."""
        if self.pdf is None:
            return NOT_PUBLISHED
        return CLEAN if not self.rejected else WITH_REJECTED


CLEAN, WITH_REJECTED, NOT_PUBLISHED = "Klar", "Klar med avvisade filer", "Ej publicerad"


def transient_io(task: Task, task_run: TaskRun, state: State) -> bool:
    """Retry condition: only an OSError (a full disk, a share gone for a moment) is worth
    another try; anything else, and a validation problem above all, would fail the same way."""
    try:
        state.result()
    except OSError:
        return True
    except BaseException:
        return False
    return False


@dataclass(frozen=True)
class DepartmentChecked:
    """One department's files checked: a Checked per file, in the order given, and which of
    them an earlier build had checked (their results came from the per-file cache)."""

    checked: list[Checked]
    from_cache: list[str]


# One task per department, not per file as STYLE.md's model has it: a task run's bookkeeping
# (its states, on client and server) costs more than checking a file. The per-file cache inside
# keeps what a task per file gave: only a changed file is read again.
@task(
    name="validate-department",
    task_run_name="validera {folder}",
    cache_policy=DEPARTMENT_CACHE,
    persist_result=True,
    result_serializer="pickle",  # Checked holds dataclasses and pydantic models
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=transient_io,
)
def validate_department(
    folder: str,
    files: list[DroppedFile],
    edition: Edition,
    assets: dict[str, bytes],
    results: Path,
) -> DepartmentChecked:
    """Read and validate one department's files; problems are data, never exceptions."""
    store = FileResults(results)
    checked, from_cache = [], []
    for dropped in files:
        key, earlier = earlier_check(store, dropped, edition, assets)
        if earlier is not None:
            checked.append(earlier)
            from_cache.append(dropped.relative)
            continue
        result = validate_file(dropped, edition, assets)
        store.put(key, result)
        checked.append(result)
    return DepartmentChecked(checked, from_cache)


def validate_departments(
    submissions: list[DroppedFile], edition: Edition, assets: dict[str, bytes], cache: Path
) -> tuple[list[Checked], list[str]]:
    """Every submission checked, a task per department side by side; the results in the
    files' order, and the files whose check an earlier build made."""
    by_folder: dict[str, list[DroppedFile]] = {}
    for dropped in submissions:
        by_folder.setdefault(dropped.folder, []).append(dropped)
    validate = validate_department.with_options(result_storage=cache.resolve())
    futures = {
        # quote(): Prefect would otherwise walk every parameter looking for futures to track,
        # the edition model and the files' bytes included.
        folder: validate.submit(
            folder,
            quote(files),
            quote(edition),
            quote(assets_of_folder(assets, folder)),
            cache.resolve() / PER_FILE_FOLDER,
        )
        for folder, files in by_folder.items()
    }
    results, from_cache = {}, []
    for future in futures.values():
        department = future.result()
        for item in department.checked:
            results[item.file] = item
        # A Cached task run returns the result an earlier build stored: every file in it is
        # from that build, whatever it said then.
        if future.state.name == "Cached":
            from_cache.extend(item.file for item in department.checked)
        else:
            from_cache.extend(department.from_cache)
    FileResults(cache.resolve() / PER_FILE_FOLDER).prune()
    return [results[dropped.relative] for dropped in submissions], from_cache


@task(name="merge", cache_policy=NO_CACHE)
def merge_task(edition: Edition, checked: list[Checked]) -> tuple[Report, list[Checked]]:
    """Merge the accepted submissions into one report; a file that cannot be merged is
    rejected alone (merge_each_file_apart)."""
    return merge_each_file_apart(edition, checked)


@task(name="render", cache_policy=NO_CACHE)
def render_task(
    report: Report,
    checked: list[Checked],
    edition_dir: Path,
    draft: bool,
    archive: bool,
    parts_cache: Path,
) -> RenderOutcome:
    """Typeset the report part by part in worker processes (time and memory limits), reusing
    parts typeset before from the same inputs, and assemble one PDF. A submission whose
    chapter cannot be typeset is found, rejected with the reason, and the rest rendered."""
    setting = typesetting(edition_dir, parts_cache, draft, archive)

    def compose(items: list[Checked]) -> Report:
        return merge(report.edition, items)

    try:
        return typeset_resilient(checked, compose, setting, report=report)
    finally:
        setting.cache.prune()


def receipt_files(
    edition: Edition, items: list[FileOutcome], status: Completeness, build: dict
) -> dict[str, bytes]:
    """The receipt's files (JSON and HTML pages), to be published with the rest of the build.

    The JSON opens with ``bygge``: whether this build published, the PDF and its sha256 if it
    did, why not if it did not, and the sha256 of its inputs (the manifest's `inputs_sha256`).
    A build that does not publish (a strict refusal, a failed render) publishes its receipt
    alone, since departments need it: the previous build's PDF, HTML and manifest stay as they
    were, and ``bygge`` (publicerad: false, its own inputs_sha256) tells the two builds apart.
    """
    # The department pages name their build by its inputs' digest, as validering.json does.
    digest = build.get("indata_sha256") or ""
    pages = receipt_pages(edition, items, status, TEMPLATES_DIR, build=digest[:12] or None)
    return {OutputNames.receipt: json_bytes({"bygge": build, **receipt_json(items)})} | {
        relative: html.encode() for relative, html in pages.items()
    }


def receipt_artifacts(
    edition: Edition, items: list[FileOutcome], status: Completeness, from_cache: list[str]
) -> None:
    """Show the receipt and the matrix as artifacts."""
    create_table_artifact(
        key=f"bidrag-{edition.year}",
        table=receipt_rows(items, frozenset(from_cache)),
        description=f"Inlämnade filer för {edition.year} och vad som hände med dem: "
        "avvisade först, sedan de som behöver åtgärdas, sist de godkända",
    )
    create_table_artifact(
        key=f"status-{edition.year}",
        table=status_table(status),
        description=f"Vem har lämnat vad: {status.deadline_text}",
    )


@task(
    name="publish",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=2,
    retry_condition_fn=transient_io,
)
def publish_task(out: Path, files: dict[str, bytes], pdfs: tuple[str, ...] = ()) -> None:
    """Publish one build's files into the year folder in one step (flows/publish.py): readers,
    and a build killed at any moment, see the previous build's folder or this one's."""
    publish(out, files, pdfs)


def report_outputs(
    names: OutputNames, rendered: Rendered, inputs: list[dict], timings: dict[str, float]
) -> tuple[dict[str, bytes], dict]:
    """The report's files (PDF, archive copy, HTML, manifest) and the receipt's ``bygge``."""
    pdfs = {names.pdf: rendered.pdf}
    if rendered.archive_pdf is not None:
        pdfs[names.archive_pdf] = rendered.archive_pdf
    described = manifest(inputs, pdfs, rendered.page_count, timings)
    build = {
        "publicerad": True,
        "pdf": names.pdf,
        "pdf_sha256": described["pdf"]["sha256"],
        "indata_sha256": described["inputs_sha256"],
    }
    html = rendered.html.encode()
    return pdfs | {names.html: html, names.manifest: json_bytes(described)}, build


# Validation is Python under the GIL: a few threads keep the cache reads overlapped, while one
# thread per file (Prefect's default) costs more to start than the work it does.
VALIDATION_THREADS = 4


@flow(
    name="build-report",
    log_prints=True,
    task_runner=ThreadPoolTaskRunner(max_workers=VALIDATION_THREADS),
)
def build_report(
    year: int = Parameter(..., "År", "Rapportåret: mappen under inputs, t.ex. 2025."),
    inputs: Path = Parameter(  # noqa: B008 (Prefect reads Field defaults)
        Path("inputs"), "Inlämningsmapp", "Mappen med en undermapp per år och rapport.yaml i den."
    ),
    outputs: Path = Parameter(  # noqa: B008 (Prefect reads Field defaults)
        Path("outputs"), "Utdatamapp", "Dit rapporten och kvittona skrivs, en undermapp per år."
    ),
    draft: bool = Parameter(False, "Utkast", "Märk rapporten UTKAST och visa vem som skrivit vad."),
    archive: bool = Parameter(False, "Arkivversion", "Skriv också en arkivversion (PDF/A-3)."),
    strict: bool = Parameter(
        False, "Strikt", "Publicera ingenting om en fil avvisas eller ett bidrag saknas."
    ),
    settle_seconds: NonNegativeFloat = Parameter(  # noqa: B008
        DEFAULT_SETTLE_SECONDS,
        "Vänta på filer (sekunder)",
        "Filer som ändrats för kortare tid sedan räknas som 'väntar' och läses inte.",
    ),
    today: dt.date | None = Parameter(  # noqa: B008 (Prefect reads Field defaults)
        None,
        "Räkna från datum",
        "Dagar kvar till sista dag räknas från detta datum; tomt betyder i dag.",
        # one date field in the run form, not a choice between a date and "None"
        schema={"anyOf": [{"type": "string", "format": "date"}], "format": "date"},
    ),
) -> State[BuildResult]:
    """Build one edition's report from the files departments dropped.

    Ends in a Completed state named by the outcome; a plain call returns the BuildResult.
    """
    paths = Paths(inputs=Path(inputs), outputs=Path(outputs), year=year)
    if not paths.edition_config.is_file():
        return missing_edition(paths)
    # One build of an edition at a time: a second one waits for the first to finish.
    with edition_lock(paths.output_dir):
        result = _build(paths, draft, archive, strict, settle_seconds, today or dt.date.today())
    return final_state(result)


def missing_edition(paths: Paths) -> State[BuildResult]:
    """A year without rapport.yaml: said in Swedish, with how to start the edition."""
    error = (
        f"utgåvan {paths.year} finns inte: {paths.edition_config} saknas. Starta den med "
        f"`agenda2030 new-edition --year {paths.year} --from {paths.year - 1}` "
        f"(med --with-texts för att ta med förra årets texter)"
    )
    get_run_logger().warning("Ingen rapport publicerades: %s", error)
    result = BuildResult(None, [], [], error=error)
    return Completed(
        name=NOT_PUBLISHED, message=f"Ingen rapport publicerades: {error}", data=result
    )


def final_state(result: BuildResult) -> State[BuildResult]:
    """'Klar', 'Klar med avvisade filer' or 'Ej publicerad', carrying the result itself.

    Not publishing is a Completed state too (by name, not type): a strict build that refuses
    is the option doing its job, and a plain call must still hand back the BuildResult.
    """
    counts = count_text(result.outcomes)
    if result.pdf is None:
        message = f"Ingen rapport publicerades: {result.error} ({counts})"
    else:
        message = f"{result.pdf.name} publicerades ({counts})"
    return Completed(name=result.state_name, message=message, data=result)


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
        record(stage, time.time() - (now - clock), time.time())
        clock = now

    shared_renderer().start()  # the workers import WeasyPrint while the files are validated
    edition, config = read_edition(paths.edition_config)  # its bytes go into the manifest
    files = gather(paths.edition_dir, settle_seconds=settle)
    lap("gather")

    assets = asset_files(files)
    submissions = [f for f in files if f.disposition is Disposition.SUBMISSION]
    checked, from_cache = validate_departments(
        submissions, edition, assets, paths.outputs / CACHE_FOLDER
    )
    checked = check_edition(checked, edition)
    lap("validate")

    inputs = manifest_inputs(files, config)
    contacts_before = earlier_contacts(paths.outputs, paths.year)

    def chase(items: list[FileOutcome], status: Completeness, checked: list[Checked]):
        found = owed(edition, status, items, contacts_of_submissions(checked), contacts_before)
        warn_people(get_run_logger(), items, found, status)
        return found

    def not_published(error: str, checked: list[Checked]) -> BuildResult:
        # The receipt alone is published (departments need it); the previous PDF, its HTML and
        # its manifest stay, and the receipt says it comes from a build that did not publish.
        items = outcomes(files, checked, edition)
        status = completeness(edition, items, today)
        build = {"publicerad": False, "orsak": error, "indata_sha256": inputs_digest(inputs)}
        publish_task(out, receipt_files(edition, items, status, build))
        receipt_artifacts(edition, items, status, from_cache)
        return BuildResult(
            None,
            files,
            checked,
            items,
            status,
            error=error,
            timings=timings,
            from_cache=from_cache,
            owed=chase(items, status, checked),
        )

    if strict and (reasons := strict_reasons(outcomes(files, checked, edition), edition, today)):
        return not_published("strikt bygge: " + "; ".join(reasons), checked)

    report, checked = merge_task(edition, checked)
    lap("merge")

    try:
        rendered_outcome = render_task(
            report, checked, paths.edition_dir, draft, archive, paths.parts_cache
        )
    except RenderError as error:
        return not_published(str(error), checked)
    checked, rendered = rendered_outcome.checked, rendered_outcome.rendered
    lap("render")
    # Outcomes once, after rendering has had its say (it may reject a file it cannot typeset).
    items = outcomes(files, checked, edition)
    status = completeness(edition, items, today)
    if strict and (reasons := strict_reasons(items, edition, today)):
        return not_published("strikt bygge: " + "; ".join(reasons), checked)
    names = OutputNames(paths.year, draft)
    report_files, build = report_outputs(names, rendered, inputs, dict(timings))
    # What changed since the previous published build: its contents are read before this
    # build's replace them, and both go out in the same swap as the PDF.
    changes, changed_files = contents_files(
        edition, report, rendered.page_count, previous_contents(out), contacts_before
    )
    # The variant's PDF and its archive copy are this build's to replace: an archive copy it
    # does not make again goes to arkiv/ rather than stay beside a PDF it does not belong to.
    publish_task(
        out,
        report_files | receipt_files(edition, items, status, build) | changed_files,
        (names.pdf, names.archive_pdf),
    )
    lap("publish")
    pdf = out / names.pdf
    archive_pdf = out / names.archive_pdf if rendered.archive_pdf is not None else None
    with span("artifacts"):
        receipt_artifacts(edition, items, status, from_cache)
        create_markdown_artifact(
            key=f"rapport-{paths.year}" + ("-utkast" if draft else ""),
            markdown=f"Rapporten publicerades: `{pdf}` ({rendered.page_count} sidor).",
            description="Den publicerade rapporten",
        )
        link_artifacts(paths, pdf, draft, changes)
        found = chase(items, status, checked)
    return BuildResult(
        pdf,
        files,
        checked,
        items,
        status,
        timings=timings,
        archive_pdf=archive_pdf,
        from_cache=from_cache,
        owed=found,
        changes_summary=changes.summary if changes else None,
    )
