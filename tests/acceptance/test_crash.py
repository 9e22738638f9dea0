"""A build killed mid-render leaves nothing half-written, and two builds of one edition at
once never mix their outputs (issue 5). Real `agenda2030 build` processes against the
session's Prefect test server."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

AGENDA2030 = Path(sys.executable).parent / "agenda2030"


def start_build(inputs: Path, outputs: Path, cwd: Path) -> subprocess.Popen:
    from prefect.settings import PREFECT_API_URL

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_API_URL": PREFECT_API_URL.value(), "PREFECT_LOGGING_LEVEL": "WARNING"}
    return subprocess.Popen(
        [
            str(AGENDA2030),
            "build",
            "--inputs",
            str(inputs),
            "--outputs",
            str(outputs),
            "--settle",
            "0",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: SIGKILL reaches the render child too
    )


def files_below(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def reference_pdf(demo_build) -> bytes:
    return demo_build.pdf.read_bytes()


@pytest.mark.usefixtures("prefect_harness")
def test_killed_mid_render_leaves_no_partial_file_and_the_rerun_matches(
    demo_build, reference_pdf, tmp_path
):
    outputs = tmp_path / "ut"
    build = start_build(demo_build.inputs, outputs, tmp_path)
    parts = outputs / ".parts-cache"
    deadline = time.monotonic() + 120
    while not any(parts.glob("*.pickle")) and build.poll() is None:
        assert time.monotonic() < deadline, "no part was typeset"
        time.sleep(0.05)
    assert build.poll() is None, build.stdout.read()  # the first part is typeset; more to come
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    left = files_below(outputs / "2025")
    assert not any(name.endswith(".tmp") for name in left)
    # Killed before publishing: no PDF (not half of one), and no receipt promising one.
    assert "agenda2030-2025.pdf" not in left and "validering.json" not in left
    rerun = start_build(demo_build.inputs, outputs, tmp_path)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    assert (outputs / "2025" / "agenda2030-2025.pdf").read_bytes() == reference_pdf


@pytest.mark.usefixtures("prefect_harness")
def test_two_builds_at_once_take_turns_and_never_mix(demo_build, reference_pdf, tmp_path):
    outputs = tmp_path / "ut"
    first = start_build(demo_build.inputs, outputs, tmp_path)
    second = start_build(demo_build.inputs, outputs, tmp_path)
    results = [build.communicate(timeout=600)[0] for build in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, results
    assert any("Väntar på att ett annat bygge av 2025 blir klart" in r for r in results)
    assert (outputs / "2025" / "agenda2030-2025.pdf").read_bytes() == reference_pdf
    assert not any(name.endswith(".tmp") for name in files_below(outputs / "2025"))
