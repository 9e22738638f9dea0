"""Errors are data: stable error types, one table of Swedish sentences, locations people follow."""

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

# Our own error types. The template is filled from the error's context.
PROJECT_MESSAGES: dict[str, str] = {
    "unknown_department": "förvaltningen '{value}' finns inte i rapport.yaml (kända: {known})",
    "wrong_folder": "förvaltningen '{value}' stämmer inte med mappen '{folder}' som filen ligger i",
    "unknown_vision_goal": "visionsmål {value} finns inte i rapport.yaml (kända: {known})",
    "title_required": "nyckeln 'rubrik' saknas; den behövs för alla avsnitt utom typ 'inledning'",
    "opening_nested": "en inledning kan inte ligga under ett annat avsnitt; ta bort 'under'",
    "yaml_syntax": "YAML-fel: {problem}",
    "yaml_alias": "YAML-ankare och alias (& och *) är inte tillåtna",
    "yaml_duplicate_key": "nyckeln '{key}' förekommer två gånger",
    "markdown_text_key": "nyckeln 'text' används bara i .yaml-filer; i Markdown är texten det som står efter '---'",
    "not_a_mapping": "filen ska börja med nycklar (till exempel 'förvaltning: …'), inte {found}",
    "no_front_matter": (
        "filen saknar inledande nycklar; den ska börja med en rad '---', nycklarna, "
        "och en rad '---' före texten"
    ),
    "unclosed_front_matter": "nycklarna i början av filen avslutas inte med en rad '---'",
    "not_utf8": (
        "filen är inte sparad som UTF-8 (fel vid byte {position}); spara den som "
        "'UTF-8' i din texteditor och lägg in den igen"
    ),
    "unsupported_format": "filtypen '{suffix}' kan inte läsas; använd .md eller .yaml",
    "unreadable": "filen kunde inte läsas: {reason}",
    "missing_image": "bilden '{src}' finns inte i förvaltningens mapp",
    "image_outside": "bilden '{src}' måste ligga i förvaltningens egen mapp",
    "image_alt_missing": "bilden '{src}' saknar alternativtext; skriv den inom [ ] i ![text](fil)",
    "duplicate_section": "avsnittet '{id}' i mål {goal} finns redan i {other}",
    "duplicate_opening": "mål {goal} har redan en inledning i {other}",
    "duplicate_assessment": "mål {goal} har redan en bedömning i {other}",
    "parent_missing": "'under: {parent}' pekar inte på något avsnitt i mål {goal}",
    "parent_rejected": "'under: {parent}' pekar på ett avsnitt i {other}, som inte godkändes",
    "parent_cycle": "'under: {parent}' gör att avsnitten ligger under varandra i en cirkel",
    "edition_duplicate": "{what}: '{value}' förekommer två gånger",
}

# Pydantic's own error types, in Swedish. Context keys are pydantic's.
PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "nyckeln saknas men måste finnas",
    "extra_forbidden": "okänd nyckel",
    "int_parsing": "ska vara ett heltal, men är {input!r}",
    "int_type": "ska vara ett heltal, men är {input!r}",
    "int_from_float": "ska vara ett heltal utan decimaler, men är {input!r}",
    "float_parsing": "ska vara ett tal (med punkt som decimaltecken), men är {input!r}",
    "float_type": "ska vara ett tal, men är {input!r}",
    "bool_type": "ska vara ja eller nej (true/false), men är {input!r}",
    "bool_parsing": "ska vara ja eller nej (true/false), men är {input!r}",
    "string_type": "ska vara text, men är {input!r}",
    "string_too_short": "får inte vara tom",
    "string_too_long": "är för lång (högst {max_length} tecken)",
    "string_pattern_mismatch": "har fel form: {input!r}",
    "greater_than_equal": "ska vara minst {ge}, men är {input!r}",
    "less_than_equal": "ska vara högst {le}, men är {input!r}",
    "greater_than": "ska vara större än {gt}, men är {input!r}",
    "less_than": "ska vara mindre än {lt}, men är {input!r}",
    "enum": "ska vara ett av {expected}, men är {input!r}",
    "literal_error": "ska vara ett av {expected}, men är {input!r}",
    "list_type": "ska vara en lista (rader som börjar med '- '), men är {input!r}",
    "dict_type": "ska vara nycklar med värden, men är {input!r}",
    "model_type": "ska vara nycklar med värden, men är {input!r}",
    "model_attributes_type": "ska vara nycklar med värden, men är {input!r}",
    "too_short": "får inte vara tom",
    "too_long": "har för många poster (högst {max_length})",
    "date_type": "ska vara ett datum (ÅÅÅÅ-MM-DD), men är {input!r}",
    "date_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD), men är {input!r}",
    "date_from_datetime_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD), men är {input!r}",
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag, men är {input!r}",
    "frozen_instance": "kan inte ändras",
}

# Swedish names for the forms our Annotated types and fields demand.
PATTERN_HINTS: dict[str, str] = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "små bokstäver a–z, siffror och bindestreck, t.ex. 'min-rubrik'",
    r"^[NU]\d{5}$": "ett Kolada-id som 'N15428'",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "en e-postadress",
}


def project_error(error_type: str, **context: Any) -> PydanticCustomError:
    """An error of ours, raised from a validator; its Swedish text comes from the table."""
    return PydanticCustomError(error_type, PROJECT_MESSAGES[error_type], context)


class Problem(BaseModel):
    """One thing wrong with one file, located as a person would look for it."""

    model_config = ConfigDict(frozen=True)

    file: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    key: str | None = None
    place: str | None = None  # where lines mean nothing, e.g. 'tabell 1, raden Mål' in Word

    def __str__(self) -> str:
        where = [self.file]
        if self.place:
            where.append(self.place)
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.column is not None:
            where.append(f"kolumn {self.column}")
        if self.key:
            where.append(f"nyckel '{self.key}'")
        return f"{', '.join(where)}: {self.message}"


def key_path(loc: Sequence[str | int]) -> str:
    """('nyckeltal', 0, 'enhet') -> 'nyckeltal › nr 1 › enhet'."""
    return " › ".join(f"nr {part + 1}" if isinstance(part, int) else str(part) for part in loc)


def swedish_message(error: dict[str, Any]) -> str:
    """Turn one pydantic error (from ``ValidationError.errors()``) into a Swedish sentence."""
    error_type = error["type"]
    context = dict(error.get("ctx") or {})
    context["input"] = _shown(error.get("input"))
    if error_type in PROJECT_MESSAGES:
        return error["msg"]
    if error_type == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(context.get("pattern", ""))
        if hint:
            return f"ska vara {hint}, men är {context['input']!r}"
    if error_type in ("enum", "literal_error"):
        context["expected"] = _swedish_alternatives(str(context.get("expected", "")))
    template = PYDANTIC_MESSAGES.get(error_type)
    if template is None:
        return f"ogiltigt värde {context['input']!r} ({error_type})"
    return template.format(**context)


def _shown(value: Any) -> Any:
    """Inputs as a person wrote them: short, and dicts/lists summarised."""
    if isinstance(value, dict):
        return "nycklar med värden"
    if isinstance(value, list):
        return "en lista"
    if isinstance(value, str) and len(value) > 60:
        return value[:57] + "…"
    return value


def _swedish_alternatives(expected: str) -> str:
    # pydantic writes "'a', 'b' or 'c'"; Swedish joins with "eller".
    return expected.replace(" or ", " eller ")
