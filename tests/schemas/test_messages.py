"""Error messages: every pydantic error type has a Swedish sentence; locations read well."""

import typing

from pydantic_core.core_schema import ErrorType

from schemas.messages import PYDANTIC_MESSAGES, Problem, key_path, swedish_message


def test_every_pydantic_error_type_has_a_swedish_message():
    assert set(typing.get_args(ErrorType)) <= set(PYDANTIC_MESSAGES)


def test_messages_format_even_without_context():
    for error_type in PYDANTIC_MESSAGES:
        text = swedish_message({"type": error_type, "input": "x", "msg": "English"})
        assert text and "English" not in text


def test_choices_are_joined_with_eller():
    error = {"type": "enum", "input": "nästan", "ctx": {"expected": "'uppfyllt' or 'ej uppfyllt'"}}
    assert (
        swedish_message(error) == "ska vara ett av 'uppfyllt' eller 'ej uppfyllt', men är 'nästan'"
    )


def test_key_paths_count_list_items_from_one():
    assert key_path(("nyckeltal", 0, "enhet")) == "nyckeltal › nr 1 › enhet"


def test_problem_reads_file_line_key_message():
    problem = Problem(file="klk/a.md", code="x", message="fel", line=7, key="mål")
    assert str(problem) == "klk/a.md, rad 7, nyckel 'mål': fel"
    placed = Problem(file="klk/a.docx", code="x", message="fel", place="tabell 1, raden Mål")
    assert str(placed) == "klk/a.docx, tabell 1, raden Mål: fel"
