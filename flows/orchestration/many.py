"""The Prefect flow `build-reports`: many editions at once, each as a `build-report` run, spread
over a Dask cluster (a local one by default, or an existing one by its scheduler's address).

An edition is a folder with a rapport.yaml: ``inputs/2026`` for another year, or
``kommuner/kalmar/2026`` for another municipality. Each edition runs as one task on a Dask
worker, and that task runs the ordinary `build-report` flow, so every edition gets its own flow
run, artifacts, named state and edition lock.
"""

import os
import socket
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
from flows.settings import DEFAULT_SETTLE_SECONDS, Paths

DEFAULT_WORKERS = 2


def local_cluster(workers: int = DEFAULT_WORKERS) -> DaskTaskRunner:
    """A temporary local Dask cluster: one process per worker, one edition at a time each."""
    # A build typesets in child processes (flows/typesetting/); Dask's worker processes are
    # daemons by default, and a daemon may not start children. The nanny reads this when it
    # starts a worker, so it is set when a local cluster is asked for, never at import.
    # Workers of an existing cluster need the same: DASK_DISTRIBUTED__WORKER__DAEMON=False.
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
    """Build one edition as its own `build-report` run, on whichever worker takes it."""
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
        worker=f"{socket.gethostname()}:{os.getpid()}",
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


def _is_daemonic() -> bool:
    import multiprocessing

    return multiprocessing.current_process().daemon


def daemonic_workers(address: str, timeout: float = 30) -> list[str]:
    """The workers of the cluster at ``address`` whose processes are daemons: a build there
    cannot start its typesetting processes. Asked before any edition starts."""
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        answers = client.run(_is_daemonic)
    return sorted(worker for worker, daemonic in answers.items() if daemonic)


DAEMONIC_ADVICE = (
    "Fel: Dask-arbetarna {workers} körs som daemonprocesser och kan därför inte starta "
    "sättningens egna processer; ingen utgåva har startats. Starta arbetarna med miljövariabeln "
    "DASK_DISTRIBUTED__WORKER__DAEMON=False (t.ex. `DASK_DISTRIBUTED__WORKER__DAEMON=False "
    "dask worker {address}`), eller med `dask worker --no-nanny {address}`."
)
