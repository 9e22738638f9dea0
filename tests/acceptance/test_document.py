"""The council's document, read from the PDF: accessibility, contents, variants (issue 3)."""

import re

import pikepdf
import pytest

from flows.typesetting.part import ACCESSIBLE_VARIANT
from schemas import GOALS
from tests.support.pdf_structure import (
    bookmarks_with_pages,
    contents_entries,
    descendants,
    heading_levels,
    page_texts,
    struct_elements,
    tag,
)

# The draft mark as text extraction reads it: the label at the head is tracked wide, which
# PDFium reads as "U T K A S T"; the diagonal word behind the page reads "UTKAST".
DRAFT_MARK = re.compile(r"U\s?T\s?K\s?A\s?S\s?T")


@pytest.fixture(scope="module")
def pdf(demo_build):
    with pikepdf.open(demo_build.pdf) as document:
        yield document


def test_tagged_with_mark_info_and_swedish_language(pdf):
    assert "/StructTreeRoot" in pdf.Root
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "sv"


def test_title_shown_and_pdf_ua_declared(pdf):
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == "Agenda 2030 i Västerviks kommun 2025"
    metadata = str(pdf.open_metadata())
    assert 'pdfuaid:part="1"' in metadata
    assert ACCESSIBLE_VARIANT == "pdf/ua-1"


def test_metadata_comes_from_the_edition(pdf):
    assert str(pdf.docinfo.Author) == "Västerviks kommun"
    assert "Hållbarhetsredovisning 2025" in str(pdf.docinfo.Subject)
    assert "Agenda 2030" in str(pdf.docinfo.Keywords)
    assert str(pdf.docinfo.CreationDate).startswith("D:20260316")


def test_every_figure_has_alt_text(pdf):
    figures = [e for e in struct_elements(pdf) if tag(e) == "/Figure"]
    assert len(figures) >= 17 + 10  # 17 goal badges and the key-figure charts
    assert all(str(f.get("/Alt", "")).strip() for f in figures)


def test_headings_never_skip_a_level(pdf):
    levels = heading_levels(pdf)
    assert levels[0] == 1 and levels.count(1) >= 17
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False))


def test_every_table_has_header_cells(pdf):
    tables = [e for e in struct_elements(pdf) if tag(e) == "/Table"]
    assert len(tables) >= 10
    for table in tables:
        assert any(tag(d) == "/TH" for d in descendants(table))


def test_every_font_is_embedded(pdf):
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())


def test_bookmarks_follow_the_heading_hierarchy(pdf):
    marks = bookmarks_with_pages(pdf)
    titles = [title for title, _, _ in marks]
    assert titles[:2] == ["Innehåll", "Måluppfyllelse i korthet"]
    assert [t for t in titles if t.startswith("Mål ")] == [g.title for g in GOALS]
    assert titles[-1] == "Om rapporten"


def test_contents_page_numbers_match_the_headings_pages(demo_build, pdf):
    texts = page_texts(demo_build.pdf)
    contents_page = next(i for i, t in enumerate(texts) if t.lstrip().startswith("Innehåll"))
    entries = contents_entries(texts[contents_page])
    pages = {title: page for title, page, _ in bookmarks_with_pages(pdf)}
    for goal in GOALS:
        assert entries[goal.title] == pages[goal.title], goal.title
    assert entries["Om rapporten"] == pages["Om rapporten"]


def test_chapters_start_on_new_pages_with_running_head_and_page_x_of_y(demo_build, pdf):
    texts = page_texts(demo_build.pdf)
    pages = {title: page for title, page, _ in bookmarks_with_pages(pdf)}
    total = len(texts)
    for goal in GOALS:
        text = texts[pages[goal.title] - 1]
        assert f"Sida {pages[goal.title]} av {total}" in text
        assert re.search(re.escape(goal.name), text.split(goal.title)[0] + text)
    assert f"Sida {total} av {total}" in texts[-1]


def test_summary_table_gives_each_goal_symbol_and_word(demo_build):
    texts = page_texts(demo_build.pdf)
    summary = "".join(t for t in texts if "Måluppfyllelse i korthet" in t[:200])
    for word in ("Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt", "Ej bedömt"):
        assert word in summary
    html = (demo_build.outputs / "2025" / "agenda2030-2025.html").read_text("utf-8")
    assert html.count('class="level level-') >= 17


@pytest.fixture(scope="module")
def draft_build(demo_build, tmp_path_factory):
    """The demo edition built again as a draft, with the archive variant."""
    from flows.orchestration.build import build_report

    outputs = tmp_path_factory.mktemp("draft-outputs")
    return build_report(
        year=2025,
        inputs=demo_build.inputs,
        outputs=outputs,
        draft=True,
        archive=True,
        settle_seconds=0,
    )


def test_archive_variant_is_pdf_a_and_still_tagged(draft_build):
    assert draft_build.archive_pdf.name == "agenda2030-2025-utkast-arkiv.pdf"
    with pikepdf.open(draft_build.archive_pdf) as archive:
        metadata = str(archive.open_metadata())
        assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="A"' in metadata
        assert "/StructTreeRoot" in archive.Root and archive.Root.MarkInfo.Marked
        assert "/OutputIntents" in archive.Root
        assert str(archive.Root.Lang) == "sv"


def test_draft_says_utkast_on_every_page_and_names_departments(draft_build):
    assert draft_build.pdf.name == "agenda2030-2025-utkast.pdf"
    texts = page_texts(draft_build.pdf)
    assert all(DRAFT_MARK.search(text) for text in texts)
    joined = " ".join(texts)
    assert (
        "Bidrag från Barn- och utbildningsförvaltningen (barn-och-utbildning/mal-17-skolprojekt.md)"
        in re.sub(r"\s+", " ", joined)
    )


def test_draft_lists_the_files_left_out(draft_build):
    texts = page_texts(draft_build.pdf)
    # The page that begins with the heading, not the contents that name it: the marks go first.
    unmarked = [re.sub(rf"^(\s*{DRAFT_MARK.pattern})*\s*", "", t) for t in texts]
    first = next(i for i, t in enumerate(unmarked) if t.startswith("Ej medtagna"))
    listed = re.sub(r"\s+", " ", " ".join(t for t in texts[first:] if "Ej medtagna bidrag" in t))
    # The narrow column may wrap a path after a hyphen: compare without line breaks.
    assert "trasigt-bidrag.md ska vara högst 17, men är 18 (rad 3)" in listed.replace("- ", "-")
    assert "windows-1252.md" in listed


def test_final_build_has_no_draft_marks(demo_build):
    assert not any(DRAFT_MARK.search(text) for text in page_texts(demo_build.pdf))
