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
    from flows.receipt.outcomes import FileStatus, count_text

    submissions = [i for i in items if i.status in (FileStatus.ACCEPTED, FileStatus.REJECTED)]
    accepted = sum(i.status is FileStatus.ACCEPTED for i in items)
    print(f"{accepted} av {len(submissions)} bidrag godkändes ({count_text(items)}).")
    groups = [
        ("Avvisade filer (lämnas utanför rapporten):", [i for i in items if i.problems], True),
        (
            "Väntar (ändrades nyss, läses nästa gång):",
            [i for i in items if i.status is FileStatus.PENDING],
            False,
        ),
        (
            "Ignorerade (låsfiler, tillfälliga och dolda filer):",
            [i for i in items if i.status is FileStatus.IGNORED],
            False,
        ),
        ("Förra årets text, behöver uppdateras:", [i for i in items if i.needs_update], False),
    ]
    for heading, group, with_problems in groups:
        if not group:
            continue
        print(heading)
        for item in group:
            if with_problems:
                for problem in item.problems:
                    print(f"  {problem}")
            else:
                print(f"  {item.file}")
