"""Where people open what a build published: under a configured public URL, else a file URL."""

import os
from pathlib import Path

PUBLIC_URL = "AGENDA2030_PUBLIC_URL"  # the outputs folder as served, e.g. https://intra.se/a2030
GUIDE_URL = "AGENDA2030_GUIDE_URL"  # the department guide (docs/lamna-bidrag.md) as published
DEFAULT_GUIDE = "docs/lamna-bidrag.md i projektets mapp"


def published_url(output_dir: Path, outputs: Path, name: str) -> str:
    """The URL of ``name`` inside ``output_dir`` (outputs/<year> or outputs/<folder>/<year>)."""
    base = os.environ.get(PUBLIC_URL, "").rstrip("/")
    if base:
        relative = output_dir.resolve().relative_to(outputs.resolve())
        return f"{base}/{relative.as_posix()}/{name}"
    return (output_dir / name).resolve().as_uri()


def guide_url() -> str:
    return os.environ.get(GUIDE_URL) or DEFAULT_GUIDE
