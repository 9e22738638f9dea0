"""`build` and `build-many`: the report typeset and published, through Prefect.

`build` starts Prefect's server before anything slow is loaded (flows/orchestration/server.py)
and typesets the parts ahead while it starts."""

import argparse
import logging
import os
import sys
from pathlib import Path

from flows.cli.options import (
    edition_options,
    edition_paths,
    folder_option,
    quiet_prefect,
    settle_option,
    variant_flags,
)
from flows.cli.output import edition_error, print_outcomes, print_summary
from flows.orchestration.server import drain_logs, prefect_api
from flows.settings import Paths
from flows.timeline import mark, span


def add_parsers(commands) -> None:
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
    build.set_defaults(run=build_command)

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
    many.set_defaults(run=build_many_command)


def build_command(args: argparse.Namespace) -> int:
    mark("command")  # the interpreter has started and read the command line
    if (paths := edition_paths(args)) is None:
        return 2
    quiet_prefect()
    # Everything slow starts at once: Prefect's server, the typesetting workers, and the
    # parts (typeset ahead from the files as they are now; the flow reuses whatever matches
    # what it validates). Prefect is imported meanwhile, and the flow begins when the server
    # answers.
    with prefect_api(paths.outputs / ".prefect-server.log") as server:
        start_typesetting_ahead(paths, args, yield_to_server=server is not None)
        with span("imports"):
            from flows.orchestration.build import build_report  # Prefect loads slowly
            from flows.readers.edition import EditionError

        if server is not None:
            with span("server wait"):
                server.wait_until_ready()
        try:
            with span("flow"):
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
        finally:
            with span("logs sent"):
                drain_logs()  # before a temporary server stops
    with span("results printed"):
        return report_result(paths, result)


def report_result(paths: Paths, result) -> int:
    """What the build did, for the person at the terminal; the exit status."""
    print_outcomes(result.outcomes)
    if result.status is not None:
        print_summary(result.outcomes, result.status, result.owed)
    if result.changes_summary:
        print(f"Ändringar sedan förra bygget: {result.changes_summary}.")
        print(f"  {paths.output_dir / 'andringar.html'}")
    print(f"Kvitto: {paths.output_dir / 'validering' / 'index.html'}")
    if result.pdf is None:
        print(f"Fel: ingen rapport publicerades: {result.error}", file=sys.stderr)
        return 1
    if result.archive_pdf:
        print(f"Arkivversion (PDF/A-3): {result.archive_pdf}")
    print(result.pdf)
    return 0


def start_typesetting_ahead(paths: Paths, args: argparse.Namespace, yield_to_server: bool) -> None:
    """Start the workers and hand them the report's parts as the files are now, before Prefect
    is imported: the parts are typeset while it loads (and a temporary server starts). Only
    the part cache sees the result; nothing is published from it. While a temporary server
    starts, the workers yield to it: the flow waits for the server, the parts for the flow."""
    from flows.typesetting.workers import shared_renderer

    shared_renderer().start(fork=True, niceness=5 if yield_to_server else 0)
    if not args.strict:  # a strict build may publish nothing: do not typeset in vain
        with span("ahead"):
            typeset_ahead(paths, args.settle, args.draft, args.archive)


def typeset_ahead(paths: Paths, settle_seconds: float, draft: bool, archive: bool) -> None:
    """The report's parts handed to the workers from the drop folder as it is now, with the
    plain stage functions. The flow then validates the files as its tasks and asks for the
    parts it needs: one typeset ahead from the same HTML, options and files is found running
    or in the cache, anything else is typeset anew. So the work overlaps Prefect's start-up
    without deciding anything the flow would not.

    Done in the command's own thread before Prefect is imported, not in a thread beside the
    imports: two Python threads share one interpreter lock, so the parts would start later and
    Prefect load no sooner."""
    from flows.gather import Disposition, asset_files, gather
    from flows.merge import merge
    from flows.orchestration.file_results import checked_as_kept
    from flows.readers.edition import load_edition
    from flows.typesetting.report import start_typesetting, typesetting
    from flows.validate import check_edition

    try:
        edition = load_edition(paths.edition_config)
        files = gather(paths.edition_dir, settle_seconds=settle_seconds)
        submissions = [f for f in files if f.disposition is Disposition.SUBMISSION]
        # Files an earlier build checked are taken as it kept them.
        checked = check_edition(
            checked_as_kept(submissions, edition, asset_files(files), paths.outputs), edition
        )
        setting = typesetting(paths.edition_dir, paths.parts_cache, draft, archive)
        start_typesetting(merge(edition, checked), setting)
    except Exception:  # noqa: BLE001  (only ever an optimisation)
        pass  # the flow meets the same problem and reports it where people read it


def build_many_command(args: argparse.Namespace) -> int:
    from flows.orchestration.watch import editions

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
    from flows.orchestration.many import build_reports, dask_runner, workers_lack

    if args.dask_address:  # say what the workers lack before any edition starts
        try:
            lacking = workers_lack(args.dask_address, folders, args.outputs)
        except OSError as error:
            print(f"Fel: Dask-klustret {args.dask_address} svarar inte: {error}", file=sys.stderr)
            return 2
        if lacking:
            for problem in lacking:
                print(f"Fel: {problem}", file=sys.stderr)
            print(
                "Ingen utgåva har startats. Arbetarna behöver projektet installerat och "
                "utgåvorna och utdatamappen på samma sökvägar (se docs/operations.md).",
                file=sys.stderr,
            )
            return 2

    if os.environ["PREFECT_LOGGING_LEVEL"] == "WARNING":  # Dask's scheduler talks at INFO
        logging.getLogger("distributed").setLevel(logging.WARNING)

    flow = build_reports.with_options(task_runner=dask_runner(args.dask_address, args.workers))
    # One temporary server for every Dask worker, not one each (see orchestration/server.py).
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
        drain_logs()
    for outcome in outcomes:
        where = outcome.pdf or f"ingen rapport: {outcome.error}"
        print(f"{outcome.edition}: {outcome.state} ({outcome.rejected} avvisade) – {where}")
    return 0 if all(outcome.pdf for outcome in outcomes) else 1
