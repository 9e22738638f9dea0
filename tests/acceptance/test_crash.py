"""A build killed at any moment leaves the previous build's outputs or the new one's, whole
and never mixed, and two builds of one edition at once take turns (issue 5, and one build
published together). Real `agenda2030 build` processes against the session's Prefect test
server, killed with SIGKILL."""

import hashlib
import json
import os
import shutil
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
    # Killed before publishing the first build: no year folder at all, so no PDF (not half of
    # one) and no receipt promising one; the lock file lives beside it.
    assert not (outputs / "2025").exists()
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


def year_folder(out: Path) -> dict[str, bytes]:
    """{file: bytes} of outputs/2025, checked to hold one build's receipt, manifest and PDF."""
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    manifest = json.loads(files["manifest.json"])
    receipt = json.loads(files["validering.json"])
    pdf = files[manifest["pdf"]["file"]]
    assert manifest["pdf"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert receipt["bygge"]["publicerad"] is True
    assert receipt["bygge"]["pdf_sha256"] == manifest["pdf"]["sha256"]
    assert receipt["bygge"]["indata_sha256"] == manifest["inputs_sha256"]
    dropped = {i["path"]: i["sha256"] for i in manifest["inputs"] if i["path"] != "rapport.yaml"}
    assert {f["fil"]: f["sha256"] or None for f in receipt["filer"]} == dropped
    return files


def without_timings(files: dict[str, bytes]) -> dict[str, bytes]:
    """What two complete builds of the same inputs share: all but the stage timings, and the
    page of what changed since the build before (after a killed build that did publish, the
    next one has nothing new to tell)."""
    manifest = json.loads(files["manifest.json"])
    del manifest["timings_s"]
    rest = {name: data for name, data in files.items() if name != "andringar.html"}
    return rest | {"manifest.json": json.dumps(manifest, sort_keys=True).encode()}


def kill_when(build: subprocess.Popen, moment, delay_s: float = 0.0) -> bool:
    """SIGKILL the build's process group once ``moment()`` is true; False if it ended first."""
    deadline = time.monotonic() + 180
    while not moment():
        if build.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(0.001)
    time.sleep(delay_s)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    return True


@pytest.mark.usefixtures("prefect_harness")
def test_a_build_killed_at_any_moment_leaves_the_previous_build_or_the_new_one(
    demo_build, tmp_path
):
    inputs, outputs = tmp_path / "in", tmp_path / "ut"
    shutil.copytree(demo_build.inputs, inputs)
    first = start_build(inputs, outputs, tmp_path)
    output, _ = first.communicate(timeout=300)
    assert first.returncode == 0, output
    out = outputs / "2025"
    previous = year_folder(out)
    changed = inputs / "2025" / "kommunledningskontoret" / "mal-16-trygghet.md"
    changed.write_text(changed.read_text("utf-8") + "\nEtt nytt stycke om trygghet.\n", "utf-8")

    # While typesetting: every part again, from an emptied part cache.
    shutil.rmtree(outputs / ".parts-cache")
    build = start_build(inputs, outputs, tmp_path)
    assert kill_when(build, lambda: any((outputs / ".parts-cache").glob("*.pickle")))
    assert year_folder(out) == previous  # byte for byte, the manifest's timings included

    # While publishing: from the moment this build's new folder is being made beside the live
    # one (a killed build's is left there until the next build holds the lock).
    left: list[dict[str, bytes]] = []
    for delay_s in (0.0, 0.005, 0.01, 0.02, 0.1):  # on this machine: old, old, ?, new, new
        stale = {p.name for p in os.scandir(outputs)}

        def staging(stale: set[str] = stale) -> bool:
            return any(
                p.name.startswith(".2025.neu-") and p.name not in stale for p in os.scandir(outputs)
            )

        build = start_build(inputs, outputs, tmp_path)
        caught = kill_when(build, staging, delay_s)
        assert caught or build.returncode == 0, build.stdout.read()
        left.append(year_folder(out))

    rerun = start_build(inputs, outputs, tmp_path)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    new = without_timings(year_folder(out))
    kept = f"arkiv/{hashlib.sha256(previous['agenda2030-2025.pdf']).hexdigest()[:12]}/"
    assert new.keys() == (previous.keys() - {"andringar.html"}) | {kept + "agenda2030-2025.pdf"}
    assert new["agenda2030-2025.pdf"] != previous["agenda2030-2025.pdf"]
    for files in left:
        if files != previous:
            for name in sorted(set(files) | set(new)):
                assert without_timings(files).get(name) == new.get(name), name
    # The next build tidied what the killed ones left beside the year folder.
    assert not any(p.name.startswith(".2025.") and p.is_dir() for p in outputs.iterdir())
