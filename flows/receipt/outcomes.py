"""The validation receipt: what happened to every dropped file, for departments and the owner."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flows.gather import Disposition, DroppedFile
from flows.validate import Checked
from schemas import Problem


class FileStatus(StrEnum):
    """What became of one dropped file, as the receipt and the terminal say it."""

    ACCEPTED = "godkänd"
    REJECTED = "avvisad"
    ASSET = "bilaga"
    IGNORED = "ignorerad"
    PENDING = "väntar"

    @property
    def explained(self) -> str:
        return _EXPLAINED[self]

    def counted(self, n: int) -> str:
        """'1 godkänd', '3 godkända'."""
        return f"{n} {self.value if n == 1 else _PLURALS[self]}"


_EXPLAINED = {
    FileStatus.ACCEPTED: "kommer med i rapporten",
    FileStatus.REJECTED: "kommer inte med i rapporten; rätta felen nedan och lägg in filen igen",
    FileStatus.ASSET: "bild eller annan fil som ett bidrag använder",
    FileStatus.IGNORED: "tillfällig fil, låsfil eller dold fil; läses inte",
    FileStatus.PENDING: "ändrades nyss och kan fortfarande kopieras; läses vid nästa körning",
}
_PLURALS = {
    FileStatus.ACCEPTED: "godkända",
    FileStatus.REJECTED: "avvisade",
    FileStatus.ASSET: "bilagor",
    FileStatus.IGNORED: "ignorerade",
    FileStatus.PENDING: "väntar",
}
_OF_DISPOSITION = {
    Disposition.ASSET: FileStatus.ASSET,
    Disposition.IGNORED: FileStatus.IGNORED,
    Disposition.PENDING: FileStatus.PENDING,
}


def count_text(items: list["FileOutcome"]) -> str:
    """'55 godkända, 2 avvisade, 1 ignorerad' in the order statuses first appear."""
    counts: dict[FileStatus, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return ", ".join(status.counted(n) for status, n in counts.items())


@dataclass(frozen=True)
class FileOutcome:
    file: str
    department: str
    status: FileStatus
    sha256: str | None
    problems: tuple[Problem, ...] = ()
    goal: int | None = None
    needs_update: bool = False  # last year's text, not yet updated

    @property
    def explanation(self) -> str:
        if self.needs_update:
            return "kommer med, men texten är från förra året; uppdatera den och ta bort raden 'uppdatera'"
        return self.status.explained


def outcomes(files: list[DroppedFile], checked: list[Checked]) -> list[FileOutcome]:
    """One outcome per dropped file, in path order: files in = files accounted for."""
    by_file = {c.file: c for c in checked}
    result = []
    for dropped in files:
        outcome = by_file.get(dropped.relative)
        if outcome is None:
            status, problems, goal = _OF_DISPOSITION[dropped.disposition], (), None
        else:
            status = FileStatus.ACCEPTED if outcome.accepted else FileStatus.REJECTED
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
