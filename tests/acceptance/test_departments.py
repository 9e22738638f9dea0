"""The departments' side (issue 4): drop-folder rules, receipts, status, starting points, strict."""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main
from flows.cli.check import check_drop_folder
from flows.settings import Paths
from tests.support.demo import BROKEN_FILE, TODAY, snapshot

AGENDA2030 = Path(sys.executable).parent / "agenda2030"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run(
        [str(AGENDA2030), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def new(inputs: Path, department: str, goal: int, *more: str, cwd: Path):
    """`agenda2030 new` for a department and goal; ``more``: --title, --format and so on."""
    args = ("new", "--inputs", str(inputs), "--department", department, "--goal", str(goal))
    return cli(*args, *more, cwd=cwd)


def test_drop_folder_is_byte_for_byte_unchanged_after_a_build(demo_build):
    assert snapshot(demo_build.inputs) == demo_build.inputs_before


def test_receipt_pages_per_department_name_the_broken_file(demo_build):
    folder = demo_build.outputs / "2025" / "validering"
    page = (folder / "kultur-och-fritid.html").read_text("utf-8")
    assert "kultur-och-fritid/trasigt-bidrag.md" in page
    assert '<th scope="row">rad 3, nyckel mål</th>' in page
    assert "Ska vara högst 17, men är 18." in page  # what is wrong, then how to fix it
    assert "Så här rättar du" in page
    assert re.search(r"Kontrollerat \d{4}-\d\d-\d\d, bygge [0-9a-f]{12}\.", page)  # which build
    assert {p.stem for p in folder.glob("*.html")} >= {
        "index",
        "kommunledningskontoret",
        "barn-och-utbildning",
        "miljo-och-bygg",
    }
    assert "Kvitto för alla bidrag" in (folder / "index.html").read_text("utf-8")


def test_lock_temporary_and_fresh_files_are_accounted_for(demo_inputs):
    folder = demo_inputs / "2025" / "kommunledningskontoret"
    (folder / "~$bidrag.docx").write_bytes(b"lock")
    (folder / ".~lock.mal-05-inledning.md#").write_text("lock")
    (folder / "kopieras.md").write_text(BROKEN_FILE)
    old = dt.datetime(2026, 1, 1).timestamp()
    for path in (demo_inputs / "2025").rglob("*"):
        if path.name != "kopieras.md":
            os.utime(path, (old, old))
    items = {i.file: i.status for i in check_drop_folder(Paths(demo_inputs, demo_inputs, 2025), 60)}
    assert items["kommunledningskontoret/~$bidrag.docx"] == "ignorerad"
    assert items["kommunledningskontoret/.~lock.mal-05-inledning.md#"] == "ignorerad"
    assert items["kommunledningskontoret/kopieras.md"] == "väntar"
    dropped = [
        p for p in (demo_inputs / "2025").rglob("*") if p.is_file() and p.name != "rapport.yaml"
    ]
    assert len(items) == len(dropped)


def test_status_matrix_shows_a_department_with_no_files_as_missing(demo_inputs, tmp_path):
    shutil.rmtree(demo_inputs / "2025" / "vastervik-miljo-energi")
    result = cli(
        "status",
        "--inputs",
        str(demo_inputs),
        "--outputs",
        str(tmp_path / "ut"),
        "--settle",
        "0",
        "--today",
        "2026-02-01",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "12 dagar kvar till sista dag 2026-02-13" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("Västervik Miljö"))
    *_, six, seven, twelve, total = row.split()
    assert [six, seven, twelve] == ["○", "○", "○"]  # goals 6, 7 and 12: expected, missing
    assert total == "0/3"  # delivered of expected
    kommunledningen = next(
        line for line in result.stdout.splitlines() if line.startswith("Kommunledningskontoret")
    )
    assert kommunledningen.count("✓") == 5
    page = (tmp_path / "ut" / "2025" / "status.html").read_text("utf-8")
    assert "Vem har lämnat vad" in page and "Mål 6: saknas" in page


def test_new_writes_a_template_whose_example_texts_must_be_replaced(demo_inputs, tmp_path):
    """The untouched template never reaches the council: `validate` names each example text
    at once; replaced, the file is accepted."""
    result = new(
        demo_inputs, "socialforvaltningen", 3, "--title", "Träffpunkter: för äldre", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    created = Path(result.stdout.strip().splitlines()[-1])
    assert (
        created == demo_inputs / "2025" / "socialforvaltningen" / "mal-03-traffpunkter-for-aldre.md"
    )
    text = created.read_text("utf-8")
    assert (
        "# Vilket av de 17 globala målen texten handlar om (Mål 3 Hälsa och välbefinnande)." in text
    )
    validation = cli("validate", "--inputs", str(demo_inputs), cwd=tmp_path)
    assert validation.returncode == 1 and "59 av 60 bidrag godkändes" in validation.stdout
    assert "exempeltexten 'Förnamn Efternamn" in validation.stdout
    filled = text.replace("Förnamn Efternamn", "Eva Sandberg").replace(
        "fornamn.efternamn@example.se", "eva.sandberg@vastervik.se"
    )
    filled = filled[: filled.index("Skriv texten här")] + "Träffpunkterna är öppna varje dag.\n"
    created.write_text(filled, "utf-8")
    validation = cli("validate", "--inputs", str(demo_inputs), cwd=tmp_path)
    assert validation.returncode == 0, validation.stdout
    assert "60 av 60 bidrag godkändes" in validation.stdout
    text = filled
    again = new(
        demo_inputs, "socialforvaltningen", 3, "--title", "Träffpunkter: för äldre", cwd=tmp_path
    )
    assert again.returncode == 2 and "skrivs inte över" in again.stderr
    assert created.read_text("utf-8") == text


def test_new_refuses_an_unknown_department(demo_inputs, tmp_path):
    result = new(demo_inputs, "gatukontoret", 3, cwd=tmp_path)
    assert result.returncode == 2 and "Välj en av: kommunledningskontoret" in result.stderr


def test_new_edition_carries_config_and_marks_old_texts(demo_inputs, tmp_path):
    before = snapshot(demo_inputs / "2025")
    assert (
        main(
            [
                "new-edition",
                "--inputs",
                str(demo_inputs),
                "--year",
                "2026",
                "--from",
                "2025",
                "--with-texts",
            ]
        )
        == 0
    )
    assert snapshot(demo_inputs / "2025") == before
    config = (demo_inputs / "2026" / "rapport.yaml").read_text("utf-8")
    assert (
        "år: 2026" in config and "sista_dag: 2027-02-13" in config and "status: förslag" in config
    )
    carried = (demo_inputs / "2026" / "kommunledningskontoret" / "mal-17-inledning.md").read_text(
        "utf-8"
    )
    assert carried.startswith("---\nuppdatera: ja")
    items = check_drop_folder(Paths(demo_inputs, demo_inputs, 2026), 0)
    submissions = [i for i in items if i.status != "bilaga"]  # images come along as they are
    assert submissions and all(i.status.published and i.needs_update for i in submissions)
    assert {i.file for i in items if i.status == "bilaga"} == {
        "miljo-och-bygg/vatmarker-gamlebyviken.png"
    }
    assert (
        main(["new-edition", "--inputs", str(demo_inputs), "--year", "2026", "--from", "2025"]) == 2
    )


@pytest.mark.usefixtures("prefect_harness")
def test_strict_build_publishes_nothing_and_says_why(demo_inputs, tmp_path):
    from flows.orchestration.build import build_report

    (demo_inputs / "2025" / "kultur-och-fritid" / "trasig.md").write_text(BROKEN_FILE, "utf-8")
    shutil.rmtree(demo_inputs / "2025" / "vastervik-miljo-energi")
    result = build_report(
        year=2025, inputs=demo_inputs, outputs=tmp_path, strict=True, settle_seconds=0, today=TODAY
    )
    assert result.pdf is None
    assert "kultur-och-fritid/trasig.md avvisades" in result.error
    assert "Västervik Miljö & Energi AB har inte lämnat bidrag till mål 6" in result.error
    assert not list((tmp_path / "2025").glob("*.pdf"))
    assert (tmp_path / "2025" / "validering.json").is_file()  # departments still get the receipt


def test_new_word_template_filled_in_is_accepted(demo_inputs, tmp_path):
    import docx

    result = new(
        demo_inputs,
        "miljo-och-bygg",
        15,
        "--title",
        "Ängar i Tjust",
        "--format",
        "docx",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    created = Path(result.stdout.strip().splitlines()[-1])
    assert created.suffix == ".docx"
    document = docx.Document(created)
    document.add_paragraph("Under 2025 restaurerades fyra ängar i Tjust.")
    for paragraph in list(document.paragraphs):
        template_text = paragraph.style.name.startswith("Heading") or "Skriv" in paragraph.text
        if template_text and paragraph.text and paragraph.style.name != "Anvisning":
            paragraph._p.getparent().remove(paragraph._p)
    document.save(created)
    validation = cli("validate", "--inputs", str(demo_inputs), "--settle", "0", cwd=tmp_path)
    assert "60 av 60 bidrag godkändes" in validation.stdout, validation.stdout
