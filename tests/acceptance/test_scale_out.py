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


def test_build_many_says_what_daemonic_dask_workers_need_before_any_edition_starts(
    demo_inputs, tmp_path
):
    """A real `dask scheduler` and a `dask worker` with its nanny, started as Dask's docs show."""
    import os
    import socket
    import subprocess
    import sys
    import time

    bin_dir = Path(sys.executable).parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    logs = open(tmp_path / "dask.log", "wb")  # noqa: SIM115 (closed in finally)
    scheduler = subprocess.Popen(
        [
            str(bin_dir / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-dashboard",
        ],
        stdout=logs,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [str(bin_dir / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard"],
        stdout=logs,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
        started = time.monotonic()
        result = subprocess.run(
            [
                str(bin_dir / "agenda2030"),
                "build-many",
                "--inputs",
                str(demo_inputs),
                "--outputs",
                str(tmp_path / "ut"),
                "--dask-address",
                address,
            ],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
            env=env,
        )
        assert result.returncode == 2, result.stdout + result.stderr
        assert "körs som daemonprocesser" in result.stderr
        assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in result.stderr
        assert "ingen utgåva har startats" in result.stderr
        assert not (tmp_path / "ut" / "2025").exists()  # nothing was built
        assert time.monotonic() - started < 60
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)
        logs.close()
