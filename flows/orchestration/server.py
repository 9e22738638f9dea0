"""A temporary Prefect server for one command, started first thing so it boots while the
command does its own work.

Without PREFECT_API_URL, Prefect would start the same server (uvicorn with
prefect.server.api.server:create_app, no UI, in its ephemeral mode) only when the flow
begins, after importing the whole server application into this process just to do so: about
6 s of imports here, then 8 s or more of the server's own start, one after the other. Started
here, the server boots beside the imports, the validation and the first renders, and this
process never imports the server at all. It dies with the command.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from flows.timeline import span

_PR_SET_PDEATHSIG = 1


class ServerError(RuntimeError):
    """The temporary server did not start."""


def _die_with_parent() -> None:
    """In the server process: end it if the command ends without stopping it (a kill)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class TemporaryServer:
    def __init__(self, log: Path):
        self.log = log
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> "TemporaryServer":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "uvicorn", "--factory"]
        command += ["prefect.server.api.server:create_app", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--log-level", "error", "--lifespan", "on"]
        environment = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        return self

    def wait_until_ready(self, timeout: float | None = None) -> None:
        """Poll the health endpoint; Prefect's own setting for its temporary server's start
        time applies (read now, so a test or the CLI may set it first)."""
        if timeout is None:
            timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ServerError(f"Prefects tillfälliga server avslutades; se {self.log}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise ServerError(
            f"Prefects tillfälliga server svarade inte på {timeout:g} s; se {self.log}"
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def prefect_api(log: Path):
    """Point this process (and processes it starts) at a Prefect API: the one configured in
    PREFECT_API_URL, or a temporary server started now. Enter it before importing Prefect.
    Yields the temporary server (None when one is configured): wait_until_ready() it before
    the first flow runs."""
    if os.environ.get("PREFECT_API_URL"):
        yield None
        return
    server = TemporaryServer(log).start()
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with _settings(server.api_url):
            yield server
    finally:
        del os.environ["PREFECT_API_URL"]
        with span("server stop"):
            server.stop()


def _settings(api_url: str):
    """Prefect reads the environment when it is imported; if it already was, tell it."""
    if "prefect.settings" not in sys.modules:
        return contextlib.nullcontext()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    return temporary_settings({PREFECT_API_URL: api_url})


def drain_logs() -> None:
    """Send the log lines still queued (the warnings for people) while the server is up."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
