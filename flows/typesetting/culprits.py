"""Which submission cannot be typeset: each suspect typeset alone, with the same part
typesetter under the same isolation as the build, so the rest of the report is published."""

from collections.abc import Callable

from flows.typesetting.isolation import run_isolated
from flows.typesetting.part import PartJob, RenderError, TypesetPart, typeset_part
from flows.typesetting.parts import FRONT, PartJobs, Typesetting, body_parts, chapter_part
from flows.validate import Checked
from schemas import Problem, Report
from schemas.messages import PROJECT_MESSAGES

# Typesetting one submission alone is small work: it gets less time than a whole report.
CULPRIT_TIMEOUT_S = 60.0


def find_culprits(
    suspects: list[Checked],
    compose: Callable[[list[Checked]], Report],
    setting: Typesetting,
    whole: bool,
) -> dict[str, str]:
    """file -> reason, for each accepted suspect that cannot be typeset even alone.

    ``compose`` makes the report of the given submissions (the flow's merge). Only the
    suspect's chapter is typeset, unless ``whole``: the front or back matter failed, which
    any submission may have caused."""
    failures = {}
    for item in suspects:
        if not item.accepted:
            continue
        report = compose([item])
        jobs = PartJobs(report, setting)
        names = [FRONT, *body_parts(report)] if whole else [chapter_part(item.submission.goal)]
        try:
            run_isolated(typeset_parts, [jobs.part(name) for name in names], CULPRIT_TIMEOUT_S)
        except RenderError as error:
            failures[item.file] = str(error)
    return failures


def typeset_parts(jobs: list[PartJob]) -> list[TypesetPart]:
    """Several parts one after the other, in one (isolated) process."""
    return [typeset_part(job) for job in jobs]


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
