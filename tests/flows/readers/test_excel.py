"""Excel key figures: rows grouped per figure, empty means missing, every problem located."""

import io

import openpyxl
import pytest
from pydantic import ValidationError

from flows.readers.excel import read_key_figures_xlsx, read_xlsx_submission
from flows.readers.raw import ReadError
from flows.starters.office import xlsx_template
from flows.validate import problems_from
from schemas import Submission
from tests.support.documents import DEPARTMENT, VALIDATION_CONTEXT, replaced_member

HEADER = ["Nyckeltal", "Enhet", "År", "Värde", "Kolada-id", "Målvärde", "Riktning", "Källa"]
BEHORIGA = "Elever i åk 9 som är behöriga till ett yrkesprogram"
VANORTER = "Antal vänortsbesök"


def workbook_bytes(rows: list[list], settings: list[list] | None = None, title="Nyckeltal"):
    """A workbook whose first sheet holds ``rows`` and, if given, a sheet 'Uppgifter'."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if settings is not None:
        extra = workbook.create_sheet("Uppgifter")
        for row in settings:
            extra.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filled_template(rows: list[list]) -> bytes:
    """The starter as a department fills it in: the example row overwritten, rows added."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_template(DEPARTMENT, 4)))
    sheet = workbook["Nyckeltal"]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ROWS = [
    HEADER,
    [BEHORIGA, "procent", 2022, 84.1, "N15428", 90, "högre", "Kolada"],
    [VANORTER, "antal", 2023, 5, None, None, None, "Kommunledningskontoret"],
    [BEHORIGA, "procent", 2023, None, None, None, None, None],
    [BEHORIGA, None, 2024, 86.4, None, None, None, None],
    [VANORTER, "antal", 2024, 7],
]


def refused(content: bytes) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_xlsx_submission("nyckeltal.xlsx", content, DEPARTMENT)
    return caught.value


def test_rows_are_grouped_into_key_figures_in_first_seen_order():
    """Rows of the same Nyckeltal make one figure; figures come in the order first seen."""
    figures, _ = read_key_figures_xlsx("nyckeltal.xlsx", workbook_bytes(ROWS))
    assert figures == [
        {
            "namn": BEHORIGA,
            "enhet": "procent",
            "värden": {2022: 84.1, 2023: None, 2024: 86.4},
            "kolada": "N15428",
            "målvärde": 90.0,
            "riktning": "högre",
            "källa": "Kolada",
        },
        {
            "namn": VANORTER,
            "enhet": "antal",
            "värden": {2023: 5.0, 2024: 7.0},
            "källa": "Kommunledningskontoret",
        },
    ]


def test_empty_value_cell_is_missing_never_zero():
    """An empty Värde is None (a gap in the chart), not 0."""
    figures, _ = read_key_figures_xlsx("nyckeltal.xlsx", workbook_bytes(ROWS))
    assert figures[0]["värden"][2023] is None


def test_places_name_sheet_row_and_column():
    """Each key's place is the sheet, the row where it was written and the column."""
    _, places = read_key_figures_xlsx("nyckeltal.xlsx", workbook_bytes(ROWS))
    assert places[("nyckeltal", 0)] == "blad 'Nyckeltal', rad 2"
    assert places[("nyckeltal", 0, "riktning")] == "blad 'Nyckeltal', rad 2, kolumn Riktning"
    assert places[("nyckeltal", 0, "värden", 2024)] == "blad 'Nyckeltal', rad 5, kolumn Värde"


def test_filled_in_template_validates_as_a_submission():
    """Template -> filled in -> read -> a valid submission titled 'Nyckeltal' for goal 4."""
    raw = read_xlsx_submission("nyckeltal.xlsx", filled_template(ROWS[1:]), DEPARTMENT)
    submission = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    assert (submission.department, submission.goal) == (DEPARTMENT, 4)
    assert submission.title == "Nyckeltal"
    assert submission.section_id == f"nyckeltal-{DEPARTMENT}"
    assert [f.name for f in submission.key_figures] == [BEHORIGA, VANORTER]
    assert submission.key_figures[0].values == {2022: 84.1, 2023: None, 2024: 86.4}


def test_untouched_template_is_refused_for_its_example_row():
    """The starter's example row would be published; leaving it is an error at its row."""
    error = refused(xlsx_template(DEPARTMENT, 4))
    assert error.code == "example_row_left" and error.place == "blad 'Nyckeltal', rad 2"


def test_wrong_direction_is_located_at_its_cell_after_validation():
    """A Riktning that is neither högre nor lägre names the sheet, row and column."""
    rows = [HEADER, [BEHORIGA, "procent", 2024, 86.4, None, None, "Bättre"]]
    settings = [["Förvaltning", DEPARTMENT], ["Mål", 4]]
    raw = read_xlsx_submission("nyckeltal.xlsx", workbook_bytes(rows, settings), DEPARTMENT)
    with pytest.raises(ValidationError) as caught:
        Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    assert [str(p) for p in problems_from(caught.value, raw, "x/nyckeltal.xlsx")] == [
        "x/nyckeltal.xlsx, blad 'Nyckeltal', rad 2, kolumn Riktning, "
        "nyckel 'nyckeltal › nr 1 › riktning': ska vara ett av 'högre' eller 'lägre', "
        "men är 'bättre'"
    ]


def test_percentage_cells_are_read_as_the_number_shown():
    """86,4 % is stored by Excel as 0.864; the figure gets 86.4, as the sheet shows it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER[:4])
    sheet.append([BEHORIGA, "procent", 2024, 0.864])
    sheet["D2"].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    figures, _ = read_key_figures_xlsx("nyckeltal.xlsx", buffer.getvalue())
    assert figures[0]["värden"] == {2024: 86.4}


def test_numbers_typed_as_swedish_text_are_numbers():
    """'86,4' and '1 234,5' typed as text are read as numbers; other text is left for pydantic."""
    rows = [HEADER[:4], ["A", "procent", 2023, "86,4"], ["A", "procent", 2024, "1 234,5"]]
    rows.append(["A", "procent", 2025, "saknas"])
    figures, _ = read_key_figures_xlsx("nyckeltal.xlsx", workbook_bytes(rows))
    assert figures[0]["värden"] == {2023: 86.4, 2024: 1234.5, 2025: "saknas"}


def test_a_different_unit_for_the_same_figure_is_refused():
    """Two units for one figure is an error naming both rows, not a silent first-wins."""
    rows = [HEADER[:4], ["A", "procent", 2023, 1], ["A", "antal", 2024, 2]]
    with pytest.raises(ReadError) as caught:
        read_key_figures_xlsx("nyckeltal.xlsx", workbook_bytes(rows))
    assert caught.value.place == "blad 'Nyckeltal', rad 3, kolumn Enhet"
    assert caught.value.message == (
        "'antal' skiljer sig från 'procent' på rad 2; skriv samma Enhet på alla rader för 'A'"
    )


def test_the_same_year_twice_is_refused():
    """Two values for one figure and year: the second row is named, with the first."""
    rows = [HEADER[:4], ["A", "procent", 2024, 1], ["A", "procent", 2024, 2]]
    with pytest.raises(ReadError) as caught:
        read_key_figures_xlsx("nyckeltal.xlsx", workbook_bytes(rows))
    assert caught.value.message == "nyckeltalet 'A' har redan ett värde för 2024 på rad 2"


def test_unknown_column_suggests_the_nearest():
    """A misspelt column header is an error that suggests the column meant."""
    rows = [["Nyckeltal", "Enhet", "År", "Värde", "Riktnig"], ["A", "procent", 2024, 1, "högre"]]
    with pytest.raises(ReadError) as caught:
        read_key_figures_xlsx("nyckeltal.xlsx", workbook_bytes(rows))
    assert caught.value.message == "okänd kolumn 'Riktnig' – menade du 'Riktning'?"


def test_missing_required_column_is_named():
    """Without a Värde column the header row is named and the column missing."""
    with pytest.raises(ReadError) as caught:
        read_key_figures_xlsx("n.xlsx", workbook_bytes([["Nyckeltal", "Enhet", "År"]]))
    assert caught.value.place == "blad 'Nyckeltal', rad 1"
    assert caught.value.message == "rubrikraden saknar kolumnen Värde"


def test_header_may_stand_below_notes_and_department_and_goal_may_be_columns():
    """Notes above the header are skipped; Förvaltning and Mål columns replace 'Uppgifter'."""
    rows = [
        ["Nyckeltal för Agenda 2030"],
        [],
        ["Förvaltning", "Mål", *HEADER[:4]],
        [DEPARTMENT, 4, "A", "procent", 2024, 1],
        [DEPARTMENT, 4, "A", "procent", 2025, 2],
    ]
    raw = read_xlsx_submission("n.xlsx", workbook_bytes(rows), DEPARTMENT)
    assert (raw.data["förvaltning"], raw.data["mål"]) == (DEPARTMENT, 4)
    assert raw.key_places[("mål",)] == "blad 'Nyckeltal', rad 4, kolumn Mål"
    Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)


def test_several_goals_in_one_file_are_refused():
    """A Mål column with two different goals cannot be one submission."""
    rows = [["Mål", *HEADER[:4]], [4, "A", "procent", 2024, 1], [5, "B", "procent", 2024, 1]]
    error = refused(workbook_bytes(rows, [["Förvaltning", DEPARTMENT]]))
    assert error.code == "several_in_column" and "(4, 5)" in error.message


def test_settings_sheet_and_column_must_agree():
    """Mål 4 in 'Uppgifter' and 5 in the column is an error naming both."""
    rows = [["Mål", *HEADER[:4]], [5, "A", "procent", 2024, 1]]
    error = refused(workbook_bytes(rows, [["Mål", 4]]))
    assert error.message == (
        "Mål är '4' i bladet 'Uppgifter' men '5' i kolumnen Mål; ta bort det ena"
    )


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(
            lambda xml: xml.replace(
                b"</sheetData>", b"<row r='9'><c r='A9'><v>1</c></row></sheetData>"
            ),
            id="broken-row-late-in-the-sheet",
        ),
        pytest.param(
            lambda xml: b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e "UTVIDGAD">]>' + xml,
            id="dtd-with-entity",
        ),
    ],
)
def test_damaged_or_dtd_sheet_is_refused_not_a_crash(damage):
    """Broken XML found while rows are read, or a DTD (defusedxml), is a located refusal."""
    content = replaced_member(workbook_bytes(ROWS), "xl/worksheets/sheet1.xml", damage)
    with pytest.raises(ReadError) as caught:
        read_key_figures_xlsx("nyckeltal.xlsx", content)
    assert caught.value.code == "unreadable_office"
    assert caught.value.message.startswith("filen kunde inte läsas som Excel-fil")


def _workbook_with_sheets(*sheets: tuple[str, str, list[list]]) -> bytes:
    """A starter-like workbook: (title, state, rows) sheets first, then the starter's own."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_template(DEPARTMENT, 4)))
    figures = workbook["Nyckeltal"]
    figures.delete_rows(2)
    figures.append(["Behöriga till yrkesprogram", "procent", 2021, "61,5 %"])
    figures.append(["Behöriga till yrkesprogram", "procent", 2022, "1 234"])
    for index, (title, state, rows) in enumerate(sheets):
        sheet = workbook.create_sheet(title, index)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_key_figure_sheet_is_found_by_its_header_after_other_sheets():
    """A 'Läs mig' sheet and a hidden helper sheet first; Swedish numbers as text."""
    content = _workbook_with_sheets(
        ("Läs mig", "visible", [["Så här fyller du i bladet Nyckeltal."]]),
        ("Hjälp", "hidden", [["Nyckeltal", "hemligt"]]),
    )
    raw = read_xlsx_submission("nyckeltal.xlsx", content, DEPARTMENT)
    assert raw.data["nyckeltal"][0]["värden"] == {2021: 61.5, 2022: 1234.0}
