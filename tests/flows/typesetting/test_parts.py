"""The report typeset in parts and assembled (issue 8): the same document as one render, with
one tag tree, working links, stamped page numbers, and parts reused when nothing changed."""

import dataclasses
import hashlib
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
    made = {path.name for path in cache.folder.glob("*.pickle")}
    assert len(made) == 17 + 3  # the chapters, front, back, page numbers

    again = render()
    assert again.pdf == first.pdf
    assert {path.name for path in cache.folder.glob("*.pickle")} == made  # nothing typeset anew

    section = edition_dir / "socialforvaltningen" / "mal-01-egen-forsorjning.md"
    with section.open("a", encoding="utf-8") as file:
        file.write("\nTillägg 4711 till uppföljningen.\n")
    changed = render()
    new = {path.name for path in cache.folder.glob("*.pickle")} - made
    names = {PartCache.load(cache.folder / name).name for name in new}
    assert chapter_part(1) in names
    assert names <= {chapter_part(1), FRONT, FOLIO}  # the front only if page counts moved
    assert "4711" in " ".join(page_texts(_write(changed.pdf, tmp_path)))


def test_the_front_matter_typeset_from_a_guess_of_its_page_numbers_is_right_either_way(
    demo_inputs, tmp_path, renderer
):
    """The front part is typeset beside the chapters from the page numbers the last build
    ended with; a wrong guess (pages moved) is typeset again, and the PDF is the same."""
    edition_dir = demo_inputs / str(DEMO_YEAR)
    cache = PartCache(tmp_path / "delar")
    setting = Typesetting(edition_dir, TEMPLATES_DIR, False, False, renderer, cache, 600)
    report, _ = demo_parts(edition_dir)
    first = typeset(report, setting)
    remembered = cache.last_pages("slutlig")
    assert remembered is not None and remembered[" alla"] == first.page_count

    for pickle in cache.folder.glob("*.pickle"):  # a cold cache, the last build's numbers
        pickle.unlink()
    assert typeset(report, setting).pdf == first.pdf

    wrong = {anchor: page + 2 for anchor, page in remembered.items()}
    cache.remember_pages("slutlig", wrong)  # as if two pages had gone since
    assert typeset(report, setting).pdf == first.pdf
    assert cache.last_pages("slutlig") == remembered  # the numbers it ended with


def test_a_picture_is_typeset_from_the_snapshot_and_a_new_one_is_a_miss(
    demo_inputs, tmp_path, renderer
):
    """The part reads the picture's bytes from the build's snapshot, never from the drop
    folder: a file swapped on disk meanwhile changes nothing, new bytes make a new part."""
    edition_dir = demo_inputs / str(DEMO_YEAR)
    picture = sorted(edition_dir.glob("*/*.png"))[0]
    relative = picture.relative_to(edition_dir).as_posix()
    html = (
        "<html lang='sv'><head><title>Bild</title></head><body>"
        f"<img src='{relative}' alt='Bild'></body></html>"
    )
    snapshot = picture.read_bytes()
    job = PartJob("bild", html, edition_dir, TEMPLATES_DIR, embedded={relative: snapshot})
    cache = PartCache(tmp_path / "delar")
    part = renderer.typeset(job, cache).result(120)
    assert part.dependencies[picture.as_uri()] == hashlib.sha256(snapshot).hexdigest()
    cache.put(job, part)  # as the worker's callback does, without waiting for it
    picture.write_bytes(b"not a picture any more")  # swapped on disk after the snapshot
    assert cache.get(job) == part
    assert renderer.typeset(job, PartCache(tmp_path / "andra")).result(120).pdf == part.pdf
    changed = PartJob(
        "bild", html, edition_dir, TEMPLATES_DIR, embedded={relative: snapshot + b"\0"}
    )
    assert cache.get(changed) is None


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
    """A picture the snapshot does not hold (taken from one submission here) makes its chapter
    fail: the submission is rejected as render_failed, and the rest is published."""
    edition_dir = demo_inputs / str(DEMO_YEAR)
    report, checked = demo_parts(edition_dir)
    culprit = next(c for c in checked if c.accepted and c.images and c.file.endswith(".md"))
    checked = [dataclasses.replace(c, images={}) if c is culprit else c for c in checked]
    for picture in culprit.images:
        (edition_dir / picture).unlink()  # and not on disk either
    cache = PartCache(tmp_path / "delar")
    setting = Typesetting(edition_dir, TEMPLATES_DIR, False, False, renderer, cache, 600)

    def compose(items):
        return merge(report.edition, items)

    outcome = typeset_resilient(checked, compose, setting)
    failed = [c for c in outcome.checked if not c.accepted]
    assert [c.file for c in failed] == [culprit.file]
    assert failed[0].problems[0].code == "render_failed"
    assert sum(c.accepted for c in outcome.checked) == len(checked) - 1
    assert outcome.rendered.page_count > 30


def test_a_picture_removed_after_validation_is_typeset_from_the_snapshot(
    demo_inputs, tmp_path, renderer
):
    edition_dir = demo_inputs / str(DEMO_YEAR)
    report, checked = demo_parts(edition_dir)
    for picture in sorted(edition_dir.glob("*/*.png")):
        picture.unlink()
    setting = Typesetting(
        edition_dir, TEMPLATES_DIR, False, False, renderer, PartCache(tmp_path / "delar"), 600
    )
    outcome = typeset_resilient(checked, lambda items: merge(report.edition, items), setting)
    assert outcome.checked == checked  # nothing rejected: the pictures were read at gather
    assert outcome.rendered.page_count > 30


def _write(pdf: bytes, folder: Path) -> Path:
    path = folder / "rapport.pdf"
    path.write_bytes(pdf)
    return path
