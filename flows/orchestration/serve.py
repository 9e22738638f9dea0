"""`agenda2030 serve`: one long-running process that serves the deployment
`build-report/build-report` and watches the drop folder.

- The deployment runs the flow `build-report` with the inputs and outputs folders given to
  `serve` as its defaults; the UI, the CLI (`prefect deployment run build-report/build-report
  --param year=2025`) or the API choose year, draft, strict and archive.
- An optional cron schedule builds a draft of one edition, e.g. nightly during the collection
  period.
- The watcher builds a draft of an edition when its files changed and have then been still
  for a while, here in this process (a flow run tagged `bevakning`): Prefect, WeasyPrint and
  the typesetting workers stay loaded between builds, so a changed file is in the draft about a
  second after it settled, instead of after a new interpreter's start. Runs asked for through
  the deployment (UI, CLI, schedule) start a process of their own, as Prefect's runner does.
- At most one build of an edition runs at a time: the flow holds the edition's lock
  (flows/publish.py, `edition_lock`), so a second run waits for the first; the watcher also
  never asks for a new build while its previous one of that edition is still running.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from prefect import get_client, serve
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.orchestration.build import build_report
from flows.orchestration.watch import DropFolderWatcher
from flows.publish import OutputNames
from flows.receipt.outcomes import FileStatus
from flows.settings import DEFAULT_SETTLE_SECONDS
from flows.typesetting.workers import shared_renderer

DEPLOYMENT = "build-report"
FULL_NAME = f"{build_report.name}/{DEPLOYMENT}"
TIMEZONE = "Europe/Stockholm"


@dataclass(frozen=True)
class ServeOptions:
    inputs: Path
    outputs: Path
    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    cron: str | None = None  # a draft build of `schedule_year` on this schedule
    schedule_year: int | None = None
    watch: bool = True
    stable_seconds: float = 120.0  # the drop folder must be still this long before a build
    poll_seconds: float = 5.0
    tags: tuple[str, ...] = field(default=("agenda2030",))


def deployment(options: ServeOptions) -> RunnerDeployment:
    """The deployment `build-report` of the flow `build-report`, with this process's folders."""
    schedules = []
    if options.cron:
        if options.schedule_year is None:
            raise ValueError("a schedule needs the edition (year) it builds")
        schedules.append(
            Cron(
                options.cron,
                timezone=TIMEZONE,
                parameters={"year": options.schedule_year, "draft": True},
            )
        )
    return build_report.to_deployment(
        name=DEPLOYMENT,
        parameters={
            "inputs": str(options.inputs),
            "outputs": str(options.outputs),
            "settle_seconds": options.settle_seconds,
        },
        schedules=schedules or None,
        description="Bygger en utgåva av Agenda 2030-rapporten ur förvaltningarnas bidrag. "
        "Välj år; utkast, strikt och arkiv efter behov.",
        tags=list(options.tags),
        # Loaded by module, so the run finds the installed package wherever it starts.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


class DraftTrigger:
    """Builds drafts for the watcher, in this process.

    The watcher asks once the files have been still for ``stable_seconds``; the build then
    must not call them pending, so its settle time is at most that long. The build runs in the
    watcher's thread, so the watcher never asks for a second one meanwhile; a run of the same
    edition from the deployment waits for it on the edition's lock."""

    def __init__(
        self,
        inputs: Path | None = None,
        outputs: Path | None = None,
        tags: tuple[str, ...] = ("agenda2030",),
        settle_seconds: float = DEFAULT_SETTLE_SECONDS,
        stable_seconds: float = 120.0,
    ):
        self.inputs = inputs
        self.outputs = outputs
        self.tags = [*tags, "bevakning"]
        self.settle_seconds = min(settle_seconds, stable_seconds)

    def __call__(self, year: int) -> None:
        print(f"Filerna för {year} har ändrats: ett utkast byggs.", flush=True)
        draft = build_report.with_options(
            flow_run_name=f"utkast-{year}-bevakning", on_running=[tag_run(self.tags)]
        )
        state = draft(
            year=year,
            inputs=self.inputs,
            outputs=self.outputs,
            draft=True,
            settle_seconds=self.settle_seconds,
            return_state=True,
        )
        print(f"Utkastet för {year}: {state.name} ({state.message}).", flush=True)

    def has_pending(self, year: int) -> bool:
        """Whether the last build's receipt counts files that were still being written."""
        if self.outputs is None:
            return False
        receipt = Path(self.outputs) / str(year) / OutputNames.receipt
        try:
            counts = json.loads(receipt.read_text("utf-8")).get("antal", {})
        except (OSError, ValueError):
            return False
        return bool(counts.get(str(FileStatus.PENDING)))


def tag_run(names: list[str]):
    """A hook that tags the flow run itself. Not ``with prefect.tags(...)``: that tags every
    task run too, and each task run with a tag asks the server for a concurrency slot per tag
    before it starts (2.0–2.6 s per draft build here, on SQLite)."""

    def add_tags(flow, flow_run, state) -> None:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, tags=sorted({*flow_run.tags, *names}))

    return add_tags


def serve_deployment(options: ServeOptions) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM)."""
    watcher = None
    if options.watch:
        trigger = DraftTrigger(
            options.inputs,
            options.outputs,
            tags=options.tags,
            settle_seconds=options.settle_seconds,
            stable_seconds=options.stable_seconds,
        )
        shared_renderer().start()  # warm workers for the drafts, before the first is asked for
        watcher = DropFolderWatcher(
            options.inputs,
            on_stable=trigger,
            has_pending=trigger.has_pending,
            stable_seconds=options.stable_seconds,
            poll_seconds=options.poll_seconds,
        ).start()
    try:
        serve(deployment(options), print_starting_message=False)
    finally:
        if watcher is not None:
            watcher.stop()
