"""The bad-input corpus: each broken file gets its located Swedish message, and the rest of the
edition still builds (one real build with the whole corpus dropped in; see conftest)."""

import json

import pytest
import yaml

from tests.support.demo import BAD_INPUTS, BAD_INPUTS_FOLDER

EXPECTED = yaml.safe_load((BAD_INPUTS / "expected.yaml").read_text("utf-8"))


def test_the_corpus_has_at_least_30_cases_and_each_is_described():
    files = {p.name for p in BAD_INPUTS.iterdir()} - {"expected.yaml", "bild.png"}
    assert len(EXPECTED) >= 30
    assert files == set(EXPECTED)


@pytest.fixture(scope="module")
def receipt(demo_build):
    text = (demo_build.outputs / "2025" / "validering.json").read_text("utf-8")
    return {entry["fil"]: entry for entry in json.loads(text)["filer"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_rejected_with_a_located_swedish_message(receipt, name):
    expected = EXPECTED[name]
    entry = receipt[f"{BAD_INPUTS_FOLDER}/{name}"]
    assert entry["status"] == "avvisad"
    problem = entry["problem"][0]
    assert problem["kod"] == expected["kod"]
    assert problem["rad"] == expected["rad"]
    assert problem["nyckel"] == expected["nyckel"]
    assert problem["kolumn"] == expected.get("kolumn")
    assert problem["plats"] == expected.get("plats")
    assert expected["text"] in problem["meddelande"]
    assert problem["text"].startswith(f"{BAD_INPUTS_FOLDER}/{name}")


def test_the_rest_of_the_edition_still_builds(demo_build, receipt):
    assert demo_build.pdf.is_file()
    demo_files = [
        f
        for f in receipt
        if not f.startswith(f"{BAD_INPUTS_FOLDER}/")
        or f.split("/")[1] not in EXPECTED
        and f.split("/")[1] != "trasigt-bidrag.md"
    ]
    published = ("godkänd", "godkänd med råd")
    assert all(receipt[f]["status"] in (*published, "bilaga") for f in demo_files)
    assert sum(receipt[f]["status"] in published for f in demo_files) == 59


def test_the_image_of_the_corpus_is_an_attachment_not_a_submission(receipt):
    assert receipt[f"{BAD_INPUTS_FOLDER}/bild.png"]["status"] == "bilaga"
