"""Stage 5: publish one build into outputs/<year>/, all of it or nothing of it.

A build's outputs belong together: the manifest names the inputs and the PDF's sha256, the
receipt names the same inputs and says whether the build published. Written one by one into the
live folder, a build killed between two writes would leave a new receipt beside the previous PDF.
So `publish` makes the complete new year folder beside the live one (outputs/.<year>.neu-…/),
hard-links into it what it keeps of the current folder (arkiv/, the other variant's PDF), syncs
it to disk and exchanges the two folders in one step (renameat2 with RENAME_EXCHANGE). A reader,
and a build killed at any moment, sees the previous folder or the new one, never a mix.

Where the C library or the file system cannot exchange, two renames do it, through a folder
marked complete (outputs/.<year>.klar); a build killed between them leaves that folder, and the
next build finishes the swap (`recover`) before it does anything else. The edition's lock lives
beside the year folder (outputs/.<year>.lock), since a lock inside it would be swapped away.
"""

import ctypes
import errno
import fcntl
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
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
    _sync_folder(path.parent)


def manifest_inputs(files: list[DroppedFile], edition_config: bytes) -> list[dict[str, Any]]:
    """Every input of the build, from the one snapshot: rapport.yaml as the build read it, and
    every dropped file with what became of it."""
    return [
        {
            "path": "rapport.yaml",
            "sha256": hashlib.sha256(edition_config).hexdigest(),
            "size": len(edition_config),
        }
    ] + [
        {
            "path": f.relative,
            "sha256": f.sha256 or None,
            "size": f.size,
            "disposition": f.disposition.value,
        }
        for f in files
    ]


def inputs_digest(inputs: list[dict[str, Any]]) -> str:
    """One sha256 naming a build's inputs; the manifest and the receipt both carry it, so a
    reader can tell whether they describe the same build."""
    lines = sorted(f"{i['sha256'] or ''} {i['size']} {i['path']}" for i in inputs)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def manifest(
    inputs: list[dict[str, Any]],
    pdfs: dict[str, bytes],
    page_count: int,
    timings: dict[str, float],
) -> dict[str, Any]:
    """The manifest of a published build; ``pdfs`` maps file names to bytes, the report first
    and its archive copy (if made) second."""

    def entry(name: str, content: bytes) -> dict[str, Any]:
        return {
            "file": name,
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
            "pages": page_count,
        }

    (pdf, *archive) = [entry(name, content) for name, content in pdfs.items()]
    return {
        "inputs": inputs,
        "inputs_sha256": inputs_digest(inputs),
        "versions": {name: version(name) for name in PACKAGES},
        "pdf": pdf,
        **({"archive_pdf": archive[0]} if archive else {}),
        "timings_s": {stage: round(seconds, 3) for stage, seconds in timings.items()},
    }


def json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode()


LEGACY_LOCK = ".bygge.lock"  # where the lock lived inside the year folder; never carried over


def lock_file(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


def staging_prefix(out: Path) -> str:
    return f".{out.name}.neu-"


def ready_folder(out: Path) -> Path:
    """A complete new year folder waiting for the second of two renames."""
    return out.parent / f".{out.name}.klar"


def old_folder(out: Path) -> Path:
    """The previous year folder between the two renames, until it is removed."""
    return out.parent / f".{out.name}.gammal"


def publish(out: Path, files: dict[str, bytes], pdfs: Iterable[str] = ()) -> None:
    """Make the year folder ``out`` hold ``files`` (relative path: bytes) and what of the
    current folder this build does not replace, all in one step.

    Replaced are the top-level names of ``files`` (so validering/ comes whole from this build,
    and the page of a department no longer in the edition goes) and the names in ``pdfs``. A PDF
    named in ``pdfs`` that the current folder holds with other bytes, or that this build does
    not make again, is kept in arkiv/<sha256, first 12 hex>/ first, so no published PDF is lost.
    Only the holder of the edition's lock may call it.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=staging_prefix(out)))
    try:
        os.chmod(staging, 0o755)  # mkdtemp makes it private; outputs are for sharing
        pdfs = tuple(pdfs)
        replaced = {Path(relative).parts[0] for relative in files} | set(pdfs)
        if out.is_dir():
            for current in out.iterdir():
                if current.name not in replaced | {LEGACY_LOCK} and not _temporary(current):
                    _carry(current, staging / current.name)
            for name in pdfs:
                keep_earlier(out / name, files.get(name), staging)
        for relative, content in files.items():
            _write_new(staging / relative, content)
        for folder, _, _ in os.walk(staging):
            _sync_folder(Path(folder))
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after a swap: the previous folder


def keep_earlier(current: Path, new: bytes | None, staging: Path) -> Path | None:
    """Before the published ``current`` gives way to different bytes (or to none), hard-link it
    into the new folder as arkiv/<its sha256, first 12 hex>/<name>; returns that path."""
    if not current.is_file():
        return None
    digest = hashlib.sha256()
    with open(current, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    old = digest.hexdigest()
    if new is not None and hashlib.sha256(new).hexdigest() == old:
        return None
    kept = staging / "arkiv" / old[:12] / current.name
    if not kept.exists():
        kept.parent.mkdir(parents=True, exist_ok=True)
        _link(current, kept)
    return kept


def recover(out: Path) -> None:
    """Tidy what a killed build left beside and in the year folder: finish a two-rename swap
    it began, remove its staging folder and its temporary files. Only the lock holder may."""
    _finish_swap(out)
    for stale in out.parent.glob(staging_prefix(out) + "*"):
        shutil.rmtree(stale, ignore_errors=True)
    if out.is_dir():
        for stale in out.rglob(".*.tmp"):  # write_atomically's, e.g. of `agenda2030 status`
            stale.unlink(missing_ok=True)


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():  # the first build of the edition
        os.rename(staging, out)
    elif not exchange(staging, out):
        os.rename(staging, ready_folder(out))
        _finish_swap(out)
    _sync_folder(out.parent)


def _finish_swap(out: Path) -> None:
    """The two renames of a swap without exchange, from wherever a killed build stopped."""
    ready, old = ready_folder(out), old_folder(out)
    if ready.is_dir():
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.rename(out, old)
        os.rename(ready, out)
        _sync_folder(out.parent)
    shutil.rmtree(old, ignore_errors=True)


RENAME_EXCHANGE, AT_FDCWD = 2, -100
CANNOT_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP}


@functools.cache
def _renameat2():
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
        function.argtypes += [ctypes.c_uint]
        function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the C library (glibc < 2.28, musl) or the file
    system cannot, and the caller must do it another way."""
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in CANNOT_EXCHANGE:
        return False
    raise OSError(error, os.strerror(error), str(first), None, str(second))


def _temporary(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".tmp")


def _carry(source: Path, target: Path) -> None:
    """Hard-link a file, or a folder's files, of the current folder into the new one: no copy,
    and what stays published is the very bytes that were."""
    if source.is_dir() and not source.is_symlink():
        target.mkdir()
        for child in source.iterdir():
            if not _temporary(child):
                _carry(child, target / child.name)
    else:
        _link(source, target)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as error:  # a file system without hard links (some network shares)
        if error.errno not in {errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EMLINK}:
            raise
        _write_new(target, source.read_bytes())


def _write_new(path: Path, content: bytes) -> None:
    """Write a file that does not exist yet in the staging folder, and fsync it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    os.fchmod(handle, 0o644)
    with os.fdopen(handle, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


@contextmanager
def edition_lock(out: Path, wait_s: float = 1800):
    """Hold the edition's year folder ``out`` alone for one build; another build waits (and
    says so). The lock file is outputs/.<year>.lock, beside the folder a publish swaps.

    Also tidies what a killed build left (`recover`), which only the lock holder may do.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file(out), "w") as handle:
        deadline = time.monotonic() + wait_s
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BuildLocked(
                        f"ett annat bygge av {out.name} har pågått i mer än {wait_s:g} sekunder"
                    ) from None
                if not told:
                    # Straight to stderr: inside a flow, print() becomes an INFO log record.
                    sys.stderr.write(f"Väntar på att ett annat bygge av {out.name} blir klart …\n")
                    told = True
                time.sleep(0.5)
        try:
            recover(out)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class BuildLocked(RuntimeError):
    """Another build of the same edition held the lock for too long."""
