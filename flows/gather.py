"""Stage 1: find what departments dropped, hash it, and account for every file."""

import hashlib
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from flows.limits import MAX_FILE_BYTES

SUBMISSION_SUFFIXES = frozenset({".md", ".markdown", ".yaml", ".yml"})
ASSET_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})


class Disposition(StrEnum):
    SUBMISSION = "bidrag"
    ASSET = "bilaga"
    IGNORED = "ignorerad"
    PENDING = "väntar"


@dataclass(frozen=True)
class DroppedFile:
    """One file as it was when gathered. ``content`` is the snapshot the pipeline reads."""

    relative: str  # 'kommunledningskontoret/mal-17.md', '/' separated, relative to the edition
    folder: str  # the department folder it lies in
    size: int
    sha256: str
    disposition: Disposition
    content: bytes = b""

    @property
    def name(self) -> str:
        return self.relative.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


def is_ignored(name: str) -> bool:
    """Office lock files, editor back-ups, temporary and hidden files."""
    lowered = name.lower()
    return (
        name.startswith(("~$", ".~lock", "."))
        or lowered.endswith(("~", ".tmp", ".temp", ".part", ".crdownload", ".swp"))
        or lowered in {"thumbs.db", "desktop.ini"}
    )


def gather(
    edition_dir: Path, settle_seconds: float = 0.0, now: float | None = None
) -> list[DroppedFile]:
    """Every file in the department folders, sorted by path; the folder itself is only read.

    A file modified less than ``settle_seconds`` ago may still be being copied: it is
    reported as pending and not read.
    """
    now = time.time() if now is None else now
    files = []
    for path in sorted(p for p in edition_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(edition_dir)
        if len(relative.parts) == 1:
            continue  # rapport.yaml and other edition-level files are not submissions
        files.append(_snapshot(path, relative, settle_seconds, now))
    return files


def _snapshot(path: Path, relative: Path, settle_seconds: float, now: float) -> DroppedFile:
    stat = path.stat()
    common = {"relative": relative.as_posix(), "folder": relative.parts[0], "size": stat.st_size}
    if any(is_ignored(part) for part in relative.parts):
        return DroppedFile(**common, sha256="", disposition=Disposition.IGNORED)
    if now - stat.st_mtime < settle_seconds:
        return DroppedFile(**common, sha256="", disposition=Disposition.PENDING)
    if stat.st_size > MAX_FILE_BYTES:
        # Not read: validation rejects it by its size alone.
        return DroppedFile(**common, sha256="", disposition=Disposition.SUBMISSION)
    content = path.read_bytes()
    disposition = (
        Disposition.ASSET if path.suffix.lower() in ASSET_SUFFIXES else Disposition.SUBMISSION
    )
    return DroppedFile(
        relative=common["relative"],
        folder=common["folder"],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        disposition=disposition,
        content=content,
    )


def asset_files(files: list[DroppedFile]) -> dict[str, bytes]:
    """The images departments dropped, by relative path, for submissions to refer to."""
    return {f.relative: f.content for f in files if f.disposition is Disposition.ASSET}
