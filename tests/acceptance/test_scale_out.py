"""Issue 6: many editions in one `build-reports` run, spread over a two-worker Dask cluster."""

from pathlib import Path

import pytest

from flows.starters.edition import new_edition

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_three_editions_build_on_a_two_worker_local_cluster(demo_inputs, tmp_path):
    from flows.orchestration.many import build_reports, dask_runner

    for year in (2026, 2027):  # next years, started from the demo with last year's texts
        new_edition(demo_inputs, year, 2025, with_texts=True)
    editions = [demo_inputs / str(year) for year in (2025, 2026, 2027)]
    outputs = tmp_path / "outputs"

    on_dask = build_reports.with_options(task_runner=dask_runner())
    state = on_dask(editions=editions, outputs=outputs, settle_seconds=0, return_state=True)

    outcomes = state.result()
    assert [Path(o.edition).name for o in outcomes] == ["2025", "2026", "2027"]
    for outcome, year in zip(outcomes, (2025, 2026, 2027), strict=True):
        assert outcome.pdf == outputs.resolve() / str(year) / f"agenda2030-{year}.pdf"
        assert outcome.pdf.read_bytes().startswith(b"%PDF-")
        assert outcome.state == "Klar" and outcome.rejected == 0, outcome
    assert len({o.worker for o in outcomes}) == 2  # both workers built something
    assert state.name == "Klar" and state.message == "3 av 3 utgåvor publicerades"


def test_editions_of_several_municipalities_get_their_own_output_folders(tmp_path):
    from flows.orchestration.many import dask_runner, plan

    plans = plan([tmp_path / "kalmar" / "2026", tmp_path / "vastervik" / "2026"], tmp_path / "ut")
    assert [p.output_dir for p in plans] == [
        tmp_path / "ut" / "kalmar" / "2026",
        tmp_path / "ut" / "vastervik" / "2026",
    ]
    assert [p.output_dir for p in plan([tmp_path / "in" / "2025"], tmp_path / "ut")] == [
        tmp_path / "ut" / "2025"
    ]
    assert dask_runner("tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert dask_runner(None, workers=2).cluster_kwargs["n_workers"] == 2


def test_an_edition_built_apart_is_read_back_from_its_receipt(tmp_path):
    """What a daemonic worker's subprocess published names the outcome as the flow would."""
    from flows.orchestration.many import _worker_lacks, build_command, outcome_of_receipt
    from flows.settings import Paths

    paths = Paths(inputs=tmp_path / "in", outputs=tmp_path / "ut", year=2026)
    published = {
        "bygge": {"publicerad": True, "pdf": "agenda2030-2026.pdf"},
        "antal": {"godkänd": 40, "godkänd med råd": 2, "avvisad": 1, "bilaga": 3},
    }
    outcome = outcome_of_receipt(paths, published)
    assert (outcome.state, outcome.pdf, outcome.accepted, outcome.rejected) == (
        "Klar med avvisade filer",
        paths.output_dir / "agenda2030-2026.pdf",
        42,
        1,
    )
    refused = {"bygge": {"publicerad": False, "orsak": "strikt bygge: 1 fil avvisades"}}
    outcome = outcome_of_receipt(paths, refused)
    assert (outcome.state, outcome.pdf, outcome.error) == (
        "Ej publicerad",
        None,
        "strikt bygge: 1 fil avvisades",
    )
    command = build_command(paths, draft=True, archive=False, strict=True, settle_seconds=0)
    assert command[3:] == [
        "build",
        "--year",
        "2026",
        "--inputs",
        str(tmp_path / "in"),
        "--outputs",
        str(tmp_path / "ut"),
        "--settle",
        "0.0",
        "--draft",
        "--strict",
    ]
    assert _worker_lacks([str(tmp_path / "in" / "2026")], str(tmp_path / "ut" / "x")) == [
        f"mappen {tmp_path / 'in' / '2026'}"
    ]


def test_build_many_names_a_folder_that_is_no_edition(demo_inputs, tmp_path):
    import subprocess
    import sys

    (tmp_path / "2031").mkdir()
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "agenda2030"),
            "build-many",
            str(demo_inputs / "2025"),
            str(tmp_path / "2031"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{tmp_path / '2031'} är ingen utgåva" in result.stderr


def test_build_many_publishes_every_edition_on_dask_workers_started_with_their_nanny(
    demo_inputs, tmp_path
):
    """Issue 18, point 6: a real `dask scheduler` and two `dask worker` processes with their
    nanny, started as Dask's docs show, so the workers are daemonic processes. Each edition is
    built in a subprocess of its worker, reporting to the same Prefect API."""
    import contextlib
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    from prefect.settings import get_current_settings

    new_edition(demo_inputs, 2026, 2025, with_texts=True)
    bin_dir = Path(sys.executable).parent
    api_url = get_current_settings().api.url  # the harness's server
    # The workers' environment holds neither Dask's daemon setting nor the API's address: the
    # task hands them the address it reports to.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DASK_") and k != "PREFECT_API_URL"
    }
    scheduler_file = tmp_path / "scheduler.json"
    logs = open(tmp_path / "dask.log", "wb")  # noqa: SIM115 (closed in finally)
    started = []

    def start(*arguments: str) -> None:
        started.append(
            subprocess.Popen(
                [str(bin_dir / "dask"), *arguments],
                stdout=logs,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=tmp_path,  # not the project folder: the workers need not share ours
                start_new_session=True,
            )
        )

    try:
        start_args = ["--scheduler-file", str(scheduler_file)]
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", *start_args)
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        for _ in range(2):
            start(
                "worker",
                *start_args,
                "--host",
                "127.0.0.1",
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-dashboard",
            )
        from distributed import Client

        def is_daemon() -> bool:  # nested: sent to the workers by value
            import multiprocessing

            return multiprocessing.current_process().daemon

        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            address = client.scheduler.address
            assert all(client.run(is_daemon).values())  # as Dask starts them: daemons

        began = time.monotonic()
        result = subprocess.run(
            [
                str(bin_dir / "agenda2030"),
                "build-many",
                str(demo_inputs / "2025"),
                str(demo_inputs / "2026"),
                "--outputs",
                str(tmp_path / "ut"),
                "--settle",
                "0",
                "--dask-address",
                address,
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
            env={**env, "PREFECT_API_URL": api_url},
        )
        took = time.monotonic() - began
        assert result.returncode == 0, result.stdout + result.stderr
        assert "daemonic processes" not in result.stdout + result.stderr
        for year in (2025, 2026):
            pdf = tmp_path / "ut" / str(year) / f"agenda2030-{year}.pdf"
            assert pdf.read_bytes().startswith(b"%PDF-")
            assert f"{demo_inputs / str(year)}: Klar (0 avvisade) – {pdf}" in result.stdout
            receipt = json.loads((pdf.parent / "validering.json").read_text("utf-8"))
            assert receipt["bygge"]["publicerad"] is True
        runs = _build_report_runs(tmp_path / "ut")  # on the same server as build-reports
        assert sorted(runs) == [2025, 2026] and set(runs.values()) == {"Klar"}, runs
        print(f"build-many on two daemonic workers: {took:.0f} s")
    finally:  # each process leads its own group: the nanny's worker and its builds with it
        for process in reversed(started):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(started):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        logs.close()


def _build_report_runs(outputs: Path) -> dict[int, str]:
    """The `build-report` runs on the harness's server that wrote to ``outputs``: year -> state."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["build-report"]))
        )
    return {
        run.parameters["year"]: run.state.name
        for run in runs
        if str(run.parameters.get("outputs")) == str(outputs.resolve())
    }
