"""Read key figures from an Excel workbook, alone or as a whole submission.

Layout (the starter made by flows/starters/office.py):

- the key-figure sheet, the first visible sheet (not named 'Uppgifter') with a Nyckeltal
  header: a header row (within the first 20 rows) with the columns Nyckeltal, Enhet and
  optionally Kolada-id, Målvärde, Riktning, Källa, Förvaltning, Mål, and either
  - År and Värde, then one row per value (the starter's layout). Rows with the same
    Nyckeltal form one key figure, in first-seen order. An empty Värde is a missing value; or
  - one column per year (2021, 2022, …), then one row per key figure (the layout of Kolada's
    and SCB's own exports). An empty cell under a year is a missing value.
- the sheet 'Uppgifter': label | value [| explanation] rows for Förvaltning, Mål, Rubrik,
  Id, Under, Ordning. Förvaltning and Mål may instead be columns of the key-figure sheet.

A cell formatted as a percentage holds a fraction (86,4 % is stored as 0.864); its value is
read as the number shown (86.4). Numbers typed as text the Swedish way ('61,5', '61,5 %',
'1 234' with a space or no-break space between thousands, '−3,2') are numbers.

What a person cannot see is not read: hidden sheets, hidden rows and hidden columns (also
those of zero height or width) are left out, and the receipt says so (RawSubmission.notes).
A hidden column is never refused as unknown. Read-only worksheets do not expose row and
column visibility, so the sheet's XML is streamed once more for its <row hidden="1"> and
<col hidden="1"> (with defusedxml, as openpyxl parses it), which keeps memory small.

Workbooks are opened read-only with cached values (data_only): openpyxl parses with lxml
(resolve_entities=False) and defusedxml, and only after check_zip has passed.
"""

import difflib
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.xml.functions import iterparse

from flows.readers.raw import (
    KeyPath,
    RawSubmission,
    ReadError,
    office_error,
    shorten,
    unreadable_as,
)
from flows.readers.zipsafety import check_zip
from schemas import slugify

FIGURE_COLUMNS = ["Nyckeltal", "Enhet", "År", "Värde", "Kolada-id", "Målvärde", "Riktning", "Källa"]
REQUIRED_COLUMNS = ["Nyckeltal", "Enhet", "År", "Värde"]
# With years as columns (Kolada's and SCB's exports), År and Värde are the year columns.
YEAR_LAYOUT_COLUMNS = ["År", "Värde"]
SUBMISSION_COLUMNS = ["Förvaltning", "Mål"]
SETTINGS_SHEET = "Uppgifter"
SETTINGS_ROWS = ["Förvaltning", "Mål", "Rubrik", "Id", "Under", "Ordning"]
DEFAULT_TITLE = "Nyckeltal"
# The starter's example row; left in place it would be published, so it is an error.
EXAMPLE_NAME = "Exempel: andel elever med gymnasiebehörighet (skriv över raden)"
EXAMPLE_KOLADA_ID = "N15428"  # the example row's id (flows/starters/office.py)
# The whole example row as the starter writes it, in FIGURE_COLUMNS order.
EXAMPLE_ROW = (EXAMPLE_NAME, "procent", 2024, 86.4, EXAMPLE_KOLADA_ID, 90, "högre", "Kolada")
HEADER_SEARCH_ROWS = 20
# A header cell that is a year: 2021, 2021.0 or '2021'.
YEAR_HEADER = re.compile(r"\d{4}")
LISTED = 10  # hidden rows named in a note; more are counted

# Key in the key-figure dict for each column.
_FIELDS = {
    "Nyckeltal": "namn",
    "Enhet": "enhet",
    "Kolada-id": "kolada",
    "Målvärde": "målvärde",
    "Riktning": "riktning",
    "Källa": "källa",
}


@dataclass
class _Sheet:
    """A worksheet with what of it is hidden, and the hidden rows that held something."""

    sheet: Any
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # 1-based column numbers
    skipped_rows: list[int] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.sheet.title

    def rows(self) -> Any:
        """(row number, cells) for every visible row, empty rows included; a hidden row that
        holds something is remembered in ``skipped_rows`` (afresh for each reading)."""
        self.skipped_rows = []
        for number, cells in enumerate(self.sheet.iter_rows(), start=1):
            if number in self.hidden_rows:
                if any(_text(cell.value) for cell in cells):
                    self.skipped_rows.append(number)
                continue
            yield number, cells

    def shown(self, index: int) -> bool:
        """Whether the cell at 0-based ``index`` in a row stands in a visible column."""
        return index + 1 not in self.hidden_columns


@dataclass
class _Header:
    """The key-figure sheet's header row: column label -> cell index, and year columns."""

    row: int
    labels: dict[str, int] = field(default_factory=dict)
    years: dict[int, tuple[int, str]] = field(default_factory=dict)  # year -> (index, as written)
    hidden: list[str] = field(default_factory=list)  # hidden columns' header texts


@dataclass
class _Table:
    """What the key-figure sheet holds."""

    sheet: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    places: dict[KeyPath, str] = field(default_factory=dict)
    # Förvaltning and Mål columns: value -> first row it stands on.
    columns: dict[str, dict[Any, int]] = field(default_factory=dict)
    # What was left out because it is hidden, for the receipt.
    notes: list[ReadError] = field(default_factory=list)


def read_key_figures_xlsx(name: str, content: bytes) -> tuple[list[dict], dict[KeyPath, str]]:
    """Key-figure dicts as in the submission contract, and where each key stands.

    The places are keyed by full submission paths, ``('nyckeltal', 0, 'enhet')``, so they
    can go straight into a RawSubmission's ``key_places``.
    """
    check_zip(name, content)
    workbook = _open(content)
    # Read-only sheets are parsed while their rows are read, so parse errors come here too.
    with unreadable_as("Excel-fil"):
        try:
            sheet, _ = _figure_sheet(workbook)
            table = _read_figures(sheet)
        finally:
            workbook.close()
    return table.figures, table.places


def read_xlsx_submission(name: str, content: bytes, folder: str) -> RawSubmission:
    """A whole submission: förvaltning, mål, rubrik (default 'Nyckeltal') and nyckeltal.

    ``folder`` is not used; every office reader takes (name, content, folder).
    Without a Rubrik the section id defaults to 'nyckeltal-<förvaltning>', so several
    departments' key-figure sections in one goal do not collide. What was left out because
    it is hidden comes back as the submission's notes.
    """
    check_zip(name, content)
    workbook = _open(content)
    with unreadable_as("Excel-fil"):
        try:
            sheet, notes = _figure_sheet(workbook)
            table = _read_figures(sheet)
            settings, places, settings_notes = _read_settings(workbook)
        finally:
            workbook.close()
    for label in SUBMISSION_COLUMNS:
        key = label.lower()
        found = table.columns.get(label, {})
        if len(found) > 1:
            shown = ", ".join(str(v) for v in found)
            raise office_error(
                "several_in_column", place=f"blad '{table.sheet}'", column=label, values=shown
            )
        if not found:
            continue
        (value, row), *_ = found.items()
        if key in settings and settings[key] != value:
            raise office_error(
                "settings_conflict",
                place=places[(key,)],
                column=label,
                sheet_value=settings[key],
                column_value=value,
            )
        settings[key] = value
        places[(key,)] = f"blad '{table.sheet}', rad {row}, kolumn {label}"
    data: dict[str, Any] = dict(settings)
    if "rubrik" not in data:
        data["rubrik"] = DEFAULT_TITLE
        department = data.get("förvaltning")
        if "id" not in data and isinstance(department, str) and slugify(department):
            data["id"] = f"nyckeltal-{slugify(department)}"
    data["nyckeltal"] = table.figures
    places.update(table.places)
    places.setdefault(("nyckeltal",), f"blad '{table.sheet}'")
    notes = tuple(notes + table.notes + settings_notes)
    return RawSubmission(data, key_places=places, notes=notes)


def _open(content: bytes) -> Any:
    if not openpyxl.DEFUSEDXML:
        # Not the department's fault: the installation lacks defusedxml (or disabled it).
        raise RuntimeError("defusedxml must be installed and enabled to read Excel files")
    with unreadable_as("Excel-fil"), warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation extensions, …).
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )


def _figure_sheet(workbook: Any) -> tuple[_Sheet, list[ReadError]]:
    """The key-figure sheet: the first visible sheet with a 'Nyckeltal' header, so a 'Läs
    mig' sheet or a hidden helper sheet before it does not matter. Without one, the first
    visible sheet (whose message then says what its header lacks). Also a note for each
    hidden sheet that holds something: it is not read."""
    visible, notes = [], []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") == "visible":
            if sheet.title.casefold() != SETTINGS_SHEET.casefold():
                visible.append(sheet)
            continue
        sheet.reset_dimensions()
        if any(_text(value) for row in sheet.iter_rows(values_only=True) for value in row):
            notes.append(
                office_error("excel_hidden_sheet", place=f"blad '{sheet.title}'", sheet=sheet.title)
            )
    for sheet in visible:
        sheet.reset_dimensions()  # some writers record wrong dimensions; read all rows
        view = _view(sheet)
        if _has_header(view):
            return view, notes
    hidden = [s for s in workbook.worksheets if s not in visible]
    for sheet in hidden:
        if sheet.title.casefold() != SETTINGS_SHEET.casefold() and _has_header(_view(sheet)):
            raise office_error(
                "excel_figure_sheet_hidden", place=f"blad '{sheet.title}'", sheet=sheet.title
            )
    if visible:
        return _view(visible[0]), notes
    raise office_error("no_sheet")


def _view(sheet: Any) -> _Sheet:
    rows, columns = _hidden(sheet)
    return _Sheet(sheet, hidden_rows=rows, hidden_columns=columns)


def _hidden(sheet: Any) -> tuple[set[int], set[int]]:
    """Hidden row and column numbers (1-based) from the sheet's XML: <row r="5" hidden="1">,
    <col min="3" max="4" hidden="1">, and rows or columns of zero height or width."""
    rows: set[int] = set()
    columns: set[int] = set()
    number = 0
    # The read-only worksheet's own part, parsed as openpyxl parses it (defusedxml).
    with sheet._get_source() as source:
        for _, element in iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "row":
                number = int(element.get("r") or number + 1)
                if _is_hidden(element, "ht"):
                    rows.add(number)
                element.clear()
            elif tag == "col":
                if _is_hidden(element, "width"):
                    first = int(element.get("min") or 1)
                    last = min(int(element.get("max") or first), 16_384)
                    columns.update(range(first, last + 1))
            elif tag == "sheetData":
                element.clear()
    return rows, columns


def _is_hidden(element: Any, size: str) -> bool:
    if (element.get("hidden") or "").strip().lower() in ("1", "true"):
        return True
    try:
        return float(element.get(size)) == 0
    except (TypeError, ValueError):
        return False


def _has_header(sheet: _Sheet) -> bool:
    for number, cells in sheet.rows():
        if "nyckeltal" in _normals(sheet, cells):
            return True
        if number >= HEADER_SEARCH_ROWS:
            return False
    return False


def _normals(sheet: _Sheet, cells: tuple) -> set[str]:
    """The normalised texts of a row's visible cells."""
    texts = (_text(c.value) for i, c in enumerate(cells) if sheet.shown(i))
    return {_normal(t) for t in texts if t}


def _read_figures(sheet: _Sheet) -> _Table:
    table = _Table(sheet.title)
    rows = sheet.rows()
    header = _find_header(rows, sheet)  # consumes rows up to the header; the rest follow
    by_name: dict[str, int] = {}
    years: dict[tuple[int, Any], int] = {}  # (figure, year) -> row
    set_on: dict[tuple[int, str], int] = {}  # (figure, key) -> row that set it
    for number, cells in rows:
        values = {label: _cell(cells, index) for label, index in header.labels.items()}
        by_year = {year: _cell(cells, index) for year, (index, _) in header.years.items()}
        if all(v is None for v in [*values.values(), *by_year.values()]):
            continue
        where = f"blad '{sheet.title}', rad {number}"
        name = _text(values["Nyckeltal"])
        if name is None:
            raise office_error("row_without_name", place=where)
        if is_example_row(name, values):
            raise office_error("example_row_left", place=where, snippet=shorten(name))
        for label in SUBMISSION_COLUMNS:
            value = _setting(label, values.get(label))
            if value is not None:
                table.columns.setdefault(label, {}).setdefault(value, number)
        if name in by_name and header.years:
            raise office_error(
                "excel_figure_twice",
                place=f"{where}, kolumn Nyckeltal",
                name=name,
                other=set_on[(by_name[name], "namn")],
            )
        if name not in by_name:
            by_name[name] = len(table.figures)
            table.figures.append({"namn": name, "värden": {}})
            index = by_name[name]
            set_on[(index, "namn")] = number
            table.places[("nyckeltal", index)] = where
            table.places[("nyckeltal", index, "namn")] = f"{where}, kolumn Nyckeltal"
            column = "År" if "År" in header.labels else "Nyckeltal"
            table.places[("nyckeltal", index, "värden")] = f"{where}, kolumn {column}"
        index = by_name[name]
        figure = table.figures[index]
        for label, key in _FIELDS.items():
            value = _figure_value(key, values.get(label))
            if value is None or key == "namn":
                continue
            if key in figure and figure[key] != value:
                raise office_error(
                    "conflicting_value",
                    place=f"{where}, kolumn {label}",
                    value=value,
                    other=figure[key],
                    row=set_on[(index, key)],
                    column=label,
                    name=name,
                )
            if key not in figure:
                figure[key] = value
                set_on[(index, key)] = number
                table.places[("nyckeltal", index, key)] = f"{where}, kolumn {label}"
        if header.years:
            for year, (_, written) in header.years.items():
                figure["värden"][year] = _number(by_year[year])
                table.places[("nyckeltal", index, "värden", year)] = f"{where}, kolumn {written}"
            continue
        year = _year(values["År"])
        if year is None:
            raise office_error("row_without_year", place=f"{where}, kolumn År")
        if (index, year) in years:
            raise office_error(
                "duplicate_year",
                place=f"{where}, kolumn År",
                name=name,
                year=year,
                other=years[(index, year)],
            )
        years[(index, year)] = number
        figure["värden"][year] = _number(values["Värde"])
        column = "Värde" if isinstance(year, int) else "År"
        table.places[("nyckeltal", index, "värden", year)] = f"{where}, kolumn {column}"
    if not table.figures:
        raise office_error("no_key_figures", place=f"blad '{sheet.title}'", sheet=sheet.title)
    table.notes = _hidden_notes(sheet, header.hidden)
    return table


def is_example_row(name: str, values: dict[str, Any]) -> bool:
    """Whether a row is the starter's example left in: its name, or its values all as the
    example has them under a name that is still the example's (its 'Exempel:' and '(skriv
    över raden)' taken away). The Kolada id alone says nothing: real rows share it."""
    if name == EXAMPLE_NAME:
        return True
    example = dict(zip(FIGURE_COLUMNS, EXAMPLE_ROW, strict=True))
    same_values = all(
        _comparable(values.get(label)) == _comparable(value)
        for label, value in example.items()
        if label != "Nyckeltal"
    )
    close = difflib.SequenceMatcher(None, _subject(name), _subject(EXAMPLE_NAME)).ratio()
    return same_values and close >= 0.8


def _subject(name: str) -> str:
    """A key figure's name without the example's markers, casefolded."""
    text = name.casefold().replace("(skriv över raden)", "")
    return " ".join(re.sub(r"^\s*exempel\s*:?", "", text).split())


def _comparable(value: Any) -> Any:
    """A cell's value for comparing with the example: numbers as numbers, text casefolded."""
    number = _number(value)
    if isinstance(number, float):
        return number
    text = _text(value)
    return text.casefold() if text else None


def _find_header(rows: Any, sheet: _Sheet) -> _Header:
    """The first visible row that names a 'Nyckeltal' column, read into a _Header.

    A cell in a hidden column is not a column of the table, known or not; a required column
    that stands only hidden is named as hidden."""
    known = FIGURE_COLUMNS + SUBMISSION_COLUMNS
    normal = {_normal(label): label for label in known}
    for number, cells in rows:
        if "nyckeltal" not in _normals(sheet, cells):
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        where = f"blad '{sheet.title}', rad {number}"
        header = _Header(number)
        for index, cell in enumerate(cells):
            text = _text(cell.value)
            if text is None:
                continue
            if not sheet.shown(index):
                header.hidden.append(text)
                continue
            label = normal.get(_normal(text))
            if label is None and YEAR_HEADER.fullmatch(text):
                year = int(text)
                if year in header.years:
                    raise office_error("duplicate_column", place=where, column=text)
                header.years[year] = (index, text)
                continue
            if label is None:
                raise _unknown_label(text, known, where, kind="column")
            if label in header.labels:
                raise office_error("duplicate_column", place=where, column=label)
            header.labels[label] = index
        if header.years:
            for label in YEAR_LAYOUT_COLUMNS:
                if label in header.labels:
                    shown = ", ".join(written for _, written in header.years.values())
                    raise office_error("excel_mixed_layout", place=where, column=label, years=shown)
        required = ["Nyckeltal", "Enhet"] if header.years else REQUIRED_COLUMNS
        hidden = {_normal(text) for text in header.hidden}
        for label in required:
            if label not in header.labels:
                code = "excel_hidden_column" if _normal(label) in hidden else "missing_column"
                raise office_error(code, place=where, column=label)
        return header
    raise office_error(
        "no_header",
        place=f"blad '{sheet.title}'",
        sheet=sheet.title,
        required=", ".join(REQUIRED_COLUMNS),
        rows=HEADER_SEARCH_ROWS,
    )


def _hidden_notes(sheet: _Sheet, columns: list[str]) -> list[ReadError]:
    """Notes for the receipt: the hidden rows that held something, the hidden columns."""
    notes = []
    place = f"blad '{sheet.title}'"
    if sheet.skipped_rows:
        notes.append(
            office_error("excel_hidden_rows", place=place, rows=_listed(sheet.skipped_rows))
        )
    if columns:
        shown = _listed([f"'{text}'" for text in columns])
        notes.append(office_error("excel_hidden_columns", place=place, columns=shown))
    return notes


def _listed(items: list) -> str:
    """'5', '5 och 7', '5, 7 och 9'; past LISTED items, the rest are counted."""
    words = [str(item) for item in items]
    if len(words) > LISTED:
        return f"{', '.join(words[:LISTED])} och {len(words) - LISTED} till"
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} och {words[-1]}"


def _unknown_label(text: str, known: list[str], where: str, kind: str) -> Exception:
    """An unknown column (or row of 'Uppgifter'), with the nearest known label if any."""
    close = difflib.get_close_matches(text.capitalize(), known, n=1, cutoff=0.6)
    if kind == "row":
        if close:
            return office_error("unknown_row", place=where, label=text, suggestion=close[0])
        return office_error("unknown_row_plain", place=where, label=text, known=", ".join(known))
    if close:
        return office_error("unknown_column", place=where, column=text, suggestion=close[0])
    return office_error("unknown_column_plain", place=where, column=text, known=", ".join(known))


def _read_settings(workbook: Any) -> tuple[dict[str, Any], dict[KeyPath, str], list[ReadError]]:
    """Label | value rows of the sheet 'Uppgifter' (if there is one); hidden rows and columns
    are not read, and noted."""
    sheet = next(
        (s for s in workbook.worksheets if s.title.casefold() == SETTINGS_SHEET.casefold()), None
    )
    if sheet is None:
        return {}, {}, []
    sheet.reset_dimensions()
    view = _view(sheet)
    normal = {_normal(label): label for label in SETTINGS_ROWS}
    settings: dict[str, Any] = {}
    places: dict[KeyPath, str] = {}
    hidden_columns: set[str] = set()
    for number, cells in view.rows():
        for index in (0, 1):
            if not view.shown(index) and _cell(cells, index) is not None:
                hidden_columns.add(get_column_letter(index + 1))
        written = _text(_cell(cells, 0)) if view.shown(0) else None
        value = _cell(cells, 1) if view.shown(1) else None
        where = f"blad '{sheet.title}', rad {number}"
        if written is None:
            continue
        label = normal.get(_normal(written))
        if label is None:
            raise _unknown_label(written, SETTINGS_ROWS, where, kind="row")
        key = label.lower()
        if key in settings:
            raise office_error("duplicate_row", place=where, label=label)
        shown = _setting(label, value)
        if shown is not None:
            settings[key] = shown
            places[(key,)] = where
    return settings, places, _hidden_notes(view, sorted(hidden_columns))


def _cell(cells: tuple, index: int) -> Any:
    """A cell's value as the sheet shows it; percentages as the number shown."""
    if index >= len(cells):
        return None
    cell = cells[index]
    value = cell.value
    if isinstance(value, str) and not value.strip():
        return None
    percent = "%" in (getattr(cell, "number_format", None) or "")
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        return round(value * 100, 10)
    return value


def _normal(label: str) -> str:
    """'Kolada id', 'KOLADA-ID' and 'Kolada-id:' are the same column."""
    return re.sub(r"[\s\-_:*]", "", label.casefold())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return text or None


def _setting(label: str, value: Any) -> Any:
    """A value from 'Uppgifter' or a Förvaltning/Mål column, as the YAML formats have it."""
    if label in ("Mål", "Ordning"):
        return _integer(value)
    text = _text(value)
    if text is not None and label in ("Förvaltning", "Id", "Under"):
        return text.lower()
    return text


def _figure_value(key: str, value: Any) -> Any:
    if key == "målvärde":
        return _number(value)
    text = _text(value)
    if text is None:
        return None
    if key == "riktning":
        return text.lower()
    if key == "kolada":
        return text.upper()
    return text


def _integer(value: Any) -> Any:
    """2024, 2024.0 and '2024' -> 2024; anything else stays as it is for pydantic to name."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if text is not None and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return text if value is not None else None


def _year(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return str(value)  # a date where a year belongs; pydantic names it
    return _integer(value)


def _number(value: Any) -> Any:
    """A number, None for an empty cell (missing, never 0), or the text for pydantic to name.

    Text like '86,4', '61,5 %', '1 234,5' (a space, no-break space or thin space between
    thousands) or '−3,2' (a typographic minus), a number typed as text Swedish style, is read
    as a number. Thousands must come in groups of three: '12 34' stays text.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    compact = re.sub(r"[\u00a0\u202f\u2009]", " ", text).translate(_MINUS)
    compact = compact.removesuffix("%").rstrip()  # '61,5 %': the unit is in the Enhet column
    if _SWEDISH_NUMBER.fullmatch(compact):
        return float(compact.replace(" ", "").replace(",", "."))
    return text


# A typographic minus (U+2212) or an en dash, as Word and Excel's autocorrect write it.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_SWEDISH_NUMBER = re.compile(r"[+-]?((\d{1,3}( \d{3})+|\d+)([.,]\d+)?|[.,]\d+)")
