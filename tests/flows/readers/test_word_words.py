"""Word messages in Word's own words: a paragraph by its first words and its heading, a key
by the row label the table shows, a picture by the name Word keeps for it."""

import hashlib
import io

from docx.shared import Cm
from PIL import Image

from flows.gather import Disposition, DroppedFile
from flows.readers.edition import load_edition
from flows.settings import PROJECT_ROOT
from flows.validate import validate_file
from tests.support.documents import DEPARTMENT, filled_docx, replaced_member

EDITION = load_edition(PROJECT_ROOT / "inputs" / "2025" / "rapport.yaml")
FILE = f"{DEPARTMENT}/simskola.docx"


def checked(content: bytes):
    dropped = DroppedFile(
        relative=FILE,
        folder=DEPARTMENT,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        disposition=Disposition.SUBMISSION,
        content=content,
    )
    return validate_file(dropped, EDITION, {})


def jpeg_file(folder, name: str = "simhall.jpg"):
    """A real JPEG on disk, inserted the way Word inserts a picture: from its file."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (0, 92, 160)).save(buffer, format="JPEG")
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return path


def swimming(
    picture=None, alt: str | None = "Barn lär sig simma", title: str | None = None, odd: str = ""
):
    """A section under the heading 'Simskola för alla', with a picture inserted from a file;
    ``odd`` is a character to put in its first paragraph."""

    def body(document):
        document.add_heading("Simskola för alla", level=1)
        document.add_paragraph(f"Simskolan når alla barn i årskurs två och tre i kommunen{odd}.")
        if picture is not None:
            shape = document.add_paragraph().add_run().add_picture(str(picture), width=Cm(3))
            if alt is not None:
                shape._inline.docPr.set("descr", alt)
            if title is not None:
                shape._inline.docPr.set("title", title)
        document.add_paragraph().add_run("Fler simlärare").bold = True
        document.add_paragraph("Vi har anställt två simlärare till.")

    return body


def test_a_problem_in_the_text_names_the_paragraph_and_its_heading():
    """A character without a glyph is located by the paragraph's first words and the heading
    above it, never by a Markdown line number Word does not show."""
    result = checked(filled_docx(body=swimming(odd=" ⯪")))
    (problem,) = result.problems
    assert problem.code == "glyph_missing" and problem.line is None
    assert problem.place == (
        'stycket som börjar "Simskolan når alla barn i…", under rubriken "Simskola för alla"'
    )


def test_advice_on_a_bold_line_names_it_and_says_how_word_makes_headings(tmp_path):
    """The bold pseudo-heading is advised in Word's terms (the heading style, not ###), at
    its own paragraph."""
    result = checked(filled_docx(body=swimming(jpeg_file(tmp_path))))
    assert result.accepted
    (advice,) = [n for n in result.notes if n.code.startswith("bold_as_heading")]
    assert advice.code == "bold_as_heading_word"
    assert advice.place == 'stycket som börjar "Fler simlärare", under rubriken "Simskola för alla"'
    assert "formatmallen Rubrik 1" in advice.message and "###" not in advice.message


def test_picture_is_named_by_the_file_it_was_inserted_from(tmp_path):
    """Word keeps the inserted file's name ('simhall.jpg'); the name inside the zip
    ('image1.jpg') is none a person has seen."""
    result = checked(filled_docx(body=swimming(jpeg_file(tmp_path), alt=None)))
    (problem,) = result.problems
    assert problem.code == "word_image_alt_missing"
    assert problem.message.startswith('bilden "simhall.jpg" saknar alternativtext')
    assert "image1" not in str(problem)
    assert problem.place == (
        'stycket efter "Simskolan når alla barn i…", under rubriken "Simskola för alla"'
    )


def test_picture_with_a_title_is_named_by_its_title(tmp_path):
    """A title given in Word's alt-text dialog names the picture before its file name."""
    picture = jpeg_file(tmp_path, "IMG_2031.jpg")
    result = checked(filled_docx(body=swimming(picture, alt=None, title="Simhallen i Västervik")))
    (problem,) = result.problems
    assert problem.message.startswith('bilden "Simhallen i Västervik" saknar')


def test_key_problems_name_the_row_as_the_table_shows_it():
    """'raden Bedömning', not the key path 'bedömning › nivå'; an empty row is named empty."""
    content = filled_docx(
        {"Bedömning": "nästan", "Motivering": "", "Rubrik": "Simskola"},
        body=swimming(),
    )
    problems = {p.code: p for p in checked(content).problems}
    level = problems["enum"]
    assert (level.place, level.key) == ("tabell 1, raden Bedömning", None)
    assert "›" not in str(level) and "nyckel" not in str(level)
    reason = problems["missing"]
    assert str(reason) == (
        f"{FILE}, tabell 1, raden Motivering: raden Motivering är tom men måste fyllas i"
    )


def test_a_missing_heading_is_asked_for_in_its_row():
    """The rule 'a section needs a heading' names the row Rubrik, not the key 'rubrik'."""
    content = filled_docx({"Rubrik": ""}, body=swimming(), title=None)
    (problem,) = checked(content).problems
    assert problem.code == "title_required"
    assert problem.place == "tabell 1, raden Rubrik"
    assert problem.message.startswith("raden Rubrik är tom;")
    assert "nyckeln" not in problem.message


def test_a_broken_picture_is_named_by_its_own_name_where_it_stands(tmp_path):
    """A picture that cannot be read (its bytes damaged inside the document) is named as the
    person inserted it, at its place in Word, not as the report's internal path."""
    content = filled_docx(body=swimming(jpeg_file(tmp_path)))
    damaged = replaced_member(content, "word/media/image1.jpg", lambda _: b"\xff\xd8 trasig")
    (problem,) = checked(damaged).problems
    assert problem.code == "image_broken"
    assert problem.message.startswith("bilden 'simhall.jpg' går inte att läsa")
    assert problem.line is None and "bild-1" not in str(problem)
    assert problem.place == (
        'stycket efter "Simskolan når alla barn i…", under rubriken "Simskola för alla"'
    )


def test_a_name_where_the_folder_id_belongs_is_fixed_in_the_row_forvaltning():
    """The message and its fix say what to write in the row, not 'förvaltning: …'."""
    content = filled_docx({"Förvaltning": "Kultur och fritid"}, body=swimming())
    (problem,) = checked(content).problems
    assert problem.code == "department_not_an_id"
    assert problem.place == "tabell 1, raden Förvaltning"
    assert f"skriv {DEPARTMENT} i raden Förvaltning" in problem.message
    assert "förvaltning:" not in problem.message
    assert problem.fix.endswith("i raden Förvaltning.")
