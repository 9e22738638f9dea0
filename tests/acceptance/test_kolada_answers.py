"""Issue 13: a Kolada answer saved straight from the API, v2 and v3, builds into a table and a
chart in its goal's chapter, with nothing written around it but the file's name."""

import json

import pikepdf
import pytest

from tests.support.demo import build_with
from tests.support.pdf_structure import page_texts, struct_elements, tag

V2 = {  # as api.kolada.se/v2/data/kpi/N07403/municipality/0883 answers
    "count": 3,
    "values": [
        {
            "kpi": "N07403",
            "municipality": "0883",
            "period": year,
            "values": [
                {"count": 1, "gender": "T", "status": "", "value": value},
                {"count": 1, "gender": "K", "status": "", "value": value + 1},
                {"count": 1, "gender": "M", "status": "", "value": value - 1},
            ],
        }
        for year, value in ((2022, 41.5), (2023, 43.0), (2024, 44.25))
    ],
    "next_page": None,
    "previous_page": None,
}
V3 = {  # as api.kolada.se/v3/data/kpi/U07801/municipality/0883 answers
    "total_count": 2,
    "values": [
        {
            "kpi": "U07801",
            "municipality": "0883",
            "period": year,
            "values": [
                {"count": 1, "gender": "T", "status": "", "value": value, "isdeleted": False},
                {"count": 1, "gender": "T", "status": "", "value": 999.0, "isdeleted": True},
            ],
        }
        for year, value in ((2023, 12.0), (2024, 15.5))
    ],
    "next_url": None,
    "previous_url": None,
}
NAMES = {
    "kultur-och-fritid/mal-11 Besök på bibliotek (per invånare).json": V2,
    "miljo-och-bygg/mal-15 Skyddad natur (procent).json": V3,
}


@pytest.fixture(scope="module")
def build(prefect_harness, tmp_path_factory):
    answers = {name: json.dumps(answer) for name, answer in NAMES.items()}
    return build_with(tmp_path_factory.mktemp("kolada"), answers)


def test_both_answers_are_accepted(build):
    _, receipt = build
    for name in NAMES:
        assert receipt[name]["status"].startswith("godkänd"), receipt[name]


def test_each_answer_is_a_table_and_a_chart_in_its_chapter(build):
    result, _ = build
    text = " ".join(page_texts(result.pdf)).replace("\u00a0", " ")
    assert "Besök på bibliotek" in text and "44,25" in text  # v2: the total, not K or M
    assert "Skyddad natur" in text and "15,5" in text and "999" not in text  # v3: not deleted
    with pikepdf.open(result.pdf) as pdf:
        alts = [str(e.get("/Alt", "")) for e in struct_elements(pdf) if tag(e) == "/Figure"]
    assert any(a.startswith("Stapeldiagram över besök på bibliotek") for a in alts)
    assert any(a.startswith("Stapeldiagram över skyddad natur") for a in alts)


def test_a_page_of_a_longer_answer_is_refused(tmp_path):
    from flows.readers import read_submission
    from flows.readers.raw import ReadError

    paged = V2 | {"next_page": "https://api.kolada.se/v2/data/kpi/N07403?page=2"}
    with pytest.raises(ReadError) as refused:
        read_submission("mal-11 Besök (st).json", json.dumps(paged).encode(), "kultur-och-fritid")
    assert refused.value.code == "kolada_paged"
