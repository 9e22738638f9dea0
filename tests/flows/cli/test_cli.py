"""The command line as a user meets it: exit codes, Swedish messages, the PDF path last."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT
from tests.support.demo import BROKEN_FILE

AGENDA2030 = Path(sys.executable).parent / "agenda2030"


def run(*args: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")} | extra_env
    return subprocess.run(
        [str(AGENDA2030), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def test_validate_accepts_the_demo_edition(demo_inputs, tmp_path):
    result = run("validate", "--inputs", str(demo_inputs), "--settle", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("59 av 59 bidrag godkändes (59 godkända, 1 bilaga).")


def test_validate_lists_a_rejected_file_and_fails(demo_inputs, tmp_path):
    (demo_inputs / "2025" / "kultur-och-fritid" / "trasig.md").write_text(BROKEN_FILE, "utf-8")
    result = run("validate", "--inputs", str(demo_inputs), "--settle", "0", cwd=tmp_path)
    assert result.returncode == 1
    assert "59 av 60 bidrag godkändes (59 godkända, 1 avvisad, 1 bilaga)." in result.stdout
    assert "kultur-och-fritid/trasig.md, rad 3, nyckel 'mål': ska vara högst 17" in result.stdout


def test_missing_edition_is_a_clear_error(tmp_path):
    result = run("validate", "--inputs", str(tmp_path), "--year", "2031", cwd=tmp_path)
    assert result.returncode == 2
    assert "finns inte" in result.stderr and "2031" in result.stderr


def test_broken_edition_config_stops_with_located_messages(demo_inputs, tmp_path):
    config = demo_inputs / "2025" / "rapport.yaml"
    config.write_text(config.read_text("utf-8").replace("år: 2025", "år: tjugo"), "utf-8")
    result = run("validate", "--inputs", str(demo_inputs), "--settle", "0", cwd=tmp_path)
    assert result.returncode == 2
    assert "2025/rapport.yaml, rad 3, nyckel 'år': ska vara ett heltal" in result.stderr


def test_help_is_swedish(tmp_path):
    result = run("build", "--help", cwd=tmp_path)
    assert "rapportåret" in result.stdout and "--archive" in result.stdout


@pytest.mark.usefixtures("prefect_harness")
def test_build_prints_the_pdf_path_last(tmp_path):
    from prefect.settings import PREFECT_API_URL

    inputs = tmp_path / "inputs" / "2025"
    folder = inputs / "kommunledningskontoret"
    folder.mkdir(parents=True)
    config = (PROJECT_ROOT / "inputs" / "2025" / "rapport.yaml").read_text("utf-8")
    (inputs / "rapport.yaml").write_text(config, "utf-8")
    (folder / "bidrag.md").write_text(
        "---\nförvaltning: kommunledningskontoret\nmål: 16\nrubrik: Trygghet\n---\nText.\n", "utf-8"
    )
    # The session's test server stands in for a running Prefect server.
    result = run("build", "--settle", "0", cwd=tmp_path, PREFECT_API_URL=PREFECT_API_URL.value())
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0] == "1 av 1 bidrag godkändes (1 godkänd)."
    assert lines[-1] == str(tmp_path / "outputs" / "2025" / "agenda2030-2025.pdf")
    assert Path(lines[-1]).read_bytes().startswith(b"%PDF")
