"""Advice to a text's writer (LIX, a bold line as heading, …) is shown beside the section in
the draft, and never in the final report."""

import hashlib
import io

import pikepdf
import pytest
import tinyhtml5
from pypdf import PdfReader

from flows.gather import Disposition, DroppedFile
from flows.merge import merge
from flows.readers.edition import load_edition
from flows.render.html import render_html
from flows.settings import PROJECT_ROOT, TEMPLATES_DIR
from flows.validate import validate_file
from tests.support.pdf_structure import struct_elements, tag
from tests.support.typesetting import typeset_html

EDITION_DIR = PROJECT_ROOT / "inputs" / "2025"
EDITION = load_edition(EDITION_DIR / "rapport.yaml")
SECTION = """---
förvaltning: kultur-och-fritid
mål: 3
rubrik: Simskola för alla
---
Simskolan når alla barn i årskurs två.

**Fler simlärare**

Vi har anställt två simlärare till.
"""
ADVICE = "Raden 'Fler simlärare' är bara fetstil och ser ut som en rubrik"


def report_with_advice():
    content = SECTION.encode()
    dropped = DroppedFile(
        relative="kultur-och-fritid/simskola.md",
        folder="kultur-och-fritid",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        disposition=Disposition.SUBMISSION,
        content=content,
    )
    checked = validate_file(dropped, EDITION, {})
    assert checked.accepted and [n.code for n in checked.notes] == ["bold_as_heading"]
    return merge(EDITION, [checked])


@pytest.fixture(scope="module")
def report():
    return report_with_advice()


def advice_boxes(html: str) -> list[str]:
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    return [
        "".join(div.itertext()) for div in root.iter("div") if div.get("class") == "draft-advice"
    ]


def test_the_merged_section_carries_its_files_advice(report):
    (section,) = report.chapters[2].sections
    assert [a.code for a in section.advice] == ["bold_as_heading"]
    assert section.advice[0].line == 8


def test_draft_html_shows_the_advice_after_its_section(report):
    html = render_html(report, TEMPLATES_DIR, draft=True)
    (box,) = advice_boxes(html)
    assert "Råd till skribenten" in box
    assert ADVICE in box and "(rad 8)" in box
    # After the section's own text, inside the section it is about.
    assert html.index("Vi har anställt") < html.index("bara fetstil") < html.index('id="mal-4"')


def test_final_html_has_no_advice(report):
    html = render_html(report, TEMPLATES_DIR)
    assert advice_boxes(html) == []
    assert "Råd till skribenten" not in html and "bara fetstil" not in html


def test_draft_pdf_has_the_advice_as_tagged_text_and_the_final_has_none(report):
    """The advice is real text in the tag tree (a paragraph and a list), and only in the
    draft's PDF."""
    draft = typeset_html(render_html(report, TEMPLATES_DIR, draft=True), EDITION_DIR).pdf
    final = typeset_html(render_html(report, TEMPLATES_DIR), EDITION_DIR).pdf

    def text(pdf: bytes) -> str:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert "Råd till skribenten" in text(draft) and "bara fetstil" in text(draft)
    assert "Råd till skribenten" not in text(final) and "bara fetstil" not in text(final)
    with pikepdf.open(io.BytesIO(draft)) as pdf:
        tags = [tag(element) for element in struct_elements(pdf)]
    with pikepdf.open(io.BytesIO(final)) as pdf:
        final_tags = [tag(element) for element in struct_elements(pdf)]
    assert tags.count("/L") == final_tags.count("/L") + 1  # the advice list, and nothing else
