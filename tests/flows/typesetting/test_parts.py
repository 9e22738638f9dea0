"""The report typeset in parts and assembled (issue 8): the same document as one render, with
one tag tree, working links, stamped page numbers, and parts reused when nothing changed."""

import multiprocessing
import threading
import time
from pathlib import Path

import pytest

from flows.gather import gather
from flows.merge import merge
from flows.readers.edition import load_edition
from flows.settings import TEMPLATES_DIR
from flows.typesetting.cache import PartCache
from flows.typesetting.part import PartJob
from flows.typesetting.parts import (
    FOLIO,
    FRONT,
    PartsFailed,
    Typesetting,
    chapter_part,
    typeset_all,
)
from flows.typesetting.report import typeset, typeset_resilient
from flows.typesetting.workers import PartRenderer
from flows.validate import validate_all
from tests.support.demo import DEMO_YEAR
from tests.support.pdf_structure import page_texts


@pytest.fixture(scope="module")
def renderer():
    workers = PartRenderer()
    yield workers.start()
    workers.stop()


def demo_parts(edition_dir: Path):
    edition = load_edition(edition_dir / "rapport.yaml")
    checked = validate_all(gather(edition_dir), edition)
    return merge(edition, checked), checked


def test_a_changed_section_retypesets_its_chapter_only(demo_inputs, tmp_path, renderer):
    edition_dir = demo_inputs / str(DEMO_YEAR)
    cache = PartCache(tmp_path / "delar")

    setting = Typesetting(edition_dir, TEMPLATES_DIR, False, False, renderer, cache, 600)

    def render():
        report, _ = demo_parts(edition_dir)
        return typeset(report, setting)

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
    job = PartJob("bild", html, edition_dir, TEMPLATES_DIR)
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
        job = PartJob("seg", html, tmp_path, TEMPLATES_DIR)
        with pytest.raises(PartsFailed, match="tog för lång tid") as failed:
            typeset_all(workers, PartCache(tmp_path / "delar"), [job], deadline=0.0)
        assert failed.value.goals() is None  # not a chapter: every submission is a suspect
        quick = PartJob(
            "kort",
            "<html lang='sv'><title>x</title><p>Kort.</p></html>",
            tmp_path,
            TEMPLATES_DIR,
        )
        part = workers.typeset(quick, PartCache(tmp_path / "delar")).result(120)
        assert part.page_count == 1
    finally:
        workers.stop(kill=True)


def test_a_worker_killed_mid_part_costs_that_part_a_second_try_alone(tmp_path, monkeypatch):
    """A worker that dies (the memory limit, a crash) breaks its whole pool; the part it had
    is typeset again alone in a child process, and the next part gets a new pool."""
    import flows.typesetting.isolation
    import flows.typesetting.parts

    alone = []

    def run_isolated(function, job, timeout):
        alone.append(job.name)
        return flows.typesetting.isolation.run_isolated(function, job, timeout)

    monkeypatch.setattr(flows.typesetting.parts, "run_isolated", run_isolated)
    before = set(multiprocessing.active_children())
    workers = PartRenderer(workers=1).start()
    cache = PartCache(tmp_path / "delar")
    try:

        def job(name: str, paragraphs: int) -> PartJob:
            text = "<p>" + "ord " * 200 + "</p>"
            html = f"<html lang='sv'><head><title>x</title></head><body>{text * paragraphs}"
            return PartJob(name, html + "</body></html>", tmp_path, TEMPLATES_DIR)

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
    edition_dir = demo_inputs / str(DEMO_YEAR)
    report, checked = demo_parts(edition_dir)
    picture = sorted(edition_dir.glob("*/*.png"))[0]
    picture.unlink()
    cache = PartCache(tmp_path / "delar")

    setting = Typesetting(edition_dir, TEMPLATES_DIR, False, False, renderer, cache, 600)

    def compose(items):
        return merge(report.edition, items)

    outcome = typeset_resilient(checked, compose, setting, report=report)
    failed = [c for c in outcome.checked if not c.accepted]
    assert len(failed) == 1 and failed[0].problems[0].code == "render_failed"
    assert failed[0].file.startswith(picture.parent.name + "/")
    assert sum(c.accepted for c in outcome.checked) == len(checked) - 1
    assert outcome.rendered.page_count > 30


def _write(pdf: bytes, folder: Path) -> Path:
    path = folder / "rapport.pdf"
    path.write_bytes(pdf)
    return path
