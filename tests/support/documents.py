"""Real Word and Excel files for the tests, made with python-docx, openpyxl and Pillow."""

import io
import zipfile
from collections.abc import Callable

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph
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
