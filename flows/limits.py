"""Limits that keep one submission from exhausting or crashing the build, checked before
rendering: file size, text length, Markdown nesting, and images decoded and measured."""

import io
import os
import warnings

from markdown_it import MarkdownIt
from PIL import Image

MAX_FILE_BYTES = 25 * 1024 * 1024  # any dropped file; larger ones are not even read
MAX_TEXT_CHARS = 200_000  # about 60 pages of prose in one submission
# Lists and quotes inside each other, as a person counts them. The Markdown parser flattens
# what lies deeper than about ten into plain text, so deeper would silently lose structure.
MAX_NESTING = 8
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel photo; decompression bombs are far larger
IMAGE_FORMATS = {"PNG": "PNG", "JPEG": "JPEG"}

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


_NESTING_OPENERS = frozenset({"bullet_list_open", "ordered_list_open", "blockquote_open"})


def nesting_depth(text: str) -> int:
    """How many lists and quotes stand inside each other at the deepest, as a person counts
    them: a list in a list is two levels (markdown-it's token level also counts each item and
    paragraph, which made a six-level list read as 13)."""
    depth = deepest = 0
    for token in _markdown.parse(text):
        if token.type in _NESTING_OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type.removesuffix("_close") + "_open" in _NESTING_OPENERS:
            depth -= 1
    return deepest


def image_problem(content: bytes) -> tuple[str, dict] | None:
    """Why an image cannot go into the report, as (error code, context), or None if it can.

    The header is read first, so a decompression bomb is refused by its declared size
    before any pixels are decoded; then the whole image is decoded to catch broken files.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format not in IMAGE_FORMATS:
                    return "image_format", {"format": image.format or "okänt"}
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return "image_too_large", {"width": width, "height": height}
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "image_too_large", {"width": "?", "height": "?"}
    except Exception:  # Pillow raises many kinds for a file that is not an image
        return "image_broken", {}
    return None


# Limits of one typesetting process; the environment may raise them for very large editions.
def render_timeout_s() -> float:
    """Seconds all the parts of one report may take together."""
    return float(os.environ.get("AGENDA2030_RENDER_TIMEOUT_S", 600))


def render_memory_mb() -> int:
    """Address space of one typesetting process."""
    return int(os.environ.get("AGENDA2030_RENDER_MEMORY_MB", 4096))
