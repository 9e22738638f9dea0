"""Read key figures from an Excel workbook, alone or as a whole submission.

Layout (the starter made by flows/office/starters.py):

- the key-figure sheet, the first sheet not named 'Uppgifter': a header row (within the
  first 20 rows) with the columns Nyckeltal, Enhet, År, Värde and optionally Kolada-id,
  Målvärde, Riktning, Källa, Förvaltning, Mål; then one row per value. Rows with the same
  Nyckeltal form one key figure, in first-seen order. An empty Värde is a missing value.
- the sheet 'Uppgifter': label | value [| explanation] rows for Förvaltning, Mål, Rubrik,
  Id, Under, Ordning. Förvaltning and Mål may instead be columns of the key-figure sheet.

A cell formatted as a percentage holds a fraction (86,4 % is stored as 0.864); its value is
read as the number shown (86.4). Workbooks are opened read-only with cached values
(data_only): openpyxl parses with lxml (resolve_entities=False) and defusedxml, and only
after check_zip has passed.
"""

import difflib
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import openpyxl

from flows.readers.raw import KeyPath, RawSubmission, office_error, unreadable_as
from flows.readers.zipsafety import check_zip
from schemas import slugify

FIGURE_COLUMNS = ["Nyckeltal", "Enhet", "År", "Värde", "Kolada-id", "Målvärde", "Riktning", "Källa"]
REQUIRED_COLUMNS = ["Nyckeltal", "Enhet", "År", "Värde"]
SUBMISSION_COLUMNS = ["Förvaltning", "Mål"]
SETTINGS_SHEET = "Uppgifter"
SETTINGS_ROWS = ["Förvaltning", "Mål", "Rubrik", "Id", "Under", "Ordning"]
DEFAULT_TITLE = "Nyckeltal"
# The starter's example row; left in place it would be published, so it is an error.
EXAMPLE_NAME = "Exempel: andel elever med gymnasiebehörighet (skriv över raden)"
HEADER_SEARCH_ROWS = 20

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
class _Table:
    """What the key-figure sheet holds."""

    sheet: str
    figures: list[dict[str, Any]] = field(default_factory=list)
    places: dict[KeyPath, str] = field(default_factory=dict)
    # Förvaltning and Mål columns: value -> first row it stands on.
    columns: dict[str, dict[Any, int]] = field(default_factory=dict)


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
            table = _read_figures(_figure_sheet(workbook))
        finally:
            workbook.close()
    return table.figures, table.places


def read_xlsx_submission(name: str, content: bytes, folder: str) -> RawSubmission:
    """A whole submission: förvaltning, mål, rubrik (default 'Nyckeltal') and nyckeltal.

    ``folder`` is not used; every office reader takes (name, content, folder).
    Without a Rubrik the section id defaults to 'nyckeltal-<förvaltning>', so several
    departments' key-figure sections in one goal do not collide.
    """
    check_zip(name, content)
    workbook = _open(content)
    with unreadable_as("Excel-fil"):
        try:
            table = _read_figures(_figure_sheet(workbook))
            settings, places = _read_settings(workbook)
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
    return RawSubmission(data, key_places=places)


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


def _figure_sheet(workbook: Any) -> Any:
    """The key-figure sheet: the first visible sheet with a 'Nyckeltal' header, so a 'Läs
    mig' sheet or a hidden helper sheet before it does not matter. Without one, the first
    visible sheet (whose message then says what its header lacks)."""
    visible = [
        sheet
        for sheet in workbook.worksheets
        if sheet.title.casefold() != SETTINGS_SHEET.casefold()
        and getattr(sheet, "sheet_state", "visible") == "visible"
    ]
    for sheet in visible:
        sheet.reset_dimensions()  # some writers record wrong dimensions; read all rows
        if _has_header(sheet):
            return sheet
    if visible:
        return visible[0]
    raise office_error("no_sheet")


def _has_header(sheet: Any) -> bool:
    for number, cells in _rows(sheet):
        if "nyckeltal" in {_normal(t) for t in (_text(c.value) for c in cells) if t}:
            return True
        if number >= HEADER_SEARCH_ROWS:
            return False
    return False


def _rows(sheet: Any) -> Any:
    """(row number, cells) for every row, empty rows included."""
    return enumerate(sheet.iter_rows(), start=1)


def _read_figures(sheet: Any) -> _Table:
    table = _Table(sheet.title)
    rows = _rows(sheet)
    header = _find_header(rows, sheet.title)  # consumes rows up to the header; the rest follow
    by_name: dict[str, int] = {}
    years: dict[tuple[int, Any], int] = {}  # (figure, year) -> row
    set_on: dict[tuple[int, str], int] = {}  # (figure, key) -> row that set it
    for number, cells in rows:
        values = {label: _cell(cells, index) for label, index in header.items()}
        if all(v is None for v in values.values()):
            continue
        where = f"blad '{sheet.title}', rad {number}"
        name = _text(values["Nyckeltal"])
        if name is None:
            raise office_error("row_without_name", place=where)
        if name == EXAMPLE_NAME:
            raise office_error("example_row_left", place=where)
        for label in SUBMISSION_COLUMNS:
            value = _setting(label, values.get(label))
            if value is not None:
                table.columns.setdefault(label, {}).setdefault(value, number)
        if name not in by_name:
            by_name[name] = len(table.figures)
            table.figures.append({"namn": name, "värden": {}})
            index = by_name[name]
            table.places[("nyckeltal", index)] = where
            table.places[("nyckeltal", index, "namn")] = f"{where}, kolumn Nyckeltal"
            table.places[("nyckeltal", index, "värden")] = f"{where}, kolumn År"
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
    return table


def _find_header(rows: Any, sheet: str) -> dict[str, int]:
    """Column label -> cell index, from the first row that names a 'Nyckeltal' column."""
    known = FIGURE_COLUMNS + SUBMISSION_COLUMNS
    normal = {_normal(label): label for label in known}
    for number, cells in rows:
        texts = [_text(cell.value) for cell in cells]
        if "nyckeltal" not in {_normal(t) for t in texts if t}:
            if number >= HEADER_SEARCH_ROWS:
                break
            continue
        where = f"blad '{sheet}', rad {number}"
        header: dict[str, int] = {}
        for index, text in enumerate(texts):
            if text is None:
                continue
            label = normal.get(_normal(text))
            if label is None:
                raise _unknown_label(text, known, where, kind="column")
            if label in header:
                raise office_error("duplicate_column", place=where, column=label)
            header[label] = index
        for label in REQUIRED_COLUMNS:
            if label not in header:
                raise office_error("missing_column", place=where, column=label)
        return header
    raise office_error(
        "no_header",
        place=f"blad '{sheet}'",
        sheet=sheet,
        required=", ".join(REQUIRED_COLUMNS),
        rows=HEADER_SEARCH_ROWS,
    )


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


def _read_settings(workbook: Any) -> tuple[dict[str, Any], dict[KeyPath, str]]:
    """Label | value rows of the sheet 'Uppgifter' (if there is one)."""
    sheet = next(
        (s for s in workbook.worksheets if s.title.casefold() == SETTINGS_SHEET.casefold()), None
    )
    if sheet is None:
        return {}, {}
    sheet.reset_dimensions()
    normal = {_normal(label): label for label in SETTINGS_ROWS}
    settings: dict[str, Any] = {}
    places: dict[KeyPath, str] = {}
    for number, cells in _rows(sheet):
        written = _text(_cell(cells, 0))
        value = _cell(cells, 1)
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
    return settings, places


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

    Text like '86,4', '61,5 %' or '1 234,5' (a number typed as text, Swedish style) is read
    as a number.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    compact = re.sub(r"[\s\u00a0\u202f]", "", text).replace("−", "-").replace(",", ".")
    compact = compact.removesuffix("%")  # '61,5 %': the unit is in the Enhet column
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", compact):
        return float(compact)
    return text
