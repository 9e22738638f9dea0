"""Issue 6: incremental runs (content-keyed cache), retries only for transient I/O, named states."""

import time

import pytest

from tests.support.demo import BROKEN_FILE, TODAY

pytestmark = pytest.mark.usefixtures("prefect_harness")

CHANGED = "kommunledningskontoret/mal-16-trygghet.md"


def task_states(flow_run_id, expected: int) -> dict[str, str]:
    """The validate-department task runs of one flow run as the server recorded them."""
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
    import flows.orchestration.build
    from flows.orchestration.build import build_report

    read: list[str] = []
    real_validate = flows.orchestration.build.validate_file

    def counting_validate(dropped, edition, assets):
        read.append(dropped.relative)
        return real_validate(dropped, edition, assets)

    monkeypatch.setattr(flows.orchestration.build, "validate_file", counting_validate)
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

    # One task run per department: the changed file's department ran (and read that file
    # alone), every other department was Cached.
    departments = {c.folder for c in first.checked}
    states = task_states(second_state.state_details.flow_run_id, expected=len(departments))
    assert states.pop(CHANGED.split("/")[0]) == "Completed"
    assert set(states.values()) == {"Cached"} and len(states) == len(departments) - 1
