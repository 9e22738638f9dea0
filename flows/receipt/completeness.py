"""Who has delivered what: departments × goals against what rapport.yaml expects."""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from flows.receipt.outcomes import FileOutcome, FileStatus
from schemas import Edition


class Cell(StrEnum):
    DELIVERED = "levererat"
    REJECTED = "avvisat"
    MISSING = "saknas"
    EXTRA = "levererat utan att förväntas"
    NOT_EXPECTED = ""


SYMBOLS = {
    Cell.DELIVERED: "✓",
    Cell.REJECTED: "✗",
    Cell.MISSING: "·",
    Cell.EXTRA: "+",
    Cell.NOT_EXPECTED: " ",
}


@dataclass(frozen=True)
class Row:
    department: str
    name: str
    cells: dict[int, Cell]
    pending: int = 0  # files not read yet because they were still changing

    def count(self, cell: Cell) -> int:
        return sum(1 for value in self.cells.values() if value is cell)


@dataclass(frozen=True)
class Completeness:
    deadline: dt.date
    today: dt.date
    rows: list[Row] = field(default_factory=list)

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def missing(self) -> list[tuple[str, int]]:
        return [(r.name, g) for r in self.rows for g, c in r.cells.items() if c is Cell.MISSING]

    @property
    def deadline_text(self) -> str:
        days = self.days_left
        if days > 1:
            return f"{days} dagar kvar till sista dag {self.deadline.isoformat()}"
        if days == 1:
            return f"1 dag kvar till sista dag {self.deadline.isoformat()}"
        if days == 0:
            return f"sista dag är i dag, {self.deadline.isoformat()}"
        return f"sista dag {self.deadline.isoformat()} passerades för {-days} dagar sedan"


def completeness(edition: Edition, items: list[FileOutcome], today: dt.date) -> Completeness:
    rows = []
    for department in edition.departments:
        own = [i for i in items if i.department == department.id]
        delivered = {i.goal for i in own if i.status.published}
        rejected = {i.goal for i in own if i.status is FileStatus.REJECTED and i.goal}
        cells = {}
        for goal in range(1, 18):
            expected = goal in department.goals
            if goal in rejected:  # a rejected file needs mending even beside an accepted one
                cells[goal] = Cell.REJECTED
            elif goal in delivered:
                cells[goal] = Cell.DELIVERED if expected else Cell.EXTRA
            else:
                cells[goal] = Cell.MISSING if expected else Cell.NOT_EXPECTED
        pending = sum(1 for i in own if i.status is FileStatus.PENDING)
        rows.append(Row(department.id, department.name, cells, pending))
    return Completeness(deadline=edition.deadline, today=today, rows=rows)


# In a terminal the faint dot of the web page is easy to miss: missing is a ring there.
TERMINAL_SYMBOLS = SYMBOLS | {Cell.MISSING: "○"}


def matrix_text(status: Completeness) -> str:
    """The matrix for a terminal: one row per department, one column per goal, with totals
    (delivered of expected) per department and per goal."""
    labels = [r.name for r in status.rows] + ["Levererat per mål"]
    width = max(len(label) for label in labels)
    header = " " * width + " " + "".join(f"{g:>3}" for g in range(1, 18)) + "   klart"
    lines = [header]
    for row in status.rows:
        symbols = "".join(f"{TERMINAL_SYMBOLS[row.cells[g]]:>3}" for g in range(1, 18))
        expected = sum(1 for c in row.cells.values() if c not in (Cell.NOT_EXPECTED, Cell.EXTRA))
        note = f"  ({row.pending} väntar)" if row.pending else ""
        lines.append(
            f"{row.name:<{width}} {symbols}   {row.count(Cell.DELIVERED)}/{expected}{note}"
        )
    per_goal = "".join(f"{_delivered_of_goal(status, g):>3}" for g in range(1, 18))
    lines.append(f"{labels[-1]:<{width}} {per_goal}")
    lines.append("")
    lines.append("✓ levererat   ✗ avvisat (se kvittot)   ○ saknas   + levererat utan att förväntas")
    lines.append(
        "Siffrorna: levererade av förväntade (per förvaltning), förvaltningar som levererat (per mål)"
    )
    return "\n".join(lines)


def _delivered_of_goal(status: Completeness, goal: int) -> int:
    return sum(1 for r in status.rows if r.cells[goal] in (Cell.DELIVERED, Cell.EXTRA))


def status_table(status: Completeness) -> list[dict[str, str]]:
    """Rows for a Prefect table artifact: one per department."""
    return [
        {"Förvaltning": row.name}
        | {f"Mål {g}": SYMBOLS[row.cells[g]].strip() or "–" for g in range(1, 18)}
        for row in status.rows
    ]


def strict_reasons(items: list[FileOutcome], edition: Edition, today: dt.date) -> list[str]:
    """Swedish reasons why a strict build publishes nothing; empty when it may publish:
    anything short of every expected contribution, accepted and up to date."""
    status = completeness(edition, items, today)
    reasons = [f"{i.file} avvisades" for i in items if i.status is FileStatus.REJECTED]
    reasons += [f"{i.file} ändras fortfarande" for i in items if i.status is FileStatus.PENDING]
    reasons += [
        f"{i.file} är förra årets text och inte uppdaterad" for i in items if i.needs_update
    ]
    reasons += [f"{name} har inte lämnat bidrag till mål {goal}" for name, goal in status.missing]
    return reasons
