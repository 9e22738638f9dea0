"""Typeset parts kept on disk, keyed by everything that goes into them.

The key is the part's digest (its HTML, options and embedded images) plus the renderer's
fingerprint (the versions of the WeasyPrint stack and of the font packages, and this project's
typesetting code). Files the
render read (stylesheets, fonts, pictures) are recorded with their sha256 when the part is
made and checked again on every lookup, so a changed picture is a miss, never a stale page.
"""

import hashlib
import json
import os
import pickle
import time
from functools import cache
from importlib.metadata import version
from pathlib import Path

from flows.publish import write_atomically
from flows.typesetting.part import PartJob, TypesetPart

MAX_ENTRIES = 400  # oldest-used entries beyond this are removed after a build


@cache
def fingerprint() -> str:
    hasher = hashlib.sha256()
    packages = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5")
    for package in (*packages, "font-source-sans-pro", "font-source-serif-pro"):
        hasher.update(f"{package}={version(package)}\n".encode())
    for module in ("part.py", "fetcher.py"):  # what makes a part's PDF from its HTML
        hasher.update((Path(__file__).parent / module).read_bytes())
    return hasher.hexdigest()[:16]


class PartCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, job: PartJob) -> Path:
        key = hashlib.sha256(f"{fingerprint()}:{job.digest()}".encode()).hexdigest()
        return self.folder / f"{key}.pickle"

    @staticmethod
    def load(path: Path) -> TypesetPart | None:
        try:
            return pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
            return None  # gone, half-written by a crashed build, or from older code

    def get(self, job: PartJob) -> TypesetPart | None:
        path = self.path(job)
        part = self.load(path)
        if part is None:
            return None
        if not is_fresh(part, job):
            return None
        os.utime(path)  # recently used: kept by prune()
        return part

    def put(self, job: PartJob, part: TypesetPart) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path(job), pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))

    def last_pages(self, variant: str) -> dict[str, int] | None:
        """The page numbers the last build of this variant ended with (a guess for the next)."""
        try:
            pages = json.loads((self.folder / f"sidor-{variant}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(pages, dict) or not all(
            isinstance(k, str) and type(v) is int for k, v in pages.items()
        ):
            return None
        return pages

    def remember_pages(self, variant: str, pages: dict[str, int]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(self.folder / f"sidor-{variant}.json", json.dumps(pages).encode())
        except OSError:
            pass  # only a guess is lost

    def prune(self, keep: int = MAX_ENTRIES) -> None:
        try:
            entries = sorted(self.folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return
        for path in entries[: max(0, len(entries) - keep)]:
            path.unlink(missing_ok=True)


def is_fresh(part: TypesetPart, job: PartJob) -> bool:
    """Every file the part was made from still has the content it had then."""
    allowed = job.allowed_files()
    for url, digest in part.dependencies.items():
        try:
            path = allowed.resolve(url)
            if path in allowed.in_memory:
                current = _digest(allowed.in_memory[path])
            else:
                current = _file_digest(path)
        except OSError:
            return False
        if current != digest:
            return False
    return True


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


_FILE_DIGESTS: dict[tuple[Path, int, int], str] = {}


def _file_digest(path: Path) -> str:
    """sha256 of a file, remembered by path, size and mtime: every part reads the fonts.
    A file written in the last two seconds is read again: its mtime may not have moved yet."""
    stat = path.stat()
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _FILE_DIGESTS or time.time() - stat.st_mtime < 2:
        _FILE_DIGESTS[key] = _digest(path.read_bytes())
    return _FILE_DIGESTS[key]
