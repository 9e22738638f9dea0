"""The command line as a user meets it: exit codes, Swedish messages, the PDF path last."""

import os
import re
import shutil
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


def published(text: str) -> str:
    """``text`` with 'N godkända, M godkända med råd' counted together as 'N+M godkända': both
    are published; how many get advice (readability) is the advice's own tests' business."""

    def together(match: re.Match) -> str:
        return f"{int(match[1]) + int(match[2])} godkända"

    return re.sub(r"(\d+) godkända, (\d+) godkända? med råd", together, text)


def test_validate_accepts_the_demo_edition(demo_inputs, tmp_path):
    result = run("validate", "--inputs", str(demo_inputs), "--settle", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        published(result.stdout.split("\n")[0])
        == "59 av 59 bidrag godkändes (60 filer: 59 godkända, 1 bilaga)."
    )


def test_validate_lists_a_rejected_file_and_fails(demo_inputs, tmp_path):
    (demo_inputs / "2025" / "kultur-och-fritid" / "trasig.md").write_text(BROKEN_FILE, "utf-8")
    result = run("validate", "--inputs", str(demo_inputs), "--settle", "0", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        published(result.stdout.split("\n")[0])
        == "59 av 60 bidrag godkändes (61 filer: 59 godkända, 1 avvisad, 1 bilaga)."
    )
    assert "kultur-och-fritid/trasig.md, rad 3, nyckel 'mål': ska vara högst 17" in result.stdout


def drop_what_is_not_a_submission(edition: Path, outside: Path) -> None:
    """A link to a file outside, a pipe, a file beside rapport.yaml and one in a misspelt
    folder, a lock file, and a department folder that is a link."""
    outside.mkdir()
    (outside / "hemlig.md").write_text(BROKEN_FILE, "utf-8")
    (edition / "kommunledningskontoret" / "lank.md").symlink_to(outside / "hemlig.md")
    os.mkfifo(edition / "kommunledningskontoret" / "ror.md")
    (edition / "kommunledningskontoret" / "~$bidrag.docx").write_bytes(b"lock")
    (edition / "lös.md").write_text("fel plats", "utf-8")
    (edition / "kultur-fritid").mkdir()
    (edition / "kultur-fritid" / "bild.png").write_bytes(b"png")
    shutil.rmtree(edition / "vastervik-miljo-energi")
    (edition / "vastervik-miljo-energi").symlink_to(outside)


def test_validate_accounts_for_every_entry_and_says_what_to_do(demo_inputs, tmp_path):
    drop_what_is_not_a_submission(demo_inputs / "2025", tmp_path / "utanfor")
    result = run("validate", "--inputs", str(demo_inputs), "--settle", "0", cwd=tmp_path)
    # A link in place of a department's folder is something to mend: not 'all is well'.
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    # 50 submissions and the image remain; 5 entries not read, an image in the wrong folder.
    assert (
        published(lines[0])
        == "50 av 50 bidrag godkändes (57 filer: 50 godkända, 2 bilagor, 5 ignorerade)."
    )
    assert "Utanför förvaltningarnas mappar:" in lines
    assert (
        "  kultur-fritid/bild.png: mappen 'kultur-fritid' finns inte i rapport.yaml; "
        "flytta filen till en av: kommunledningskontoret, barn-och-utbildning, "
        "socialforvaltningen, samhallsbyggnad, kultur-och-fritid, miljo-och-bygg, "
        "vastervik-miljo-energi"
    ) in lines
    after = lines[lines.index("Ignorerade (läses inte):") + 1 :]
    ignored = after[: next(i for i, line in enumerate(after) if not line.startswith("  "))]
    assert ignored == [
        "  kommunledningskontoret/lank.md: är en genväg (symbolisk länk); lägg in själva filen "
        "i stället",
        "  kommunledningskontoret/ror.md: är ingen vanlig fil utan en namngiven pipe (FIFO); "
        "läses inte",
        "  kommunledningskontoret/~$bidrag.docx: är en låsfil, tillfällig eller dold fil; "
        "läses inte",
        "  lös.md: ligger direkt i utgåvans mapp; lägg den i förvaltningens mapp",
        "  vastervik-miljo-energi: är en genväg (symbolisk länk), ingen mapp; inget i den läses; "
        "lägg in själva mappen med filerna i stället",
    ]
    assert "högst 17" not in result.stdout  # the linked file's text was never read


def test_status_counts_add_up_to_the_receipt(demo_inputs, tmp_path):
    drop_what_is_not_a_submission(demo_inputs / "2025", tmp_path / "utanfor")
    out = tmp_path / "ut"
    result = run(
        "status",
        "--inputs",
        str(demo_inputs),
        "--outputs",
        str(out),
        "--settle",
        "0",
        "--today",
        "2026-02-01",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "I inlämningsmappen: 57 filer: 50 godkända, 2 bilagor, 5 ignorerade." in published(
        result.stdout
    )
    index = (out / "2025" / "validering" / "index.html").read_text("utf-8")
    assert "57 filer: 50 godkända, 2 bilagor, 5 ignorerade" in published(index)
    assert "Filer utanför förvaltningarnas mappar" in index and "kultur-fritid/bild.png" in index


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
    assert lines[0] == "1 av 1 bidrag godkändes (1 fil: 1 godkänd)."
    assert lines[-1] == str(tmp_path / "outputs" / "2025" / "agenda2030-2025.pdf")
    assert Path(lines[-1]).read_bytes().startswith(b"%PDF")


def test_a_file_just_made_is_checked_at_once_and_the_template_text_is_named(demo_inputs, tmp_path):
    """No settle wait for `validate`: a person editing a file gets the answer now."""
    made = run(
        "new",
        "--inputs",
        str(demo_inputs),
        "--department",
        "kultur-och-fritid",
        "--goal",
        "3",
        "--title",
        "Simskola för alla",
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    result = run("validate", "--inputs", str(demo_inputs), cwd=tmp_path)
    assert result.returncode == 1
    assert "väntar" not in result.stdout.split("\n")[0]
    assert (
        "mal-03-simskola-for-alla.md, rad 43, nyckel 'kontakt': exempeltexten 'Förnamn Efternamn"
        in result.stdout
    )
    assert "exempeltexten 'Skriv texten här, i vanliga stycken med…' finns kvar" in result.stdout


def test_python_dash_m_runs_the_same_command(tmp_path):
    shown = subprocess.run(
        [sys.executable, "-m", "flows.cli", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert shown.returncode == 0 and shown.stdout.startswith("agenda2030 ")
