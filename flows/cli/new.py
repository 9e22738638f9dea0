"""`new` and `new-edition`: starter files for a department's contribution and a new year."""

import argparse
import sys
from pathlib import Path

from flows.cli.options import edition_options, edition_paths
from flows.cli.output import edition_error


def add_parsers(commands) -> None:
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
    new.set_defaults(run=new_command)

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
    edition.set_defaults(run=new_edition_command)


def new_command(args: argparse.Namespace) -> int:
    from flows.readers.edition import EditionError, load_edition
    from flows.starters.markdown import markdown_submission, submission_file_name

    if (paths := edition_paths(args)) is None:
        return 2
    try:
        edition = load_edition(paths.edition_config)
    except EditionError as error:
        return edition_error(error)
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
        from flows.starters.office import docx_template  # python-docx only when asked for

        target.write_bytes(docx_template(args.department, args.goal, args.title))
        print("Word-mallen är skapad. Fyll i tabellen, skriv texten och spara som .docx.")
    else:
        from flows.starters.office import xlsx_template

        target.write_bytes(xlsx_template(args.department, args.goal, args.title))
        print("Excel-mallen är skapad. En rad per nyckeltal och år; spara som .xlsx.")
    print("Kontrollera sedan med: agenda2030 validate")
    print(target)
    return 0


def new_edition_command(args: argparse.Namespace) -> int:
    from flows.starters.edition import NewEditionError, new_edition

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
