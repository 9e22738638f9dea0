"""The command line, `agenda2030`. Everything a user reads here is Swedish.

Each command imports what it needs when it runs: `build` starts Prefect's server before
anything slow is loaded (flows/temporary_server.py), and `validate` stays quick."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flows.settings import DEFAULT_SETTLE_SECONDS, TEMPLATES_DIR, Paths
from flows.temporary_server import prefect_api

if TYPE_CHECKING:
    from flows.edition import EditionError
    from flows.receipt import FileOutcome

DEFAULT_YEAR = 2025


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="agenda2030",
        description="Sammanställer kommunens Agenda 2030-rapport ur förvaltningarnas bidrag.",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def folder_option(command: argparse.ArgumentParser, name: str, what: str) -> None:
        """--inputs or --outputs: a folder named as itself by default."""
        command.add_argument(
            f"--{name}", type=Path, default=Path(name), help=f"{what} (standard: {name})"
        )

    def edition_options(command: argparse.ArgumentParser, outputs: bool = True) -> None:
        command.add_argument(
            "--year",
            type=int,
            default=DEFAULT_YEAR,
            help=f"rapportåret, mappen under --inputs (standard: {DEFAULT_YEAR})",
        )
        folder_option(command, "inputs", "mappen med en undermapp per år")
        if outputs:
            folder_option(
                command, "outputs", "dit rapporten och kvittona skrivs, en undermapp per år"
            )

    def variant_flags(command: argparse.ArgumentParser, texts: tuple[str, str, str]) -> None:
        """--draft, --archive and --strict, with what each does for this command."""
        for flag, text in zip(("--draft", "--archive", "--strict"), texts, strict=True):
            command.add_argument(flag, action="store_true", help=text)

    def settle_option(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--settle",
            type=float,
            default=DEFAULT_SETTLE_SECONDS,
            metavar="SEKUNDER",
            help="filer som ändrats för kortare tid sedan än så räknas som 'väntar' och läses "
            f"inte, de kan fortfarande kopieras (standard: {DEFAULT_SETTLE_SECONDS:g})",
        )

    build = commands.add_parser(
        "build",
        help="bygg rapporten som PDF",
        description="Läser, kontrollerar och sammanställer bidragen och skriver rapporten som PDF.",
    )
    edition_options(build)
    settle_option(build)
    variant_flags(
        build,
        (
            "bygg ett utkast märkt UTKAST som visar vem som skrivit vad",
            "skriv också en arkivversion (PDF/A-3) bredvid rapporten",
            "publicera ingenting om en fil avvisas eller ett förväntat bidrag saknas",
        ),
    )

    validate = commands.add_parser(
        "validate",
        help="kontrollera bidragen utan att bygga",
        description="Kontrollerar alla bidrag och visar vad som är fel, utan att bygga rapporten.",
    )
    edition_options(validate, outputs=False)
    settle_option(validate)

    status = commands.add_parser(
        "status",
        help="visa vem som har lämnat vad",
        description="Visar förvaltningar × mål: levererat, avvisat och saknat, och dagar kvar "
        "till sista dag. Skriver också status.html och kvittona under --outputs.",
    )
    edition_options(status)
    settle_option(status)
    status.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        metavar="ÅÅÅÅ-MM-DD",
        help="räkna dagar kvar från detta datum i stället för i dag",
    )

    new = commands.add_parser(
        "new",
        help="skapa en ifylld mall för ett bidrag",
        description="Skriver en mall för ett nytt bidrag i förvaltningens mapp. Varje nyckel "
        "förklaras i mallen. Befintliga filer skrivs aldrig över.",
    )
    edition_options(new, outputs=False)
    new.add_argument(
        "--department", required=True, metavar="ID", help="förvaltningens id (mappens namn)"
    )
    new.add_argument("--goal", type=int, required=True, metavar="N", help="målet, 1–17")
    new.add_argument("--title", metavar="RUBRIK", help="avsnittets rubrik")
    new.add_argument(
        "--format",
        choices=("md", "docx", "xlsx"),
        default="md",
        help="md: textfil (standard); docx: Word-mall; xlsx: Excel-mall för nyckeltal",
    )

    serve = commands.add_parser(
        "serve",
        help="kör byggtjänsten mot en Prefect-server",
        description="Tjänar driftsättningen build-report/build-report så att rapporten kan "
        "byggas från Prefects webbgränssnitt eller med 'prefect deployment run', bevakar "
        "inlämningsmappen och bygger ett utkast när filerna har ändrats och sedan legat "
        "still, och kan bygga utkast på ett schema. Körs tills den avbryts (Ctrl+C).",
    )
    folder_option(serve, "inputs", "mappen med en undermapp per år")
    folder_option(serve, "outputs", "dit rapporterna skrivs, en undermapp per år")
    settle_option(serve)
    serve.add_argument(
        "--cron",
        metavar="SCHEMA",
        help='bygg ett utkast enligt detta cron-schema, svensk tid, t.ex. "0 2 * * *" '
        "för varje natt klockan 2 under insamlingen",
    )
    serve.add_argument(
        "--year",
        type=int,
        default=None,
        help="utgåvan som schemat bygger (standard: det senaste året under --inputs)",
    )
    serve.add_argument(
        "--no-watch",
        dest="watch",
        action="store_false",
        help="bevaka inte inlämningsmappen",
    )
    serve.add_argument(
        "--stable",
        type=float,
        default=120.0,
        metavar="SEKUNDER",
        help="hur länge filerna ska ha legat still innan bevakningen bygger ett utkast "
        "(standard: 120)",
    )
    serve.add_argument(
        "--poll",
        type=float,
        default=5.0,
        metavar="SEKUNDER",
        help="hur ofta inlämningsmappen gås igenom (standard: 5)",
    )

    many = commands.add_parser(
        "build-many",
        help="bygg flera utgåvor samtidigt på ett Dask-kluster",
        description="Bygger flera utgåvor (år, eller flera kommuners utgåvemappar) i en "
        "körning av flödet build-reports, fördelade på ett Dask-kluster: ett lokalt som "
        "standard, eller ett befintligt med --dask-address.",
    )
    many.add_argument(
        "editions",
        nargs="*",
        type=Path,
        metavar="UTGÅVA",
        help="utgåvemappar med en rapport.yaml, t.ex. kommuner/kalmar/2026 "
        "(standard: alla år under --inputs)",
    )
    folder_option(many, "inputs", "mappen med en undermapp per år, när inga utgåvemappar anges")
    many.add_argument(
        "--years",
        type=int,
        nargs="+",
        metavar="ÅR",
        help="bara dessa år under --inputs",
    )
    folder_option(many, "outputs", "dit rapporterna skrivs")
    settle_option(many)
    many.add_argument(
        "--dask-address",
        metavar="ADRESS",
        help="adressen till schemaläggaren i ett befintligt Dask-kluster, t.ex. "
        "tcp://10.0.0.5:8786 (standard: ett lokalt kluster startas)",
    )
    many.add_argument(
        "--workers",
        type=int,
        default=2,
        metavar="N",
        help="antal arbetare i det lokala klustret (standard: 2)",
    )
    variant_flags(
        many,
        (
            "bygg utkast märkta UTKAST",
            "skriv också arkivversioner (PDF/A-3)",
            "publicera ingen utgåva där en fil avvisas eller ett bidrag saknas",
        ),
    )

    edition = commands.add_parser(
        "new-edition",
        help="starta nästa års utgåva",
        description="Skapar inputs/<år>/ från ett tidigare år: rapport.yaml förs över med nya "
        "datum, och med --with-texts kopieras förra årets texter, märkta för uppdatering.",
    )
    edition.add_argument("--year", type=int, required=True, help="den nya utgåvans år")
    edition.add_argument(
        "--from",
        dest="source_year",
        type=int,
        required=True,
        metavar="ÅR",
        help="utgåvan att utgå från",
    )
    edition.add_argument(
        "--inputs",
        type=Path,
        default=Path("inputs"),
        help="mappen med en undermapp per år (standard: inputs)",
    )
    edition.add_argument(
        "--with-texts",
        action="store_true",
        help="kopiera förra årets bidrag, märkta 'uppdatera: ja'",
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "new-edition":
        return new_edition_command(args)
    if args.command == "serve":
        return serve_command(args)
    if args.command == "build-many":
        return build_many_command(args)
    paths = Paths(
        inputs=args.inputs.resolve(),
        outputs=getattr(args, "outputs", Path("outputs")).resolve(),
        year=args.year,
    )
    if not paths.edition_dir.is_dir():
        print(
            f"Fel: mappen {paths.edition_dir} finns inte. Finns utgåvan {args.year}?",
            file=sys.stderr,
        )
        return 2
    if args.command == "build":
        return build_command(paths, args)
    from flows.edition import EditionError

    try:
        if args.command == "new":
            return new_command(paths, args)
        items = check_drop_folder(paths, args.settle)
        if args.command == "status":
            return status_command(paths, items, args.today or dt.date.today())
        return validate_command(items)
    except EditionError as error:
        return edition_error(error)


def edition_error(error: EditionError) -> int:
    print("Fel i rapport.yaml, inget kunde göras:", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return 2


def check_drop_folder(paths: Paths, settle: float) -> list[FileOutcome]:
    """Gather and validate without Prefect or rendering: fast enough to run any time."""
    from flows.edition import load_edition
    from flows.gather import gather
    from flows.receipt import outcomes
    from flows.validate import validate_all

    edition = load_edition(paths.edition_config)
    files = gather(paths.edition_dir, settle_seconds=settle)
    return outcomes(files, validate_all(files, edition))


def validate_command(items: list[FileOutcome]) -> int:
    from flows.receipt import REJECTED

    print_outcomes(items)
    return 1 if any(item.status == REJECTED for item in items) else 0


def status_command(paths: Paths, items: list[FileOutcome], today: dt.date) -> int:
    from flows.completeness import completeness, matrix_text
    from flows.edition import load_edition
    from flows.pages import receipt_pages
    from flows.publish import write_pages

    edition = load_edition(paths.edition_config)
    status = completeness(edition, items, today)
    print(f"{edition.title} {edition.year}: {status.deadline_text}.")
    print()
    print(matrix_text(status))
    write_pages(paths.output_dir, receipt_pages(edition, items, status, TEMPLATES_DIR))
    print()
    print(f"Som webbsida: {paths.output_dir / 'status.html'}")
    return 0


def quiet_prefect(level: str = "WARNING") -> None:
    """Quiet, and patient with the embedded server's start on a small machine (17-21 s seen).
    Set before Prefect is imported; the user's own settings win."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def build_command(paths: Paths, args: argparse.Namespace) -> int:
    quiet_prefect()
    # Everything slow starts at once: Prefect's server, the typesetting workers, and the
    # parts (typeset ahead from the files as they are now; the flow reuses whatever matches
    # what it validates). Prefect is imported meanwhile, and the flow begins when the server
    # answers.
    with prefect_api(paths.outputs / ".prefect-server.log") as server:
        start_typesetting_ahead(paths, args, yield_to_server=server is not None)
        from flows.build_flow import build_report  # Prefect loads slowly; only when building
        from flows.edition import EditionError

        if server is not None:
            server.wait_until_ready()
        try:
            result = build_report(
                year=paths.year,
                inputs=paths.inputs,
                outputs=paths.outputs,
                draft=args.draft,
                archive=args.archive,
                strict=args.strict,
                settle_seconds=args.settle,
            )
        except EditionError as error:
            return edition_error(error)
    print_outcomes(result.outcomes)
    print(f"Kvitto: {paths.output_dir / 'validering' / 'index.html'}")
    if result.pdf is None:
        print(f"Fel: ingen rapport publicerades: {result.error}", file=sys.stderr)
        return 1
    if result.archive_pdf:
        print(f"Arkivversion (PDF/A-3): {result.archive_pdf}")
    print(result.pdf)
    return 0


def start_typesetting_ahead(paths: Paths, args: argparse.Namespace, yield_to_server: bool) -> None:
    """Start the workers, and typeset the parts in a background thread while Prefect starts.
    Only the part cache sees the result; nothing is published from it. While a temporary
    server starts, the workers yield to it: the flow waits for the server, the parts for the
    flow."""
    from flows.ahead import typeset_ahead
    from flows.workers import shared_renderer

    shared_renderer().start(fork=True, niceness=5 if yield_to_server else 0)
    if not args.strict:  # a strict build may publish nothing: do not typeset in vain
        threading.Thread(
            target=typeset_ahead, args=(paths, args.settle, args.draft, args.archive), daemon=True
        ).start()


def serve_command(args: argparse.Namespace) -> int:
    from flows.watch import editions

    inputs, outputs = args.inputs.resolve(), args.outputs.resolve()
    if not inputs.is_dir():
        print(f"Fel: mappen {inputs} finns inte.", file=sys.stderr)
        return 2
    year = args.year
    if args.cron and year is None:
        if not (found := editions(inputs)):
            print(f"Fel: ingen utgåva (mapp med rapport.yaml) under {inputs}.", file=sys.stderr)
            return 2
        year = max(found)
    quiet_prefect(level="INFO")  # a service: its log says what it did
    from prefect.schedules import validate_cron_string

    from flows.serve import FULL_NAME, ServeOptions, serve_deployment

    if args.cron:
        try:
            validate_cron_string(args.cron)
        except ValueError:
            print(
                f"Fel: '{args.cron}' är inget cron-schema. Fem fält: minut timme dag månad "
                'veckodag, t.ex. "0 2 * * *" för klockan 2 varje natt.',
                file=sys.stderr,
            )
            return 2

    if "PREFECT_API_URL" not in os.environ:
        print(
            "Obs: PREFECT_API_URL är inte satt, så en tillfällig Prefect-server startas och "
            "försvinner med processen. Peka ut en riktig server för webbgränssnittet.",
            file=sys.stderr,
        )
    options = ServeOptions(
        inputs=inputs,
        outputs=outputs,
        settle_seconds=args.settle,
        cron=args.cron,
        schedule_year=year,
        watch=args.watch,
        stable_seconds=args.stable,
        poll_seconds=args.poll,
    )
    print(f"Tjänar {FULL_NAME}: läser {inputs}, skriver {outputs}.", flush=True)
    if args.cron:
        print(f"Schema: utkast av {year} enligt '{args.cron}' (svensk tid).", flush=True)
    if args.watch:
        print(
            f"Bevakar {inputs}: ett utkast byggs när filerna legat still i {args.stable:g} s.",
            flush=True,
        )
    print("Avsluta med Ctrl+C.", flush=True)
    serve_deployment(options)
    return 0


def build_many_command(args: argparse.Namespace) -> int:
    from flows.watch import editions

    if args.editions:
        folders = [folder.resolve() for folder in args.editions]
    else:
        found = editions(args.inputs.resolve())
        folders = [found[year] for year in sorted(found) if not args.years or year in args.years]
    missing = [f for f in folders if not (f / "rapport.yaml").is_file() or not f.name.isdigit()]
    if missing or not folders:
        for folder in missing:
            print(f"Fel: {folder} är ingen utgåva (ett år med en rapport.yaml).", file=sys.stderr)
        if not folders:
            print("Fel: inga utgåvor att bygga.", file=sys.stderr)
        return 2
    quiet_prefect()
    from flows.many_flow import build_reports, dask_runner

    if os.environ["PREFECT_LOGGING_LEVEL"] == "WARNING":  # Dask's scheduler talks at INFO
        logging.getLogger("distributed").setLevel(logging.WARNING)

    flow = build_reports.with_options(task_runner=dask_runner(args.dask_address, args.workers))
    # One temporary server for every Dask worker, not one each (see flows/temporary_server.py).
    with prefect_api(args.outputs.resolve() / ".prefect-server.log") as server:
        if server is not None:
            server.wait_until_ready()
        outcomes = flow(
            editions=folders,
            outputs=args.outputs.resolve(),
            draft=args.draft,
            archive=args.archive,
            strict=args.strict,
            settle_seconds=args.settle,
        )
    for outcome in outcomes:
        where = outcome.pdf or f"ingen rapport: {outcome.error}"
        print(f"{outcome.edition}: {outcome.state} ({outcome.rejected} avvisade) – {where}")
    return 0 if all(outcome.pdf for outcome in outcomes) else 1


def new_command(paths: Paths, args: argparse.Namespace) -> int:
    from flows.edition import load_edition
    from flows.starter import markdown_submission, submission_file_name

    edition = load_edition(paths.edition_config)
    if args.department not in edition.department_ids:
        print(
            f"Fel: förvaltningen '{args.department}' finns inte i rapport.yaml. "
            f"Välj en av: {', '.join(edition.department_ids)}.",
            file=sys.stderr,
        )
        return 2
    if not 1 <= args.goal <= 17:
        print(f"Fel: mål ska vara ett tal från 1 till 17, inte {args.goal}.", file=sys.stderr)
        return 2
    name = submission_file_name(args.goal, args.title, suffix=f".{args.format}")
    target = paths.edition_dir / args.department / name
    if target.exists():
        print(
            f"Fel: {target} finns redan och skrivs inte över. Välj en annan rubrik.",
            file=sys.stderr,
        )
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "md":
        text = markdown_submission(edition, args.department, args.goal, args.title)
        target.write_text(text, "utf-8")
        print("Mallen är skapad. Öppna den i en texteditor, fyll i och spara som UTF-8.")
    elif args.format == "docx":
        from flows.office import docx_template  # python-docx only when asked for

        target.write_bytes(docx_template(args.department, args.goal, args.title))
        print("Word-mallen är skapad. Fyll i tabellen, skriv texten och spara som .docx.")
    else:
        from flows.office import xlsx_template

        target.write_bytes(xlsx_template(args.department, args.goal))
        print("Excel-mallen är skapad. En rad per nyckeltal och år; spara som .xlsx.")
    print("Kontrollera sedan med: agenda2030 validate")
    print(target)
    return 0


def new_edition_command(args: argparse.Namespace) -> int:
    from flows.new_edition import NewEditionError, new_edition

    try:
        written = new_edition(args.inputs.resolve(), args.year, args.source_year, args.with_texts)
    except NewEditionError as error:
        print(f"Fel: {error}", file=sys.stderr)
        return 2
    texts = sum(1 for path in written if path.name != "rapport.yaml")
    print(
        f"Utgåva {args.year} är startad från {args.source_year}"
        + (f", med {texts} filer från förra året att uppdatera." if texts else ".")
    )
    if args.with_texts:
        print("Word-, Excel- och Kolada-filer kopieras inte: förvaltningarna lägger in nya.")
    print(written[0])
    return 0


def print_outcomes(items: list[FileOutcome]) -> None:
    from flows.receipt import REJECTED, count_text

    submissions = [i for i in items if i.status in ("godkänd", REJECTED)]
    accepted = sum(i.status == "godkänd" for i in items)
    print(f"{accepted} av {len(submissions)} bidrag godkändes ({count_text(items)}).")
    groups = [
        ("Avvisade filer (lämnas utanför rapporten):", [i for i in items if i.problems], True),
        (
            "Väntar (ändrades nyss, läses nästa gång):",
            [i for i in items if i.status == "väntar"],
            False,
        ),
        (
            "Ignorerade (låsfiler, tillfälliga och dolda filer):",
            [i for i in items if i.status == "ignorerad"],
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


if __name__ == "__main__":
    sys.exit(main())
