"""Read a key figure fetched from Kolada (the municipalities' statistics database).

A Kolada response holds only ids and numbers, so the department wraps it in a small JSON
file that says which goal it serves and what the indicator is called:

    {
      "förvaltning": "barn-och-utbildning",
      "mål": 4,
      "namn": "Elever i åk 9 som är behöriga till ett yrkesprogram",
      "enhet": "procent",
      "kolada_svar": { …the response from api.kolada.se (v2 or v3), saved as it came… }
    }

Optional keys: "rubrik" (default: the name), "id", "under", "ordning" (as in the contract);
"kön": T (total, default), K (women) or M (men); "kolada": the KPI id, when the response
holds several; "kommun": the municipality code, when it holds several; "målvärde",
"riktning" (högre/lägre) and "källa" (default "Kolada").

A response saved straight from the API (a bare ``{"values": […]}``, v2 or v3) is read
too: the department is the folder it lies in, and the file's name gives the goal, the name
and the unit: ``mal-04 Behöriga till yrkesprogram (procent).json`` (docs/lamna-bidrag.md).

A value that is null, or whose status is "Missing", is missing (None), never 0; a v3 value
marked ``isdeleted`` is not used. Any page of a paged answer but a whole one is refused.
"""

import difflib
import json
import re
from collections.abc import Callable
from typing import Any

from flows.readers.raw import KeyPath, RawSubmission, decode, office_error, translated

GENDERS = {"T", "K", "M"}
PASSED_THROUGH = ["förvaltning", "mål", "rubrik", "id", "under", "ordning"]
FIGURE_KEYS = ["namn", "enhet", "målvärde", "riktning", "källa"]
CHOICE_KEYS = ["kön", "kolada", "kommun"]
REQUIRED = ["namn", "enhet", "kolada_svar"]
ALLOWED = PASSED_THROUGH + FIGURE_KEYS + CHOICE_KEYS + ["kolada_svar"]
# Keys a paged Kolada response uses to point at another page (v2 and v3): an answer with
# either is one page of several, the last page too.
_NEXT_PAGE = ("next_page", "next_url", "next", "previous_page", "previous_url", "previous")
# 'mal-04 Behöriga till yrkesprogram (procent)': goal, name, unit.
_BARE_NAME = re.compile(r"m[aå]l[\s_-]*(\d{1,2})[\s_-]+(.+?)\s*\(([^()]+)\)\s*", re.IGNORECASE)


class _DuplicateKey(Exception):
    pass


def read_kolada_json(name: str, content: bytes, folder: str) -> RawSubmission:
    """A submission with one key figure: {förvaltning, mål, rubrik, nyckeltal: [...]}.

    ``folder`` is not used; every office reader takes (name, content, folder).
    """
    wrapper = _load(decode(content))
    if "kolada_svar" not in wrapper and "values" in wrapper:
        wrapper = _from_file_name(name, folder, wrapper)
    for key in wrapper:
        if key not in ALLOWED:
            raise _unknown_key(key)
    for key in REQUIRED:
        if key not in wrapper:
            raise office_error("kolada_missing_key", key=key)
    gender = str(wrapper.get("kön", "T")).strip().upper()
    if gender not in GENDERS:
        raise office_error("kolada_gender", value=wrapper["kön"])
    kpi, values = kolada_values(
        wrapper["kolada_svar"],
        kpi=wrapper.get("kolada"),
        municipality=wrapper.get("kommun"),
        gender=gender,
    )
    figure: dict[str, Any] = {
        "namn": wrapper["namn"],
        "enhet": wrapper["enhet"],
        "värden": values,
        "kolada": kpi,
        "källa": wrapper.get("källa", "Kolada"),
    }
    for key in ("målvärde", "riktning"):
        if key in wrapper:
            figure[key] = wrapper[key]
    data = {key: wrapper[key] for key in PASSED_THROUGH if key in wrapper}
    data.setdefault("rubrik", wrapper["namn"])
    data["nyckeltal"] = [figure]
    places: dict[KeyPath, str] = {("nyckeltal", 0, key): f"nyckeln '{key}'" for key in FIGURE_KEYS}
    places[("nyckeltal", 0, "värden")] = "kolada_svar"
    places[("nyckeltal", 0, "kolada")] = "kolada_svar"
    return RawSubmission(data, key_places=places)


def _from_file_name(name: str, folder: str, response: dict[str, Any]) -> dict[str, Any]:
    """A bare response as the wrapper it stands for: department from the folder, goal, name
    and unit from the file's name."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    match = _BARE_NAME.fullmatch(stem)
    if match is None:
        raise office_error("kolada_bare_name", name=name.rsplit("/", 1)[-1])
    return {
        "förvaltning": folder.split("/", 1)[0],  # the department's folder, not a subfolder
        "mål": int(match[1]),
        "namn": match[2].strip(),
        "enhet": match[3].strip(),
        "kolada_svar": response,
    }


def kolada_values(
    response: Any,
    *,
    kpi: str | None = None,
    municipality: str | None = None,
    gender: str = "T",
) -> tuple[str, dict[int, float | None]]:
    """(KPI id, {year: value}) from a Kolada data response, for one KPI, place and gender."""
    if not isinstance(response, dict) or not isinstance(response.get("values"), list):
        raise office_error("kolada_shape", problem="listan 'values' saknas")
    if any(response.get(key) for key in _NEXT_PAGE):
        raise office_error("kolada_paged")
    entries = response["values"]
    for entry in entries:
        if not isinstance(entry, dict) or not {"kpi", "period", "values"} <= entry.keys():
            raise office_error("kolada_shape", problem="en post saknar kpi, period eller values")
        if not isinstance(entry["values"], list):
            raise office_error("kolada_shape", problem="'values' i en post är ingen lista")
    entries = _only(entries, _kpi_of, kpi, kind=("nyckeltal", "nyckeltal"), key="kolada")
    entries = _only(entries, _place_of, municipality, kind=("kommun", "kommuner"), key="kommun")
    if not entries:
        raise office_error("kolada_empty")

    values: dict[int, float | None] = {}
    has_gender = False
    for entry in entries:
        year = _period(entry["period"])
        if year in values:
            raise office_error("kolada_duplicate_period", year=year)
        rows = [
            v
            for v in entry["values"]
            if isinstance(v, dict) and v.get("gender") == gender and not v.get("isdeleted")
        ]
        has_gender = has_gender or bool(rows)
        values[year] = _value(rows[0], year) if rows else None
    if not has_gender:
        raise office_error("kolada_no_gender", gender=gender)
    return str(entries[0]["kpi"]), dict(sorted(values.items()))


def _only(
    entries: list[dict],
    field_of: Callable[[dict], str],
    wanted: Any,
    kind: tuple[str, str],
    key: str,
) -> list[dict]:
    """The entries for ``wanted``; without it, the entries must all be of one (KPI, place)."""
    found = list(dict.fromkeys(field_of(e) for e in entries))
    if wanted is None:
        if len(found) > 1:
            raise office_error("kolada_several", what=kind[1], found=", ".join(found), key=key)
        return entries
    kept = [e for e in entries if field_of(e) == str(wanted).strip()]
    if not kept:
        raise office_error(
            "kolada_not_found", what=kind[0], value=wanted, found=", ".join(found) or "inga"
        )
    return kept


def _kpi_of(entry: dict) -> str:
    return str(entry["kpi"])


def _place_of(entry: dict) -> str:
    # Unit-level responses name an organisational unit ('ou') instead of a municipality.
    return str(entry.get("municipality", entry.get("ou", "")))


def _period(period: Any) -> int:
    text = str(period).strip()
    if isinstance(period, bool) or not (text.isascii() and text.isdecimal() and len(text) <= 4):
        raise office_error("kolada_period", value=period)
    return int(text)


def _value(row: dict, year: int) -> float | None:
    value = row.get("value")
    if value is None or str(row.get("status") or "").casefold() == "missing":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise office_error("kolada_value", value=value, year=year)
    return float(value)


def _load(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise office_error(
            "json_syntax",
            position=(error.lineno, error.colno),
            problem=translated(error.msg, _JSON_PROBLEMS, "JSON"),
        ) from None
    except _DuplicateKey as error:
        raise office_error("json_duplicate_key", key=str(error)) from None
    if not isinstance(data, dict):
        found = "en lista" if isinstance(data, list) else "ett enstaka värde"
        raise office_error("json_not_object", found=found)
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise office_error("json_constant", value=name)


def _unknown_key(key: str) -> Exception:
    close = difflib.get_close_matches(key, ALLOWED, n=1, cutoff=0.6)
    if close:
        return office_error("kolada_unknown_key", key=key, suggestion=close[0])
    return office_error("kolada_unknown_key_plain", key=key, known=", ".join(ALLOWED))


_JSON_PROBLEMS = {
    "Expecting ',' delimiter": "ett kommatecken saknas",
    "Expecting ':' delimiter": "ett kolon saknas efter nyckeln",
    "Expecting property name enclosed in double quotes": (
        "en nyckel ska stå inom dubbla citattecken (eller så finns ett kommatecken för mycket)"
    ),
    "Expecting value": "ett värde saknas (eller så finns ett kommatecken för mycket)",
    "Unterminated string": "en text saknar sitt avslutande citattecken",
    "Extra data": "det står något efter filens sista }",
    "Invalid control character": "en text innehåller en radbrytning eller ett tabbtecken",
}
