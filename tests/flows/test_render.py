"""Render: the HTML's structure, and real WeasyPrint renders of small reports."""

import io

import pikepdf
import pytest
import tinyhtml5

from flows.merge import merge
from flows.render import RenderError, render_html, render_pdf
from flows.settings import TEMPLATES_DIR
from flows.validate import Checked
from schemas import Submission


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


def small_report(demo_report, text: str):
    data = {"förvaltning": "kommunledningskontoret", "mål": 5, "rubrik": "Prov", "text": text}
    return merge(
        demo_report.edition,
        [
            Checked(
                "kommunledningskontoret/prov.md",
                "kommunledningskontoret",
                "",
                Submission.model_validate(data),
            )
        ],
    )


def test_submission_text_renders_literally(demo_report, tmp_path):
    report = small_report(demo_report, "Summa {{ 7*7 }} och <b>fet</b> & {% raw %}")
    html = render_html(report, TEMPLATES_DIR)
    assert "{{ 7*7 }}" in html and "&lt;b&gt;fet&lt;/b&gt;" in html
    rendered = render_pdf(html, tmp_path, TEMPLATES_DIR, identifier="prov")
    assert rendered.pdf.startswith(b"%PDF-1.7")


def test_pdf_is_tagged_swedish_and_ua(demo_report, tmp_path):
    rendered = render_pdf(
        render_html(small_report(demo_report, "Text."), TEMPLATES_DIR),
        tmp_path,
        TEMPLATES_DIR,
        identifier="prov",
    )
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    assert "/StructTreeRoot" in pdf.Root
    assert pdf.Root.MarkInfo.Marked
    assert str(pdf.Root.Lang) == "sv"
    assert "pdfuaid" in pdf.open_metadata().__str__() or "pdfuaid" in str(
        pdf.Root.Metadata.read_bytes()
    )


def test_missing_image_stops_the_render(demo_report, tmp_path):
    report = small_report(demo_report, "![Ett foto](saknas.png)")
    with pytest.raises(RenderError, match="saknas.png"):
        render_pdf(render_html(report, TEMPLATES_DIR), tmp_path, TEMPLATES_DIR, identifier="prov")


def test_file_outside_the_edition_is_never_read(demo_report, tmp_path):
    secret = tmp_path / "hemlig.png"
    secret.write_bytes(b"not really a png")
    edition = tmp_path / "utgava"
    edition.mkdir()
    report = small_report(demo_report, "![Hemlig](../../hemlig.png)")
    with pytest.raises(RenderError, match="utanför"):
        render_pdf(render_html(report, TEMPLATES_DIR), edition, TEMPLATES_DIR, identifier="prov")
