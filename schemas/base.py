"""The project's base models and reusable field types."""

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

GoalNumber = Annotated[int, Field(ge=1, le=17)]
Year = Annotated[int, Field(ge=2000, le=2100)]
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
