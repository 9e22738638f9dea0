"""The validation receipt: what happened to every dropped file, for departments and the owner."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flows.gather import Disposition, DroppedFile, Reason
from flows.validate import Checked
from schemas import Edition, Problem


class FileStatus(StrEnum):
    """What became of one dropped file, as the receipt and the terminal say it."""

    ACCEPTED = "godkänd"
    ADVISED = "godkänd med råd"  # published; the receipt has advice that does not block
    REJECTED = "avvisad"
    ASSET = "bilaga"
    IGNORED = "ignorerad"
    PENDING = "väntar"

    @property
    def explained(self) -> str:
        return _EXPLAINED[self]

    @property
    def published(self) -> bool:
        """The file's text goes into the report."""
        return self in (FileStatus.ACCEPTED, FileStatus.ADVISED)

    def counted(self, n: int) -> str:
        """'1 godkänd', '3 godkända'."""
        return f"{n} {self.value if n == 1 else _PLURALS[self]}"


_EXPLAINED = {
    FileStatus.ACCEPTED: "kommer med i rapporten",
    FileStatus.ADVISED: "kommer med i rapporten; se råden nedan, de hindrar inte att den kommer med",
    FileStatus.REJECTED: "kommer inte med i rapporten; rätta felen nedan och lägg in filen igen",
    FileStatus.ASSET: "bild eller annan fil som ett bidrag använder",
    FileStatus.IGNORED: "läses inte",
    FileStatus.PENDING: "ändrades nyss och kan fortfarande kopieras; läses vid nästa körning",
}
_PLURALS = {
    FileStatus.ACCEPTED: "godkända",
    FileStatus.ADVISED: "godkända med råd",
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


def status_counts(items: list["FileOutcome"]) -> dict[FileStatus, int]:
    """How many entries have each status, in FileStatus order; they add up to ``len(items)``."""
    return {s: n for s in FileStatus if (n := sum(1 for i in items if i.status is s))}


def count_text(items: list["FileOutcome"]) -> str:
    """'60 filer: 55 godkända, 2 avvisade, 1 bilaga, 2 ignorerade': every entry counted."""
    total = f"{len(items)} {'fil' if len(items) == 1 else 'filer'}"
    counts = ", ".join(status.counted(n) for status, n in status_counts(items).items())
    return f"{total}: {counts}" if counts else total


def misplaced(folder: str, departments: Sequence[str], reason: str | None = None) -> str | None:
    """Where a file outside every department's folder should go; None for one inside, and for
    a lock or hidden file (a .DS_Store beside rapport.yaml needs no moving)."""
    if folder in departments or reason == Reason.LOCK:
        return None
    where = f"flytta filen till en av: {', '.join(departments)}"
    if not folder:
        return f"ligger inte i någon förvaltnings mapp; {where}"
    return f"mappen '{folder}' finns inte i rapport.yaml; {where}"


@dataclass(frozen=True)
class FileOutcome:
    file: str
    department: str
    status: FileStatus
    sha256: str | None
    problems: tuple[Problem, ...] = ()
    goal: int | None = None
    needs_update: bool = False  # last year's text, not yet updated
    reason: str | None = None  # why an ignored entry is not read, and what to do
    notes: tuple[Problem, ...] = ()  # remarks that do not reject the file
    misplaced: str | None = None  # for a file outside the departments' folders: where it goes

    @property
    def needs_action(self) -> bool:
        """Someone must do something: a rejected file, a file in the wrong place, or one
        ignored for more than being a lock, temporary or hidden file."""
        ignored = self.status is FileStatus.IGNORED and self.reason != Reason.LOCK
        return self.status is FileStatus.REJECTED or bool(self.misplaced) or ignored

    @property
    def explanation(self) -> str:
        if self.reason:
            return self.reason
        if self.needs_update:
            return "kommer med, men texten är från förra året; uppdatera den och ta bort raden 'uppdatera'"
        return self.status.explained


def outcomes(
    files: list[DroppedFile], checked: list[Checked], edition: Edition | None = None
) -> list[FileOutcome]:
    """One outcome per dropped file, in path order: files in = files accounted for.

    With ``edition``, a file outside the folders of its departments says where it should go.
    """
    by_file = {c.file: c for c in checked}
    result = []
    for dropped in files:
        outcome = by_file.get(dropped.relative)
        if outcome is None:
            status, problems, goal, notes = _OF_DISPOSITION[dropped.disposition], (), None, ()
        else:
            status = (
                (FileStatus.ADVISED if outcome.notes else FileStatus.ACCEPTED)
                if outcome.accepted
                else FileStatus.REJECTED
            )
            problems, goal, notes = outcome.problems, outcome.goal, outcome.notes
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
                reason=dropped.reason,
                notes=notes,
                misplaced=(
                    misplaced(dropped.folder, edition.department_ids, dropped.reason)
                    if edition
                    else None
                ),
            )
        )
    return result


def receipt_json(items: list[FileOutcome]) -> dict[str, Any]:
    """Every entry of the drop folder and what became of it; ``antal`` adds up to the entries."""
    return {
        "antal": {str(status): n for status, n in status_counts(items).items()},
        "filer": [
            {
                "fil": item.file,
                "förvaltning": item.department,
                "status": item.status,
                "mål": item.goal,
                "sha256": item.sha256,
                "behöver_uppdateras": item.needs_update,
                "anledning": item.reason,
                "fel_mapp": item.misplaced,
                "problem": [_problem_json(p) for p in item.problems],
                "anmärkningar": [_problem_json(p) for p in item.notes],
            }
            for item in items
        ],
    }


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "rad": problem.line,
        "kolumn": problem.column,
        "plats": problem.place,
        "nyckel": problem.key,
        "kod": problem.code,
        "meddelande": problem.message,
        "så_här_rättar_du": problem.fix,
        "text": str(problem),
    }


def receipt_table(items: list[FileOutcome]) -> list[dict[str, str]]:
    """Rows for a Prefect table artifact."""
    return [
        {
            "Fil": item.file,
            "Status": item.status,
            "Problem": "; ".join(str(p).split(": ", 1)[-1] for p in item.problems)
            or item.reason
            or "–",
        }
        for item in items
    ]


def without_file(text: str, file: str) -> str:
    """A located message without its file name, where the file is named beside it already
    ("a.md: …" and "a.md, rad 4: …" alike)."""
    return text.removeprefix(file + ": ").removeprefix(file + ", ")
