"""Pydantic models and reference data. No I/O, no Prefect; imports nothing else of ours."""

from schemas.edition import Department, Edition, Status, VisionGoal
from schemas.goals import GOALS, Goal, goal
from schemas.messages import Problem
from schemas.report import (
    Chapter,
    Contributor,
    Excluded,
    Opening,
    Report,
    Section,
    Source,
    VisionSentence,
)
from schemas.submission import (
    Assessment,
    Contact,
    KeyFigure,
    Level,
    Project,
    Submission,
    SubmissionKind,
    VisionLink,
    slugify,
)

__all__ = [
    "GOALS",
    "Assessment",
    "Chapter",
    "Contact",
    "Contributor",
    "Department",
    "Edition",
    "Excluded",
    "Goal",
    "KeyFigure",
    "Level",
    "Opening",
    "Problem",
    "Project",
    "Report",
    "Section",
    "Source",
    "Status",
    "Submission",
    "SubmissionKind",
    "VisionGoal",
    "VisionLink",
    "VisionSentence",
    "goal",
    "slugify",
]
