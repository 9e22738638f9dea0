"""Stage 5: write the outputs of one build atomically into outputs/<year>/."""

import fcntl
import hashlib
import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from flows.gather import DroppedFile

PACKAGES = (
    "weasyprint",
    "prefect",
    "pydantic",
    "jinja2",
    "markdown-it-py",
    "pyyaml",
    "font-source-sans-pro",
    "font-source-serif-pro",
    "agenda2030-rapport",
)


@dataclass(frozen=True)
class OutputNames:
    """File names inside outputs/<year>/."""

    year: int
    draft: bool = False

    @property
    def stem(self) -> str:
        return f"agenda2030-{self.year}" + ("-utkast" if self.draft else "")

    @property
    def pdf(self) -> str:
        return f"{self.stem}.pdf"

    @property
    def archive_pdf(self) -> str:
        return f"{self.stem}-arkiv.pdf"

    @property
    def html(self) -> str:
        return f"{self.stem}.html"

    receipt = "validering.json"
    manifest = "manifest.json"


def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync, rename over it, fsync the folder:
    readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o644)  # mkstemp makes it private; outputs are for sharing
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def manifest(
    files: list[DroppedFile],
    edition_config: bytes,
    page_count: int,
    pdf: bytes,
    timings: dict[str, float],
) -> dict[str, Any]:
    return {
        "inputs": [
            {
                "path": "rapport.yaml",
                "sha256": hashlib.sha256(edition_config).hexdigest(),
                "size": len(edition_config),
            }
        ]
        + [
            {
                "path": f.relative,
                "sha256": f.sha256 or None,
                "size": f.size,
                "disposition": f.disposition.value,
            }
            for f in files
        ],
        "versions": {name: version(name) for name in PACKAGES},
        "pdf": {"sha256": hashlib.sha256(pdf).hexdigest(), "size": len(pdf), "pages": page_count},
        "timings_s": {stage: round(seconds, 3) for stage, seconds in timings.items()},
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    write_atomically(path, text.encode())


def write_pages(folder: Path, pages: dict[str, str]) -> None:
    for relative, html in pages.items():
        write_atomically(folder / relative, html.encode())


LOCK_NAME = ".bygge.lock"


@contextmanager
def edition_lock(folder: Path, wait_s: float = 1800):
    """Hold the edition's output folder alone for one build; another build waits (and says so).

    Also clears temporary files a killed build left, which only the lock holder may do.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "w") as handle:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BuildLocked(
                        f"ett annat bygge av {folder.name} har pågått i mer än {wait_s:g} sekunder"
                    ) from None
                if not told:
                    # Straight to stderr: inside a flow, print() becomes an INFO log record.
                    sys.stderr.write(
                        f"Väntar på att ett annat bygge av {folder.name} blir klart …\n"
                    )
                    told = True
                time.sleep(0.5)
        try:
            for stale in folder.rglob(".*.tmp"):
                stale.unlink(missing_ok=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class BuildLocked(RuntimeError):
    """Another build of the same edition held the lock for too long."""


def keep_earlier(path: Path, new: bytes) -> Path | None:
    """Before ``path`` is replaced by different bytes, copy the earlier file to
    arkiv/<its sha256, first 12 hex>/, so no published PDF is ever lost."""
    if not path.is_file():
        return None
    old = path.read_bytes()
    if old == new:
        return None
    kept = path.parent / "arkiv" / hashlib.sha256(old).hexdigest()[:12] / path.name
    if not kept.exists():
        write_atomically(kept, old)
    return kept
