"""The command line, `agenda2030`. Everything a user reads here is Swedish.

Each command's options sit beside its handler (build, check, new, serve); each handler imports
what it needs when it runs, so `agenda2030 --help` and `validate` stay quick and `build` can
start Prefect's server before anything slow is loaded."""

import argparse
import sys

from flows.cli import build, check, new, report, serve
from flows.settings import installed_version


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="agenda2030",
        description="Sammanställer kommunens Agenda 2030-rapport ur förvaltningarnas bidrag.",
    )
    main.add_argument(
        "--version",
        action="version",
        version=f"agenda2030 {installed_version()}",
        help="visa programmets version och avsluta",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    for command in (build, check, new, serve, report):
        command.add_parsers(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
