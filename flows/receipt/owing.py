"""Who still owes contributions, and whom to ask: the department's contact from rapport.yaml,
from its submissions in this build, or from an earlier build's contents (innehall.json)."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from flows.receipt.completeness import Cell, Completeness
from flows.receipt.outcomes import FileOutcome, FileStatus
from schemas import Edition

CONTENTS = "innehall.json"  # published with each build: its sections and contacts


@dataclass(frozen=True)
class Owed:
    """One department that has not delivered everything it is expected to."""

    department: str
    name: str
    missing: list[int]  # goals with no file at all
    rejected: list[int]  # goals whose only files were rejected
    contacts: list[dict[str, str]] = field(default_factory=list)  # {"namn", "epost"}
    rejected_files: list[str] = field(default_factory=list)

    @property
    def goals(self) -> list[int]:
        return sorted(self.missing + self.rejected)

    @property
    def contact_text(self) -> str:
        if not self.contacts:
            return "ingen kontakt känd (lägg till 'kontakt' under förvaltningen i rapport.yaml)"
        return ", ".join(
            f"{c['namn']} <{c['epost']}>" if c.get("epost") else c["namn"] for c in self.contacts
        )

    @property
    def goals_text(self) -> str:
        parts = []
        if self.missing:
            parts.append("saknar mål " + ", ".join(map(str, self.missing)))
        if self.rejected:
            parts.append("avvisat för mål " + ", ".join(map(str, self.rejected)))
        return "; ".join(parts)


def earlier_contacts(outputs: Path | None, year: int) -> dict[str, list[dict[str, str]]]:
    """Contacts per department from the newest published contents of this edition or, failing
    that, of the editions before it."""
    if outputs is None or not outputs.is_dir():
        return {}
    found: dict[str, list[dict[str, str]]] = {}
    years = sorted(
        (int(p.name) for p in outputs.iterdir() if p.name.isdigit() and int(p.name) <= year),
        reverse=True,
    )
    for earlier in years:
        try:
            contents = json.loads((outputs / str(earlier) / CONTENTS).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        for department, contacts in contents.get("kontakter", {}).items():
            found.setdefault(department, contacts)
    return found


def owed(
    edition: Edition,
    status: Completeness,
    items: list[FileOutcome],
    contacts_now: dict[str, list[dict[str, str]]] | None = None,
    contacts_before: dict[str, list[dict[str, str]]] | None = None,
) -> list[Owed]:
    """Every department with an expected goal missing or rejected, in rapport.yaml's order."""
    result = []
    for row in status.rows:
        missing = [g for g, c in row.cells.items() if c is Cell.MISSING]
        rejected = [g for g, c in row.cells.items() if c is Cell.REJECTED]
        if not missing and not rejected:
            continue
        department = edition.department(row.department)
        contacts = []
        if department.contact is not None:
            contacts.append(_contact(department.contact.name, department.contact.email))
        for source in (contacts_now or {}, contacts_before or {}):
            if not contacts:
                contacts = list(source.get(row.department, []))
        files = [
            i.file
            for i in items
            if i.department == row.department and i.status is FileStatus.REJECTED
        ]
        result.append(Owed(row.department, row.name, missing, rejected, contacts, files))
    return result


def _contact(name: str, email: str | None) -> dict[str, str]:
    return {"namn": name} | ({"epost": email} if email else {})


def contacts_of_submissions(checked) -> dict[str, list[dict[str, str]]]:
    """Contacts per department from the accepted submissions (``Checked``), first seen first."""
    found: dict[str, list[dict[str, str]]] = {}
    for item in checked:
        if not item.accepted or item.submission.contact is None:
            continue
        contact = _contact(item.submission.contact.name, item.submission.contact.email)
        own = found.setdefault(item.submission.department, [])
        if contact not in own:
            own.append(contact)
    return found
