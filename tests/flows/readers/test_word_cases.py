"""Word as departments really write it (issue 13), each case in a file made with python-docx:
formatting without leaked marks, links, line breaks, text boxes, decorative pictures, check
boxes, symbols, equations, Strict Open XML, tracked changes and comments."""

import pytest
from docx.oxml import parse_xml

from flows.readers.raw import ReadError
from flows.readers.word import _STRICT_NAMESPACES, read_docx
from flows.render.markdown import render_markdown
from tests.support.documents import (
    DEPARTMENT,
    add_hyperlink,
    add_picture,
    filled_docx,
    png,
    replaced_member,
)

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def read(content: bytes):
    return read_docx("bidrag.docx", content, DEPARTMENT)


def text_of(content: bytes) -> str:
    return read(content)[0].data["text"]


def with_runs(*runs: tuple[str, str]):
    """A body of one paragraph of runs: (properties XML, text)."""

    def body(document):
        paragraph = document.add_paragraph()
        for properties, text in runs:
            paragraph._p.append(
                parse_xml(
                    f'<w:r {W}><w:rPr>{properties}</w:rPr><w:t xml:space="preserve">'
                    f"{text}</w:t></w:r>"
                )
            )

    return body


def with_xml(xml: str):
    """A body of one paragraph holding ``xml`` (namespaces declared by the caller)."""

    def body(document):
        document.add_paragraph()._p.append(parse_xml(xml))

    return body


def html(text: str) -> str:
    return str(render_markdown(text, 3, DEPARTMENT))


def test_italic_beside_bold_italic_nests_without_stray_marks():
    text = text_of(
        filled_docx(
            body=with_runs(("<w:i/>", "Allt i "), ("<w:b/><w:i/>", "kursiv stil"), ("<w:i/>", "."))
        )
    )
    assert text == "*Allt i **kursiv stil**.*"
    assert html(text) == "<p><em>Allt i <strong>kursiv stil</strong>.</em></p>\n"


def test_formatting_changing_inside_a_word_keeps_every_letter_and_no_mark():
    runs = (("", "A"), ("<w:b/>", "b"), ("<w:b/><w:i/>", "c"), ("<w:i/>", "d"), ("", "e"))
    text = text_of(filled_docx(body=with_runs(*runs)))
    assert "*" not in html(text) and "Abcde" in html(text).replace("<strong>", "").replace(
        "</strong>", ""
    ).replace("<em>", "").replace("</em>", "")


def test_line_break_at_the_end_of_a_paragraph_shows_nothing():
    def body(document):
        paragraph = document.add_paragraph("Rad ett")
        paragraph.add_run().add_break()
        paragraph.add_run("rad två")
        paragraph.add_run().add_break()

    text = text_of(filled_docx(body=body))
    assert text == "Rad ett\\\nrad två"
    assert html(text) == "<p>Rad ett<br />\nrad två</p>\n"


def test_links_keep_their_text_and_only_web_and_mail_links_are_links():
    def body(document):
        paragraph = document.add_paragraph("Läs ")
        add_hyperlink(paragraph, "rapporten", "https://www.vastervik.se/rapport")
        paragraph.add_run(", skriv till ")
        add_hyperlink(paragraph, "oss", "mailto:info@vastervik.se")
        paragraph.add_run(" eller öppna ")
        add_hyperlink(paragraph, "filen", "file:///G:/delat/x.docx")

    shown = html(text_of(filled_docx(body=body)))
    assert '<a href="https://www.vastervik.se/rapport">rapporten</a>' in shown
    assert '<a href="mailto:info@vastervik.se">oss</a>' in shown
    assert "filen (file:///G:/delat/x.docx)" in shown and "file:" not in shown.split("filen")[0]


def test_text_box_is_kept_as_a_boxed_paragraph_after_its_paragraph():
    box = (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        "<w:p><w:r><w:t>Fakta: 12 vänorter.</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    text = text_of(filled_docx(body=with_xml(box)))
    assert text == "> Fakta: 12 vänorter."
    assert "<blockquote>" in html(text)


def test_decorative_picture_is_left_out_with_a_note_not_refused():
    def body(document):
        document.add_paragraph("Inledning.")
        add_picture(document.add_paragraph(), png(), alt=None)
        document.inline_shapes[0]._inline.docPr.append(
            parse_xml(
                '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
                '<a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}"><adec:decorative '
                'xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" '
                'val="1"/></a:ext></a:extLst>'
            )
        )

    raw, images, notes = read(filled_docx(body=body))
    assert raw.data["text"] == "Inledning." and images == {}
    assert [(n.code, n.place) for n in notes] == [
        ("word_decorative_left_out", 'stycket efter "Inledning."')
    ]


def test_check_list_bullets_show_their_state():
    def body(document):
        numbering = document.part.numbering_part.element
        numbering.append(
            parse_xml(
                f'<w:abstractNum {W} w:abstractNumId="90"><w:lvl w:ilvl="0">'
                '<w:numFmt w:val="bullet"/><w:lvlText w:val="☒"/></w:lvl></w:abstractNum>'
            )
        )
        numbering.append(
            parse_xml(f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
        )
        paragraph = document.add_paragraph("Klart")
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {W}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
        )

    assert text_of(filled_docx(body=body)) == "- ⊠ Klart"


def test_symbols_become_their_characters():
    sym = f'<w:r {W}><w:sym w:font="Symbol" w:char="F0E2"/><w:t>LATICRETE</w:t></w:r>'
    assert text_of(filled_docx(body=with_xml(sym))) == "®LATICRETE"


def test_a_symbol_character_without_a_meaning_is_refused_naming_it():
    sym = f'<w:r {W}><w:sym w:font="Marlett" w:char="F021"/></w:r>'
    with pytest.raises(ReadError) as caught:
        read(filled_docx(body=with_xml(sym)))
    assert caught.value.code == "word_private_character" and "U+F021" in caught.value.message


def test_equation_in_its_own_paragraph_becomes_its_text():
    math = (
        '<m:oMathPara xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
        "<m:oMath><m:sSup><m:e><m:r><m:t>a</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r>"
        "</m:sup></m:sSup><m:r><m:t>+</m:t></m:r><m:f><m:num><m:r><m:t>1</m:t></m:r></m:num>"
        "<m:den><m:r><m:t>2</m:t></m:r></m:den></m:f></m:oMath></m:oMathPara>"
    )
    assert text_of(filled_docx(body=with_xml(math))) == "a^2+(1)/(2)"


def test_emoji_that_word_stores_in_two_forms_is_read_as_its_character():
    emoji = (
        f'<w:r {W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:AlternateContent><mc:Choice Requires="w16se"/><mc:Fallback><w:t>😏</w:t>'
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )
    assert text_of(filled_docx(body=with_xml(emoji))) == "😏"


def test_strict_open_xml_is_read():
    def strict(data: bytes) -> bytes:
        for strict_ns, transitional in _STRICT_NAMESPACES.items():
            data = data.replace(transitional, strict_ns)
        return data

    content = filled_docx(body=lambda d: d.add_paragraph("Strikt text."))
    for member in ("_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels"):
        content = replaced_member(content, member, strict)
    raw, _, _ = read(content)
    assert raw.data["text"] == "Strikt text." and raw.data["mål"] == 17


def test_tracked_changes_and_comments_are_noted():
    tracked = f'<w:ins {W} w:id="1" w:author="A"><w:r><w:t>ny text</w:t></w:r></w:ins>'
    deleted = f'<w:del {W} w:id="2" w:author="A"><w:r><w:delText>gammal</w:delText></w:r></w:del>'
    comment = f'<w:commentRangeStart {W} w:id="0"/>'

    def body(document):
        paragraph = document.add_paragraph("Före ")
        for xml in (tracked, deleted, comment):
            paragraph._p.append(parse_xml(xml))

    raw, _, notes = read(filled_docx(body=body))
    assert raw.data["text"] == "Före ny text"
    assert [n.code for n in notes] == ["word_tracked_changes", "word_comments_left_out"]
    assert "1 tillägg togs med" in notes[0].message and "1 borttagningar" in notes[0].message


def test_refusal_quotes_the_start_of_the_paragraph():
    chart = (
        f'<w:r {W}><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/'
        '2006/wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
        'drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/'
        '2006/chart"/></a:graphic></wp:inline></w:drawing><w:t>Antal besök per år i tabellen nedan</w:t></w:r>'
    )
    with pytest.raises(ReadError) as caught:
        read(filled_docx(body=with_xml(chart)))
    assert caught.value.place == 'stycket som börjar "Antal besök per år i tabellen…"'


def test_formatting_given_up_inside_a_word_is_noted():
    runs = (("", "A"), ("<w:b/>", "b"), ("<w:b/><w:i/>", "c"), ("<w:i/>", "d"), ("", "e"))
    _, _, notes = read(filled_docx(body=with_runs(*runs)))
    assert [(n.code, n.place) for n in notes] == [
        ("word_formatting_dropped", 'stycket som börjar "Abcde"')
    ]
