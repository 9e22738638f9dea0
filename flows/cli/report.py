"""`changes` and `remind`: what is new between two editions, and reminders to the departments
that still owe contributions. Neither needs Prefect or typesetting."""

import argparse
import datetime as dt
import sys

from flows.cli.options import edition_options, edition_paths, settle_option
from flows.cli.output import edition_error
from flows.settings import TEMPLATES_DIR, Paths


def add_parsers(commands) -> None:
    changes = commands.add_parser(
        "changes",
        help="visa vad som är nytt jämfört med en tidigare utgåva",
        description="Jämför utgåvans bidrag med en tidigare utgåvas: avsnitt som tillkommit, "
        "ändrats (ord för ord) och tagits bort per förvaltning, och nyckeltal med nya värden. "
        "Skriver andringar-<år>.html under --outputs.",
    )
    edition_options(changes)
    changes.add_argument(
        "--from",
        dest="source_year",
        type=int,
        required=True,
        metavar="ÅR",
        help="utgåvan att jämföra med, t.ex. förra året",
    )
    settle_option(changes)
    changes.set_defaults(run=changes_command)

    remind = commands.add_parser(
        "remind",
        help="påminn förvaltningar som inte lämnat alla bidrag, med e-post",
        description="Skickar ett e-brev till varje förvaltning som ännu inte lämnat allt den "
        "ska: vad som saknas, sista dag, guiden och förvaltningens kvitto. SMTP-servern anges "
        "med flaggorna eller AGENDA2030_SMTP_HOST, _PORT, _STARTTLS, _FROM och _USER; "
        "lösenordet bara i AGENDA2030_SMTP_PASSWORD.",
    )
    edition_options(remind)
    settle_option(remind)
    remind.add_argument("--dry-run", action="store_true", help="skriv ut breven, skicka inget")
    remind.add_argument("--smtp-host", metavar="VÄRD", help="SMTP-serverns namn")
    remind.add_argument("--smtp-port", type=int, metavar="PORT", help="port (standard: 587)")
    remind.add_argument(
        "--no-starttls",
        dest="starttls",
        action="store_const",
        const=False,
        default=None,
        help="skicka utan STARTTLS (bara mot en server på det egna nätet)",
    )
    remind.add_argument("--from", dest="sender", metavar="ADRESS", help="avsändaradressen")
    remind.add_argument("--smtp-user", metavar="NAMN", help="logga in som denna användare")
    remind.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        metavar="ÅÅÅÅ-MM-DD",
        help="räkna dagar kvar från detta datum i stället för i dag",
    )
    remind.set_defaults(run=remind_command)


def _report(paths: Paths, settle: float):
    """(edition, merged report) of one edition's drop folder, without typesetting."""
    from flows.gather import gather
    from flows.merge import merge
    from flows.readers.edition import load_edition
    from flows.validate import validate_all

    edition = load_edition(paths.edition_config)
    checked = validate_all(gather(paths.edition_dir, settle_seconds=settle), edition)
    return edition, merge(edition, checked)


def changes_command(args: argparse.Namespace) -> int:
    from flows.publish import edition_lock, publish
    from flows.readers.edition import EditionError
    from flows.receipt.changes import changes_markdown, changes_page, compare, contents

    if (paths := edition_paths(args)) is None:
        return 2
    earlier = Paths(inputs=paths.inputs, outputs=paths.outputs, year=args.source_year)
    if not earlier.edition_config.is_file():
        print(f"Fel: utgåvan {args.source_year} finns inte under {paths.inputs}.", file=sys.stderr)
        return 2
    try:
        edition, report = _report(paths, args.settle)
        _, before = _report(earlier, args.settle)
    except EditionError as error:
        return edition_error(error)
    changes = compare(
        contents(before, None), contents(report, None), (str(args.source_year), str(paths.year))
    )
    print(changes_markdown(changes).replace("**", ""))
    name = f"andringar-{args.source_year}.html"
    with edition_lock(paths.output_dir):
        publish(paths.output_dir, {name: changes_page(edition, changes, TEMPLATES_DIR).encode()})
    print()
    print(f"Som webbsida: {paths.output_dir / name}")
    return 0


def remind_command(args: argparse.Namespace) -> int:
    from flows.cli.check import drop_folder_now, owing
    from flows.receipt.mailer import SmtpSettings, send_all
    from flows.receipt.reminders import reminders

    if isinstance(found := drop_folder_now(args), int):
        return found
    paths, edition, items, contacts = found
    status, owed = owing(paths, edition, items, contacts, args.today)
    settings = SmtpSettings.from_environment(
        host=args.smtp_host,
        port=args.smtp_port,
        starttls=args.starttls,
        sender=args.sender,
        user=args.smtp_user,
    )
    if not owed:
        print("Alla förvaltningar har lämnat det som väntas; ingen påminnelse behövs.")
        return 0
    if not args.dry_run and not (settings.host and settings.sender):
        print(
            "Fel: ange SMTP-server och avsändare (--smtp-host och --from, eller "
            "AGENDA2030_SMTP_HOST och AGENDA2030_SMTP_FROM), eller använd --dry-run.",
            file=sys.stderr,
        )
        return 2
    found = reminders(
        edition, status, owed, settings.sender or "(avsändare)", paths.output_dir, paths.outputs
    )
    to_send = [r.message for r in found if r.message is not None]
    for reminder in found:
        if reminder.message is None:
            print(
                f"Ingen e-postadress känd för {reminder.department.name}: påminn på annat sätt "
                "(eller lägg till 'kontakt' med 'epost' under förvaltningen i rapport.yaml)."
            )
        elif args.dry_run:
            print(f"Till: {reminder.message['To']}")
            print(f"Ämne: {reminder.message['Subject']}")
            print(reminder.message.get_content())
    if args.dry_run:
        print(f"{len(to_send)} påminnelser skulle skickas (--dry-run: inget skickades).")
        return 0
    import smtplib

    try:
        send_all(settings, to_send)
    except (OSError, smtplib.SMTPException) as error:
        print(
            f"Fel: påminnelserna kunde inte skickas via {settings.host}:{settings.port}: {error}",
            file=sys.stderr,
        )
        return 1
    for reminder in found:
        if reminder.message is not None:
            print(f"Skickat till {reminder.department.name}: {', '.join(reminder.recipients)}")
    print(f"{len(to_send)} påminnelser skickades.")
    return 0 if len(to_send) == len(found) else 1
