"""The demo build typeset in parts and assembled (issue 8): the same document as one render,
with one tag tree, working links and stamped page numbers."""

from pathlib import Path

import pikepdf
import pytest

from flows.merge import merge
from flows.readers.edition import load_edition
from flows.render.html import render_html
from flows.settings import TEMPLATES_DIR
from tests.support.pdf_structure import bookmarks_with_pages, page_texts, struct_elements
from tests.support.typesetting import single_document_pdf


@pytest.fixture(scope="module")
def single_render(demo_build, tmp_path_factory) -> Path:
    """The build's own HTML typeset as one document, the way the bench's reference does."""
    checked = demo_build.result.checked
    report = merge(load_edition(demo_build.inputs / "2025" / "rapport.yaml"), checked)
    html = render_html(report, TEMPLATES_DIR)
    published = (demo_build.outputs / "2025" / "agenda2030-2025.html").read_text("utf-8")
    assert html == published  # the HTML published is the one a single render would take
    path = tmp_path_factory.mktemp("single") / "rapport.pdf"
    path.write_bytes(single_document_pdf(html, demo_build.inputs / "2025", report.pictures))
    return path


def test_assembled_text_equals_a_single_document_render(demo_build, single_render):
    assembled, single = page_texts(demo_build.pdf), page_texts(single_render)
    assert len(assembled) == len(single) > 30
    for number, (ours, theirs) in enumerate(zip(assembled, single, strict=True), start=1):
        assert ours == theirs, f"page {number} differs"
    assert "Syftet" in "".join(assembled)  # ligatures are read as the letters they join


def test_assembled_bookmarks_equal_a_single_document_render(demo_build, single_render):
    with pikepdf.open(demo_build.pdf) as ours, pikepdf.open(single_render) as theirs:
        assert bookmarks_with_pages(ours) == bookmarks_with_pages(theirs)


def test_one_tag_tree_whose_keys_reach_every_page_and_link(demo_build):
    with pikepdf.open(demo_build.pdf) as pdf:
        root = pdf.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        pages = {page.objgen for page in pdf.pages}
        elements = struct_elements(pdf)
        assert all(e.Pg.objgen in pages for e in elements if "/Pg" in e)
        nums = root.ParentTree.Nums
        tree = {int(key): value for key, value in zip(nums[0::2], nums[1::2], strict=True)}
        assert int(root.ParentTreeNextKey) == max(tree) + 1
        keys = [int(page.obj.StructParents) for page in pdf.pages]
        assert len(set(keys)) == len(keys) and all(key in tree for key in keys)
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", [])]
        assert links, "the contents links to the chapters"
        for link in links:
            element = tree[int(link.StructParent)]
            assert element.S == "/Link"
            assert any(
                isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj") == link for kid in element.K
            )


def test_contents_links_reach_the_pages_they_name(demo_build):
    with pikepdf.open(demo_build.pdf) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        names = pdf.Root.Names.Dests.Names
        destinations = {str(n): d for n, d in zip(names[0::2], names[1::2], strict=True)}
        contents = pdf.pages[1]
        targets = [str(a.Dest) for a in contents.obj.Annots]
        assert "mal-1" in targets and "mal-17" in targets and "bilaga" in targets
        shown = page_texts(demo_build.pdf)[1]
        for target in targets:
            page = pages[destinations[target][0].objgen]
            assert f"{page}\r\n" in shown + "\r\n"


def test_page_numbers_are_stamped_as_artifacts_on_every_page_but_the_cover(demo_build):
    texts = page_texts(demo_build.pdf)
    total = len(texts)
    assert "Sida" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert text.endswith(f"Sida {number} av {total}")
    with pikepdf.open(demo_build.pdf) as pdf:
        content = pdf.pages[4].obj.Contents
        streams = content if isinstance(content, pikepdf.Array) else [content]
        last = streams[-1].read_bytes()
        assert b"/Artifact" in last and b"/Pagination" in last


def test_each_font_file_is_embedded_once(demo_build):
    with pikepdf.open(demo_build.pdf) as pdf:
        files = [
            obj.FontFile2
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == "/FontDescriptor"
            and "/FontFile2" in obj
        ]
        distinct = {font.objgen for font in files}
        contents = {bytes(font.read_bytes()) for font in files}
        assert len(files) > len(distinct)  # every part had its own descriptor ...
        assert len(distinct) == len(contents)  # ... and one stream per distinct font file
