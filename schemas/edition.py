"""The edition config, inputs/<year>/rapport.yaml: who reports what, and by when."""

import datetime as dt
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from schemas.base import GoalNumber, Model, Slug, SmallWhole, Text, Year
from schemas.submission import Contact


class Status(StrEnum):
    PROPOSAL = "förslag"
    ADOPTED = "antagen"


class Department(Model):
    id: Slug
    name: Text = Field(alias="namn")
    goals: list[GoalNumber] = Field(default_factory=list, alias="mål")
    # The goals whose assessment this department makes; by default the opening text's writer.
    assesses: list[GoalNumber] = Field(default_factory=list, alias="bedömer")
    contact: Contact | None = Field(default=None, alias="kontakt")  # who to chase, optional


class VisionGoal(Model):
    number: SmallWhole = Field(alias="nummer", ge=1)
    name: Text = Field(alias="namn")


class Edition(Model):
    municipality: Text = Field(alias="kommun")
    municipality_code: str = Field(alias="kommunkod", pattern=r"^\d{4}$")
    year: Year = Field(alias="år")
    title: Text = Field(alias="titel")
    subtitle: Text | None = Field(default=None, alias="undertitel")
    status: Status = Field(default=Status.PROPOSAL, alias="status")
    reference: Text | None = Field(default=None, alias="diarienummer")
    decision_date: dt.date | None = Field(default=None, alias="beslutsdatum")
    date: dt.date = Field(alias="datum")
    deadline: dt.date = Field(alias="sista_dag")
    about: Text | None = Field(default=None, alias="om_rapporten")
    departments: list[Department] = Field(alias="förvaltningar", min_length=1)
    vision_goals: list[VisionGoal] = Field(default_factory=list, alias="visionsmål")

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        from schemas.messages import project_error

        for label, values in (
            ("förvaltningar", [d.id for d in self.departments]),
            ("visionsmål", [v.number for v in self.vision_goals]),
        ):
            seen: set = set()
            for value in values:
                if value in seen:
                    raise project_error("edition_duplicate", what=label, value=value)
                seen.add(value)
        return self

    def department(self, department_id: str) -> Department:
        return next(d for d in self.departments if d.id == department_id)

    @property
    def department_ids(self) -> list[str]:
        return [d.id for d in self.departments]
