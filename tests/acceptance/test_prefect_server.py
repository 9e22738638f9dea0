"""Issue 6 on a real Prefect server: `prefect server start`, `agenda2030 serve`, and a run
triggered with the real Prefect CLI; the artifacts are then read back from the server's API."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.demo import DEMO_INPUTS, DEMO_YEAR

BIN = Path(sys.executable).parent
START_TIMEOUT_S = 180  # cold starts of 17-21 s were measured on a 2-core machine; be generous
RUN_TIMEOUT_S = 420


@dataclass
class Server:
    url: str  # http://127.0.0.1:<port>/api
    home: Path
    logs: Path

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment that talks to this server and nothing else."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        return (
            base
            | {
                "PREFECT_API_URL": self.url,
                "PREFECT_HOME": str(self.home),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            }
            | extra
        )

    def get(self, path: str) -> dict | list | None:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def post(self, path: str, body: dict) -> dict | list:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], log: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    """Start a process in its own process group, output to ``log``."""
    with open(log, "wb") as output:
        return subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )


def stop(process: subprocess.Popen, grace_s: float = 20) -> None:
    """SIGTERM the whole process group, then SIGKILL what is left."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            # the leader is gone; children in the group may not be
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
        return


def wait_for(what: str, check, timeout: float, process: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what}: the process ended ({process.returncode}):\n{log.read_text()}")
        try:
            if found := check():
                return found
        except (OSError, urllib.error.URLError):
            pass  # not listening yet
        time.sleep(1)
    pytest.fail(f"{what}: nothing after {timeout:g} s:\n{log.read_text()[-5000:]}")


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[Server]:
    """`prefect server start` on a free loopback port with its own PREFECT_HOME (SQLite)."""
    root = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    server = Server(f"http://127.0.0.1:{port}/api", root / "home", root / "server.log")
    server.home.mkdir()
    env = server.env()
    del env["PREFECT_API_URL"]
    process = start(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        server.logs,
        env,
        root,
    )
    try:
        wait_for(
            "prefect server start",
            lambda: server.get("/health"),
            START_TIMEOUT_S,
            process,
            server.logs,
        )
        yield server
    finally:
        stop(process)


@dataclass
class Served:
    server: Server
    inputs: Path
    outputs: Path
    process: subprocess.Popen
    log: Path


@pytest.fixture(scope="module")
def served(prefect_server, tmp_path_factory) -> Iterator[Served]:
    """`agenda2030 serve` on a copy of the demo edition, against the real server."""
    root = tmp_path_factory.mktemp("served")
    inputs, outputs = root / "inputs", root / "outputs"
    shutil.copytree(DEMO_INPUTS / str(DEMO_YEAR), inputs / str(DEMO_YEAR))
    log = root / "serve.log"
    process = start(
        [
            str(BIN / "agenda2030"),
            "serve",
            "--inputs",
            str(inputs),
            "--outputs",
            str(outputs),
            "--settle",
            "0",  # the copies are fresh; nothing is still being written
            "--stable",
            "2",
            "--poll",
            "1",
            "--cron",
            "0 2 * * *",  # a nightly draft of the latest edition
        ],
        log,
        prefect_server.env(PREFECT_RUNNER_POLL_FREQUENCY="2"),
        root,
    )
    try:
        wait_for(
            "agenda2030 serve",
            lambda: prefect_server.get("/deployments/name/build-report/build-report"),
            START_TIMEOUT_S,
            process,
            log,
        )
        yield Served(prefect_server, inputs, outputs, process, log)
    finally:
        stop(process)


def wait_for_run(served: Served, flow_run_id: str) -> dict:
    def final():
        run = served.server.get(f"/flow_runs/{flow_run_id}")
        state = run and run["state"]
        return (
            run
            if state and state["type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
            else None
        )

    return wait_for("the flow run", final, RUN_TIMEOUT_S, served.process, served.log)


def test_a_run_triggered_with_the_prefect_cli_publishes_the_pdf_and_its_artifacts(served):
    result = subprocess.run(
        [
            str(BIN / "prefect"),
            "deployment",
            "run",
            "build-report/build-report",
            "--param",
            f"year={DEMO_YEAR}",
        ],
        capture_output=True,
        text=True,
        env=served.server.env(),
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    flow_run_id = re.search(r"UUID: ([0-9a-f-]{36})", result.stdout).group(1)

    run = wait_for_run(served, flow_run_id)
    assert run["state"]["type"] == "COMPLETED", served.log.read_text()[-5000:]
    assert run["state"]["name"] == "Klar"
    assert run["parameters"]["inputs"] == str(served.inputs)  # the folders serve was given
    pdf = served.outputs / str(DEMO_YEAR) / f"agenda2030-{DEMO_YEAR}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")

    keys = [f"bidrag-{DEMO_YEAR}", f"status-{DEMO_YEAR}", f"rapport-{DEMO_YEAR}"]
    artifacts = served.server.post(
        "/artifacts/filter", {"artifacts": {"key": {"any_": keys}}, "sort": "CREATED_DESC"}
    )
    mine = {a["key"]: a for a in artifacts if a["flow_run_id"] == flow_run_id}
    assert sorted(mine) == sorted(keys)
    assert mine[f"bidrag-{DEMO_YEAR}"]["type"] == "table"
    assert str(pdf) in mine[f"rapport-{DEMO_YEAR}"]["data"]

    [link] = served.server.post(
        "/artifacts/filter",
        {
            "artifacts": {
                "key": {"any_": [f"pdf-{DEMO_YEAR}"]},
                "flow_run_id": {"any_": [flow_run_id]},
            }
        },
    )
    assert link["type"] == "markdown" or link["type"] == "link"  # Prefect stores links as markdown
    assert pdf.resolve().as_uri() in link["data"]


def test_the_api_has_a_warning_per_rejected_file_and_per_missing_department(served):
    edition = served.inputs / str(DEMO_YEAR)
    broken = edition / "kultur-och-fritid" / "trasigt-bidrag.md"
    broken.write_text("---\nförvaltning: kultur-och-fritid\nmål: 18\n---\nText.\n", "utf-8")
    moved = served.inputs.parent / "vastervik-miljo-energi"
    shutil.move(edition / "vastervik-miljo-energi", moved)
    (edition / "vastervik-miljo-energi").mkdir()
    try:
        result = subprocess.run(
            [
                str(BIN / "prefect"),
                "deployment",
                "run",
                "build-report/build-report",
                "--param",
                f"year={DEMO_YEAR}",
                "--param",
                "settle_seconds=0",
            ],
            capture_output=True,
            text=True,
            env=served.server.env(),
            timeout=120,
        )
        flow_run_id = re.search(r"UUID: ([0-9a-f-]{36})", result.stdout).group(1)
        run = wait_for_run(served, flow_run_id)
    finally:
        broken.unlink()
        shutil.rmtree(edition / "vastervik-miljo-energi")
        shutil.move(moved, edition / "vastervik-miljo-energi")
    assert run["state"]["name"] == "Klar med avvisade filer", served.log.read_text()[-5000:]
    # The run's process sends its logs in batches: they may reach the API after the state.
    deadline = time.monotonic() + 30
    while True:
        logs = served.server.post(
            "/logs/filter",
            {"logs": {"flow_run_id": {"any_": [flow_run_id]}, "level": {"ge_": 30}}, "limit": 200},
        )
        warnings = [log["message"] for log in logs]
        if any(m.startswith("Västervik Miljö") for m in warnings) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert any(
        m.startswith("Avvisad fil kultur-och-fritid/trasigt-bidrag.md:") and "18" in m
        for m in warnings
    ), warnings
    assert any(m.startswith("Västervik Miljö & Energi AB har inte lämnat allt") for m in warnings)
    [table] = served.server.post(
        "/artifacts/filter",
        {
            "artifacts": {
                "key": {"any_": [f"bidrag-{DEMO_YEAR}"]},
                "flow_run_id": {"any_": [flow_run_id]},
            }
        },
    )
    rows = json.loads(table["data"]) if isinstance(table["data"], str) else table["data"]
    assert rows[0]["Fil"] == "kultur-och-fritid/trasigt-bidrag.md"  # rejected first


def test_the_deployment_has_the_served_folders_and_a_nightly_draft_schedule(served):
    deployment = served.server.get("/deployments/name/build-report/build-report")
    assert deployment["parameters"] == {
        "inputs": str(served.inputs),
        "outputs": str(served.outputs),
        "settle_seconds": 0.0,
    }
    assert deployment["entrypoint"] == "flows.orchestration.build.build_report"
    [schedule] = deployment["schedules"]
    assert schedule["schedule"]["cron"] == "0 2 * * *"
    assert schedule["schedule"]["timezone"] == "Europe/Stockholm"
    assert schedule["parameters"] == {"year": DEMO_YEAR, "draft": True}


def test_the_watcher_builds_a_draft_when_dropped_files_have_settled(served):
    def drafts():
        runs = served.server.post(
            "/flow_runs/filter", {"flow_runs": {"tags": {"all_": ["bevakning"]}}}
        )
        return [run["id"] for run in runs]

    time.sleep(5)  # a draft the earlier tests' changes started has been asked for by now
    earlier = set(drafts())
    section = served.inputs / str(DEMO_YEAR) / "kommunledningskontoret" / "mal-16-trygghet.md"
    section.write_text(section.read_text("utf-8") + "\nEtt tillägg från förvaltningen.\n", "utf-8")

    def draft_run():
        return next((run for run in drafts() if run not in earlier), None)

    flow_run_id = wait_for(
        "a draft build from the watcher", draft_run, 240, served.process, served.log
    )
    run = wait_for_run(served, flow_run_id)
    assert run["state"]["name"] == "Klar", served.log.read_text()[-5000:]
    assert run["parameters"]["draft"] is True and run["parameters"]["year"] == DEMO_YEAR
    # Built in the serve process itself (warm: no new interpreter, the workers kept), not as
    # a deployment run that Prefect's runner would start in a process of its own.
    assert run["deployment_id"] is None and run["name"] == f"utkast-{DEMO_YEAR}-bevakning"
    draft = served.outputs / str(DEMO_YEAR) / f"agenda2030-{DEMO_YEAR}-utkast.pdf"
    assert draft.read_bytes().startswith(b"%PDF-")


def test_serve_refuses_a_schedule_that_is_not_cron(demo_inputs, tmp_path):
    result = subprocess.run(
        [str(BIN / "agenda2030"), "serve", "--inputs", str(demo_inputs), "--cron", "varje natt"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        timeout=120,
    )
    assert result.returncode == 2
    assert "'varje natt' är inget cron-schema" in result.stderr
