"""Real Word files as departments save them (issue 13): each file of the shared corpus, with
the starter's key table put first, is accepted with all its text in the PDF, or refused with
a located Swedish message. The files are read where they lie, never copied into the project."""

import hashlib
import io
import re
from pathlib import Path

import pypdf
import pytest

from flows.gather import Disposition, DroppedFile
from flows.merge import merge
from flows.readers.edition import load_edition
from flows.render.fonts import missing_glyphs
from flows.render.html import render_html
from flows.settings import TEMPLATES_DIR
from flows.validate import Checked, validate_file
from schemas import Submission
from tests.support.demo import shared_corpus
from tests.support.documents import DEPARTMENT, with_key_table
from tests.support.typesetting import typeset_html

CORPUS = shared_corpus() / "word"
EDITION_DIR = Path(__file__).resolve().parents[2] / "inputs" / "2025"
FILES = sorted(p.name for p in CORPUS.glob("*.docx"))

# What the PDF must show of each file: (text, how it shows), beyond every paragraph's text.
EXPECTED = {
    "links.docx": ["An external link to a popular website."],
    "Theme_colors.docx": ["http://www.google.com"],
    "char_styles.docx": ["This is all in an italic style."],
    "Emphases_markdown_warning.docx": ["Abcde"],
    "footnote-hyperlink.docx": ["Example"],
    "Decorative_shapes.docx": ["Textbox"],
    "task_list.docx": ["□ Unchecked", "⊠ Checked"],
    "unicode.docx": ["Hello, 世界. This costs €10."],
    "Hyperlinks.docx": ["LATICRETE®"],
    "11113.docx": ["😏"],
    "Office_math-without-ole.docx": ["x=(-b±√(b^2-4ac))/(2a)"],
    "7691.docx": ["Some text"],
    "strict-format.docx": ["Test"],
}
LEAKED = re.compile(r"\*|\\$|\]\(|\[\^")


def dropped(name: str) -> DroppedFile:
    content = with_key_table((CORPUS / name).read_bytes(), title=Path(name).stem)
    return DroppedFile(
        f"{DEPARTMENT}/{name}",
        DEPARTMENT,
        len(content),
        hashlib.sha256(content).hexdigest(),
        Disposition.SUBMISSION,
        content,
    )


@pytest.fixture(scope="module")
def edition():
    return load_edition(EDITION_DIR / "rapport.yaml")


def pdf_text(edition, checked: Checked) -> str:
    report = merge(edition, [checked])
    html = render_html(report, TEMPLATES_DIR, part="mal-17")
    part = typeset_html(html, EDITION_DIR)
    reader = pypdf.PdfReader(io.BytesIO(part.pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text without its layout: hyphenation at line ends and all white space gone."""
    return re.sub(r"\s+", "", re.sub(r"-\n", "", text))


def test_the_corpus_is_all_there():
    assert len(FILES) == 14, FILES  # the README of ../shared/corpus/word names 14 files


@pytest.mark.parametrize("name", FILES)
def test_real_word_file_is_published_with_all_its_text(name, edition):
    checked = validate_file(dropped(name), edition, {})
    assert checked.accepted, [p.message for p in checked.problems]
    text = pdf_text(edition, checked)
    for expected in EXPECTED.get(name, []):
        assert flat(expected) in flat(text), (expected, text)
    assert not LEAKED.search(text.replace("*", "", 0)), text
    assert not missing_glyphs(checked.submission.text), missing_glyphs(checked.submission.text)


def test_a_chapter_with_cjk_emoji_and_ethiopic_keeps_every_text(edition):
    """Characters the Source fonts lack are drawn with the fallback fonts, and one
    department's unusual characters leave another's text whole in the PDF."""
    texts = {
        "kommunledningskontoret": "Vänorten 世界 skickade ❤ 😏 och ሰላም ዓለም.",
        "kultur-och-fritid": "I want åäö to stay readable.",
    }
    checked = [
        Checked(
            f"{folder}/prov.md",
            folder,
            "",
            Submission.model_validate(
                {"förvaltning": folder, "mål": 17, "rubrik": f"Prov {i}", "text": text}
            ),
        )
        for i, (folder, text) in enumerate(texts.items())
    ]
    report = merge(edition, checked)
    html = render_html(report, TEMPLATES_DIR, part="mal-17")
    part = typeset_html(html, EDITION_DIR)
    reader = pypdf.PdfReader(io.BytesIO(part.pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for source in texts.values():
        assert not missing_glyphs(source)
        assert flat(source) in flat(text), text


def test_word_links_are_real_links_in_the_pdf(edition):
    checked = validate_file(dropped("links.docx"), edition, {})
    report = merge(edition, [checked])
    part = typeset_html(render_html(report, TEMPLATES_DIR, part="mal-17"), EDITION_DIR)
    reader = pypdf.PdfReader(io.BytesIO(part.pdf))
    targets = {
        annotation.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    }
    assert {"http://google.com", "http://pandoc.org/README.html"} <= targets
