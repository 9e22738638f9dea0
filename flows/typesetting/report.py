"""The one way to make the report's PDF: its parts typeset side by side (parts.py) in
limited worker processes, cached, and assembled (assemble.py). The flow's render task and the
typeset-ahead thread both come here, and the engine is set up here only."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flows.limits import render_timeout_s
from flows.render.html import render_html
from flows.settings import TEMPLATES_DIR
from flows.timeline import span
from flows.typesetting.assemble import assemble
from flows.typesetting.cache import PartCache
from flows.typesetting.culprits import find_culprits, reject
from flows.typesetting.part import Rendered, RenderError
from flows.typesetting.parts import PartsFailed, Typesetting, start_parts, typeset_report
from flows.typesetting.workers import shared_renderer
from flows.validate import Checked
from schemas import Report


def typesetting(edition_dir: Path, parts_cache: Path, draft: bool, archive: bool) -> Typesetting:
    """This process's engine for one edition: the shared workers, the part cache, the limits."""
    return Typesetting(
        edition_dir,
        TEMPLATES_DIR,
        draft,
        archive,
        shared_renderer(),
        PartCache(parts_cache),
        render_timeout_s(),
    )


def typeset(report: Report, setting: Typesetting) -> Rendered:
    """The report typeset part by part and assembled; raises PartsFailed naming the parts
    that could not be typeset."""
    typeset = typeset_report(report, setting)
    with span("assemble"):
        pdf = assemble(typeset.parts, typeset.numbers)
        archive_pdf = (
            assemble(typeset.parts, typeset.numbers, archive=True) if setting.archive else None
        )
    return Rendered(
        html=render_html(report, setting.templates_dir, setting.draft),
        pdf=pdf,
        page_count=typeset.page_count,
        archive_pdf=archive_pdf,
    )


def start_typesetting(report: Report, setting: Typesetting) -> None:
    """Only start the parts, for a build that will ask for them (nothing waited for)."""
    start_parts(report, setting)


@dataclass(frozen=True)
class RenderOutcome:
    rendered: Rendered
    checked: list[Checked]  # with any submission that could not be typeset now rejected


def typeset_resilient(
    checked: list[Checked],
    compose: Callable[[list[Checked]], Report],
    setting: Typesetting,
    report: Report | None = None,
) -> RenderOutcome:
    """Typeset the report; if a chapter cannot be typeset, typeset each of its submissions
    alone to find the ones that fail, reject them with the reason, and typeset the rest. A
    failing front or back part makes every submission a suspect.

    ``compose(checked) -> Report`` is the flow's merge; ``report`` is its result for
    ``checked`` when the caller has it already."""
    try:
        return RenderOutcome(typeset(report or compose(checked), setting), checked)
    except PartsFailed as failed:
        goals = failed.goals()
        suspects = [
            item
            for item in checked
            if item.accepted and (goals is None or item.submission.goal in goals)
        ]
        failures = find_culprits(suspects, compose, setting, whole=goals is None)
        if not failures:
            raise RenderError(f"rapporten kunde inte typsättas: {failed}") from None
    checked = reject(checked, failures)
    return RenderOutcome(typeset(compose(checked), setting), checked)
