"""What the commands print about files and editions."""

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.readers.edition import EditionError
    from flows.receipt.outcomes import FileOutcome


def edition_error(error: "EditionError") -> int:
    print("Fel i rapport.yaml, inget kunde göras:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return 2


def print_outcomes(items: list["FileOutcome"]) -> None:
    """The first line counts every entry of the drop folder (as the receipt does); then each
    file that needs someone to act, with what to do."""
    from flows.receipt.outcomes import FileStatus, count_text

    submissions = [i for i in items if i.status in (FileStatus.ACCEPTED, FileStatus.REJECTED)]
    accepted = sum(i.status is FileStatus.ACCEPTED for i in items)
    print(f"{accepted} av {len(submissions)} bidrag godkändes ({count_text(items)}).")
    groups = [
        ("Avvisade filer (lämnas utanför rapporten):", [str(p) for i in items for p in i.problems]),
        (
            "Utanför förvaltningarnas mappar:",
            [f"{i.file}: {i.misplaced}" for i in items if i.misplaced],
        ),
        (
            "Väntar (ändrades nyss, läses nästa gång):",
            [i.file for i in items if i.status is FileStatus.PENDING],
        ),
        (
            "Ignorerade (läses inte):",
            [
                f"{i.file}: {i.reason or i.explanation}"
                for i in items
                if i.status is FileStatus.IGNORED
            ],
        ),
        ("Anmärkningar (filen kommer med):", [str(n) for i in items for n in i.notes]),
        ("Förra årets text, behöver uppdateras:", [i.file for i in items if i.needs_update]),
    ]
    for heading, lines in groups:
        if lines:
            print(heading)
            for line in lines:
                print(f"  {line}")
