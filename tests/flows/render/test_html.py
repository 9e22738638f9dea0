"""Report -> HTML: the structure a screen reader and the typesetter rely on."""

import pytest
import tinyhtml5

from flows.render.html import render_html
from flows.settings import TEMPLATES_DIR


def parse(html: str):
    return tinyhtml5.parse(html, namespace_html_elements=False)


@pytest.fixture(scope="module")
def demo_html(demo_report):
    return render_html(demo_report, TEMPLATES_DIR)


def test_document_language_and_title(demo_html):
    root = parse(demo_html)
    assert root.get("lang") == "sv"
    assert root.find("head/title").text == "Agenda 2030 i Västerviks kommun 2025"


def test_one_chapter_heading_per_goal_in_order(demo_html):
    headings = [h.text for h in parse(demo_html).iter("h1") if h.text and h.text.startswith("Mål ")]
    assert headings[0] == "Mål 1 Ingen fattigdom"
    assert headings[-1] == "Mål 17 Genomförande och globalt partnerskap"
    assert len(headings) == 17


def test_headings_never_skip_a_level(demo_html):
    levels = [
        int(e.tag[1]) for e in parse(demo_html).iter() if e.tag in {f"h{i}" for i in range(1, 7)}
    ]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_every_image_has_alt_text_and_every_table_header_cells(demo_html):
    root = parse(demo_html)
    images = list(root.iter("img"))
    assert images and all(img.get("alt", "").strip() for img in images)
    for table in root.iter("table"):
        assert table.find("thead/tr/th") is not None


def test_contents_links_every_chapter(demo_html):
    contents = next(e for e in parse(demo_html).iter("nav") if "contents" in e.get("class", ""))
    targets = [a.get("href") for a in contents.iter("a")]
    for number in range(1, 18):
        assert f"#mal-{number}" in targets
