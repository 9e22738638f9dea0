"""Typesetting small documents in tests: one part, a one-submission report, and a reference
render of a whole document with WeasyPrint alone (what the bench's reference does)."""

from pathlib import Path

from flows.merge import merge
from flows.settings import TEMPLATES_DIR
from flows.typesetting.fetcher import folder_fetcher
from flows.typesetting.part import ACCESSIBLE_VARIANT, PartJob, TypesetPart, typeset_part
from flows.validate import Checked
from schemas import Edition, Report, Submission


def typeset_html(html: str, edition_dir: Path, archive: bool = False) -> TypesetPart:
    """``html`` typeset as one part, with the edition folder as its base, in this process."""
    return typeset_part(PartJob("prov", html, edition_dir, TEMPLATES_DIR, archive=archive))


def small_report(edition: Edition, text: str, goal: int = 5) -> Report:
    """A report with one section by kommunledningskontoret, written ``text``."""
    data = {"förvaltning": "kommunledningskontoret", "mål": goal, "rubrik": "Prov", "text": text}
    checked = Checked(
        "kommunledningskontoret/prov.md",
        "kommunledningskontoret",
        "",
        Submission.model_validate(data),
    )
    return merge(edition, [checked])


def single_document_pdf(html: str, edition_dir: Path, pictures: dict[str, bytes]) -> bytes:
    """The whole HTML typeset as one document by WeasyPrint, with the product's fetcher and
    nothing else of ours: the reference that the assembled parts must equal."""
    import weasyprint

    job = PartJob("hela", html, edition_dir, TEMPLATES_DIR, embedded=pictures)
    return weasyprint.HTML(
        string=html,
        base_url=edition_dir.resolve().as_uri() + "/",
        url_fetcher=folder_fetcher(job.allowed_files()),
    ).write_pdf(pdf_variant=ACCESSIBLE_VARIANT)
