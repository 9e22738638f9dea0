"""What stops a strict build: anything short of every expected contribution, accepted."""

from flows.completeness import Completeness
from flows.receipt import REJECTED, FileOutcome


def strict_reasons(items: list[FileOutcome], status: Completeness) -> list[str]:
    """Swedish reasons why a strict build publishes nothing; empty when it may publish."""
    reasons = [f"{item.file} avvisades" for item in items if item.status == REJECTED]
    reasons += [f"{item.file} ändras fortfarande" for item in items if item.status == "väntar"]
    reasons += [
        f"{item.file} är förra årets text och inte uppdaterad"
        for item in items
        if item.needs_update
    ]
    reasons += [f"{name} har inte lämnat bidrag till mål {goal}" for name, goal in status.missing]
    return reasons
