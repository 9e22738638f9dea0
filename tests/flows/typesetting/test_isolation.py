"""Typesetting in a child process (issue 5): stopped when too slow or too big, and the
submission that breaks its chapter is found and left out."""

import time
from pathlib import Path

import pytest

from flows.merge import merge
from flows.settings import TEMPLATES_DIR
from flows.typesetting.cache import PartCache
from flows.typesetting.isolation import run_isolated
from flows.typesetting.part import PartJob, RenderError, typeset_part
from flows.typesetting.parts import Typesetting
from flows.typesetting.report import typeset_resilient
from flows.typesetting.workers import PartRenderer
from flows.validate import Checked
from schemas import Submission
from tests.support.pdf_structure import page_texts


def nested_html(depth: int) -> str:
    return (
        "<html lang='sv'><body>" + "<div>" * depth + "djupt" + "</div>" * depth + "</body></html>"
    )


def job(html: str, tmp_path: Path) -> PartJob:
    return PartJob("prov", html, tmp_path, TEMPLATES_DIR)


def test_a_render_that_takes_too_long_is_stopped(tmp_path):
    started = time.monotonic()
    with pytest.raises(RenderError, match="tog mer än"):
        run_isolated(typeset_part, job(nested_html(10), tmp_path), timeout=0.05)
    assert time.monotonic() - started < 30


def test_a_render_that_exhausts_memory_is_stopped(tmp_path):
    long = "<html lang='sv'><body>" + ("<p>" + "ord " * 200 + "</p>") * 3000 + "</body></html>"
    with pytest.raises(RenderError, match="avbröts|minnesgränsen|tog mer än"):
        # Starved of memory a render may fail fast or crawl; either way it is stopped.
        run_isolated(typeset_part, job(long, tmp_path), memory_mb=150, timeout=60)


def test_pathological_nesting_fails_in_the_child_not_the_build(tmp_path):
    with pytest.raises(RenderError):
        run_isolated(typeset_part, job(nested_html(3000), tmp_path), timeout=120)


def section(name: str, goal: int, text: str) -> Checked:
    data = {"förvaltning": "kultur-och-fritid", "mål": goal, "rubrik": name, "text": text}
    return Checked(
        f"kultur-och-fritid/{name}.md", "kultur-och-fritid", "x", Submission.model_validate(data)
    )


def test_the_submission_that_breaks_its_chapter_is_found_and_left_out(demo_report, tmp_path):
    """A picture that validation never saw (the submission is built as accepted) stands in
    for content that passes validation yet cannot be typeset."""
    checked = [section("bra", 3, "Text om bra."), section("dalig", 11, "![x](finns-inte.png)")]
    edition_dir = tmp_path / "utgava"
    edition_dir.mkdir()
    renderer = PartRenderer(workers=1).start()
    setting = Typesetting(
        edition_dir, TEMPLATES_DIR, False, False, renderer, PartCache(tmp_path / "delar"), 120
    )
    try:
        outcome = typeset_resilient(
            checked, lambda items: merge(demo_report.edition, items), setting
        )
    finally:
        renderer.stop()
    by_file = {c.file: c for c in outcome.checked}
    assert by_file["kultur-och-fritid/bra.md"].accepted
    failed = by_file["kultur-och-fritid/dalig.md"].problems[0]
    assert failed.code == "render_failed" and "finns-inte.png" in failed.message
    pdf_path = tmp_path / "rapport.pdf"
    pdf_path.write_bytes(outcome.rendered.pdf)
    text = " ".join(page_texts(pdf_path))
    assert "Text om bra." in text and "dalig" not in text
