"""Excel key figures: rows grouped per figure, empty means missing, every problem located."""

import io

import openpyxl
import pytest
from pydantic import ValidationError

from flows.readers.excel import read_key_figures_xlsx, read_xlsx_submission
from flows.readers.raw import ReadError
from flows.starters.office import xlsx_template
from flows.validate import problems_from, reader_notes
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
    """The starter's example row would be published; leaving it is an error at its row,
    naming the example as the other templates' placeholders are named."""
    error = refused(xlsx_template(DEPARTMENT, 4))
    assert error.code == "example_row_left" and error.place == "blad 'Nyckeltal', rad 2"
    assert error.message.startswith("exempelraden 'Exempel: andel elever med gymnasiebehör…'")


def with_first_row(name: str, *values) -> bytes:
    """The starter with its example row's name (and, if given, its values) written over."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_template(DEPARTMENT, 4)))
    sheet = workbook["Nyckeltal"]
    for column, value in enumerate((name, *values), start=1):
        sheet.cell(2, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_example_row_with_only_its_markers_removed_is_still_refused():
    """'Exempel:' and '(skriv över raden)' taken away, the example's values left: the row is
    still the example, and is refused by name."""
    error = refused(with_first_row("Andel elever med gymnasiebehörighet"))
    assert error.code == "example_row_left"
    assert "'Andel elever med gymnasiebehörighet'" in error.message


def test_real_row_with_the_examples_kolada_id_is_accepted():
    """N15428 is a real Kolada id: a department's own row using it, with its own values, is
    published, whether or not its name resembles the example's."""
    for name in ("Andel elever med gymnasiebehörighet", BEHORIGA):
        content = with_first_row(name, "procent", 2024, 84.1, "N15428", 90, "högre", "Kolada")
        raw = read_xlsx_submission("nyckeltal.xlsx", content, DEPARTMENT)
        (figure,) = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT).key_figures
        assert (figure.name, figure.kolada_id, figure.values) == (name, "N15428", {2024: 84.1})
    # The example's very values under a name of the department's own are its own data too.
    own = with_first_row(BEHORIGA)
    raw = read_xlsx_submission("nyckeltal.xlsx", own, DEPARTMENT)
    assert raw.data["nyckeltal"][0]["värden"] == {2024: 86.4}


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
    # The hidden sheet held something; the receipt says it was not read.
    assert [(n.code, n.place) for n in raw.notes] == [("excel_hidden_sheet", "blad 'Hjälp'")]
    assert [str(p) for p in reader_notes(raw, "x/nyckeltal.xlsx")] == [
        "x/nyckeltal.xlsx, blad 'Hjälp': bladet 'Hjälp' är dolt och lästes inte; ska något där "
        "med i rapporten, ta fram bladet (högerklicka på en bladflik och välj Ta fram) och "
        "flytta det till bladet Nyckeltal"
    ]


def test_a_hidden_key_figure_sheet_is_refused_by_name():
    """Only a hidden sheet has the Nyckeltal header: the message says it is hidden."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Läs mig"
    workbook.active.append(["Fyll i bladet Nyckeltal."])
    hidden = workbook.create_sheet("Nyckeltal")
    for row in ROWS:
        hidden.append(row)
    hidden.sheet_state = "hidden"
    error = refused(_saved(workbook))
    assert (error.code, error.place) == ("excel_figure_sheet_hidden", "blad 'Nyckeltal'")


def _saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _hiding(rows: list[list], hidden_rows=(), hidden_columns=(), settings=None) -> bytes:
    """A workbook like ``workbook_bytes`` with rows (numbers) and columns (letters) hidden
    in Excel's way (<row hidden="1">, <col hidden="1">)."""
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(rows, settings)))
    sheet = workbook["Nyckeltal"]
    for number in hidden_rows:
        sheet.row_dimensions[number].hidden = True
    for letter in hidden_columns:
        sheet.column_dimensions[letter].hidden = True
    return _saved(workbook)


SETTINGS = [["Förvaltning", DEPARTMENT], ["Mål", 4]]


def test_hidden_rows_are_not_read_and_the_receipt_says_so():
    """Rows 3 and 5 are hidden: their values are not published; a note names them."""
    raw = read_xlsx_submission("n.xlsx", _hiding(ROWS, hidden_rows=(3, 5)), DEPARTMENT)
    figures = raw.data["nyckeltal"]
    assert [f["namn"] for f in figures] == [BEHORIGA, VANORTER]
    assert figures[0]["värden"] == {2022: 84.1, 2023: None}  # row 5 (2024) hidden
    assert figures[1]["värden"] == {2024: 7.0}  # row 3 (2023) hidden
    assert [(n.code, n.place, n.message) for n in raw.notes] == [
        (
            "excel_hidden_rows",
            "blad 'Nyckeltal'",
            "dolda rader lästes inte och kommer inte med i rapporten: rad 3 och 5; ska de med, "
            "markera raderna runt dem, högerklicka och välj Ta fram",
        )
    ]


def test_hidden_empty_rows_and_rows_above_the_header_are_not_noted():
    """A hidden row with nothing in it is nothing left out."""
    rows = [["Anteckning"], HEADER[:4], [], ["A", "procent", 2024, 1]]
    raw = read_xlsx_submission("n.xlsx", _hiding(rows, hidden_rows=(3,)), DEPARTMENT)
    assert raw.notes == ()


def test_a_hidden_header_row_is_not_a_header():
    """What is hidden is not read, the header row included: the sheet then has no header."""
    error = refused(_hiding(ROWS, hidden_rows=(1,)))
    assert error.code == "no_header"


def test_hidden_columns_are_not_read_not_refused_and_noted():
    """An unknown hidden column is not refused; a hidden known column (Källa) is not read."""
    rows = [[*HEADER, "Kommentar"], [BEHORIGA, "procent", 2024, 86.4, None, None, None, "K", "x"]]
    raw = read_xlsx_submission("n.xlsx", _hiding(rows, hidden_columns="HI"), DEPARTMENT)
    assert raw.data["nyckeltal"] == [{"namn": BEHORIGA, "enhet": "procent", "värden": {2024: 86.4}}]
    assert [(n.code, n.place, n.message) for n in raw.notes] == [
        (
            "excel_hidden_columns",
            "blad 'Nyckeltal'",
            "dolda kolumner lästes inte och kommer inte med i rapporten: 'Källa' och "
            "'Kommentar'; ska de med, markera kolumnerna runt dem, högerklicka och välj Ta fram",
        )
    ]


def test_a_range_of_hidden_columns_and_zero_sizes_are_hidden():
    """<col min="5" max="6" hidden="1"> hides E and F; a width of 0 hides G, a height of 0
    hides row 6, as some writers hide them."""

    def hide(xml: bytes) -> bytes:
        cols = b'<cols><col min="5" max="6" hidden="1"/><col min="7" max="7" width="0"/></cols>'
        xml = xml.replace(b"<sheetData>", cols + b"<sheetData>")
        return xml.replace(b'<row r="6">', b'<row r="6" ht="0" customHeight="1">')

    content = replaced_member(workbook_bytes(ROWS), "xl/worksheets/sheet1.xml", hide)
    raw = read_xlsx_submission("n.xlsx", content, DEPARTMENT)
    assert {k for f in raw.data["nyckeltal"] for k in f} == {"namn", "enhet", "värden", "källa"}
    assert raw.data["nyckeltal"][1]["värden"] == {2023: 5.0}
    assert [n.message.split(";")[0] for n in raw.notes] == [
        "dolda rader lästes inte och kommer inte med i rapporten: rad 6",
        "dolda kolumner lästes inte och kommer inte med i rapporten: 'Kolada-id', 'Målvärde' "
        "och 'Riktning'",
    ]


def test_a_hidden_required_column_is_named_as_hidden():
    """Värde hidden: not 'missing', but hidden, with how to show it."""
    error = refused(_hiding(ROWS, hidden_columns="D"))
    assert (error.code, error.place) == ("excel_hidden_column", "blad 'Nyckeltal', rad 1")
    assert error.message.startswith("kolumnen Värde är dold")


def test_hidden_rows_of_the_settings_sheet_are_not_read():
    """A hidden Rubrik row in 'Uppgifter' is not the section's title."""
    workbook = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(ROWS, [*SETTINGS, ["Rubrik", "Hemlig rubrik"]]))
    )
    workbook["Uppgifter"].row_dimensions[3].hidden = True
    raw = read_xlsx_submission("n.xlsx", _saved(workbook), DEPARTMENT)
    assert raw.data["rubrik"] == "Nyckeltal"
    assert [(n.code, n.place) for n in raw.notes] == [("excel_hidden_rows", "blad 'Uppgifter'")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("61,5", 61.5),
        ("61,5 %", 61.5),
        ("61,5%", 61.5),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),  # no-break space, as Excel and Word write thousands
        ("1\u202f234,5", 1234.5),  # narrow no-break space
        ("−3,2", -3.2),  # typographic minus
        ("-3,2", -3.2),
        ("61.5", 61.5),
        (61.5, 61.5),
        (1234, 1234.0),
        (-3.2, -3.2),
        ("12 34", "12 34"),  # not thousands: left for pydantic to name
        ("saknas", "saknas"),
    ],
)
def test_swedish_number_habits_as_text_and_as_numbers(cell, expected):
    """Numbers typed as text the Swedish way are numbers, in Värde and in Målvärde."""
    rows = [HEADER[:6], ["A", "procent", 2024, cell, None, cell]]
    figures, _ = read_key_figures_xlsx("n.xlsx", workbook_bytes(rows))
    assert figures[0]["värden"] == {2024: expected}
    assert figures[0]["målvärde"] == expected


YEAR_HEADER = ["Nyckeltal", "Enhet", 2021, 2022, 2023, "Kolada-id", "Målvärde", "Riktning", "Källa"]
YEAR_ROWS = [
    YEAR_HEADER,
    [BEHORIGA, "procent", 81.2, None, "86,4", "N15428", 90, "högre", "Kolada"],
    [VANORTER, "antal", 3, 5, 7],
]


def test_years_as_columns_are_read_like_one_row_per_year():
    """Kolada's and SCB's layout: one row per key figure, one column per year."""
    figures, places = read_key_figures_xlsx("n.xlsx", workbook_bytes(YEAR_ROWS))
    assert figures == [
        {
            "namn": BEHORIGA,
            "enhet": "procent",
            "värden": {2021: 81.2, 2022: None, 2023: 86.4},
            "kolada": "N15428",
            "målvärde": 90.0,
            "riktning": "högre",
            "källa": "Kolada",
        },
        {"namn": VANORTER, "enhet": "antal", "värden": {2021: 3.0, 2022: 5.0, 2023: 7.0}},
    ]
    assert places[("nyckeltal", 0, "värden", 2021)] == "blad 'Nyckeltal', rad 2, kolumn 2021"
    assert places[("nyckeltal", 1, "värden", 2023)] == "blad 'Nyckeltal', rad 3, kolumn 2023"


def test_years_as_columns_validate_as_a_submission_and_years_may_be_text():
    """Year headers typed as text ('2021') are years too; the whole file validates."""
    rows = [["Nyckeltal", "Enhet", "2021", "2022"], ["A", "procent", "61,5", "1 234"]]
    raw = read_xlsx_submission("n.xlsx", workbook_bytes(rows, SETTINGS), DEPARTMENT)
    submission = Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    assert submission.key_figures[0].values == {2021: 61.5, 2022: 1234.0}


def test_years_as_columns_with_a_hidden_year_leave_that_year_out():
    """A hidden year column is not published (and not refused)."""
    raw = read_xlsx_submission("n.xlsx", _hiding(YEAR_ROWS, hidden_columns="C"), DEPARTMENT)
    assert raw.data["nyckeltal"][1]["värden"] == {2022: 5.0, 2023: 7.0}
    assert raw.notes[0].code == "excel_hidden_columns" and "'2021'" in raw.notes[0].message


def test_years_as_columns_with_a_figure_twice_is_refused():
    """With years as columns, one row is one key figure; a second row for it is named."""
    rows = [YEAR_HEADER[:4], ["A", "procent", 1, 2], ["A", "procent", 3, 4]]
    error = refused(workbook_bytes(rows))
    assert (error.code, error.place) == (
        "excel_figure_twice",
        "blad 'Nyckeltal', rad 3, kolumn Nyckeltal",
    )
    assert error.message.startswith("nyckeltalet 'A' står redan på rad 2")


def test_year_columns_beside_an_ar_column_are_refused():
    """Both layouts at once cannot be read; the message says to choose."""
    rows = [["Nyckeltal", "Enhet", "År", "Värde", 2023], ["A", "procent", 2024, 1, 2]]
    error = refused(workbook_bytes(rows))
    assert error.code == "excel_mixed_layout" and "(2023)" in error.message


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        pytest.param(
            [YEAR_HEADER[:4], ["A", "procent", "ej klart", 2]],
            "blad 'Nyckeltal', rad 2, kolumn 2021",
            id="years-as-columns",
        ),
        pytest.param(
            [HEADER[:4], ["A", "procent", 2022, 2], ["A", "procent", 2021, "ej klart"]],
            "blad 'Nyckeltal', rad 3, kolumn Värde",
            id="one-row-per-year",
        ),
    ],
)
def test_a_bad_value_is_located_at_its_cell_and_year(rows, where):
    """A value that is no number names its cell, and the year it belongs to (2021, not 2022)."""
    raw = read_xlsx_submission("n.xlsx", workbook_bytes(rows, SETTINGS), DEPARTMENT)
    with pytest.raises(ValidationError) as caught:
        Submission.model_validate(raw.data, context=VALIDATION_CONTEXT)
    (problem,) = problems_from(caught.value, raw, "x/n.xlsx")
    assert str(problem).startswith(f"x/n.xlsx, {where}, nyckel 'nyckeltal › nr 1 › värden › 2021'")


def test_new_with_a_title_writes_it_into_the_settings_sheet():
    """Issue 14: `new --format xlsx --title` is no longer ignored."""
    content = xlsx_template(DEPARTMENT, 4, "Skolans nyckeltal")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["Nyckeltal"]
    sheet["A2"] = "Andel elever som simmar"
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = read_xlsx_submission("nyckeltal.xlsx", buffer.getvalue(), DEPARTMENT)
    assert raw.data["rubrik"] == "Skolans nyckeltal"
