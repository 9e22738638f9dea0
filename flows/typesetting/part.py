"""Typeset one part of the report (flows/typesetting/parts.py) in a worker process.

A part is a whole HTML document holding the front matter, one goal chapter or the back matter.
It is written the way assembly (assemble.py) wants it: fonts embedded whole, so every
part carries byte-identical font files that assembly keeps once and no part pays for font
subsetting (fontTools, about 1 s a part here); streams uncompressed, so assembly compresses
each stream once; and links to anchors in other parts kept, pointing at named destinations
that assembly resolves.

Whole fonts come from skipping WeasyPrint's subsetting step, not from its ``full_fonts``
option: that option writes the text map (ToUnicode) from the font's cmap, which has no entry
for ligature glyphs, so "Syftet" would be read out as "SyƠet". Skipping the step keeps the
map of the glyphs actually used. WeasyPrint is pinned to 70.x (pyproject.toml) for this.
"""

import hashlib
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flows.render.fonts import font_dirs
from flows.typesetting.fetcher import AllowedFiles, folder_fetcher

logger = logging.getLogger(__name__)
PDF_SCALE = 0.75  # CSS px -> PDF points, as WeasyPrint writes them
# The default document is PDF/UA-1: tagged, with language, title and embedded fonts.
ACCESSIBLE_VARIANT = "pdf/ua-1"
ARCHIVE_VARIANT = "pdf/a-3a"


class RenderError(Exception):
    """The renderer failed or reported an error; nothing may be published from it."""


@dataclass(frozen=True)
class Rendered:
    """The assembled report: the HTML it was made from, the PDF, and its archive copy."""

    html: str
    pdf: bytes
    page_count: int
    archive_pdf: bytes | None = None


@dataclass(frozen=True)
class PartJob:
    """Everything a worker needs to typeset one part."""

    name: str  # "fram", "mal-<n>", "bak", or "sidnummer" (the page numbers, see assemble.py)
    html: str
    edition_dir: Path
    templates_dir: Path
    archive: bool = False  # also write the part as PDF/A-3a
    tagged: bool = True  # the page-number layer is untagged: it is stamped as an artifact
    embedded: dict[str, bytes] = field(default_factory=dict)  # pictures, by edition path

    def allowed_files(self) -> AllowedFiles:
        """The templates and fonts from disk; of the edition, only the pictures of the build's
        snapshot (``embedded``), so what is typeset is what was hashed, and nothing dropped
        later, swapped meanwhile or lying outside is ever read."""
        in_memory = {self.edition_dir / name: data for name, data in self.embedded.items()}
        return AllowedFiles([self.templates_dir, *font_dirs()], in_memory)

    def digest(self) -> str:
        """What the part is made of, besides the files it reads (those are checked apart)."""
        hasher = hashlib.sha256()
        for value in (self.name, self.html, self.archive, self.tagged):
            hasher.update(repr(value).encode() + b"\0")
        for name in sorted(self.embedded):
            hasher.update(name.encode() + hashlib.sha256(self.embedded[name]).digest())
        return hasher.hexdigest()


@dataclass(frozen=True)
class TypesetPart:
    name: str
    pdf: bytes
    archive_pdf: bytes | None
    page_count: int
    # WeasyPrint's bookmark tree, positions in PDF points: (label, (page, x, y), children, state)
    bookmarks: list
    anchors: dict[str, int]  # anchor -> page (0-based, within the part)
    placeholders: tuple[str, ...]  # anchors in other parts that this part links to
    dependencies: dict[str, str]  # url -> sha256 of every file the render read


def typeset_part(job: PartJob) -> TypesetPart:
    """One part typeset. Whatever WeasyPrint raises becomes a RenderError in Swedish, so the
    culprit search can reject the submission behind it; the detail goes to the log."""
    try:
        return _typeset_part(job)
    except (RenderError, MemoryError, RecursionError):
        raise  # said already, or mapped to a limit by the process that runs us
    except Exception:  # noqa: BLE001  (WeasyPrint's own errors on odd documents)
        logger.exception("WeasyPrint failed on part %s", job.name)
        raise RenderError("texten kunde inte typsättas (ett internt fel i typsättningen)") from None


def _typeset_part(job: PartJob) -> TypesetPart:
    # The clock never reaches the bytes: the PDF's dates come from the HTML's dcterms meta
    # (the edition's date), and fonts are embedded whole, so fontTools stamps no subset.
    import weasyprint  # in the workers only

    from flows.typesetting.tagging import made_explicit

    fetcher = folder_fetcher(job.allowed_files())
    options = {"uncompressed_pdf": True, "pdf_identifier": b"0" * 32}
    with weasyprint_errors() as errors, _whole_fonts():
        try:
            document = weasyprint.HTML(
                string=job.html,
                base_url=job.edition_dir.resolve().as_uri() + "/",
                url_fetcher=fetcher,
            ).render(font_config=_font_config())
            placeholders = keep_links_to_other_parts(document)
            variant = {"pdf_variant": ACCESSIBLE_VARIANT} if job.tagged else {"pdf_tags": False}
            pdf = made_explicit(document.write_pdf(**variant, **options))
            archive_pdf = (
                made_explicit(document.write_pdf(pdf_variant=ARCHIVE_VARIANT, **options))
                if job.archive
                else None
            )
        except weasyprint.urls.FatalURLFetchingError as error:
            cause = error.__cause__ or error
            raise RenderError(f"en resurs kunde inte hämtas: {cause}") from None
    if errors:
        logger.error("WeasyPrint reported errors on part %s: %s", job.name, "; ".join(errors))
        raise RenderError("typsättningen rapporterade fel; kontrollera bilder, tabeller och länkar")
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor not in placeholders:
                anchors.setdefault(anchor, number)
    return TypesetPart(
        name=job.name,
        pdf=pdf,
        archive_pdf=archive_pdf,
        page_count=len(document.pages),
        bookmarks=document.make_bookmark_tree(PDF_SCALE, transform_pages=True),
        anchors=anchors,
        placeholders=placeholders,
        dependencies=dict(fetcher.fetched),
    )


_FONT_CONFIG = None


def warm_up() -> None:
    """Load WeasyPrint and the font configuration before the first part arrives."""
    _font_config()


def _font_config():
    """One font configuration per worker: the report's fonts are loaded for its first part
    only (a sixth of a chapter's typesetting time). Fonts are therefore not among a part's
    recorded files; the font packages' versions are in the part cache's key instead."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


@contextmanager
def _whole_fonts():
    """Fonts embedded whole: WeasyPrint's subsetting step does nothing meanwhile."""
    import weasyprint.pdf.fonts

    font_class = weasyprint.pdf.fonts.Font
    subset = font_class.subset
    font_class.subset = lambda self, to_unicode, hinting: None
    try:
        yield
    finally:
        font_class.subset = subset


def keep_links_to_other_parts(document) -> tuple[str, ...]:
    """Give every internal link whose anchor lies in another part a stand-in anchor here, so
    WeasyPrint keeps the link (and its tag) instead of dropping it with an error. The link
    names its destination; assembly points that name at the real place, or fails if no part
    has it."""
    present = {anchor for page in document.pages for anchor in page.anchors}
    wanted = {
        target for page in document.pages for kind, target, _, _ in page.links if kind == "internal"
    }
    missing = tuple(sorted(wanted - present))
    for anchor in missing:
        document.pages[0].anchors[anchor] = (0, 0, 0, 0)
    return missing


class _NoSubsetterNagging(logging.Filter):
    """WeasyPrint warns on every font that it subsets with fontTools because the system lacks
    libharfbuzz-subset; the output is correct, so the warning only buries real ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "HarfBuzz-Subset" not in record.getMessage()


@contextmanager
def weasyprint_errors():
    """Collect WeasyPrint's ERROR records while it typesets: a silent omission is an error."""
    errors: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    handler, quiet = Collector(level=logging.ERROR), _NoSubsetterNagging()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    logger.addFilter(quiet)
    try:
        yield errors
    finally:
        logger.removeHandler(handler)
        logger.removeFilter(quiet)
