"""Stage 1: find what departments dropped, hash it, and account for every entry.

Nothing from outside the drop folder is read. The walk never follows a symbolic link: each
folder is opened relative to the one above it with O_NOFOLLOW, and each file is opened the
same way, then stat'ed and read through that one descriptor, so the stat and the bytes are
of the same file and that file lies in the drop folder. Whatever is not a plain file in a
department folder (a link, a pipe, a file directly in the edition folder, a file that vanished
while the files were read) is still accounted for: ignored, with a Swedish reason that says
what to do. The drop folder is only read, never changed.
"""

import errno
import hashlib
import os
import stat
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from flows.limits import MAX_FILE_BYTES

SUBMISSION_SUFFIXES = frozenset({".md", ".markdown", ".yaml", ".yml"})
ASSET_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
EDITION_CONFIG = "rapport.yaml"  # read by flows/readers/edition.py; not a dropped file

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: should the name have become a pipe since it was listed, opening it must not wait
# for a writer; O_NOCTTY: nor may a terminal device become the process's own.
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class Disposition(StrEnum):
    SUBMISSION = "bidrag"
    ASSET = "bilaga"
    IGNORED = "ignorerad"
    PENDING = "väntar"


class Reason(StrEnum):
    """Why an entry is ignored, as the department reads it after the file's name: what it is,
    and what to do."""

    SYMLINK = "är en genväg (symbolisk länk); lägg in själva filen i stället"
    SYMLINKED_FOLDER = (
        "är en genväg (symbolisk länk), ingen mapp; inget i den läses; "
        "lägg in själva mappen med filerna i stället"
    )
    HARD_LINK = (
        "är en hård länk (samma fil finns under flera namn, kanske utanför inlämningsmappen); "
        "kopiera filen hit i stället"
    )
    FIFO = "är ingen vanlig fil utan en namngiven pipe (FIFO); läses inte"
    SOCKET = "är ingen vanlig fil utan en socket; läses inte"
    DEVICE = "är ingen vanlig fil utan en enhetsfil; läses inte"
    NOT_A_FILE = "är ingen vanlig fil; läses inte"
    LOCK = "är en låsfil, tillfällig eller dold fil; läses inte"
    AT_EDITION_LEVEL = "ligger direkt i utgåvans mapp; lägg den i förvaltningens mapp"
    FILE_NAME = "har ett filnamn med tecken som inte kan läsas; byt namn på filen"
    FOLDER_NAME = "ligger i en mapp vars namn har tecken som inte kan läsas; byt namn på mappen"
    VANISHED = "försvann eller ändrades medan filerna lästes; lägg in den igen"
    NO_PERMISSION = "får inte läsas (saknar läsrättighet); lägg in den igen så att den kan läsas"
    UNREADABLE = "kunde inte läsas; lägg in den igen"


@dataclass(frozen=True)
class DroppedFile:
    """One entry as it was when gathered. ``content`` is the snapshot the pipeline reads."""

    relative: str  # 'kommunledningskontoret/mal-17.md', '/' separated, relative to the edition
    folder: str  # the department folder it lies in; '' for an entry directly in the edition
    size: int
    sha256: str
    disposition: Disposition
    content: bytes = b""
    reason: str | None = None  # why it is ignored (a Reason), in Swedish

    @property
    def name(self) -> str:
        return self.relative.rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass(frozen=True)
class Settling:
    """Which files may still be being written: those modified less than ``seconds`` ago."""

    seconds: float
    now: float

    def pending(self, mtime: float) -> bool:
        # A copy in progress stamps the present, never a distant future. A file dated further
        # ahead than the settle time (a wrong clock where it was made, an archive's dates) is
        # not being written, and waiting for it would keep it pending until that day. Within
        # the settle time either side it may be a copy by a machine whose clock runs ahead.
        return abs(self.now - mtime) < self.seconds


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
    """Every entry below the edition folder but rapport.yaml, sorted by path.

    A file modified less than ``settle_seconds`` ago may still be being copied: it is
    reported as pending and not read.
    """
    settling = Settling(settle_seconds, time.time() if now is None else now)
    found: list[DroppedFile] = []
    folder = os.open(edition_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _walk(folder, (), settling, found)
    finally:
        os.close(folder)
    return sorted(found, key=lambda f: f.relative.split("/"))


def _walk(folder: int, parents: tuple[str, ...], settling: Settling, found: list) -> None:
    """Account for every entry of the open ``folder``, whose path below the edition is
    ``parents``; real subfolders are walked, links never followed."""
    with os.scandir(folder) as listing:
        entries = list(listing)
    for entry in entries:
        parts = (*parents, entry.name)
        if not parents and entry.name == EDITION_CONFIG:
            continue
        if not _is_folder(entry):
            found.append(read_entry(entry, folder, parts, settling))
            continue
        try:
            subfolder = os.open(entry.name, _FOLDER_FLAGS, dir_fd=folder)
        except OSError as error:  # gone, or replaced by a link, since it was listed
            found.append(_ignored(parts, _unreadable(error), is_folder=True))
            continue
        try:
            _walk(subfolder, parts, settling, found)
        finally:
            os.close(subfolder)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False  # read_entry says what became of it


def read_entry(
    entry: os.DirEntry, folder: int, parts: tuple[str, ...], settling: Settling
) -> DroppedFile:
    """One listed entry that is not a real folder, as it is now. ``folder`` is the open
    descriptor of the folder it was listed in, ``parts`` its path below the edition."""
    try:
        listed = entry.stat(follow_symlinks=False)
    except OSError as error:
        # An Office lock file comes and goes as the document is opened and closed.
        lock = any(is_ignored(part) for part in parts)
        return _ignored(parts, Reason.LOCK if lock else _unreadable(error))
    reason = _listed_reason(listed.st_mode, parts)
    if reason is not None:
        return _ignored(parts, reason, listed.st_size)
    try:
        handle = os.open(entry.name, _FILE_FLAGS, dir_fd=folder)
    except OSError as error:
        return _ignored(parts, _unreadable(error))
    try:
        return _read(handle, parts, settling)
    except OSError as error:
        return _ignored(parts, _unreadable(error))
    finally:
        os.close(handle)


def _listed_reason(mode: int, parts: tuple[str, ...]) -> Reason | None:
    """Why the entry is not read, judged from its listing alone (nothing opened yet)."""
    if stat.S_ISLNK(mode):
        return Reason.SYMLINKED_FOLDER if len(parts) == 1 else Reason.SYMLINK
    if not stat.S_ISREG(mode):
        return _not_a_file(mode)
    if _undecodable(parts[-1]):
        return Reason.FILE_NAME
    if any(_undecodable(part) for part in parts[:-1]):
        return Reason.FOLDER_NAME
    if any(is_ignored(part) for part in parts):
        return Reason.LOCK
    if len(parts) == 1:
        return Reason.AT_EDITION_LEVEL
    return None


def _read(handle: int, parts: tuple[str, ...], settling: Settling) -> DroppedFile:
    """The open file, judged by its own stat and read once, up to the size limit."""
    opened = os.fstat(handle)
    if not stat.S_ISREG(opened.st_mode):
        return _ignored(parts, Reason.VANISHED, opened.st_size)  # no longer a plain file
    if opened.st_nlink > 1:
        # Its bytes are also another name's, perhaps one outside the drop folder.
        return _ignored(parts, Reason.HARD_LINK, opened.st_size)
    relative, folder = _printable_path(parts)
    if settling.pending(opened.st_mtime):
        return DroppedFile(relative, folder, opened.st_size, "", Disposition.PENDING)
    if opened.st_size > MAX_FILE_BYTES:
        # Not read: validation rejects it by its size alone.
        return DroppedFile(relative, folder, opened.st_size, "", Disposition.SUBMISSION)
    with open(handle, "rb", closefd=False) as file:
        content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:  # it grew while it was read
        return DroppedFile(relative, folder, len(content), "", Disposition.SUBMISSION)
    suffix = Path(relative).suffix.lower()
    disposition = Disposition.ASSET if suffix in ASSET_SUFFIXES else Disposition.SUBMISSION
    sha256 = hashlib.sha256(content).hexdigest()
    return DroppedFile(relative, folder, len(content), sha256, disposition, content)


def _ignored(
    parts: tuple[str, ...], reason: Reason, size: int = 0, is_folder: bool = False
) -> DroppedFile:
    """An entry not read. One in the place of a department's folder (a link there, too) is
    that department's own, so its receipt shows it."""
    is_folder = is_folder or reason is Reason.SYMLINKED_FOLDER
    relative, folder = _printable_path(parts, is_folder)
    return DroppedFile(relative, folder, size, "", Disposition.IGNORED, reason=reason)


def _not_a_file(mode: int) -> Reason:
    if stat.S_ISFIFO(mode):
        return Reason.FIFO
    if stat.S_ISSOCK(mode):
        return Reason.SOCKET
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Reason.DEVICE
    return Reason.NOT_A_FILE


def _unreadable(error: OSError) -> Reason:
    if error.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR, errno.ENXIO):
        return Reason.VANISHED  # gone, or now a link, a file or a socket where it was not
    if error.errno in (errno.EACCES, errno.EPERM):
        return Reason.NO_PERMISSION
    return Reason.UNREADABLE


def _printable(name: str) -> str:
    """The name as a person can read it: bytes that are not UTF-8 become U+FFFD, so no lone
    surrogate from os.fsdecode reaches the receipt, which could not be written as UTF-8."""
    return os.fsencode(name).decode("utf-8", "replace")


def _undecodable(name: str) -> bool:
    return _printable(name) != name


def _printable_path(parts: tuple[str, ...], is_folder: bool = False) -> tuple[str, str]:
    """(relative, folder) for a DroppedFile."""
    printable = [_printable(part) for part in parts]
    in_folder = len(printable) > 1 or is_folder
    return "/".join(printable), printable[0] if in_folder else ""


def asset_files(files: list[DroppedFile]) -> dict[str, bytes]:
    """The images departments dropped, by relative path, for submissions to refer to."""
    return {f.relative: f.content for f in files if f.disposition is Disposition.ASSET}
