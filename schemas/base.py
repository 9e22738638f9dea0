"""The project's base models and reusable field types."""

import math
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)


def _not_a_truth_value(value):
    """True and False are no numbers, though Python counts them as 1 and 0: an Excel cell
    holding TRUE must not become goal 1."""
    if isinstance(value, bool):
        from schemas.messages import project_error  # the one table of messages

        raise project_error("truth_value_not_number", value="SANT" if value else "FALSKT")
    return value


NotBool = BeforeValidator(_not_a_truth_value)
GoalNumber = Annotated[int, NotBool, Field(ge=1, le=17)]
Year = Annotated[int, NotBool, Field(ge=2000, le=2100)]
# A whole number a person may write for ordering or numbering: small, never a truth value.
SmallWhole = Annotated[int, NotBool, Field(ge=-1_000_000, le=1_000_000)]
MEASURE_LIMIT = 1e15  # a million billions: more than any municipality's key figure


def _sane_measure(value: float) -> float:
    """NaN, infinity, and numbers no key figure has ('1e999', 400 digits) are refused, so
    nothing like 'nan' reaches a table, a chart or a trend sentence."""
    from schemas.messages import project_error

    if math.isnan(value) or math.isinf(value):
        raise project_error("number_not_finite")
    if abs(value) > MEASURE_LIMIT:
        raise project_error("number_too_large")
    return value


_SWEDISH_NUMBER = re.compile(r"^[-−]?\d{1,3}(?:[ \u00a0]\d{3})*(?:,\d+)?$|^[-−]?\d+,\d+$")


def _swedish_number(value):
    """'84,5', '1 234' and '−3,2' as a Swedish reader means them; anything else is left to
    pydantic, whose message then says what a number looks like."""
    if isinstance(value, str) and _SWEDISH_NUMBER.match(text := value.strip()):
        return text.replace(" ", "").replace("\u00a0", "").replace(",", ".").replace("−", "-")
    return value


# A measured value: finite, and of a size a key figure can have; Swedish decimal commas read.
Measure = Annotated[float, NotBool, BeforeValidator(_swedish_number), AfterValidator(_sane_measure)]
# Ids are lowercase slugs so they work as folder names, anchors and file names alike.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# People write 'ja' and 'nej'; YAML only knows true and false.
SwedishBool = Annotated[
    bool,
    BeforeValidator(
        lambda v: {"ja": True, "nej": False}.get(v.strip().lower(), v) if isinstance(v, str) else v
    ),
]


class Model(BaseModel):
    """Base for everything people write: unknown keys are errors, models are immutable."""

    # Only the Swedish keys are accepted from files; English field names are for the code.
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_by_alias=True, validate_by_name=False
    )
