"""What a department writes: one submission file, with Swedish keys."""

import re
import unicodedata
from enum import StrEnum
from typing import Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from schemas.base import GoalNumber, Measure, Model, Slug, SmallWhole, SwedishBool, Text, Year


def slugify(text: str) -> str:
    """'Västervik är medlem i …' -> 'vastervik-ar-medlem-i'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")


class SubmissionKind(StrEnum):
    SECTION = "avsnitt"
    OPENING = "inledning"


class Level(StrEnum):
    MET = "uppfyllt"
    PARTLY_MET = "delvis uppfyllt"
    NOT_MET = "ej uppfyllt"
    NOT_ASSESSED = "ej bedömt"


class Direction(StrEnum):
    HIGHER = "högre"
    LOWER = "lägre"


class VisionLink(Model):
    """Which vision goal this contribution serves, and through what (a noun phrase)."""

    number: SmallWhole = Field(alias="nummer", ge=1)
    through: Text = Field(alias="genom")


class KeyFigure(Model):
    name: Text = Field(alias="namn")
    unit: Text = Field(alias="enhet")
    values: dict[Year, Measure | None] = Field(alias="värden", min_length=1)
    kolada_id: str | None = Field(default=None, alias="kolada", pattern=r"^[NU]\d{5}$")
    target: Measure | None = Field(default=None, alias="målvärde")
    better: Direction | None = Field(default=None, alias="riktning")
    source: Text | None = Field(default=None, alias="källa")


class Project(Model):
    name: Text = Field(alias="namn")
    kind: Text | None = Field(default=None, alias="typ")
    period: Text | None = Field(default=None, alias="period")
    partners: list[Text] = Field(default_factory=list, alias="partner")
    funding: Text | None = Field(default=None, alias="finansiering")
    role: Text | None = Field(default=None, alias="roll")


class Assessment(Model):
    level: Level = Field(alias="nivå")
    reason: Text = Field(alias="motivering")


class Contact(Model):
    name: Text = Field(alias="namn")
    email: str | None = Field(default=None, alias="epost", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Submission(Model):
    """One file's contribution to one goal chapter.

    Validation context (optional): ``departments`` (ids from rapport.yaml),
    ``folder`` (the department folder the file was dropped in) and ``vision_goals``
    (numbers of the edition's vision goals).
    """

    department: Slug = Field(alias="förvaltning")
    goal: GoalNumber = Field(alias="mål")
    title: Text | None = Field(default=None, alias="rubrik")
    kind: SubmissionKind = Field(default=SubmissionKind.SECTION, alias="typ")
    id: Slug | None = Field(default=None, alias="id")
    parent: Slug | None = Field(default=None, alias="under")
    order: SmallWhole | None = Field(default=None, alias="ordning")
    vision_links: list[VisionLink] = Field(default_factory=list, alias="visionsmål")
    key_figures: list[KeyFigure] = Field(default_factory=list, alias="nyckeltal")
    projects: list[Project] = Field(default_factory=list, alias="projekt")
    assessment: Assessment | None = Field(default=None, alias="bedömning")
    contact: Contact | None = Field(default=None, alias="kontakt")
    text: str = Field(default="", alias="text")
    # Set on last year's texts carried into a new edition; the department removes it when done.
    update_needed: SwedishBool = Field(default=False, alias="uppdatera")

    @field_validator("department")
    @classmethod
    def _known_department(cls, value: str, info: ValidationInfo) -> str:
        context = info.context or {}
        departments = context.get("departments")
        if departments is not None and value not in departments:
            raise _error("unknown_department", value=value, known=", ".join(departments))
        folder = context.get("folder")
        if folder is not None and value != folder:
            raise _error("wrong_folder", value=value, folder=folder)
        return value

    @field_validator("vision_links")
    @classmethod
    def _known_vision_goals(cls, links: list[VisionLink], info: ValidationInfo):
        known = (info.context or {}).get("vision_goals")
        for link in links:
            if known is not None and link.number not in known:
                raise _error(
                    "unknown_vision_goal",
                    value=link.number,
                    known=", ".join(str(n) for n in known),
                )
        return links

    @model_validator(mode="after")
    def _title_unless_opening(self) -> Self:
        if self.kind is SubmissionKind.SECTION and self.title is None:
            raise _error("title_required")
        if self.kind is SubmissionKind.OPENING and self.parent is not None:
            raise _error("opening_nested")
        return self

    @property
    def section_id(self) -> str:
        """The id other sections nest under: explicit, or the slug of the heading."""
        if self.kind is SubmissionKind.OPENING:
            return "inledning"
        return self.id or slugify(self.title or "")


def _error(error_type: str, **context):
    # Imported late: messages.py needs nothing from here, but keep the error table in one place.
    from schemas.messages import project_error

    return project_error(error_type, **context)
