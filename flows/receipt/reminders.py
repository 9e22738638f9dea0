"""Reminders to the departments that still owe contributions: one Swedish e-mail each, with
what is missing, the deadline, the guide and their receipt. Composing only; sending is
flows/receipt/mailer.py."""

from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from flows.receipt.completeness import Completeness
from flows.receipt.links import guide_url, published_url
from flows.receipt.owing import Owed
from schemas import GOALS, Edition

GOAL_NAMES = {goal.number: goal.name for goal in GOALS}


@dataclass(frozen=True)
class Reminder:
    department: Owed
    recipients: list[str]
    message: EmailMessage | None  # None: no e-mail address known for the department


def reminders(
    edition: Edition,
    status: Completeness,
    owed: list[Owed],
    sender: str,
    output_dir: Path,
    outputs: Path,
) -> list[Reminder]:
    """One reminder per owing department; without an address, none to send (and said so)."""
    result = []
    for department in owed:
        recipients = [c["epost"] for c in department.contacts if c.get("epost")]
        message = None
        if recipients:
            message = EmailMessage()
            message["From"] = sender
            message["To"] = ", ".join(recipients)
            message["Subject"] = f"Påminnelse: bidrag till {edition.title} {edition.year} saknas"
            receipt = published_url(output_dir, outputs, f"validering/{department.department}.html")
            message.set_content(body(edition, status, department, receipt))
        result.append(Reminder(department, recipients, message))
    return result


def body(edition: Edition, status: Completeness, department: Owed, receipt: str) -> str:
    names = " och ".join(c["namn"] for c in department.contacts) or department.name
    lines = [
        f"Hej {names}!",
        "",
        f"{department.name} har ännu inte lämnat allt till {edition.title} {edition.year}:",
    ]
    for goal in department.missing:
        lines.append(f"  - Mål {goal} {GOAL_NAMES[goal]}: inget bidrag har kommit in")
    for goal in department.rejected:
        lines.append(f"  - Mål {goal} {GOAL_NAMES[goal]}: bidraget avvisades, se kvittot")
    lines += [
        "",
        f"{status.deadline_text[0].upper()}{status.deadline_text[1:]}.",
        f"Lägg filerna i förvaltningens mapp {edition.year}/{department.department}/.",
        f"Så skriver ni ett bidrag: {guide_url()}",
        f"Ert kvitto (vad som hänt med varje fil ni lämnat): {receipt}",
        "",
        "Det här är en automatisk påminnelse från verktyget som bygger Agenda 2030-rapporten.",
    ]
    return "\n".join(lines) + "\n"
