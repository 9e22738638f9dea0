"""Readers: Markdown front matter and plain YAML become data with the line of every key."""

import pytest

from flows.readers import ReadError, read_submission

MARKDOWN = """---
förvaltning: kommunledningskontoret
mål: 17
nyckeltal:
  - namn: Antal vänorter
    värden: {2024: 4, 2025: 5}
---
Första stycket.
"""


def test_markdown_front_matter_and_body():
    raw = read_submission("a.md", MARKDOWN.encode())
    assert raw.data["mål"] == "17"  # scalars stay text; the model makes 17 of it
    assert raw.data["text"] == "Första stycket."
    assert raw.text_line == 8


def test_key_lines_count_the_opening_dashes():
    raw = read_submission("a.md", MARKDOWN.encode())
    assert raw.line_of(("mål",)) == 3
    assert raw.line_of(("nyckeltal", 0, "värden", "2025")) == 6
    assert raw.line_of(("nyckeltal", 0, "enhet")) == 5  # missing key: its parent's line


def test_yaml_file_carries_text_under_text():
    raw = read_submission("a.yaml", "förvaltning: x\nmål: 3\ntext: |\n  Hej\n".encode())
    assert raw.data["text"] == "Hej\n"
    assert raw.text_line == 3


def test_windows_line_endings_and_bom_are_read():
    raw = read_submission("a.md", ("\ufeff" + MARKDOWN).replace("\n", "\r\n").encode())
    assert raw.data["förvaltning"] == "kommunledningskontoret"


@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        ("Bara text\n", "no_front_matter", 1),
        ("---\nmål: 1\n", "unclosed_front_matter", 1),
        ("---\nrubrik: Mål: delvis\n---\n", "yaml_syntax", 2),
        ("---\nmål: 1\nmål: 2\n---\n", "yaml_duplicate_key", 3),
        ("---\na: &x [1, 2]\nb: *x\n---\n", "yaml_alias", 2),
        ("---\n- en lista\n---\n", "not_a_mapping", 2),
        ("---\nmål: 1\ntext: x\n---\nbody\n", "markdown_text_key", 3),
    ],
)
def test_broken_markdown_is_located(content, code, line):
    with pytest.raises(ReadError) as caught:
        read_submission("a.md", content.encode())
    assert (caught.value.code, caught.value.line) == (code, line)


def test_yaml_syntax_error_has_line_and_column_in_swedish():
    with pytest.raises(ReadError) as caught:
        read_submission("a.yaml", "mål: 1\nrubrik: Mål: delvis\n".encode())
    assert (caught.value.line, caught.value.column) == (2, 12)
    assert "citattecken" in caught.value.message


def test_not_utf8_says_so():
    with pytest.raises(ReadError) as caught:
        read_submission("a.md", "---\nrubrik: Hållbarhet\n---\n".encode("cp1252"))
    assert caught.value.code == "not_utf8"
    assert "UTF-8" in caught.value.message


def test_unsupported_format():
    with pytest.raises(ReadError) as caught:
        read_submission("bidrag.pdf", b"%PDF-1.7")
    assert "'.pdf'" in caught.value.message


def test_yaml_1_1_surprises_stay_text():
    raw = read_submission(
        "a.yaml", b"a: NO\nb: 01234\nc: 1.10\nd: yes\ne: null\nf:\ng: 2026-03-16\n"
    )
    assert raw.data == {
        "a": "NO",
        "b": "01234",
        "c": "1.10",
        "d": "yes",
        "e": None,
        "f": None,
        "g": "2026-03-16",
    }


def test_numbers_become_numbers_where_the_model_wants_them():
    from schemas import Submission

    raw = read_submission(
        "a.md",
        MARKDOWN.replace("namn: Antal vänorter", "namn: Antal vänorter\n    enhet: st")
        .replace("mål: 17", "mål: 17\nrubrik: Vänorter")
        .encode(),
    )
    submission = Submission.model_validate(raw.data)
    assert submission.goal == 17
    assert submission.key_figures[0].values == {2024: 4.0, 2025: 5.0}
