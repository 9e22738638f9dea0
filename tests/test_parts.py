"""The report typeset in parts and assembled (issue 8): the same document as one render, with
one tag tree, working links, stamped page numbers, and parts reused when nothing changed."""

import datetime as dt
import multiprocessing
import threading
import time
from pathlib import Path

import pikepdf
import pytest

from flows.edition import load_edition
from flows.gather import gather
from flows.isolation import job_for, render_isolated
from flows.merge import merge
from flows.part_cache import PartCache
from flows.parts import (
    FOLIO,
    FRONT,
    PartsFailed,
    Typesetting,
    chapter_part,
    render_in_parts,
    typeset_all,
)
from flows.settings import TEMPLATES_DIR
from flows.typeset import PartJob
from flows.validate import validate_all
from flows.workers import PartRenderer

from .conftest import DEMO_YEAR
from .pdf_structure import bookmarks_with_pages, page_texts, struct_elements

DATE = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def renderer():
    workers = PartRenderer()
    yield workers.start()
    workers.stop()


@pytest.fixture(scope="module")
def single_render(demo_build, tmp_path_factory) -> Path:
    """The build's own HTML typeset as one document, the way the bench's reference does."""
    checked = demo_build.result.checked
    report = merge(load_edition(demo_build.inputs / "2025" / "rapport.yaml"), checked)
    job = job_for(
        report, checked, TEMPLATES_DIR, demo_build.inputs / "2025", draft=False, archive=False
    )
    published = (demo_build.outputs / "2025" / "agenda2030-2025.html").read_text("utf-8")
    assert job.html == published  # the HTML published is the one a single render would take
    path = tmp_path_factory.mktemp("single") / "rapport.pdf"
    path.write_bytes(render_isolated(job).pdf)
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


def demo_parts(edition_dir: Path):
    edition = load_edition(edition_dir / "rapport.yaml")
    checked = validate_all(gather(edition_dir), edition)
    return merge(edition, checked), checked


def test_a_changed_section_retypesets_its_chapter_only(demo_inputs, tmp_path, renderer):
    edition_dir = demo_inputs / str(DEMO_YEAR)
    cache = PartCache(tmp_path / "delar")

    setting = Typesetting(edition_dir, TEMPLATES_DIR, False, False, renderer, cache, 600)

    def render():
        report, checked = demo_parts(edition_dir)
        return render_in_parts(report, checked, setting)

    first = render()
    made = {path.name for path in cache.folder.iterdir()}
    assert len(made) == 17 + 3  # the chapters, front, back, page numbers

    again = render()
    assert again.pdf == first.pdf
    assert {path.name for path in cache.folder.iterdir()} == made  # nothing typeset anew

    section = edition_dir / "socialforvaltningen" / "mal-01-egen-forsorjning.md"
    with section.open("a", encoding="utf-8") as file:
        file.write("\nTillägg 4711 till uppföljningen.\n")
    changed = render()
    new = {path.name for path in cache.folder.iterdir()} - made
    names = {PartCache.load(cache.folder / name).name for name in new}
    assert chapter_part(1) in names
    assert names <= {chapter_part(1), FRONT, FOLIO}  # the front only if page counts moved
    assert "4711" in " ".join(page_texts(_write(changed.pdf, tmp_path)))


def test_a_changed_picture_is_a_miss_not_a_stale_page(demo_inputs, tmp_path, renderer):
    edition_dir = demo_inputs / str(DEMO_YEAR)
    report, checked = demo_parts(edition_dir)
    pictures = sorted(edition_dir.glob("*/*.png"))
    assert pictures, "the demo has a picture in a Markdown section"
    html = (
        "<html lang='sv'><head><title>Bild</title></head><body>"
        f"<img src='{pictures[0].relative_to(edition_dir).as_posix()}' alt='Bild'></body></html>"
    )
    job = PartJob("bild", html, edition_dir, TEMPLATES_DIR, report.edition.date)
    cache = PartCache(tmp_path / "delar")
    part = renderer.typeset(job, cache).result(120)
    assert pictures[0].as_uri() in part.dependencies
    cache.put(job, part)  # as the worker's callback does, without waiting for it
    assert cache.get(job) == part
    pictures[0].write_bytes(pictures[0].read_bytes() + b"\0")  # new bytes, same name
    assert cache.get(job) is None


def test_a_part_that_takes_too_long_is_stopped_and_the_pool_recovers(tmp_path):
    workers = PartRenderer(workers=1).start()
    try:
        deep = "<div>" * 400 + "djupt" + "</div>" * 400
        html = f"<html lang='sv'><head><title>x</title></head><body>{deep * 50}</body></html>"
        job = PartJob("seg", html, tmp_path, TEMPLATES_DIR, DATE)
        with pytest.raises(PartsFailed, match="tog för lång tid") as failed:
            typeset_all(workers, PartCache(tmp_path / "delar"), [job], deadline=0.0)
        assert failed.value.goals() is None  # not a chapter: every submission is a suspect
        quick = PartJob(
            "kort",
            "<html lang='sv'><title>x</title><p>Kort.</p></html>",
            tmp_path,
            TEMPLATES_DIR,
            DATE,
        )
        part = workers.typeset(quick, PartCache(tmp_path / "delar")).result(120)
        assert part.page_count == 1
    finally:
        workers.stop(kill=True)


def test_a_worker_killed_mid_part_costs_that_part_a_second_try_alone(tmp_path, monkeypatch):
    """A worker that dies (the memory limit, a crash) breaks its whole pool; the part it had
    is typeset again alone in a child process, and the next part gets a new pool."""
    import flows.isolation
    import flows.parts

    alone = []

    def run_isolated(function, job, timeout):
        alone.append(job.name)
        return flows.isolation.run_isolated(function, job, timeout)

    monkeypatch.setattr(flows.parts, "run_isolated", run_isolated)
    before = set(multiprocessing.active_children())
    workers = PartRenderer(workers=1).start()
    cache = PartCache(tmp_path / "delar")
    try:

        def job(name: str, paragraphs: int) -> PartJob:
            text = "<p>" + "ord " * 200 + "</p>"
            html = f"<html lang='sv'><head><title>x</title></head><body>{text * paragraphs}"
            return PartJob(name, html + "</body></html>", tmp_path, TEMPLATES_DIR, DATE)

        assert workers.typeset(job("kort", 1), cache).result(120).page_count == 1  # started
        pool = set(multiprocessing.active_children()) - before
        assert len(pool) == 1
        killer = threading.Timer(1.0, lambda: [process.kill() for process in pool])
        killer.start()
        (part,) = typeset_all(workers, cache, [job("lang", 200)], deadline=time.monotonic() + 300)
        killer.join()
        assert not any(process.is_alive() for process in pool)
        assert alone == ["lang"]  # killed mid-part, typeset again in a child of its own
        assert part.name == "lang" and part.page_count > 10
        assert workers.typeset(job("efter", 2), cache).result(120).page_count == 1
    finally:
        workers.stop(kill=True)


def test_a_chapter_that_cannot_be_typeset_names_its_submission(demo_inputs, tmp_path, renderer):
    """A picture removed after validation: its chapter fails, the submission is rejected as
    render_failed, and the rest is published."""
    from flows.isolation import RENDER_TIMEOUT_S
    from flows.parts import render_parts_resilient

    edition_dir = demo_inputs / str(DEMO_YEAR)
    report, checked = demo_parts(edition_dir)
    picture = sorted(edition_dir.glob("*/*.png"))[0]
    picture.unlink()
    cache = PartCache(tmp_path / "delar")

    setting = Typesetting(
        edition_dir, TEMPLATES_DIR, False, False, renderer, cache, RENDER_TIMEOUT_S
    )

    def render(merged, items):
        return render_in_parts(merged, items, setting)

    def make_job(merged, items):
        return job_for(merged, items, TEMPLATES_DIR, edition_dir, draft=False, archive=False)

    outcome = render_parts_resilient(report.edition, checked, render, make_job, report=report)
    failed = [c for c in outcome.checked if not c.accepted]
    assert len(failed) == 1 and failed[0].problems[0].code == "render_failed"
    assert failed[0].file.startswith(picture.parent.name + "/")
    assert sum(c.accepted for c in outcome.checked) == len(checked) - 1
    assert outcome.rendered.page_count > 30


def _write(pdf: bytes, folder: Path) -> Path:
    path = folder / "rapport.pdf"
    path.write_bytes(pdf)
    return path
