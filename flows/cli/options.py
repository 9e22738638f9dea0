"""Options that several commands share, and the folders they name."""

import argparse
import os
import sys
from pathlib import Path

from flows.settings import DEFAULT_SETTLE_SECONDS, Paths

DEFAULT_YEAR = 2025


def folder_option(command: argparse.ArgumentParser, name: str, what: str) -> None:
    """--inputs or --outputs: a folder named as itself by default."""
    command.add_argument(
        f"--{name}", type=Path, default=Path(name), help=f"{what} (standard: {name})"
    )


def edition_options(command: argparse.ArgumentParser, outputs: bool = True) -> None:
    """--year, --inputs and (unless the command writes nothing) --outputs."""
    command.add_argument(
        "--year",
        type=int,
        default=DEFAULT_YEAR,
        help=f"rapportåret, mappen under --inputs (standard: {DEFAULT_YEAR})",
    )
    folder_option(command, "inputs", "mappen med en undermapp per år")
    if outputs:
        folder_option(command, "outputs", "dit rapporten och kvittona skrivs, en undermapp per år")


def variant_flags(command: argparse.ArgumentParser, texts: tuple[str, str, str]) -> None:
    """--draft, --archive and --strict, with what each does for this command."""
    for flag, text in zip(("--draft", "--archive", "--strict"), texts, strict=True):
        command.add_argument(flag, action="store_true", help=text)


def settle_option(
    command: argparse.ArgumentParser, default: float = DEFAULT_SETTLE_SECONDS
) -> None:
    """--settle: how long a file must have lain still to be read. Only a build that publishes
    needs to wait for copies to finish; checking a file gives its answer at once (0)."""
    command.add_argument(
        "--settle",
        type=float,
        default=default,
        metavar="SEKUNDER",
        help="filer som ändrats för kortare tid sedan än så räknas som 'väntar' och läses "
        f"inte, de kan fortfarande kopieras (standard: {default:g})",
    )


def edition_paths(args: argparse.Namespace) -> Paths | None:
    """The folders of the edition the options name; None (said on stderr) if it is missing."""
    paths = Paths(
        inputs=args.inputs.resolve(),
        outputs=getattr(args, "outputs", Path("outputs")).resolve(),
        year=args.year,
    )
    if not paths.edition_dir.is_dir():
        print(
            f"Fel: mappen {paths.edition_dir} finns inte: utgåvan {args.year} är inte startad. "
            f"Starta den med `agenda2030 new-edition --year {args.year} --from {args.year - 1}`.",
            file=sys.stderr,
        )
        return None
    return paths


def quiet_prefect(level: str = "WARNING") -> None:
    """Quiet, and patient with the embedded server's start on a small machine (17-21 s seen).
    Set before Prefect is imported; the user's own settings win."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
