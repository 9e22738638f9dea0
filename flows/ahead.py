"""Typesetting ahead: while a build command waits for Prefect, read the drop folder with the
plain stage functions and typeset the report's parts into the part cache.

Nothing is published from here and nothing is written but the cache. The flow then validates
the files as its tasks and asks for the parts it needs; a part typeset ahead from the same
HTML, options and files is found running or in the cache, anything else is typeset anew. So
the work overlaps Prefect's start-up without deciding anything the flow would not.
"""

from flows.edition import load_edition
from flows.gather import gather
from flows.isolation import RENDER_TIMEOUT_S
from flows.merge import merge
from flows.part_cache import PartCache
from flows.parts import Typesetting, typeset_report
from flows.settings import TEMPLATES_DIR, Paths
from flows.validate import validate_all
from flows.workers import shared_renderer


def typeset_ahead(paths: Paths, settle_seconds: float, draft: bool, archive: bool) -> None:
    try:
        edition = load_edition(paths.edition_config)
        checked = validate_all(gather(paths.edition_dir, settle_seconds=settle_seconds), edition)
        setting = Typesetting(
            paths.edition_dir,
            TEMPLATES_DIR,
            draft,
            archive,
            shared_renderer(),
            PartCache(paths.parts_cache),
            RENDER_TIMEOUT_S,
        )
        typeset_report(merge(edition, checked), checked, setting)
    except Exception:  # noqa: BLE001  (only ever an optimisation)
        pass  # the flow meets the same problem and reports it where people read it
