"""The submission model: Swedish keys, required fields, cross-field rules, edition context."""

import pytest
from pydantic import ValidationError

from schemas import Submission, slugify

CONTEXT = {
    "departments": ["kommunledningskontoret"],
    "folder": "kommunledningskontoret",
    "vision_goals": [1, 2],
}


def valid(**changes):
    data = {
        "förvaltning": "kommunledningskontoret",
        "mål": 17,
        "rubrik": "Internationella kontakter",
    }
    data.update(changes)
    return data


def error_types(data, context=CONTEXT):
    with pytest.raises(ValidationError) as caught:
        Submission.model_validate(data, context=context)
    return {(e["type"], e["loc"]) for e in caught.value.errors()}


def test_minimal_section_is_valid_and_gets_a_slug_id():
    submission = Submission.model_validate(valid(), context=CONTEXT)
    assert submission.goal == 17
    assert submission.section_id == "internationella-kontakter"


def test_goal_must_be_between_1_and_17():
    assert ("less_than_equal", ("mål",)) in error_types(valid(mål=18))
    assert ("greater_than_equal", ("mål",)) in error_types(valid(mål=0))


def test_misspelt_key_is_an_error():
    data = valid()
    data["rubik"] = data.pop("rubrik")
    assert ("extra_forbidden", ("rubik",)) in error_types(data)


def test_english_field_names_are_not_accepted_from_files():
    data = {"department": "kommunledningskontoret", "goal": 17, "title": "x"}
    types = {t for t, _ in error_types(data)}
    assert "extra_forbidden" in types and "missing" in types


def test_section_needs_a_title_but_opening_does_not():
    data = valid()
    del data["rubrik"]
    assert ("title_required", ()) in error_types(data)
    data["typ"] = "inledning"
    assert Submission.model_validate(data, context=CONTEXT).section_id == "inledning"


def test_department_must_match_folder_and_edition():
    assert ("wrong_folder", ("förvaltning",)) in error_types(
        valid(), context={**CONTEXT, "folder": "socialforvaltningen"}
    )
    assert ("unknown_department", ("förvaltning",)) in error_types(
        valid(förvaltning="okand"), context=CONTEXT
    )


def test_vision_goal_must_exist_in_edition():
    data = valid(visionsmål=[{"nummer": 3, "genom": "något"}])
    assert ("unknown_vision_goal", ("visionsmål",)) in error_types(data)


def test_key_figure_and_assessment_blocks_are_validated():
    data = valid(
        nyckeltal=[{"namn": "Andel", "enhet": "%", "värden": {2024: 1.5, 2025: "x"}}],
        bedömning={"nivå": "nästan", "motivering": "..."},
    )
    types = {t for t, _ in error_types(data)}
    assert {"float_parsing", "enum"} <= types


def test_slugify_handles_swedish_letters():
    assert slugify("Västervik är medlem i Sveriges Ekokommuner") == (
        "vastervik-ar-medlem-i-sveriges-ekokommuner"
    )
