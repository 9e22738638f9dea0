"""Shared fixtures: the demo edition, a session-wide Prefect harness and one real build."""

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.demo import (
    BAD_INPUTS_FOLDER,
    BROKEN_FILE,
    DEMO_INPUTS,
    DEMO_YEAR,
    TODAY,
    drop_bad_inputs,
    snapshot,
)


@pytest.fixture
def demo_inputs(tmp_path: Path) -> Path:
    """A private copy of the demo edition: the folder holding 2025/."""
    inputs = tmp_path / "inputs"
    shutil.copytree(DEMO_INPUTS / str(DEMO_YEAR), inputs / str(DEMO_YEAR))
    return inputs


@pytest.fixture(scope="session")
def demo_report():
    """The demo edition merged without Prefect or rendering; every file must be accepted."""
    from flows.gather import gather
    from flows.merge import merge
    from flows.readers.edition import load_edition
    from flows.validate import validate_all

    edition_dir = DEMO_INPUTS / str(DEMO_YEAR)
    edition = load_edition(edition_dir / "rapport.yaml")
    checked = validate_all(gather(edition_dir), edition)
    assert all(c.accepted for c in checked), [str(p) for c in checked for p in c.problems]
    return merge(edition, checked)


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server and database for every flow run in the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@dataclass
class DemoBuild:
    inputs: Path
    outputs: Path
    result: object  # flows.build_flow.BuildResult
    broken_file: str
    inputs_before: dict[str, tuple]  # snapshot() of the drop folder before the build

    @property
    def pdf(self) -> Path:
        return self.result.pdf


@pytest.fixture(scope="session")
def demo_build(prefect_harness, tmp_path_factory) -> DemoBuild:
    """The real flow run once on the demo edition, with one broken file and the whole bad-input
    corpus dropped beside the good files."""
    from flows.orchestration.build import build_report

    inputs = tmp_path_factory.mktemp("demo") / "inputs"
    shutil.copytree(DEMO_INPUTS / str(DEMO_YEAR), inputs / str(DEMO_YEAR))
    broken = "kultur-och-fritid/trasigt-bidrag.md"
    (inputs / str(DEMO_YEAR) / broken).write_text(BROKEN_FILE, encoding="utf-8")
    drop_bad_inputs(inputs / str(DEMO_YEAR) / BAD_INPUTS_FOLDER)
    outputs = inputs.parent / "outputs"
    before = snapshot(inputs)
    result = build_report(
        year=DEMO_YEAR, inputs=inputs, outputs=outputs, settle_seconds=0, today=TODAY
    )
    return DemoBuild(inputs, outputs, result, broken, before)
