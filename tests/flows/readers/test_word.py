"""Word submissions: the key table becomes data, the text becomes Markdown, errors are located."""

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pydantic import ValidationError

from flows.readers.raw import ReadError
from flows.readers.word import read_docx
from flows.render.markdown import render_markdown
from flows.starters.office import docx_template
from flows.validate import problems_from
from schemas import Submission
from tests.support.documents import (
    DEPARTMENT,
    VALIDATION_CONTEXT,
    add_footnote,
    add_hyperlink,
    add_picture,
    filled_docx,
    png,
    replaced_member,
    saved,
)


def read(content: bytes, name: str = "bidrag.docx"):
    raw, images, _ = read_docx(name, content, DEPARTMENT)
    return raw, images


def refused(content: bytes) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read(content)
    return caught.value


def problems(content: bytes, file: str = "x/bidrag.docx") -> list[str]:
    raw, _ = read(content)
    with pytest.raises(ValidationError) as caught:
        Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    return [str(p) for p in problems_from(caught.value, raw, file)]


def rich_body(document) -> None:
    document.add_heading("Vänortssamverkan", level=1)
    paragraph = document.add_paragraph("Västervik har ")
    paragraph.add_run("tre").bold = True
    paragraph.add_run(" vänorter och ")
    paragraph.add_run("många").italic = True
    paragraph.add_run(" kontakter, se ")
    add_hyperlink(paragraph, "kommunens webbplats", "https://www.vastervik.se/vanorter")
    paragraph.add_run(".")
    document.add_paragraph("Estland", style="List Bullet")
    document.add_paragraph("Lettland", style="List Bullet")
    document.add_paragraph("Riga", style="List Bullet 2")
    document.add_paragraph("Ansök", style="List Number")
    document.add_paragraph("Res", style="List Number")
    document.add_heading("Skolutbyten", level=2)
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ("År", "Elever", "2024", "12"), strict=True):
        cell.text = text
    add_picture(document.add_paragraph(), png(), "Elever från Västervik i Tallinn")


def test_filled_in_template_validates_as_a_submission():
    """Template -> filled in -> read -> the data validates with every row as the contract says."""
    content = filled_docx(
        {
            "Typ": "Avsnitt",
            "Id": "Internationella-kontakter",
            "Ordning": "10",
            "Visionsmål": "2: vänortsbesök\n1: samverkan med näringslivet",
            "Kontakt": "Anna Svensson, anna.svensson@vastervik.se",
            "Bedömning": "Delvis uppfyllt",
            "Motivering": "Samarbetet växer men når inte alla skolor.",
        },
        body=lambda d: d.add_paragraph("Västervik är medlem i flera nätverk."),
    )
    raw, images = read(content)
    submission = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    assert submission.department == DEPARTMENT and submission.goal == 17
    assert submission.title == "Internationella kontakter"
    assert submission.id == "internationella-kontakter" and submission.order == 10
    assert [(v.number, v.through) for v in submission.vision_links] == [
        (2, "vänortsbesök"),
        (1, "samverkan med näringslivet"),
    ]
    assert submission.contact.email == "anna.svensson@vastervik.se"
    assert submission.contact.name == "Anna Svensson"
    assert submission.assessment.level == "delvis uppfyllt"
    assert submission.text == "Västervik är medlem i flera nätverk."
    assert images == {}
    assert raw.key_places[("mål",)] == "tabell 1, raden Mål"


def test_empty_rows_and_the_explanation_column_are_left_out():
    """Empty value cells are omitted and column 3 (Förklaring) never reaches the data."""
    raw, _ = read(filled_docx(body=lambda d: d.add_paragraph("Text.")))
    assert set(raw.data) == {"förvaltning", "mål", "rubrik", "text"}


def test_headings_bold_italic_lists_links_tables_and_images_become_markdown():
    """Each Word feature comes out as the Markdown the renderer understands."""
    raw, images = read(filled_docx(body=rich_body), name="Bidrag mål 17.docx")
    assert raw.data["text"] == "\n\n".join(
        [
            "### Vänortssamverkan",
            "Västervik har **tre** vänorter och *många* kontakter, se "
            "[kommunens webbplats](https://www.vastervik.se/vanorter).",
            "- Estland\n- Lettland\n  - Riga\n1. Ansök\n1. Res",
            "#### Skolutbyten",
            "| År | Elever |\n| --- | --- |\n| 2024 | 12 |",
            "![Elever från Västervik i Tallinn](Bidrag%20m%C3%A5l%2017.docx/bild-1.png)",
        ]
    )
    # Named as if inside the document: no dropped file, nor another document's, shares it.
    assert images == {f"{DEPARTMENT}/Bidrag mål 17.docx/bild-1.png": png()}


def test_converted_markdown_renders_to_the_expected_html():
    """The Markdown goes through the report's own renderer into real headings, lists and a figure."""
    raw, _ = read(filled_docx(body=rich_body))
    html = str(render_markdown(raw.data["text"], heading_level=3, folder=DEPARTMENT))
    for expected in (
        "<h3>Vänortssamverkan</h3>",
        "<strong>tre</strong>",
        "<em>många</em>",
        '<a href="https://www.vastervik.se/vanorter">kommunens webbplats</a>',
        "<ul>\n<li>Estland</li>",
        "<ol>\n<li>Ansök</li>",
        "<th>År</th>",
        f'<img src="{DEPARTMENT}/bidrag.docx/bild-1.png" alt="Elever från Västervik i Tallinn">',
    ):
        assert expected in html


def test_image_without_alt_text_is_refused_naming_the_image():
    """A picture with no alt text gives the Word instruction, the picture's number and part name."""

    def body(document):
        document.add_paragraph("Inledning.")
        add_picture(document.add_paragraph(), png(), alt=None)

    error = refused(filled_docx(body=body))
    assert error.code == "word_image_alt_missing"
    assert error.place == 'stycket efter "Inledning."'  # Word shows no paragraph numbers
    # python-docx, like Word, keeps the inserted file's name ('image.png' from a stream).
    assert error.message == (
        'bilden "image.png" saknar alternativtext; högerklicka på bilden i Word och välj '
        "Redigera alternativtext"
    )


def test_goal_18_is_located_at_the_row_of_the_key_table():
    """Mål 18 fails validation with the file, the table row and the key in the message."""
    content = filled_docx({"Mål": "18"}, body=lambda d: d.add_paragraph("Text."))
    assert problems(content) == ["x/bidrag.docx, tabell 1, raden Mål: ska vara högst 17, men är 18"]


def test_goal_written_in_words_gets_the_swedish_type_error():
    """A Mål that is not a number stays text, so pydantic's Swedish integer message applies."""
    content = filled_docx({"Mål": "Sjutton"}, body=lambda d: d.add_paragraph("Text."))
    assert problems(content) == [
        "x/bidrag.docx, tabell 1, raden Mål: ska vara ett heltal, men är 'Sjutton'"
    ]


def test_word_capitalisation_of_lowercase_values_is_undone():
    """Word capitalises a cell's first letter; Förvaltning, Typ, Id and Under are lowercased."""
    content = filled_docx(
        {"Förvaltning": "Kommunledningskontoret", "Typ": "Inledning", "Rubrik": ""},
        body=lambda d: d.add_paragraph("Text."),
    )
    raw, _ = read(content)
    submission = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    assert submission.department == DEPARTMENT and submission.kind == "inledning"


def test_unknown_row_suggests_the_nearest_label():
    """A misspelt label is an error at its row that suggests the label meant."""

    def misspell(document):
        document.tables[0].rows[3].cells[0].text = "Rubirk"
        document.add_paragraph("Text.")

    error = refused(filled_docx(body=misspell))
    assert error.place == "tabell 1, rad 4"
    assert error.message == "okänd rad 'Rubirk' – menade du 'Rubrik'?"


def test_vision_goal_line_without_a_number_is_refused():
    """Visionsmål lines must be 'nummer: vad'; anything else says how to write it."""
    content = filled_docx({"Visionsmål": "vänortsbesök"}, body=lambda d: d.add_paragraph("T."))
    error = refused(content)
    assert error.place == "tabell 1, raden Visionsmål"
    assert error.message.startswith("'vänortsbesök' ska skrivas som '2: vänortsbesök'")


def test_untouched_template_is_refused_for_its_example_text():
    """The starter's example heading would be published; leaving it is an error."""
    error = refused(docx_template(DEPARTMENT, 17, "Rubrik"))
    assert error.code == "template_text_left"
    assert error.place == 'rubriken "Exempel på underrubrik"'


def test_text_above_the_key_table_is_refused_not_dropped():
    """Only instruction paragraphs may stand above the table; other text there is an error."""

    def title_above(document):
        document.paragraphs[0].insert_paragraph_before("Internationella kontakter")
        document.add_paragraph("Text.")

    error = refused(filled_docx(body=title_above))
    assert error.code == "text_before_table"
    assert "'Internationella kontakter'" in error.message


def test_document_without_a_table_is_refused():
    """A Word file that is not built on the starter says where to start from."""
    document = docx.Document()
    document.add_paragraph("Bara text.")
    error = refused(saved(document))
    assert error.code == "no_key_table" and "bidrag.docx" in error.message


def test_swedish_heading_style_names_are_headings():
    """A style named 'Rubrik 2' (Swedish Word) is a heading like 'Heading 2'."""

    def body(document):
        document.styles.add_style("Rubrik 2", WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph("Del två", style="Rubrik 2")

    raw, _ = read(filled_docx(body=body))
    assert raw.data["text"] == "#### Del två"


def test_markdown_characters_in_word_text_stay_text():
    """'*', '#', '_' and a leading '1.' or '-' typed in Word are escaped, not markup."""

    def body(document):
        document.add_paragraph("* stjärna # och _under_")
        document.add_paragraph("1. inte en lista")
        paragraph = document.add_paragraph("rad ett")
        paragraph.add_run().add_break()
        paragraph.add_run("- rad två")

    raw, _ = read(filled_docx(body=body))
    html = str(render_markdown(raw.data["text"], heading_level=3, folder=DEPARTMENT))
    assert html == (
        "<p>* stjärna # och _under_</p>\n<p>1. inte en lista</p>\n<p>rad ett<br />\n- rad två</p>\n"
    )


def test_tracked_insertions_count_and_deletions_do_not():
    """Unaccepted tracked changes are read as accepted: inserted text in, deleted text out."""

    def body(document):
        paragraph = document.add_paragraph("Vi har ")
        for tag, text in (("w:del", "två"), ("w:ins", "tre")):
            change = OxmlElement(tag)
            change.set(qn("w:id"), "1" if tag == "w:del" else "2")
            change.set(qn("w:author"), "Anna")
            run = OxmlElement("w:r")
            text_element = OxmlElement("w:delText" if tag == "w:del" else "w:t")
            text_element.text = text
            run.append(text_element)
            change.append(run)
            paragraph._p.append(change)
        paragraph.add_run(" vänorter.")

    raw, _ = read(filled_docx(body=body))
    assert raw.data["text"] == "Vi har tre vänorter."


def test_footnote_becomes_a_markdown_footnote_with_its_text():
    """A Word footnote is kept: its mark where it stands, its text as the note's definition,
    also when the mark stands alone in its paragraph."""

    def body(document):
        add_footnote(document.add_paragraph("Enligt SCB"), "SCB, Befolkningsstatistik 2024.")
        add_footnote(document.add_paragraph(), "En ensam fotnot.")

    raw, _ = read(filled_docx(body=body))
    assert raw.data["text"] == (
        "Enligt SCB[^1]\n\n[^2]\n\n[^1]: SCB, Befolkningsstatistik 2024.\n\n[^2]: En ensam fotnot."
    )
    html = render_markdown(raw.data["text"], 3, DEPARTMENT)
    assert '<span class="footnote">SCB, Befolkningsstatistik 2024.</span>' in html


def test_xml_entities_are_never_expanded(tmp_path):
    """A DOCTYPE with internal and external entities leaves the text without their content."""
    secret = tmp_path / "hemligt.txt"
    secret.write_text("HEMLIG-FIL")
    doctype = (
        '<!DOCTYPE w:document [<!ENTITY inre "UTVIDGAD">'
        f'<!ENTITY yttre SYSTEM "{secret.as_uri()}">]>'
    ).encode()

    def inject(xml: bytes) -> bytes:
        declaration_end = xml.index(b"?>") + 2
        xml = xml[:declaration_end] + doctype + xml[declaration_end:]
        return xml.replace(b"Planerad text", b"Planerad &inre; &yttre; text")

    content = filled_docx(body=lambda d: d.add_paragraph("Planerad text"))
    raw, _ = read(replaced_member(content, "word/document.xml", inject))
    assert "UTVIDGAD" not in raw.data["text"] and "HEMLIG" not in raw.data["text"]
    assert raw.data["text"].startswith("Planerad")


def test_direct_numbering_is_read_from_the_numbering_definitions():
    """Lists made with Word's list buttons (numPr on 'List Paragraph') keep kind and level."""

    def numbered(document, text, num_id, level):
        paragraph = document.add_paragraph(text, style="List Paragraph")
        numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numbering.get_or_add_numId().val = num_id
        numbering.get_or_add_ilvl().val = level

    def body(document):
        # In python-docx's default template, numId 5 is a numbered list and 1 a bullet list.
        numbered(document, "Planera", 5, 0)
        numbered(document, "Budget", 1, 1)
        numbered(document, "Genomför", 5, 0)

    raw, _ = read(filled_docx(body=body))
    assert raw.data["text"] == "1. Planera\n   - Budget\n1. Genomför"
