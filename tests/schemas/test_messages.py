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


def test_our_codes_are_unique_and_never_a_pydantic_error_type():
    """One table of our own problem codes: a code means one message with one set of
    placeholders, and never stands for a pydantic error type too."""
    import ast
    from pathlib import Path

    import schemas.messages

    tree = ast.parse(Path(schemas.messages.__file__).read_text("utf-8"))
    table = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and node.target.id == "PROJECT_MESSAGES"
    )
    written = [key.value for key in table.keys]
    assert len(written) == len(set(written)) > 80  # a repeated key would silently win
    assert not set(written) & set(PYDANTIC_MESSAGES)


def test_a_year_key_is_named_as_the_year_not_counted():
    """'värden › 2021' for the value of 2021, where a list position reads 'nr 1'."""
    assert key_path(("nyckeltal", 0, "värden", 2021)) == "nyckeltal › nr 1 › värden › 2021"
