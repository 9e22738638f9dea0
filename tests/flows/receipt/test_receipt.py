"""The receipt accounts for every entry of the drop folder: in the JSON, on a page a person
reads (a department's own, or the overview for files outside every department's folder), and
in counts that add up. Real files in a copy of the demo edition; nothing mocked."""

import datetime as dt
import json
import os
import shutil

import pytest
from markupsafe import escape

from flows.gather import Reason, gather
from flows.publish import publish
from flows.readers.edition import load_edition
from flows.receipt.completeness import completeness
from flows.receipt.outcomes import FileStatus, count_text, outcomes, receipt_json
from flows.receipt.pages import receipt_pages
from flows.settings import TEMPLATES_DIR
from flows.validate import validate_all

LINKED = """---
förvaltning: kommunledningskontoret
mål: 16
rubrik: Länk som text
---
Se [kartan](../../hemlig.md) för mer.
"""


@pytest.fixture
def edition_dir(demo_inputs, tmp_path):
    """The demo edition with one of every kind of entry that is not a plain submission."""
    folder = demo_inputs / "2025"
    canary = tmp_path / "hemlig.md"
    canary.write_text("hemligt", "utf-8")
    klk = folder / "kommunledningskontoret"
    (klk / "lank.md").symlink_to(canary)
    (klk / "borta.md").symlink_to(tmp_path / "finns-inte.md")
    os.mkfifo(klk / "ror.md")
    (klk / "~$bidrag.docx").write_bytes(b"lock")
    (klk / "lanktext.md").write_text(LINKED, "utf-8")
    handle = os.open(os.path.join(os.fsencode(klk), b"bidr\xe4g.md"), os.O_WRONLY | os.O_CREAT)
    os.close(handle)
    (folder / "lös.md").write_text("fel plats", "utf-8")
    (folder / ".DS_Store").write_bytes(b"finder")
    shutil.copytree(folder / "kultur-och-fritid", folder / "kultur-fritid")
    shutil.rmtree(folder / "samhallsbyggnad")
    (folder / "samhallsbyggnad").symlink_to(tmp_path)
    return folder


def entries(folder) -> set[str]:
    """Every entry below ``folder`` but rapport.yaml and real folders, by printable name."""
    found = set()
    for root, dirs, files in os.walk(os.fsencode(folder)):
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in files + links:
            relative = os.path.relpath(os.path.join(root, name), os.fsencode(folder))
            found.add(relative.decode("utf-8", "replace"))
    return found - {"rapport.yaml"}


def receipt(edition_dir):
    edition = load_edition(edition_dir / "rapport.yaml")
    files = gather(edition_dir)
    items = outcomes(files, validate_all(files, edition), edition)
    status = completeness(edition, items, dt.date(2026, 2, 1))
    return edition, items, receipt_json(items), receipt_pages(edition, items, status, TEMPLATES_DIR)


def test_every_entry_is_in_the_json_once_and_the_counts_add_up(edition_dir):
    _, items, data, _ = receipt(edition_dir)
    listed = [entry["fil"] for entry in data["filer"]]
    assert sorted(listed) == sorted(entries(edition_dir))
    assert sum(data["antal"].values()) == len(listed) == len(items)
    assert count_text(items).startswith(f"{len(listed)} filer: ")
    shown = count_text(items).split(": ", 1)[1].split(", ")
    assert sum(int(part.split()[0]) for part in shown) == len(listed)


def test_json_says_why_an_entry_is_ignored_and_where_a_file_should_go(edition_dir):
    data = {entry["fil"]: entry for entry in receipt(edition_dir)[2]["filer"]}
    assert data["kommunledningskontoret/lank.md"]["status"] == FileStatus.IGNORED
    assert data["kommunledningskontoret/lank.md"]["anledning"] == Reason.SYMLINK
    assert data["kommunledningskontoret/ror.md"]["anledning"] == Reason.FIFO
    assert data["samhallsbyggnad"]["anledning"] == Reason.SYMLINKED_FOLDER
    assert data["samhallsbyggnad"]["fel_mapp"] is None  # it is that department's own entry
    assert data["kommunledningskontoret/bidr\ufffdg.md"]["anledning"] == Reason.FILE_NAME
    misspelt = data["kultur-fritid/mal-03-aktiva-barn-och-unga.md"]
    assert misspelt["fel_mapp"].startswith(
        "mappen 'kultur-fritid' finns inte i rapport.yaml; flytta filen till en av: "
        "kommunledningskontoret, barn-och-utbildning"
    )
    assert data["lös.md"]["anledning"] == Reason.AT_EDITION_LEVEL
    assert data["lös.md"]["fel_mapp"].startswith("ligger inte i någon förvaltnings mapp")
    assert data[".DS_Store"]["fel_mapp"] is None  # a hidden file needs no moving
    assert data["kommunledningskontoret/mal-16-trygghet.md"]["anledning"] is None
    notes = data["kommunledningskontoret/lanktext.md"]["anmärkningar"]
    assert data["kommunledningskontoret/lanktext.md"]["status"] == FileStatus.ADVISED
    assert [note["kod"] for note in notes] == ["link_as_text"]


def test_every_entry_is_on_a_page_and_the_overview_names_files_outside(edition_dir):
    edition, items, _, pages = receipt(edition_dir)
    index = pages["validering/index.html"]
    outside = index.split("Filer utanför förvaltningarnas mappar", 1)[1]
    for item in items:
        if item.department in edition.department_ids:
            page = pages[f"validering/{item.department}.html"]
        else:
            page = outside
        assert str(escape(item.file)) in page, item.file
    assert str(escape("Mappen 'kultur-fritid' finns inte i rapport.yaml")) in outside
    assert "flytta filen till en av: kommunledningskontoret, barn-och-utbildning" in outside
    assert "<code>lös.md</code>" in outside and "Filen ligger direkt i utgåvans mapp" in outside
    assert f"{len(items)} filer: " in index


def test_department_pages_show_reasons_and_notes(edition_dir):
    pages = receipt(edition_dir)[3]
    klk = pages["validering/kommunledningskontoret.html"]
    assert "Är en genväg (symbolisk länk); lägg in själva filen i stället." in klk
    assert "Är ingen vanlig fil utan en namngiven pipe (FIFO); läses inte." in klk
    assert "Råd (filen kommer med ändå)" in klk and '<th scope="row">rad 6</th>' in klk
    own = pages["validering/samhallsbyggnad.html"]
    assert "<code>samhallsbyggnad</code>" in own and "inget i den läses" in own


def test_receipt_is_written_for_a_name_that_is_not_utf8(edition_dir, tmp_path):
    _, _, data, pages = receipt(edition_dir)
    out = tmp_path / "ut"
    publish(out, {name: html.encode() for name, html in pages.items()})
    text = json.dumps(data, ensure_ascii=False).encode("utf-8").decode("utf-8")
    assert "bidr\ufffdg.md" in text
    assert "bidr\ufffdg.md" in (out / "validering" / "kommunledningskontoret.html").read_text(
        "utf-8"
    )
