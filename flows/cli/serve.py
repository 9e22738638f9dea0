"""`serve`: the build as a Prefect deployment, with a watcher on the drop folder and a schedule."""

import argparse
import os
import sys

from flows.cli.options import folder_option, quiet_prefect, settle_option


def add_parsers(commands) -> None:
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
    serve.set_defaults(run=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    from flows.orchestration.watch import editions

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

    from flows.orchestration.serve import FULL_NAME, ServeOptions, serve_deployment

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
