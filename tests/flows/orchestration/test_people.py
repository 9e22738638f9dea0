"""Issue 18 in the flow: who owes what (with the contact an earlier build knew), what changed
since the previous build, the receipt table's order, the run form and a missing edition."""

import shutil

import pytest

from tests.support.demo import DEMO_YEAR, TODAY


@pytest.mark.usefixtures("prefect_harness")
def test_a_second_build_names_the_missing_department_and_what_changed(demo_inputs, tmp_path):
    from flows.orchestration.build import build_report

    outputs = tmp_path / "outputs"
    build = dict(year=DEMO_YEAR, inputs=demo_inputs, outputs=outputs, settle_seconds=0, today=TODAY)
    first = build_report(**build)
    assert first.pdf is not None
    out = outputs / str(DEMO_YEAR)
    assert "inget tidigare bygge" in (out / "andringar.html").read_text("utf-8")

    edition = demo_inputs / str(DEMO_YEAR)
    shutil.rmtree(edition / "socialforvaltningen")
    section = edition / "kommunledningskontoret" / "mal-16-trygghet.md"
    section.write_text(section.read_text("utf-8") + "\nEtt alldeles nytt stycke.\n", "utf-8")
    second = build_report(**build)

    [owed] = [o for o in second.owed if o.department == "socialforvaltningen"]
    assert owed.missing == [1, 3, 5, 10]
    assert {"namn": "Eva Sandberg", "epost": "eva.sandberg@vastervik.se"} in owed.contacts
    page = (out / "andringar.html").read_text("utf-8")
    assert "<ins>Ett alldeles nytt stycke.</ins>" in page
    assert "Borttaget" in page and "Socialförvaltningen" in page
    assert second.changes_summary.startswith("0 avsnitt tillagda, 1 ändrade,")


@pytest.mark.usefixtures("prefect_harness")
def test_a_missing_edition_is_not_published_and_says_how_to_start_it(tmp_path):
    from flows.orchestration.build import build_report

    state = build_report(year=2031, inputs=tmp_path, outputs=tmp_path / "ut", return_state=True)
    assert state.name == "Ej publicerad"
    assert "agenda2030 new-edition --year 2031 --from 2030" in state.message
    assert state.result().pdf is None


def test_the_run_form_has_swedish_titles_and_one_date_field():
    from flows.orchestration.build import build_report

    schema = build_report.parameters.model_dump()
    fields = schema["properties"]
    assert schema["required"] == ["year"]
    assert fields["year"]["title"] == "År" and fields["year"]["type"] == "integer"
    assert fields["settle_seconds"]["minimum"] == 0
    assert all(f["description"] for f in fields.values())
    assert fields["today"]["anyOf"] == [{"type": "string", "format": "date"}]


def test_the_receipt_table_puts_rejected_files_first_with_every_problem():
    from flows.orchestration.people import receipt_rows
    from flows.receipt.outcomes import FileOutcome, FileStatus
    from schemas import Problem

    problems = (
        Problem(file="b/x.md", line=2, key="mål", code="c", message="mål 18 finns inte"),
        Problem(file="b/x.md", line=3, key="rubrik", code="c", message="rubrik saknas"),
    )
    rows = receipt_rows(
        [
            FileOutcome("a/ok.md", "a", FileStatus.ACCEPTED, "1"),
            FileOutcome("b/x.md", "b", FileStatus.REJECTED, "2", problems),
            FileOutcome("c/fel.md", "c", FileStatus.ACCEPTED, "3", misplaced="flytta filen"),
        ],
        from_cache=frozenset({"a/ok.md"}),
    )
    assert [r["Fil"] for r in rows] == ["b/x.md", "c/fel.md", "a/ok.md"]
    assert "mål 18 finns inte" in rows[0]["Vad som hände"]
    assert "rubrik saknas" in rows[0]["Vad som hände"]
    # Which files this build read, and which it took from an earlier build's check.
    assert [r["Kontrollerad"] for r in rows] == ["nu", "nu", "tidigare bygge (samma innehåll)"]
