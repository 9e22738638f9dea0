"""`validate` and `status`: the drop folder checked without Prefect or typesetting."""

import argparse
import datetime as dt

from flows.cli.options import edition_options, edition_paths, settle_option
from flows.cli.output import edition_error, print_chase_list, print_outcomes, print_summary
from flows.settings import TEMPLATES_DIR, Paths


def add_parsers(commands) -> None:
    validate = commands.add_parser(
        "validate",
        help="kontrollera bidragen utan att bygga",
        description="Kontrollerar alla bidrag och visar vad som är fel, utan att bygga rapporten.",
    )
    edition_options(validate)  # --outputs: earlier builds know the departments' contacts
    settle_option(validate, default=0)  # a file just saved is checked as it is, at once
    today_option(validate)
    validate.set_defaults(run=validate_command)

    status = commands.add_parser(
        "status",
        help="visa vem som har lämnat vad",
        description="Visar förvaltningar × mål: levererat, avvisat och saknat, och dagar kvar "
        "till sista dag. Skriver också status.html och kvittona under --outputs.",
    )
    edition_options(status)
    settle_option(status)
    today_option(status)
    status.set_defaults(run=status_command)


def today_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        metavar="ÅÅÅÅ-MM-DD",
        help="räkna dagar kvar från detta datum i stället för i dag",
    )


def check_drop_folder(paths: Paths, settle: float):
    """Gather and validate without Prefect or rendering: fast enough to run any time."""
    return _checked(paths, settle)[1]


def _checked(paths: Paths, settle: float):
    """(the edition, one outcome per entry of its drop folder, the contacts its accepted
    submissions give); rapport.yaml read once."""
    from flows.gather import gather
    from flows.readers.edition import load_edition
    from flows.receipt.outcomes import outcomes
    from flows.receipt.owing import contacts_of_submissions
    from flows.validate import validate_all

    edition = load_edition(paths.edition_config)
    files = gather(paths.edition_dir, settle_seconds=settle)
    checked = validate_all(files, edition)
    return edition, outcomes(files, checked, edition), contacts_of_submissions(checked)


def owing(paths: Paths, edition, items, contacts, today: dt.date | None):
    """(the completeness, the departments that owe contributions with whom to ask)."""
    from flows.receipt.completeness import completeness
    from flows.receipt.owing import earlier_contacts, owed

    status = completeness(edition, items, today or dt.date.today())
    before = earlier_contacts(paths.outputs, paths.year)
    return status, owed(edition, status, items, contacts, before)


def drop_folder_now(args: argparse.Namespace):
    """(paths, edition, outcomes, contacts) of the edition the options name, as the drop
    folder is now; or the exit code, said on stderr, when there is no edition to check."""
    from flows.readers.edition import EditionError

    if (paths := edition_paths(args)) is None:
        return 2
    try:
        edition, items, contacts = _checked(paths, args.settle)
    except EditionError as error:
        return edition_error(error)
    return paths, edition, items, contacts


def validate_command(args: argparse.Namespace) -> int:
    if isinstance(found := drop_folder_now(args), int):
        return found
    paths, edition, items, contacts = found
    print_outcomes(items)
    print_summary(items, *owing(paths, edition, items, contacts, args.today))
    # A link in place of a folder or a file beside rapport.yaml is as much to mend as an error.
    return 1 if any(item.needs_action for item in items) else 0


def status_command(args: argparse.Namespace) -> int:
    from flows.publish import edition_lock, publish
    from flows.receipt.completeness import matrix_text
    from flows.receipt.outcomes import count_text
    from flows.receipt.pages import receipt_pages

    if isinstance(found := drop_folder_now(args), int):
        return found
    paths, edition, items, contacts = found
    status, owed = owing(paths, edition, items, contacts, args.today)
    print(f"{edition.title} {edition.year}: {status.deadline_text}.")
    print(f"I inlämningsmappen: {count_text(items)}.")
    print()
    print(matrix_text(status))
    print_chase_list(owed)
    pages = receipt_pages(edition, items, status, TEMPLATES_DIR)
    with edition_lock(paths.output_dir):  # one swap, never beside a build's half
        publish(paths.output_dir, {name: html.encode() for name, html in pages.items()})
    print()
    print(f"Som webbsida: {paths.output_dir / 'status.html'}")
    print(f"Kvitto för varje fil: {paths.output_dir / 'validering' / 'index.html'}")
    return 0
