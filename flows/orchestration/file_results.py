"""What a file's check depends on, by content, and where each file's result is kept: the keys
and the per-file store of flows/orchestration/caching.py, without Prefect, so the command's
typeset-ahead pass reads the same results the flow's tasks keep.

A file's path is never the key on its own: Prefect hashes a ``Path`` by its text, so a cache
keyed on it returns the old result after the file changes. A file's key is made of the bytes'
sha256, the file's place in the edition (the name appears in every message, and the folder
decides the department), the edition config, the images the file may refer to, and the source
of the code that reads and validates.
"""

import contextlib
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from flows.gather import DroppedFile
from flows.validate import Checked, validate_file
from schemas import Edition

CACHE_FOLDER = ".prefect-cache"  # under the outputs folder, beside the editions
PER_FILE_FOLDER = "filer"  # in it: each file's own result, by its content key
# Results kept: a few editions' files many times over; an evicted one is only read again.
MAX_FILE_RESULTS = 5000

# The readers, validation and models live in these packages; a change to any of their sources
# can change a result, so it changes every key. Coarse on purpose: a stale cache is worse than a
# cold one.
_CODE_PACKAGES = ("flows", "schemas")
# Libraries whose behaviour decides what a file reads as.
_LIBRARIES = (
    "pydantic",
    "pydantic-core",
    "markdown-it-py",
    "pyyaml",
    "python-docx",
    "openpyxl",
    "defusedxml",
    "pillow",
)


@cache
def code_fingerprint() -> str:
    """sha256 over the project's reading and validation code and the libraries' versions."""
    digest = hashlib.sha256()
    for package in _CODE_PACKAGES:
        root = Path(__import__(package).__file__).parent
        for source in sorted(root.rglob("*.py")):
            digest.update(source.relative_to(root.parent).as_posix().encode() + b"\0")
            digest.update(source.read_bytes() + b"\0")
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}=={version(library)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{library} absent\0".encode())
    return digest.hexdigest()


def edition_digest(edition: Edition) -> str:
    """sha256 of the edition config as validated: departments, goals, vision goals, dates."""
    return hashlib.sha256(edition.model_dump_json(by_alias=True).encode()).hexdigest()


def submission_key(dropped: DroppedFile, edition: Edition, assets: Mapping[str, bytes]) -> str:
    """The content key of one file's read-and-validate result (without the task's source)."""
    parts = {
        "sha256": hashlib.sha256(dropped.content).hexdigest(),
        "size": dropped.size,  # a file too large to read has no content, only its size
        "file": dropped.relative,
        "folder": dropped.folder,
        "edition": edition_digest(edition),
        "assets": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(assets.items())},
        "code": code_fingerprint(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


class FileResults:
    """One file's read-and-validate result by its content key, kept as a pickle in a folder.

    A result that cannot be read (a half-written or foreign file) is a miss; one that cannot
    be written only costs time next build. Entries are written to a temporary name and renamed,
    so a reader never sees half of one. A result read is marked as used, and prune() keeps the
    most recently used, so a collection period of saves does not fill the disk."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str) -> Any | None:
        path = self.folder / key
        try:
            with path.open("rb") as file:
                value = pickle.load(file)  # noqa: S301 (our own results, in our own folder)
            os.utime(path)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        return value

    def prune(self, keep: int = MAX_FILE_RESULTS) -> None:
        """Remove all but the ``keep`` most recently used results."""
        try:
            entries = [entry for entry in os.scandir(self.folder) if entry.is_file()]
            entries.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        except OSError:
            return
        for entry in entries[keep:]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)

    def put(self, key: str, value: Any) -> None:
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".")
            try:
                with os.fdopen(descriptor, "wb") as file:
                    pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.folder / key)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise


def assets_of_folder(assets: Mapping[str, bytes], folder: str) -> dict[str, bytes]:
    """The images a file in ``folder`` may refer to: only those in its own department folder
    (an image outside it is rejected, and Word images are named inside it)."""
    return {name: data for name, data in assets.items() if name.startswith(folder + "/")}


def earlier_check(
    store: FileResults, dropped: DroppedFile, edition: Edition, assets: Mapping[str, bytes]
) -> tuple[str, Checked | None]:
    """The file's content key, and the check an earlier build kept under it (or None)."""
    key = submission_key(dropped, edition, assets)
    earlier = store.get(key)
    return key, earlier if isinstance(earlier, Checked) else None


def checked_as_kept(
    files: list[DroppedFile], edition: Edition, assets: Mapping[str, bytes], outputs: Path
) -> list[Checked]:
    """Each file's check as an earlier build kept it, or made now (and not kept: only the
    flow's tasks write the store, so its receipt never calls a file read now 'from before')."""
    store = FileResults(outputs / CACHE_FOLDER / PER_FILE_FOLDER)
    checked = []
    for dropped in files:
        folder_assets = assets_of_folder(assets, dropped.folder)
        _, earlier = earlier_check(store, dropped, edition, folder_assets)
        checked.append(earlier or validate_file(dropped, edition, folder_assets))
    return checked
