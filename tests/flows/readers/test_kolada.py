"""Kolada responses wrapped with goal and name: gender chosen, missing values kept missing."""

import json

import pytest

from flows.readers.kolada import kolada_values, read_kolada_json
from flows.readers.raw import ReadError
from schemas import Submission
from tests.support.documents import DEPARTMENT, VALIDATION_CONTEXT

NAME = "Elever i åk 9 som är behöriga till ett yrkesprogram"


def entry(period, total, women=None, men=None, kpi="N15428", municipality="0883", status=""):
    values = [{"gender": "T", "status": status, "value": total, "count": 1}]
    if women is not None or men is not None:
        values += [
            {"gender": "K", "status": "", "value": women, "count": 1},
            {"gender": "M", "status": "", "value": men, "count": 1},
        ]
    return {"kpi": kpi, "municipality": municipality, "period": period, "values": values}


V2_RESPONSE = {
    "values": [
        entry(2022, 84.1, 86.0, 82.3),
        entry(2023, None, None, None),
        entry(2024, 86.4, 88.8, 84.2),
    ],
    "count": 3,
}


def wrapped(response=V2_RESPONSE, **keys) -> bytes:
    wrapper = {
        "förvaltning": DEPARTMENT,
        "mål": 4,
        "namn": NAME,
        "enhet": "procent",
        **keys,
        "kolada_svar": response,
    }
    return json.dumps(wrapper, ensure_ascii=False, indent=2).encode()


def read(content: bytes):
    return read_kolada_json("behoriga.json", content, DEPARTMENT)


def refused(content: bytes) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read(content)
    return caught.value


def test_wrapped_v2_response_becomes_a_valid_submission_with_totals():
    """Default gender T; null is missing; the KPI id and 'Kolada' as source are kept."""
    raw = read(wrapped())
    assert raw.data == {
        "förvaltning": DEPARTMENT,
        "mål": 4,
        "rubrik": NAME,
        "nyckeltal": [
            {
                "namn": NAME,
                "enhet": "procent",
                "värden": {2022: 84.1, 2023: None, 2024: 86.4},
                "kolada": "N15428",
                "källa": "Kolada",
            }
        ],
    }
    submission = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    assert submission.key_figures[0].values[2023] is None


@pytest.mark.parametrize(
    ("gender", "expected"),
    [("K", {2022: 86.0, 2023: None, 2024: 88.8}), ("m", {2022: 82.3, 2023: None, 2024: 84.2})],
)
def test_women_or_men_are_chosen_by_kon(gender, expected):
    """'kön': K or M picks that gender's values (case does not matter)."""
    raw = read(wrapped(kön=gender))
    assert raw.data["nyckeltal"][0]["värden"] == expected


def test_status_missing_is_missing_even_with_a_value():
    """A value whose status is 'Missing' is None, never the number or 0."""
    response = {"values": [entry(2024, 0, status="Missing"), entry(2023, 12.5)], "count": 2}
    assert kolada_values(response) == ("N15428", {2023: 12.5, 2024: None})


def test_v3_response_shape_is_read():
    """A v3 response (status null, isdeleted, next_url null) reads the same way."""
    response = {
        "count": 1,
        "next_url": None,
        "values": [
            {
                "kpi": "N15428",
                "municipality": "0883",
                "period": "2024",
                "values": [
                    {"gender": "T", "count": 1, "status": None, "value": 86.4, "isdeleted": False}
                ],
            }
        ],
    }
    assert kolada_values(response) == ("N15428", {2024: 86.4})


def test_gender_the_kpi_lacks_is_refused():
    """Asking for K when the KPI is not divided by gender is an error, not all-missing."""
    response = {"values": [entry(2024, 86.4)], "count": 1}
    error = refused(wrapped(response, kön="K"))
    assert error.code == "kolada_no_gender" and "kön K" in error.message


SAVED_NAME = "mal-04 Behöriga till yrkesprogram (procent).json"

# v3 as the API gives it: paging by URL, values that may be marked deleted.
V3_RESPONSE = {
    "count": 2,
    "next_url": None,
    "previous_url": None,
    "values": [
        {
            "kpi": "N15428",
            "municipality": "0883",
            "period": 2023,
            "values": [
                {"gender": "T", "status": "", "value": 85.0, "count": 1, "isdeleted": False}
            ],
        },
        {
            "kpi": "N15428",
            "municipality": "0883",
            "period": 2024,
            "values": [
                {"gender": "T", "status": "", "value": 1.0, "count": 1, "isdeleted": True},
            ],
        },
    ],
}


@pytest.mark.parametrize("response", [V2_RESPONSE, V3_RESPONSE], ids=["v2", "v3"])
def test_response_saved_straight_from_the_api_is_a_submission(response):
    """Department from the folder; goal, name and unit from the file's name."""
    raw = read_kolada_json(SAVED_NAME, json.dumps(response).encode(), DEPARTMENT)
    submission = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    figure = submission.key_figures[0]
    assert (submission.department, submission.goal) == (DEPARTMENT, 4)
    assert (figure.name, figure.unit) == ("Behöriga till yrkesprogram", "procent")
    values = raw.data["nyckeltal"][0]["värden"]
    if response is V3_RESPONSE:
        assert values == {2023: 85.0, 2024: None}  # the deleted value is not used
    else:
        assert values == {2022: 84.1, 2023: None, 2024: 86.4}


def test_bare_response_with_a_plain_name_says_how_to_name_it():
    error = refused(json.dumps(V2_RESPONSE).encode())
    assert error.code == "kolada_bare_name"
    assert "mal-04 Behöriga till yrkesprogram (procent).json" in error.message


@pytest.mark.parametrize(
    "paging",
    [
        {"next_page": "http://api.kolada.se/v2/data?page=2"},
        {"previous_page": "http://api.kolada.se/v2/data?page=1"},
        {"next_url": "https://api.kolada.se/v3/data?page=2"},
        {"previous_url": "https://api.kolada.se/v3/data?page=1"},
    ],
)
def test_any_page_of_a_paged_answer_is_refused(paging):
    """The last page points back; it is as incomplete as the first."""
    response = {**V2_RESPONSE, **paging}
    assert refused(wrapped(response)).code == "kolada_paged"
    with pytest.raises(ReadError) as caught:
        read_kolada_json(SAVED_NAME, json.dumps(response).encode(), DEPARTMENT)
    assert caught.value.code == "kolada_paged"


def test_several_kpis_need_a_choice():
    """Two KPIs in one response: refused without 'kolada', read with it."""
    response = {"values": [entry(2024, 1.0), entry(2024, 2.0, kpi="N15419")], "count": 2}
    error = refused(wrapped(response))
    assert error.code == "kolada_several" and "N15428, N15419" in error.message
    raw = read(wrapped(response, kolada="N15419"))
    assert raw.data["nyckeltal"][0]["värden"] == {2024: 2.0}


def test_several_municipalities_need_kommun():
    """A comparison with the whole country (0000) needs 'kommun' to pick Västervik."""
    response = {"values": [entry(2024, 86.4), entry(2024, 80.0, municipality="0000")]}
    assert refused(wrapped(response)).code == "kolada_several"
    raw = read(wrapped(response, kommun="0883"))
    assert raw.data["nyckeltal"][0]["värden"] == {2024: 86.4}


def test_one_page_of_a_paged_response_is_refused():
    """A response pointing at a next page is incomplete; values would be silently missing."""
    response = {**V2_RESPONSE, "next_page": "http://api.kolada.se/v2/data?page=2"}
    assert refused(wrapped(response)).code == "kolada_paged"


def test_json_syntax_error_is_located_by_line_and_column():
    """A missing comma gives a Swedish message with line and column."""
    error = refused('{\n  "mål": 4\n  "namn": "x"\n}'.encode())
    assert (error.code, error.line, error.column) == ("json_syntax", 3, 3)
    assert error.message == "JSON-fel: ett kommatecken saknas"


def test_unknown_wrapper_key_suggests_the_nearest():
    """A misspelt wrapper key is refused with the key meant."""
    error = refused(wrapped(enheter="procent"))
    assert error.message == "okänd nyckel 'enheter' – menade du 'enhet'?"


def test_wrapper_values_are_validated_with_located_keys():
    """Target and direction from the wrapper reach the key figure and are validated there."""
    raw = read(wrapped(målvärde=90, riktning="högre", rubrik="Behörighet"))
    figure = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT).key_figures[0]
    assert (figure.target, figure.better, figure.kolada_id) == (90, "högre", "N15428")
    assert raw.key_places[("nyckeltal", 0, "riktning")] == "nyckeln 'riktning'"
