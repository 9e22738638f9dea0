"""The pages as a reader sees them: no page left mostly empty, no text off the page (issue 15).

How full a page is: the share of the text area (the page inside its margins) that lies
between the top of the first and the bottom of the last line of body text, read from the
text positions with pypdfium2. Running heads and folios stand in the margins and do not
count. A page may end early where a chapter ends (the next chapter begins on a new page)
or where a block that must stay whole (a key-figure table with its charts) moved on."""

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

MM = 72 / 25.4
# The page rule's margins (templates/css/report.css): top, right, bottom, left.
MARGINS = (25 * MM, 22 * MM, 25 * MM, 25 * MM)
# Below this a page reads as half empty; a chapter's last page and its opening are exempt.
THRESHOLD = 0.5


def text_boxes(page) -> list[tuple[float, float, float, float]]:
    text = page.get_textpage()
    boxes = [text.get_rect(i) for i in range(text.count_rects(0, text.count_chars()))]
    return [b for b in boxes if b[2] > b[0]]


def fullness(page) -> float:
    width, height = page.get_size()
    top, bottom = height - MARGINS[0], MARGINS[2]
    body = [b for b in text_boxes(page) if bottom - 1 <= b[1] and b[3] <= top + 1]
    if not body:
        return 0.0
    return (max(b[3] for b in body) - min(b[1] for b in body)) / (top - bottom)


@pytest.fixture(scope="module")
def pages(demo_build):
    pdf = pdfium.PdfDocument(str(demo_build.pdf))
    yield [pdf[i] for i in range(len(pdf))]
    pdf.close()


def chapter_ends(path, count: int) -> set[int]:
    """The cover, the chapter openings (top-level bookmarks) and each chapter's last page."""
    reader = PdfReader(path)
    openings = {
        reader.get_destination_page_number(item)
        for item in reader.outline
        if not isinstance(item, list)
    }
    return {0, count - 1} | openings | {i - 1 for i in openings if i > 0}


def test_no_body_page_is_half_empty(demo_build, pages):
    exempt = chapter_ends(demo_build.pdf, len(pages))
    thin = {
        i + 1: round(fullness(page), 2)
        for i, page in enumerate(pages)
        if i not in exempt and fullness(page) < THRESHOLD
    }
    assert thin == {}


def test_no_text_is_drawn_outside_the_page(pages):
    outside = []
    for number, page in enumerate(pages, start=1):
        width, height = page.get_size()
        for left, bottom, right, top in text_boxes(page):
            if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5:
                outside.append(number)
    assert outside == []
