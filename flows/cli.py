"""The command line: `agenda2030 build` and `agenda2030 validate`. Messages are Swedish."""

import argparse
import os
import sys
from pathlib import Path

from flows.edition import EditionError, load_edition
from flows.gather import Disposition, gather
from flows.settings import Paths
from flows.validate import Checked, check_edition, validate_file

DEFAULT_YEAR = 2025


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="agenda2030",
        description="Sammanställer kommunens Agenda 2030-rapport ur förvaltningarnas bidrag.",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def edition_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--year",
            type=int,
            default=DEFAULT_YEAR,
            help=f"rapportåret, mappen under --inputs (standard: {DEFAULT_YEAR})",
        )
        command.add_argument(
            "--inputs",
            type=Path,
            default=Path("inputs"),
            help="mappen med en undermapp per år (standard: inputs)",
        )
        command.add_argument(
            "--outputs",
            type=Path,
            default=Path("outputs"),
            help="dit rapporten skrivs, en undermapp per år (standard: outputs)",
        )

    build = commands.add_parser(
        "build",
        help="bygg rapporten som PDF",
        description="Läser, kontrollerar och sammanställer bidragen och skriver rapporten som PDF.",
    )
    edition_options(build)
    build.add_argument(
        "--draft",
        action="store_true",
        help="bygg ett utkast märkt UTKAST som visar vem som skrivit vad",
    )
    build.add_argument(
        "--archive",
        action="store_true",
        help="skriv också en arkivversion (PDF/A-3) bredvid rapporten",
    )
    validate = commands.add_parser(
        "validate",
        help="kontrollera bidragen utan att bygga",
        description="Kontrollerar alla bidrag och visar vad som är fel.",
    )
    edition_options(validate)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    paths = Paths(inputs=args.inputs.resolve(), outputs=args.outputs.resolve(), year=args.year)
    if not paths.edition_dir.is_dir():
        print(
            f"Fel: mappen {paths.edition_dir} finns inte. Finns utgåvan {args.year}?",
            file=sys.stderr,
        )
        return 2
    try:
        if args.command == "validate":
            return validate_command(paths)
        return build_command(paths, args.draft, args.archive)
    except EditionError as error:
        print("Fel i rapport.yaml, inget kunde byggas:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2


def validate_command(paths: Paths) -> int:
    edition = load_edition(paths.edition_config)
    files = gather(paths.edition_dir)
    assets = frozenset(f.relative for f in files if f.disposition is Disposition.ASSET)
    checked = check_edition(
        [
            validate_file(f, edition, assets)
            for f in files
            if f.disposition is Disposition.SUBMISSION
        ]
    )
    accepted = sum(c.accepted for c in checked)
    print(f"{accepted} av {len(checked)} bidrag godkändes.")
    print_rejected(checked)
    return 1 if accepted < len(checked) else 0


def build_command(paths: Paths, draft: bool, archive: bool) -> int:
    # Quiet, and patient with the embedded server's start on a small machine (17-21 s seen).
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from flows.build_flow import build_report  # Prefect loads slowly; only when building

    result = build_report(
        year=paths.year, inputs=paths.inputs, outputs=paths.outputs, draft=draft, archive=archive
    )
    accepted = len(result.checked) - len(result.rejected)
    print(f"{accepted} av {len(result.checked)} bidrag godkändes.")
    print_rejected(result.checked)
    if result.pdf is None:
        print(f"Fel: ingen rapport kunde publiceras: {result.error}", file=sys.stderr)
        return 1
    print(f"Kvitto: {result.pdf.parent / 'validering.json'}")
    if result.archive_pdf:
        print(f"Arkivversion (PDF/A-3): {result.archive_pdf}")
    print(result.pdf)
    return 0


def print_rejected(checked: list[Checked]) -> None:
    rejected = [c for c in checked if not c.accepted]
    if not rejected:
        return
    print("Avvisade filer (lämnas utanför rapporten):")
    for item in rejected:
        for problem in item.problems:
            print(f"  {problem}")


if __name__ == "__main__":
    sys.exit(main())
