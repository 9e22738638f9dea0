"""Issue 17: every hostile kind dropped into one copy of the demo edition. The build publishes
a PDF of the good files, and a receipt that names each bad entry with a Swedish, located
message; no message holds a Python exception's name; the drop folder is unchanged; and no byte
of the canary outside it is read."""

import json
import re
import shutil

import pikepdf
import pytest

from tests.support.demo import DEMO_INPUTS, DEMO_YEAR, TODAY, snapshot
from tests.support.hostile import (
    CANARY,
    HOSTILE_FILES,
    drop_hostile_entries,
    drop_hostile_files,
)
from tests.support.pdf_structure import page_texts

EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception|Warning)\b|Traceback")


@pytest.fixture(scope="module")
def hostile_build(prefect_harness, tmp_path_factory):
    from flows.orchestration.build import build_report

    root = tmp_path_factory.mktemp("fientlig")
    inputs, outside = root / "inputs", root / "utanfor"
    outside.mkdir()
    edition = inputs / str(DEMO_YEAR)
    shutil.copytree(DEMO_INPUTS / str(DEMO_YEAR), edition)
    drop_hostile_files(edition)
    entries = drop_hostile_entries(edition, outside)
    before = snapshot(inputs)
    result = build_report(
        year=DEMO_YEAR, inputs=inputs, outputs=root / "outputs", settle_seconds=0, today=TODAY
    )
    receipt = json.loads((root / "outputs" / str(DEMO_YEAR) / "validering.json").read_text())
    return {
        "result": result,
        "receipt": {entry["fil"]: entry for entry in receipt["filer"]},
        "entries": entries,
        "before": before,
        "inputs": inputs,
        "outputs": root / "outputs" / str(DEMO_YEAR),
    }


def test_the_good_files_are_published(hostile_build):
    receipt = hostile_build["receipt"]
    hostile = set(HOSTILE_FILES) | set(hostile_build["entries"])
    published = ("godkänd", "godkänd med råd")
    demo = [f for f in receipt if f not in hostile and receipt[f]["status"] in published]
    assert hostile_build["result"].pdf is not None
    assert len(demo) == 59  # every demo submission
    assert hostile_build["result"].pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_each_hostile_file_is_accounted_for_with_its_message(hostile_build, name):
    expected = HOSTILE_FILES[name][1]
    entry = hostile_build["receipt"][name]
    assert entry["status"] == expected["status"], entry
    said = entry["problem"] or entry.get("anmärkningar", [])
    code = expected.get("kod") or expected.get("anmärkning")
    if code is None:
        assert said == []
        return
    first = said[0]
    assert first["kod"] == code
    assert first["rad"] == expected.get("rad")
    assert first["rad"] is not None or first["plats"] is not None or name.endswith(".json")
    assert expected.get("text", "") in first["meddelande"]


def test_each_entry_that_is_no_plain_department_file_is_accounted_for(hostile_build):
    """Links, a FIFO, a socket, a linked folder, files outside the department folders: each
    in the receipt with its status, and a reason where it is ignored."""
    receipt = hostile_build["receipt"]
    for name, status in hostile_build["entries"].items():
        assert name in receipt, name
        assert receipt[name]["status"] == status, receipt[name]
        if status == "ignorerad":
            assert receipt[name]["anledning"], receipt[name]


def test_no_message_names_a_python_exception(hostile_build):
    texts = [
        p["meddelande"]
        for entry in hostile_build["receipt"].values()
        for p in entry["problem"] + entry.get("anmärkningar", [])
    ] + [entry.get("anledning") or "" for entry in hostile_build["receipt"].values()]
    assert texts and not [t for t in texts if EXCEPTION_NAME.search(t)]


def test_the_drop_folder_is_unchanged(hostile_build):
    assert snapshot(hostile_build["inputs"]) == hostile_build["before"]


def test_nothing_outside_the_drop_folder_is_read_or_published(hostile_build):
    published = hostile_build["outputs"]
    for path in published.rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path
    text = " ".join(page_texts(hostile_build["result"].pdf))
    assert CANARY not in text


def test_links_are_only_web_and_mail_addresses(hostile_build):
    with pikepdf.open(hostile_build["result"].pdf) as pdf:
        uris = [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.obj.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        ]
    assert uris and all(u.startswith(("https://", "http://", "mailto:")) for u in uris)
    text = " ".join(page_texts(hostile_build["result"].pdf))
    assert "(//server/share/x.exe)" in text and "(../../etc/x)" in text


def test_each_word_file_shows_its_own_picture(hostile_build):
    report = hostile_build["result"]
    html = (hostile_build["outputs"] / "agenda2030-2025.html").read_text("utf-8")
    one = "kommunledningskontoret/bild-ett.docx/bild-1.png"
    two = "kommunledningskontoret/bild-tva.docx/bild-1.png"
    assert one in html and two in html
    accepted = {c.file: c for c in report.checked if c.accepted}
    ours = accepted["kommunledningskontoret/bild-ett.docx"].images[one]
    theirs = accepted["kommunledningskontoret/bild-tva.docx"].images[two]
    assert ours != theirs
