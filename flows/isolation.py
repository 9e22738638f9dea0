"""Rendering in a child process with a time limit and a memory limit, so one pathological
submission cannot hang or exhaust the build; and finding which submission it was."""

import datetime as dt
import multiprocessing
import os
import resource
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from flows.merge import merge
from flows.render import Rendered, RenderError, render_html, render_pdf
from flows.validate import Checked
from schemas import Edition, Problem, Report
from schemas.messages import PROJECT_MESSAGES

RENDER_TIMEOUT_S = float(os.environ.get("AGENDA2030_RENDER_TIMEOUT_S", 600))
RENDER_MEMORY_MB = int(os.environ.get("AGENDA2030_RENDER_MEMORY_MB", 4096))
T, R = TypeVar("T"), TypeVar("R")
# Rendering one submission alone, to find a culprit, is small work: it gets less time.
CULPRIT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class RenderJob:
    """Everything a child process needs to typeset one document."""

    html: str
    edition_dir: Path
    templates_dir: Path
    identifier: str
    timestamp: dt.date
    archive: bool = False
    embedded: dict[str, bytes] | None = None


def _render_job(job: RenderJob) -> Rendered:
    return render_pdf(
        job.html,
        job.edition_dir,
        job.templates_dir,
        job.identifier,
        timestamp=job.timestamp,
        archive=job.archive,
        embedded=job.embedded,
    )


def _child(function, job, connection, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        connection.send(("ok", function(job)))
    except (RenderError, MemoryError, RecursionError) as error:
        connection.send(("error", str(as_render_error(error, memory_mb))))
    finally:
        connection.close()


def as_render_error(error: Exception, memory_mb: int) -> RenderError:
    """What a failure inside a limited typesetting process tells the build."""
    if isinstance(error, MemoryError):
        return RenderError(f"minnesgränsen {memory_mb} MB nåddes")
    if isinstance(error, RecursionError):
        return RenderError("dokumentet är nästlat för djupt för att typsättas")
    return error if isinstance(error, RenderError) else RenderError(str(error))


def run_isolated(
    function: Callable[[T], R],
    job: T,
    timeout: float = RENDER_TIMEOUT_S,
    memory_mb: int = RENDER_MEMORY_MB,
) -> R:
    """Run ``function(job)`` in a fresh process; a hang, a crash or a memory blow-up becomes
    a RenderError here instead of taking the build down."""
    context = multiprocessing.get_context("spawn")  # no threads or locks inherited from Prefect
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(function, job, sender, memory_mb), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderError(f"typsättningen tog mer än {timeout:g} sekunder och avbröts")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise RenderError("typsättningen avbröts oväntat (minne eller krasch)") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status != "ok":
        raise RenderError(payload)
    return payload


def render_isolated(
    job: RenderJob, timeout: float = RENDER_TIMEOUT_S, memory_mb: int = RENDER_MEMORY_MB
) -> Rendered:
    """The whole document typeset in a fresh process (see run_isolated)."""
    return run_isolated(_render_job, job, timeout, memory_mb)


@dataclass(frozen=True)
class RenderOutcome:
    rendered: Rendered
    checked: list[Checked]  # with any submission that could not be typeset now rejected


def render_resilient(
    edition: Edition,
    checked: list[Checked],
    make_job,
    report: Report | None = None,
    timeout: float = RENDER_TIMEOUT_S,
) -> RenderOutcome:
    """Render the whole report; if that fails, render each accepted submission alone to find
    the ones that fail, reject them with the reason, and render the rest.

    ``make_job(report, checked) -> RenderJob`` builds the job for a merged report.
    """
    try:
        job = make_job(report or merge(edition, checked), checked)
        return RenderOutcome(render_isolated(job, timeout), checked)
    except RenderError as whole:
        failures = find_culprits(edition, checked, make_job)
        if not failures:
            raise RenderError(f"rapporten kunde inte typsättas: {whole}") from None
    checked = reject(checked, failures)
    job = make_job(merge(edition, checked), checked)
    return RenderOutcome(render_isolated(job, timeout), checked)


def find_culprits(edition: Edition, suspects: list[Checked], make_job) -> dict[str, str]:
    """file -> reason, for each accepted suspect that cannot be typeset even alone."""
    failures = {}
    for item in suspects:
        if not item.accepted:
            continue
        try:
            render_isolated(make_job(merge(edition, [item]), [item]), CULPRIT_TIMEOUT_S)
        except RenderError as error:
            failures[item.file] = str(error)
    return failures


def reject(checked: list[Checked], failures: dict[str, str]) -> list[Checked]:
    """``checked`` with each file in ``failures`` rejected as render_failed, with its reason."""
    return [
        item.rejected_with(
            Problem(
                file=item.file,
                code="render_failed",
                message=PROJECT_MESSAGES["render_failed"].format(reason=failures[item.file]),
            )
        )
        if item.file in failures
        else item
        for item in checked
    ]


def job_for(
    report: Report,
    checked: list[Checked],
    templates_dir: Path,
    edition_dir: Path,
    draft: bool,
    archive: bool,
) -> RenderJob:
    """The job for a merged report: HTML from the templates, ids and dates from the edition,
    the images embedded in accepted submissions, and (in a draft) the files left out."""
    kind = "utkast" if draft else "rapport"
    excluded = [item for item in checked if item.problems]
    embedded = {name: data for c in checked if c.accepted for name, data in c.images.items()}
    return RenderJob(
        html=render_html(report, templates_dir, draft=draft, excluded=excluded),
        edition_dir=edition_dir,
        templates_dir=templates_dir,
        identifier=f"{report.edition.municipality_code}-{report.edition.year}-{kind}",
        timestamp=report.edition.date,
        archive=archive,
        embedded=embedded,
    )
