"""pydantic's errors -> located Swedish problems, for submissions and for rapport.yaml."""

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from flows.readers.raw import RawSubmission
from flows.readers.word_words import in_word_terms, missing_in_word, row_place
from schemas import Problem, Submission
from schemas.messages import PROJECT_MESSAGES, key_path, swedish_message


def problems_from(
    error: ValidationError,
    raw: RawSubmission,
    file: str,
    model: type[BaseModel] = Submission,
    left_out: frozenset[str] = frozenset(),
) -> list[Problem]:
    """One located Swedish problem per pydantic error.

    ``left_out`` are top-level keys that could not be read (a syntax error on their line, told
    already): nothing is said about them, nor about the file as a whole, which lacks them."""
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(part for part in item["loc"] if part != "[key]")
        if left_out and (not loc or loc[0] in left_out):
            continue
        message = swedish_message(item)
        if item["type"] == "extra_forbidden":
            message = unknown_key_message(model, loc)
        elif item["type"] == "missing":
            message = f"nyckeln '{loc[-1]}' saknas men måste finnas"
        elif loc == ("förvaltning",) and item["type"] == "string_pattern_mismatch" and "/" in file:
            # A name ('kultur och fritid') where the folder's id belongs.
            message = PROJECT_MESSAGES["department_not_an_id"].format(
                value=item.get("input"), folder=file.split("/", 1)[0]
            )
        # A missing key has no line of its own: point at its parent, or the file's first key.
        where = loc[:-1] if item["type"] == "missing" else loc
        line = raw.line_of(where) if where else _first_line(raw)
        code = item["type"]
        if loc == ("förvaltning",) and code == "string_pattern_mismatch" and "/" in file:
            code = "department_not_an_id"
        key, place = (key_path(loc) if loc else None), raw.place_of(where)
        if raw.key_labels:  # Word: the row by its label, in the words of the document
            if item["type"] == "missing":
                message = missing_in_word(raw, loc)
                place = row_place(raw, loc) if loc in raw.key_labels else place
            message, named = in_word_terms(message, raw)
            key, place = None, place or row_place(raw, loc) or named
        problems.append(
            Problem(file=file, code=code, message=message, line=line, key=key, place=place)
        )
    return problems


def _first_line(raw: RawSubmission) -> int | None:
    return min(raw.key_lines.values(), default=None)


def unknown_key_message(model: type[BaseModel], loc: tuple) -> str:
    """'okänd nyckel 'rubik' – menade du 'rubrik'?' using the keys allowed at that level."""
    known = known_keys(model, loc[:-1])
    unknown = str(loc[-1])
    close = difflib.get_close_matches(unknown, known, n=1, cutoff=0.6)
    if close:
        return f"okänd nyckel '{unknown}' – menade du '{close[0]}'?"
    return f"okänd nyckel '{unknown}'; tillåtna nycklar här: {', '.join(sorted(known))}"


def known_keys(model: type[BaseModel], parent: tuple) -> list[str]:
    """The Swedish keys allowed inside the mapping at ``parent``."""
    for part in parent:
        if isinstance(part, int):
            continue
        field = next(
            (f for name, f in model.model_fields.items() if (f.alias or name) == part), None
        )
        nested = _nested_model(field.annotation) if field else None
        if nested is None:
            return []
        model = nested
    return [field.alias or name for name, field in model.model_fields.items()]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _nested_model(arg)
        if found:
            return found
    return None
