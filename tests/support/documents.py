"""Real Word and Excel files for the tests, made with python-docx, openpyxl and Pillow."""

import copy
import io
import re
import zipfile
from collections.abc import Callable

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from lxml import etree
from PIL import Image

from flows.readers.word import TEMPLATE_TEXTS
from flows.starters.office import docx_template

DEPARTMENT = "kommunledningskontoret"
CONTEXT = {"departments": [DEPARTMENT, "kultur-och-fritid"], "folder": DEPARTMENT}
VALIDATION_CONTEXT = {**CONTEXT, "vision_goals": [1, 2]}


def png(color: tuple[int, int, int] = (0, 92, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(buffer, format="PNG")
    return buffer.getvalue()


def filled_docx(
    rows: dict[str, str] | None = None,
    body: Callable[[docx.document.Document], None] | None = None,
    title: str | None = "Internationella kontakter",
    goal: int = 17,
) -> bytes:
    """The starter bidrag.docx as a department fills it in: rows set, example text replaced."""
    document = docx.Document(io.BytesIO(docx_template(DEPARTMENT, goal, title)))
    key_table = document.tables[0]
    for label, value in (rows or {}).items():
        row = next(r for r in key_table.rows if r.cells[0].text == label)
        row.cells[1].text = value
    for paragraph in list(document.paragraphs):
        if paragraph.text in TEMPLATE_TEXTS:
            paragraph._p.getparent().remove(paragraph._p)
    if body is not None:
        body(document)
    return saved(document)


def saved(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_picture(paragraph: Paragraph, image: bytes, alt: str | None) -> None:
    """A picture in its own run; ``alt`` is what Word's 'Edit alt text' stores (docPr descr)."""
    shape = paragraph.add_run().add_picture(io.BytesIO(image), width=Cm(3))
    if alt is not None:
        shape._inline.docPr.set("descr", alt)


def add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """A hyperlink as Word writes it: <w:hyperlink r:id=…> around a run."""
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def with_member(content: bytes, name: str, data: bytes) -> bytes:
    """The same zip with one more member, deflated."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member.filename))
        target.writestr(name, data)
    return buffer.getvalue()


def replaced_member(content: bytes, name: str, edit: Callable[[bytes], bytes]) -> bytes:
    """The same zip with one member's bytes changed."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member.filename)
            target.writestr(member, edit(data) if member.filename == name else data)
    return buffer.getvalue()


def with_key_table(content: bytes, title: str = "Prov", goal: int = 17) -> bytes:
    """A real Word file with the starter's key table put first in its body, as a department
    who copied the table from `agenda2030 new --format docx` into their own document has it.

    Done on the package's XML, so that it works for any file Word wrote, Strict Open XML
    included (the table keeps its own namespace declaration)."""
    template = docx.Document(io.BytesIO(docx_template(DEPARTMENT, goal, title)))
    table = copy.deepcopy(template.tables[0]._tbl)
    for cell_style in table.iter(qn("w:tblStyle")):
        cell_style.getparent().remove(cell_style)  # the corpus file may lack 'Table Grid'
    xml = etree.tostring(table)

    def insert(document: bytes) -> bytes:
        start = document.index(b">", document.index(b":body")) + 1
        return document[:start] + xml + document[start:]

    return replaced_member(content, _main_part(content), insert)


def _main_part(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        rels = archive.read("_rels/.rels").decode()
    target = re.search(r'Target="/?([^"]*document[^"]*\.xml)"', rels)
    return target[1] if target else "word/document.xml"


_FOOTNOTES_XML = (
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def add_footnote(paragraph: Paragraph, text: str) -> None:
    """A footnote as Word writes it: a reference run here, the note in word/footnotes.xml."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    document_part = paragraph.part
    try:
        notes = document_part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        notes = XmlPart(
            PackURI("/word/footnotes.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
            parse_xml(_FOOTNOTES_XML),
            document_part.package,
        )
        document_part.relate_to(notes, RT.FOOTNOTES)
    number = str(len(notes.element.findall(qn("w:footnote"))))
    note = OxmlElement("w:footnote")
    note.set(qn("w:id"), number)
    note_paragraph = OxmlElement("w:p")
    for child_tag, content in (("w:footnoteRef", None), ("w:t", text)):
        run = OxmlElement("w:r")
        child = OxmlElement(child_tag)
        if content is not None:
            child.text = content
        run.append(child)
        note_paragraph.append(run)
    note.append(note_paragraph)
    notes.element.append(note)
    run = paragraph.add_run()
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), number)
    run._r.append(reference)
