"""`agenda2030 serve`: one long-running process that serves the deployment
`build-report/build-report` and watches the drop folder.

- The deployment runs the flow `build-report` with the inputs and outputs folders given to
  `serve` as its defaults; the UI, the CLI (`prefect deployment run build-report/build-report
  --param year=2025`) or the API choose year, draft, strict and archive.
- An optional cron schedule builds a draft of one edition, e.g. nightly during the collection
  period.
- The watcher starts a draft build of an edition when its files changed and have then been
  still for a while.
- At most one build of an edition runs at a time: the flow holds the edition's lock
  (flows/publish.py, `edition_lock`), so a second run waits for the first; the watcher also
  never asks for a new build while its previous one of that edition is still running.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from prefect import get_client, serve
from prefect.deployments import run_deployment
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.orchestration.build import build_report
from flows.orchestration.watch import DropFolderWatcher
from flows.publish import OutputNames
from flows.receipt.outcomes import FileStatus
from flows.settings import DEFAULT_SETTLE_SECONDS

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
    """Starts draft builds through the deployment and remembers the last one per edition.

    The watcher asks once the files have been still for ``stable_seconds``; the build then
    must not call them pending, so its settle time is at most that long."""

    def __init__(
        self,
        name: str = FULL_NAME,
        tags: tuple[str, ...] = ("agenda2030",),
        settle_seconds: float = DEFAULT_SETTLE_SECONDS,
        stable_seconds: float = 120.0,
        outputs: Path | None = None,
    ):
        self.name = name
        self.tags = [*tags, "bevakning"]
        self.last: dict[int, UUID] = {}
        self.settle_seconds = min(settle_seconds, stable_seconds)
        self.outputs = outputs

    def __call__(self, year: int) -> None:
        run = run_deployment(
            self.name,
            parameters={"year": year, "draft": True, "settle_seconds": self.settle_seconds},
            timeout=0,  # do not wait: the served runner picks it up
            tags=self.tags,
            flow_run_name=f"utkast-{year}-bevakning",
        )
        self.last[year] = run.id
        print(f"Filerna för {year} har ändrats: ett utkast byggs (körning {run.id}).", flush=True)

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

    def is_busy(self, year: int) -> bool:
        if year not in self.last:
            return False
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(self.last[year]).state
        return state is not None and not state.is_final()


def serve_deployment(options: ServeOptions) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM)."""
    watcher = None
    if options.watch:
        trigger = DraftTrigger(
            tags=options.tags,
            settle_seconds=options.settle_seconds,
            stable_seconds=options.stable_seconds,
            outputs=options.outputs,
        )
        watcher = DropFolderWatcher(
            options.inputs,
            on_stable=trigger,
            is_busy=trigger.is_busy,
            has_pending=trigger.has_pending,
            stable_seconds=options.stable_seconds,
            poll_seconds=options.poll_seconds,
        ).start()
    try:
        serve(deployment(options), print_starting_message=False)
    finally:
        if watcher is not None:
            watcher.stop()
