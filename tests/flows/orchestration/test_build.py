"""Issue 6: validation is retried for transient I/O only."""

import pytest

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_transient_io_is_retried_and_nothing_else_is():
    from prefect import flow, task

    from flows.orchestration.build import transient_io, validate_department

    assert validate_department.retry_condition_fn is transient_io and validate_department.retries
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
