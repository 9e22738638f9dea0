"""Issue 6: incremental runs (content-keyed cache), retries only for transient I/O, named states."""

import time
from pathlib import Path

import pytest

from flows.caching import submission_key
from flows.gather import DroppedFile, gather

from .conftest import BROKEN_FILE, TODAY

pytestmark = pytest.mark.usefixtures("prefect_harness")

CHANGED = "kommunledningskontoret/mal-16-trygghet.md"


def dropped(name: str, content: bytes, folder: str = "kommunledningskontoret") -> DroppedFile:
    from flows.gather import Disposition

    return DroppedFile(
        f"{folder}/{name}", folder, len(content), "", Disposition.SUBMISSION, content
    )


def test_the_key_follows_content_edition_and_images_never_the_place_on_disk(demo_inputs, tmp_path):
    import shutil

    from flows.edition import load_edition

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


def task_states(flow_run_id, expected: int) -> dict[str, str]:
    """The read-and-validate task runs of one flow run as the server recorded them."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while True:  # task-run states reach the server as events, a moment later
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
            states = {
                run.name.removeprefix("validera "): run.state.name
                for run in runs
                if run.name.startswith("validera ") and run.state and run.state.is_final()
            }
            if len(states) == expected or time.monotonic() > deadline:
                return states
            time.sleep(0.5)


def test_a_rerun_reads_only_the_changed_file_and_reuses_the_rest(
    demo_inputs, tmp_path, monkeypatch
):
    import flows.build_flow
    from flows.build_flow import build_report

    read: list[str] = []
    real_validate = flows.build_flow.validate_file

    def counting_validate(dropped, edition, assets):
        read.append(dropped.relative)
        return real_validate(dropped, edition, assets)

    monkeypatch.setattr(flows.build_flow, "validate_file", counting_validate)
    outputs = tmp_path / "outputs"

    def build():
        state = build_report(
            year=2025,
            inputs=demo_inputs,
            outputs=outputs,
            settle_seconds=0,
            today=TODAY,
            return_state=True,
        )
        return state, state.result()

    first_state, first = build()
    submissions = sorted(c.file for c in first.checked)
    assert len(submissions) == 59 and first.from_cache == []
    assert sorted(read) == submissions
    assert first_state.name == "Klar" and first.pdf.is_file()
    assert any((outputs / ".prefect-cache").iterdir())  # results kept beside the outputs

    # The same path, new bytes: a broken version of one section.
    (demo_inputs / "2025" / CHANGED).write_text(
        BROKEN_FILE.replace("kultur-och-fritid", "kommunledningskontoret"), "utf-8"
    )
    read.clear()
    second_state, second = build()
    assert read == [CHANGED]
    assert sorted(second.from_cache) == sorted(set(submissions) - {CHANGED})
    rejected = {c.file: c for c in second.rejected}
    assert list(rejected) == [CHANGED]  # the new content, not the cached acceptance
    assert "ska vara högst 17" in str(rejected[CHANGED].problems[0])
    assert second_state.name == "Klar med avvisade filer" and second.pdf.is_file()

    states = task_states(second_state.state_details.flow_run_id, expected=59)
    assert states.pop(CHANGED) == "Completed"
    assert set(states.values()) == {"Cached"} and len(states) == 58


def test_transient_io_is_retried_and_nothing_else_is():
    from prefect import flow, task

    from flows.build_flow import read_and_validate, transient_io

    assert read_and_validate.retry_condition_fn is transient_io and read_and_validate.retries
    attempts = {"io": 0, "value": 0}

    @task(retries=3, retry_delay_seconds=0, retry_condition_fn=transient_io)
    def flaky_share() -> str:
        attempts["io"] += 1
        if attempts["io"] < 3:
            raise OSError("nätverksdisken svarade inte")
        return "läst"

    @task(retries=3, retry_delay_seconds=0, retry_condition_fn=transient_io)
    def wrong_value() -> str:
        attempts["value"] += 1
        raise ValueError("mål 18 finns inte")

    @flow
    def both() -> tuple:
        return flaky_share(), wrong_value(return_state=True)

    value, state = both()
    assert value == "läst" and attempts["io"] == 3
    assert state.is_failed() and attempts["value"] == 1
