"""The real flow on the demo edition, with one broken file dropped beside the good ones."""

import hashlib
import io
import json
import re

import pikepdf
import pypdfium2

from schemas import GOALS
from tests.support.demo import SEED_VISION_SENTENCES, TODAY
from tests.support.pdf_structure import struct_elements, tag


def bookmarks(pdf_path):
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:

        def walk(items):
            return [(item.title, walk(item.children)) for item in items]

        return walk(outline.root)


def pdf_text(pdf_path) -> str:
    document = pypdfium2.PdfDocument(pdf_path)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return re.sub(r"\s+", " ", text)


def test_pdf_published_with_receipt_and_manifest(demo_build):
    out = demo_build.outputs / "2025"
    assert demo_build.pdf == out / "agenda2030-2025.pdf"
    assert demo_build.pdf.read_bytes().startswith(b"%PDF-")
    assert (out / "agenda2030-2025.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pdf_bytes = demo_build.pdf.read_bytes()
    assert manifest["pdf"]["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert manifest["pdf"]["pages"] == len(pypdfium2.PdfDocument(demo_build.pdf))
    inputs = {i["path"]: i for i in manifest["inputs"]}
    dropped = demo_build.inputs / "2025" / demo_build.broken_file
    assert (
        inputs[demo_build.broken_file]["sha256"] == hashlib.sha256(dropped.read_bytes()).hexdigest()
    )
    assert {"weasyprint", "prefect", "pydantic"} <= set(manifest["versions"])
    assert {"gather", "validate", "merge", "render"} <= set(manifest["timings_s"])


def test_bookmarks_list_the_17_goals_in_order(demo_build):
    goals = [title for title, _ in bookmarks(demo_build.pdf) if title.startswith("Mål ")]
    assert goals == [goal.title for goal in GOALS]


def test_goal_17_bookmarks_follow_the_seed(demo_build):
    goal_17 = dict(bookmarks(demo_build.pdf))[GOALS[16].title]
    assert goal_17 == [
        ("Internationella kontakter", [("Vänortssamverkan", []), ("Skolprojekt", [])]),
        ("Övriga internationella projekt", []),
        ("Västervik är medlem i Sveriges Ekokommuner", []),
        ("Visionsmål för Västerviks kommun", []),
    ]


def test_pdf_text_holds_the_seed_vision_sentences(demo_build):
    text = pdf_text(demo_build.pdf)
    for sentence in SEED_VISION_SENTENCES:
        assert sentence in text


def test_broken_file_is_named_in_the_receipt_and_left_out(demo_build):
    receipt = json.loads((demo_build.outputs / "2025" / "validering.json").read_text("utf-8"))
    entry = next(f for f in receipt["filer"] if f["fil"] == demo_build.broken_file)
    assert entry["status"] == "avvisad"
    assert entry["problem"][0]["text"] == (
        f"{demo_build.broken_file}, rad 3, nyckel 'mål': ska vara högst 17, men är 18"
    )
    assert receipt["antal"]["godkänd"] + receipt["antal"].get("godkänd med råd", 0) == 59
    assert "Ett trasigt bidrag" not in pdf_text(demo_build.pdf)


def test_every_dropped_file_is_accounted_for(demo_build):
    receipt = json.loads((demo_build.outputs / "2025" / "validering.json").read_text("utf-8"))
    edition = demo_build.inputs / "2025"
    dropped = {
        p.relative_to(edition).as_posix()
        for p in edition.rglob("*")
        if p.is_file() and p.name != "rapport.yaml"
    }
    assert {f["fil"] for f in receipt["filer"]} == dropped


def test_pdf_is_tagged_accessible_swedish(demo_build):
    with pikepdf.open(demo_build.pdf) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert str(pdf.Root.Lang) == "sv"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert str(pdf.docinfo.Title) == "Agenda 2030 i Västerviks kommun 2025"
        assert str(pdf.docinfo.Author) == "Västerviks kommun"


def test_same_inputs_give_the_same_bytes(demo_build, tmp_path):
    from flows.orchestration.build import build_report

    again = build_report(
        year=2025, inputs=demo_build.inputs, outputs=tmp_path, settle_seconds=0, today=TODAY
    )
    assert again.pdf.read_bytes() == demo_build.pdf.read_bytes()


def test_cover_and_a_chapter_page_are_not_blank(demo_build):
    document = pypdfium2.PdfDocument(demo_build.pdf)
    for index in (0, len(document) - 3):
        image = document[index].render(scale=0.3).to_pil().convert("L")
        colours = image.getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) > 10, f"page {index + 1} looks blank"
    buffer = io.BytesIO()
    document[0].render(scale=0.3).to_pil().save(buffer, format="PNG")
    assert buffer.tell() > 1000


def test_only_the_bundled_fonts_are_embedded(demo_build):
    with pikepdf.open(demo_build.pdf) as pdf:
        fonts = set()
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                fonts.add(str(font.BaseFont).split("+", 1)[-1])
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(name.startswith(("Source-Sans-Pro", "Source-Serif-Pro")) for name in fonts)


def chapter_text(demo_build, goal_title: str) -> str:
    """The text of one goal chapter, from its first page to the next chapter's."""
    with pikepdf.open(demo_build.pdf) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            starts = [(item.title, pages[item.destination[0].objgen]) for item in outline.root]
    index = next(i for i, (title, _) in enumerate(starts) if title == goal_title)
    first, end = starts[index][1], starts[index + 1][1]
    document = pypdfium2.PdfDocument(demo_build.pdf)
    text = " ".join(document[i].get_textpage().get_text_range() for i in range(first, end))
    # PDFium marks a line-end hyphen as U+FFFE; in prose it is hyphenation, so words rejoin.
    return re.sub(r"\s+", " ", re.sub("\ufffe\\s*", "", text))


def test_word_submissions_keep_their_structure_in_their_chapter(demo_build):
    goal_5 = dict((t, c) for t, c in bookmarks(demo_build.pdf))[GOALS[4].title]
    assert ("Arbetet mot våld i nära relationer", [("Kampanj för äldre", [])]) in goal_5
    text = chapter_text(demo_build, GOALS[4].title)
    assert "polisen, Region Kalmar län och den lokala kvinnojouren" in text
    assert "hemtjänsten" in text  # a bullet list item
    goal_16 = chapter_text(demo_build, GOALS[15].title)
    assert "Enkätfråga Andel som svarade ja" in goal_16  # a Word table, header row first
    with pikepdf.open(demo_build.pdf) as pdf:
        alts = [str(e.get("/Alt", "")) for e in struct_elements(pdf) if tag(e) == "/Figure"]
    assert any(alt.startswith("Illustration av ungdomsrådets 15 platser") for alt in alts)


def test_excel_and_kolada_figures_appear_as_tables_and_charts(demo_build):
    goal_7 = chapter_text(demo_build, GOALS[6].title)
    assert "Energi i siffror" in goal_7
    assert (
        "Producerad solel i bolagets anläggningar har ökat från 410 MWh år 2021 till 1 480 MWh år 2025"
        in goal_7
    )
    # 2023 is missing, not 0: Statistics Sweden's sign for a value that is not there
    assert "Levererad fjärrvärme per kund" in goal_7 and ".." in goal_7
    goal_4 = chapter_text(demo_build, GOALS[3].title)
    assert "Behörighet till yrkesprogram enligt Kolada" in goal_4
    assert "har ökat från 83,9 % år 2021 till 86,3 % år 2025" in goal_4
    with pikepdf.open(demo_build.pdf) as pdf:
        alts = [str(e.get("/Alt", "")) for e in struct_elements(pdf) if tag(e) == "/Figure"]
    assert any("2023: uppgift saknas" in alt for alt in alts)


def test_an_image_comes_with_its_alt_text_caption_and_credit(demo_build):
    goal_14 = chapter_text(demo_build, GOALS[13].title)
    assert "Illustration: Miljö- och byggförvaltningen" in goal_14
    with pikepdf.open(demo_build.pdf) as pdf:
        alts = [str(e.get("/Alt", "")) for e in struct_elements(pdf) if tag(e) == "/Figure"]
    assert any(alt.startswith("Skiss över Gamlebyviken") for alt in alts)
