"""Issue 6: the content-keyed cache of read-and-validate, and why it never keys on a path."""

from pathlib import Path

import pytest

from flows.gather import DroppedFile, gather
from flows.orchestration.file_results import submission_key
from tests.support.demo import TODAY

pytestmark = pytest.mark.usefixtures("prefect_harness")


def dropped(name: str, content: bytes, folder: str = "kommunledningskontoret") -> DroppedFile:
    from flows.gather import Disposition

    return DroppedFile(
        f"{folder}/{name}", folder, len(content), "", Disposition.SUBMISSION, content
    )


def test_the_key_follows_content_edition_and_images_never_the_place_on_disk(demo_inputs, tmp_path):
    import shutil

    from flows.readers.edition import load_edition

    edition = load_edition(demo_inputs / "2025" / "rapport.yaml")
    image = {"kommunledningskontoret/bild.png": b"png-1"}
    key = submission_key(dropped("a.md", b"text"), edition, image)
    assert key == submission_key(dropped("a.md", b"text"), edition, dict(image))
    assert key != submission_key(dropped("a.md", b"text!"), edition, image)  # the bytes
    assert key != submission_key(dropped("b.md", b"text"), edition, image)  # named in messages
    assert key != submission_key(dropped("a.md", b"text"), edition, {})  # an image it may use
    assert key != submission_key(
        dropped("a.md", b"text"), edition, {"kommunledningskontoret/bild.png": b"png-2"}
    )
    other = edition.model_copy(update={"deadline": TODAY})
    assert key != submission_key(dropped("a.md", b"text"), other, image)  # the edition config
    # The same drop folder moved elsewhere on disk keeps every key: the path is not in it.
    moved = tmp_path / "elsewhere" / "2025"
    shutil.copytree(demo_inputs / "2025", moved)
    here = {f.relative: f for f in gather(demo_inputs / "2025")}
    there = {f.relative: f for f in gather(moved)}
    assert {r: submission_key(f, edition, {}) for r, f in here.items()} == {
        r: submission_key(f, edition, {}) for r, f in there.items()
    }


def test_a_cache_keyed_on_a_path_goes_stale_which_is_why_ours_is_not(tmp_path):
    """The trap, measured on Prefect 3.9: INPUTS hashes a Path by its text, not the file."""
    from prefect import flow, task
    from prefect.cache_policies import INPUTS, TASK_SOURCE

    @task(cache_policy=INPUTS + TASK_SOURCE, result_storage=tmp_path / "cache")
    def read_path(path: Path) -> str:
        return path.read_text()

    @flow
    def read_twice(path: Path) -> tuple[str, str]:
        first = read_path(path)
        path.write_text("andra")
        return first, read_path(path)

    source = tmp_path / "bidrag.md"
    source.write_text("första")
    assert read_twice(source) == ("första", "första")  # stale: never key on a Path


def test_the_per_file_store_keeps_the_most_recently_used_results(tmp_path):
    import os

    from flows.orchestration.file_results import FileResults

    store = FileResults(tmp_path / "filer")
    for number in range(5):
        store.put(f"nyckel-{number}", {"nummer": number})
        os.utime(tmp_path / "filer" / f"nyckel-{number}", (1000 + number, 1000 + number))
    assert store.get("nyckel-0") == {"nummer": 0}  # read now: the most recently used
    store.prune(keep=3)
    assert sorted(p.name for p in (tmp_path / "filer").iterdir()) == [
        "nyckel-0",
        "nyckel-3",
        "nyckel-4",
    ]
    assert store.get("nyckel-1") is None  # evicted: a miss, read again next time
