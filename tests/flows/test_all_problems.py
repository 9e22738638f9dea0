"""All of a file's problems at once: a syntax error in the keys no longer hides the file's
other mistakes, so three mistakes take one round, not three."""

import pytest

from flows.gather import gather
from flows.readers import read_submission
from flows.readers.edition import load_edition
from flows.readers.read_on import PartlyRead
from flows.settings import PROJECT_ROOT
from flows.validate import validate_file

EDITION = load_edition(PROJECT_ROOT / "inputs" / "2025" / "rapport.yaml")
FOLDER = "kultur-och-fritid"

# Three mistakes: a colon in an unquoted heading (YAML), a word where a number belongs, and
# the template's example text left in the body.
THREE_MISTAKES = """---
förvaltning: kultur-och-fritid
mål: 3
rubrik: Simskola: för alla
ordning: tio
kontakt:
  namn: Eva Sandberg
  epost: eva.sandberg@vastervik.se
---
Skriv texten här, i vanliga stycken med en tom rad emellan.

Simskolan når alla barn i årskurs två.
"""


def dropped_file(tmp_path, name: str, text: str):
    """The file written into a real drop folder and gathered as a build gathers it."""
    edition = tmp_path / "2025"
    (edition / FOLDER).mkdir(parents=True)
    (edition / "rapport.yaml").write_bytes((PROJECT_ROOT / "inputs/2025/rapport.yaml").read_bytes())
    (edition / FOLDER / name).write_text(text, "utf-8")
    (found,) = [f for f in gather(edition, settle_seconds=0) if f.relative == f"{FOLDER}/{name}"]
    return found


def located(tmp_path, name: str, text: str) -> list[tuple[str, int | None]]:
    checked = validate_file(dropped_file(tmp_path, name, text), EDITION, {})
    assert not checked.accepted
    return [(p.code, p.line) for p in checked.problems]


def test_a_yaml_error_and_two_other_mistakes_are_reported_together(tmp_path):
    assert located(tmp_path, "simskola.md", THREE_MISTAKES) == [
        ("yaml_syntax", 4),
        ("int_parsing", 5),
        ("example_text_left", 10),
    ]


def test_several_yaml_errors_in_one_file_are_each_reported_at_their_line(tmp_path):
    """A key without its colon, an unclosed quote, a colon inside a nested value: each line
    is reported, then the other keys' values and the text are checked too."""
    text = """---
förvaltning: kultur-och-fritid
mål 3
rubrik: "Simskola för alla
bedömning:
  nivå: delvis: uppfyllt
  motivering: Fler barn kan simma.
typ: avsnit
---
Simskolan når alla barn ⯪ i årskurs två.
"""
    assert located(tmp_path, "simskola.md", text) == [
        ("yaml_syntax", 3),
        ("yaml_syntax", 4),
        ("yaml_syntax", 6),
        ("enum", 8),
        ("glyph_missing", 10),
    ]


def test_remarks_on_the_text_come_with_the_errors(tmp_path):
    """A link the report prints as text is remarked on in the same round as the YAML error."""
    text = THREE_MISTAKES + "\nSe [protokollet](../../protokoll.pdf).\n"
    checked = validate_file(dropped_file(tmp_path, "a.md", text), EDITION, {})
    assert [(n.code, n.line) for n in checked.notes] == [("link_as_text", 14)]


def test_nothing_is_said_about_the_keys_on_a_faulty_line(tmp_path):
    """The heading stood on the faulty line: it is not also 'missing', nor is the section
    said to need one."""
    checked = validate_file(dropped_file(tmp_path, "a.md", THREE_MISTAKES), EDITION, {})
    codes = [p.code for p in checked.problems]
    assert "missing" not in codes and "title_required" not in codes


def test_a_yaml_file_is_read_on_as_well(tmp_path):
    text = (
        "förvaltning: kultur-och-fritid\nmål: 3\nrubrik: Simskola: för alla\nordning: tio\n"
        "text: |\n  Skriv texten här, i vanliga stycken med en tom rad emellan.\n"
    )
    assert located(tmp_path, "simskola.yaml", text) == [
        ("yaml_syntax", 3),
        ("int_parsing", 4),
        ("example_text_left", 5),
    ]


def test_the_reader_keeps_every_line_number_and_the_text():
    """Faulty lines are blanked, not removed: the keys read on keep their lines, and the
    body its first line."""
    with pytest.raises(PartlyRead) as caught:
        read_submission("a.md", THREE_MISTAKES.encode())
    partly = caught.value
    assert (partly.code, partly.line) == ("yaml_syntax", 4)  # a ReadError as before
    assert partly.left_out == {"rubrik"} and partly.keys_read
    assert partly.raw.line_of(("ordning",)) == 5
    assert partly.raw.text_line == 10
    assert partly.raw.data["text"].startswith("Skriv texten här")
    assert "rubrik" not in partly.raw.data


def test_an_unclosed_quote_is_reported_where_it_opens():
    with pytest.raises(PartlyRead) as caught:
        read_submission("a.md", '---\nrubrik: "Simskola\nmål: 3\n---\nText.\n'.encode())
    assert (caught.value.line, caught.value.column) == (2, 9)
    assert "citattecknet här stängs aldrig" in caught.value.message
