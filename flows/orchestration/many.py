"""The Prefect flow `build-reports`: many editions at once, each as a `build-report` run, spread
over a Dask cluster (a local one by default, or an existing one by its scheduler's address).

An edition is a folder with a rapport.yaml: ``inputs/2026`` for another year, or
``kommuner/kalmar/2026`` for another municipality. Each edition runs as one task on a Dask
worker, and that task runs the ordinary `build-report` flow, so every edition gets its own flow
run, artifacts, named state and edition lock.

A worker of a cluster started the usual way (`dask worker`, with its nanny) is a daemonic
process, and a daemon may not start the typesetting's child processes (multiprocessing says
"daemonic processes are not allowed to have children"). There the task builds the edition in
a plain subprocess instead, the `agenda2030 build` command reporting to the same Prefect API,
and reads what became of it from what that build published. A subprocess is no multiprocessing
child, so a daemon may start it; and inside it the build is an ordinary, non-daemonic process.
"""

import json
import multiprocessing
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import dask
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, State
from prefect_dask import DaskTaskRunner

from flows.orchestration.build import (
    CLEAN,
    NOT_PUBLISHED,
    WITH_REJECTED,
    build_report,
    transient_io,
)
from flows.publish import OutputNames
from flows.receipt.outcomes import FileStatus
from flows.settings import DEFAULT_SETTLE_SECONDS, Paths

DEFAULT_WORKERS = 2


def local_cluster(workers: int = DEFAULT_WORKERS) -> DaskTaskRunner:
    """A temporary local Dask cluster: one process per worker, one edition at a time each."""
    # A build typesets in child processes (flows/typesetting/); Dask's worker processes are
    # daemons by default, and a daemon may not start children. The nanny reads this when it
    # starts a worker, so it is set when a local cluster is asked for, never at import.
    # Daemonic workers of an existing cluster build in a subprocess instead (build_apart).
    dask.config.set({"distributed.worker.daemon": False})
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
        }
    )


def dask_runner(address: str | None = None, workers: int = DEFAULT_WORKERS) -> DaskTaskRunner:
    """The task runner for ``address`` ('tcp://host:8786'), or a local cluster without one."""
    return DaskTaskRunner(address=address) if address else local_cluster(workers)


@dataclass(frozen=True)
class EditionOutcome:
    """What became of one edition: small enough to send back from a worker."""

    edition: str  # the edition folder
    state: str  # the build-report run's state name, e.g. 'Klar'
    pdf: Path | None
    accepted: int
    rejected: int
    error: str | None = None
    worker: str = ""  # host:pid of the process that built it


def plan(editions: list[Path], outputs: Path) -> list[Paths]:
    """Where each edition is read from and written to.

    Editions of one inputs folder (inputs/2025, inputs/2026) write to outputs/<year>; editions
    from several folders (kommuner/kalmar/2026, kommuner/vastervik/2026) to
    outputs/<folder>/<year>, so two municipalities never share an output folder.
    """
    folders = [Path(e).resolve() for e in editions]
    outputs = Path(outputs).resolve()  # workers need not share our working directory
    several = len({folder.parent for folder in folders}) > 1
    return [
        Paths(
            inputs=folder.parent,
            outputs=outputs / folder.parent.name if several else outputs,
            year=int(folder.name),
        )
        for folder in folders
    ]


@task(
    name="build-edition",
    task_run_name="bygg {paths.edition_dir}",
    cache_policy=NO_CACHE,
    retries=1,
    retry_delay_seconds=5,
    retry_condition_fn=transient_io,
)
def build_edition(
    paths: Paths, draft: bool, archive: bool, strict: bool, settle_seconds: float
) -> EditionOutcome:
    """Build one edition as its own `build-report` run, on whichever worker takes it: in this
    process, or in a subprocess when this one is a daemon (a `dask worker` with its nanny)."""
    if multiprocessing.current_process().daemon:
        return build_apart(paths, draft, archive, strict, settle_seconds)
    state = build_report(
        year=paths.year,
        inputs=paths.inputs,
        outputs=paths.outputs,
        draft=draft,
        archive=archive,
        strict=strict,
        settle_seconds=settle_seconds,
        return_state=True,
    )
    result = state.result()
    return EditionOutcome(
        edition=str(paths.edition_dir),
        state=state.name,
        pdf=result.pdf,
        accepted=sum(c.accepted for c in result.checked),
        rejected=len(result.rejected),
        error=result.error,
        worker=_this_worker(),
    )


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# `python -m flows.cli` needs a __main__ module; the console script's own entry does not.


def build_command(
    paths: Paths, draft: bool, archive: bool, strict: bool, settle_seconds: float
) -> list[str]:
    """The `agenda2030 build` command line for one edition, run with this interpreter."""
    command = [sys.executable, "-m", "flows.cli", "build", "--year", str(paths.year)]
    command += ["--inputs", str(paths.inputs), "--outputs", str(paths.outputs)]
    command += ["--settle", repr(float(settle_seconds))]
    flags = (("--draft", draft), ("--archive", archive), ("--strict", strict))
    return command + [flag for flag, wanted in flags if wanted]


def api_environment() -> dict[str, str]:
    """This process's environment, pointed at the Prefect API this task reports to (the task
    runner hands its settings to the worker; the worker's environment need not hold them)."""
    from prefect.settings import get_current_settings

    environment = dict(os.environ)
    api = get_current_settings().api
    if api.url:
        environment["PREFECT_API_URL"] = api.url
    if api.key is not None:
        environment["PREFECT_API_KEY"] = api.key.get_secret_value()
    return environment


def _receipt_stamp(path: Path) -> tuple[int, int] | None:
    """Which version of the receipt is there (publishing replaces the file: a new inode)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def build_apart(
    paths: Paths, draft: bool, archive: bool, strict: bool, settle_seconds: float
) -> EditionOutcome:
    """Build one edition with `agenda2030 build` in a subprocess, and read its outcome back
    from what it published: the receipt's ``bygge`` (published or not, the PDF, why not) and
    ``antal`` (files per status), with the exit code. A build that published no receipt of
    its own (no such edition) is 'Ej publicerad' with its own words; one that crashed fails
    the task with the end of what it wrote on stderr."""
    from prefect import get_run_logger

    receipt = paths.output_dir / OutputNames.receipt
    before = _receipt_stamp(receipt)
    command = build_command(paths, draft, archive, strict, settle_seconds)
    get_run_logger().info(
        "Arbetaren är en daemonprocess: utgåvan %s byggs i en egen process", paths.edition_dir
    )
    done = subprocess.run(
        command,
        env=api_environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("Fel:").strip() for line in said if line.startswith("Fel:")]
    published_now = _receipt_stamp(receipt) not in (None, before)
    if done.returncode in (0, 1) and published_now:
        return outcome_of_receipt(paths, json.loads(receipt.read_text("utf-8")))
    if done.returncode in (1, 2) and errors:  # the command said why, before building anything
        return EditionOutcome(
            str(paths.edition_dir), NOT_PUBLISHED, None, 0, 0, errors[-1], _this_worker()
        )
    tail = " / ".join(said[-5:]) or "(inget på stderr)"
    raise RuntimeError(
        f"bygget av {paths.edition_dir} i en egen process avslutades med kod "
        f"{done.returncode}: {tail}"
    )


def outcome_of_receipt(paths: Paths, receipt: dict) -> EditionOutcome:
    """The outcome a build published in its receipt (validering.json), as the flow's own
    state would name it: no PDF is 'Ej publicerad', a rejected file 'Klar med avvisade filer'."""
    build, counts = receipt.get("bygge", {}), receipt.get("antal", {})
    accepted = counts.get(str(FileStatus.ACCEPTED), 0) + counts.get(str(FileStatus.ADVISED), 0)
    rejected = counts.get(str(FileStatus.REJECTED), 0)
    pdf = paths.output_dir / build["pdf"] if build.get("publicerad") else None
    if pdf is not None:
        state, error = (WITH_REJECTED if rejected else CLEAN), None
    else:
        state, error = NOT_PUBLISHED, build.get("orsak", "ingen rapport publicerades")
    return EditionOutcome(
        str(paths.edition_dir), state, pdf, accepted, rejected, error, _this_worker()
    )


@flow(name="build-reports", log_prints=True)
def build_reports(
    editions: list[Path],
    outputs: Path = Path("outputs"),
    draft: bool = False,
    archive: bool = False,
    strict: bool = False,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
) -> State[list[EditionOutcome]]:
    """Build every edition in ``editions`` (edition folders) in parallel on the Dask cluster.

    One edition that cannot be built does not stop the others; a plain call returns one
    EditionOutcome per edition, in the order given.
    """
    jobs = plan(editions, outputs)
    futures = [
        build_edition.submit(paths, draft, archive, strict, settle_seconds) for paths in jobs
    ]
    results = []
    for paths, future in zip(jobs, futures, strict=True):
        outcome = future.result(raise_on_failure=False)
        if not isinstance(outcome, EditionOutcome):  # the build raised: the state says what
            error = future.state.message
            outcome = EditionOutcome(str(paths.edition_dir), NOT_PUBLISHED, None, 0, 0, error)
        results.append(outcome)
    for outcome in results:
        print(
            f"{outcome.edition}: {outcome.state}" + (f" ({outcome.error})" if outcome.error else "")
        )
    return Completed(name=overall(results), message=summary(results), data=results)


def overall(results: list[EditionOutcome]) -> str:
    """The worst outcome among the editions names the whole run."""
    names = {outcome.state for outcome in results}
    for name in (NOT_PUBLISHED, WITH_REJECTED):
        if name in names:
            return name
    return CLEAN


def summary(results: list[EditionOutcome]) -> str:
    published = sum(outcome.pdf is not None for outcome in results)
    return f"{published} av {len(results)} utgåvor publicerades"


def _worker_lacks(folders: list[str], outputs: str) -> list[str]:
    """On a worker: what it lacks to build these editions (in Swedish), nothing if all is there."""
    lacking = [
        f"mappen {folder}" for folder in folders if not Path(folder, "rapport.yaml").is_file()
    ]
    parent = Path(outputs)
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not os.access(parent, os.W_OK):
        lacking.append(f"skrivrätt till {outputs}")
    return lacking


def workers_lack(
    address: str, editions: list[Path], outputs: Path, timeout: float = 30
) -> list[str]:
    """What the cluster at ``address`` lacks to build ``editions``, in Swedish sentences; asked
    before any edition starts. Each worker is asked whether it sees the editions and may write
    the outputs at the same paths; a worker without the project installed cannot even be asked,
    and a cluster without workers would keep the editions waiting for ever."""
    from distributed import Client

    folders = [str(Path(e).resolve()) for e in editions]
    with Client(address, timeout=timeout) as client:
        if not client.scheduler_info().get("workers"):
            return [f"Dask-klustret {address} har inga anslutna arbetare."]
        try:
            answers = client.run(_worker_lacks, folders, str(Path(outputs).resolve()))
        except (ImportError, AttributeError) as error:  # our function cannot be unpickled there
            return [f"Dask-arbetarna har inte projektet (agenda2030-rapport) installerat: {error}"]
    return [
        f"Dask-arbetaren {worker} saknar {', '.join(lacks)}."
        for worker, lacks in sorted(answers.items())
        if lacks
    ]
