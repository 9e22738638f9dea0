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

    submissions = [i for i in items if i.status.published or i.status is FileStatus.REJECTED]
    accepted = sum(i.status.published for i in items)
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


def print_summary(items: list["FileOutcome"], status, owed: list) -> None:
    """The closing summary a person can act on: counts per status, each rejected file with
    its first problem, and the departments that owe contributions with whom to ask."""
    from flows.receipt.outcomes import FileStatus, status_counts

    print()
    print("Sammanfattning")
    for file_status, n in status_counts(items).items():
        print(f"  {file_status.counted(n)}")
    rejected = [i for i in items if i.status is FileStatus.REJECTED]
    if rejected:
        from flows.receipt.outcomes import without_file  # not loaded for --help

        print(f"Avvisade filer ({len(rejected)}), med det första felet:")
        for item in rejected:
            first = str(item.problems[0]) if item.problems else item.explanation
            print(f"  ✗ {item.file}: {without_file(first, item.file)}")
    if owed:
        print(f"Förvaltningar som är skyldiga bidrag ({status.deadline_text}):")
    else:
        print(f"Alla förvaltningar har lämnat det som väntas ({status.deadline_text}).")
    print_chase_list(owed, heading=False)


def print_chase_list(owed: list, heading: bool = True) -> None:
    """Who to chase: each owing department, what it owes, and its contact."""
    if not owed:
        return
    if heading:
        print()
        print("Att påminna:")
    for department in owed:
        print(f"  {department.name}: {department.goals_text}")
        print(f"    kontakt: {department.contact_text}")
