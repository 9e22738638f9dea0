"""The validation receipt: what happened to every dropped file, for departments and the owner."""

from dataclasses import dataclass
from typing import Any

from flows.gather import Disposition, DroppedFile
from flows.validate import Checked
from schemas import Problem

ACCEPTED, REJECTED = "godkänd", "avvisad"
STATUS_WORDS = {
    Disposition.ASSET: "bilaga",
    Disposition.IGNORED: "ignorerad",
    Disposition.PENDING: "väntar",
}
STATUS_EXPLAINED = {
    ACCEPTED: "kommer med i rapporten",
    REJECTED: "kommer inte med i rapporten; rätta felen nedan och lägg in filen igen",
    "bilaga": "bild eller annan fil som ett bidrag använder",
    "ignorerad": "tillfällig fil, låsfil eller dold fil; läses inte",
    "väntar": "ändrades nyss och kan fortfarande kopieras; läses vid nästa körning",
}


PLURALS = {
    ACCEPTED: "godkända",
    REJECTED: "avvisade",
    "bilaga": "bilagor",
    "ignorerad": "ignorerade",
    "väntar": "väntar",
}


def count_text(items: list["FileOutcome"]) -> str:
    """'55 godkända, 2 avvisade, 1 ignorerad' in the order statuses first appear."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return ", ".join(f"{n} {status if n == 1 else PLURALS[status]}" for status, n in counts.items())


@dataclass(frozen=True)
class FileOutcome:
    file: str
    department: str
    status: str
    sha256: str | None
    problems: tuple[Problem, ...] = ()
    goal: int | None = None
    needs_update: bool = False  # last year's text, not yet updated

    @property
    def explanation(self) -> str:
        if self.needs_update:
            return "kommer med, men texten är från förra året; uppdatera den och ta bort raden 'uppdatera'"
        return STATUS_EXPLAINED[self.status]


def outcomes(files: list[DroppedFile], checked: list[Checked]) -> list[FileOutcome]:
    """One outcome per dropped file, in path order: files in = files accounted for."""
    by_file = {c.file: c for c in checked}
    result = []
    for dropped in files:
        outcome = by_file.get(dropped.relative)
        if outcome is None:
            status, problems, goal = STATUS_WORDS[dropped.disposition], (), None
        else:
            status = ACCEPTED if outcome.accepted else REJECTED
            problems, goal = outcome.problems, outcome.goal
        needs_update = bool(outcome and outcome.accepted and outcome.submission.update_needed)
        result.append(
            FileOutcome(
                dropped.relative,
                dropped.folder,
                status,
                dropped.sha256 or None,
                problems,
                goal,
                needs_update,
            )
        )
    return result


def receipt_json(items: list[FileOutcome]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return {
        "antal": counts,
        "filer": [
            {
                "fil": item.file,
                "förvaltning": item.department,
                "status": item.status,
                "mål": item.goal,
                "sha256": item.sha256,
                "behöver_uppdateras": item.needs_update,
                "problem": [
                    {
                        "rad": p.line,
                        "kolumn": p.column,
                        "plats": p.place,
                        "nyckel": p.key,
                        "kod": p.code,
                        "meddelande": p.message,
                        "text": str(p),
                    }
                    for p in item.problems
                ],
            }
            for item in items
        ],
    }


def receipt_table(items: list[FileOutcome]) -> list[dict[str, str]]:
    """Rows for a Prefect table artifact."""
    return [
        {
            "Fil": item.file,
            "Status": item.status,
            "Problem": "; ".join(str(p).split(": ", 1)[-1] for p in item.problems) or "–",
        }
        for item in items
    ]
