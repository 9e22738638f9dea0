"""Watch the drop folder: when an edition's files have changed and then stayed still for a while,
say so once. Polls sizes and modification times; standard library only, no Prefect.

Departments copy files over slow shares and save again a minute later; a build for every save
would be noise. The watcher waits until nothing in the edition has changed for
``stable_seconds``, and if the previous build of that edition is still running it waits for it
to finish rather than start a second one.
"""

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flows.gather import is_ignored

logger = logging.getLogger(__name__)

_LATE = 0.01  # look just after the moment, never a hair before it
Signature = frozenset[tuple[str, int, int]]  # (relative path, size, mtime in ns)


def edition_signature(edition_dir: Path) -> Signature:
    """What the edition's files look like now: every file that is not a lock or temporary file."""
    entries = set()
    for path in edition_dir.rglob("*"):
        relative = path.relative_to(edition_dir)
        if any(is_ignored(part) for part in relative.parts):
            continue
        try:
            if not path.is_file():
                continue
            stat = path.stat()
        except OSError:  # removed while we looked: the next poll sees the new state
            continue
        entries.add((relative.as_posix(), stat.st_size, stat.st_mtime_ns))
    return frozenset(entries)


def editions(inputs: Path) -> dict[int, Path]:
    """The edition folders under ``inputs``: a year for a name and a rapport.yaml inside."""
    if not inputs.is_dir():
        return {}
    return {
        int(folder.name): folder
        for folder in inputs.iterdir()
        if folder.name.isdigit() and (folder / "rapport.yaml").is_file()
    }


class DropFolderWatcher:
    """Calls ``on_stable(year)`` once an edition changed and then stayed unchanged for
    ``stable_seconds``, unless ``is_busy(year)``: then it waits and calls after the build.
    When a finished build left files pending (``has_pending(year)``: still being written
    when it read them), it calls once more for the same files.

    What is there when the watcher starts counts as already built.
    """

    def __init__(
        self,
        inputs: Path,
        on_stable: Callable[[int], None],
        is_busy: Callable[[int], bool] = lambda year: False,
        has_pending: Callable[[int], bool] = lambda year: False,
        stable_seconds: float = 120.0,
        poll_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,  # what file times are measured in
    ):
        self.inputs = inputs
        self.on_stable = on_stable
        self.is_busy = is_busy
        self.has_pending = has_pending
        self._rechecked: dict[int, Signature] = {}  # built again for pending files, once
        self.stable_seconds = stable_seconds
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.wall_clock = wall_clock
        self._looked = 0.0  # when the previous look was (on ``clock``)
        self._built: dict[int, Signature] = {}  # as of the last build started (or the start)
        self._seen: dict[int, tuple[Signature, float]] = {}  # last seen, and since when
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = False

    def poll(self) -> list[int]:
        """Look once; returns the years whose build was asked for."""
        now = self.clock()
        current = {
            year: edition_signature(folder) for year, folder in editions(self.inputs).items()
        }
        looked, self._looked = self._looked, now
        if not self._started:
            self._built = dict(current)
            self._seen = {year: (sig, now) for year, sig in current.items()}
            self._started = True
            return []
        asked = []
        for year, signature in sorted(current.items()):
            seen, since = self._seen.get(year, (None, now))
            if signature != seen:
                since = self._changed_at(signature, seen, looked, now)
                self._seen[year] = (signature, since)
                if now - since < self.stable_seconds:
                    continue  # still changing (or just changed): wait for it to settle
            if signature == self._built.get(year) and not self._left_pending(year, signature):
                continue
            if now - since < self.stable_seconds:
                continue
            if self.is_busy(year):
                continue  # the running build may not have seen these files; ask again after it
            try:
                self.on_stable(year)
            except Exception:  # the server may be down for a moment: try again next poll
                logger.exception("Kunde inte starta ett utkastbygge av %s", year)
                continue
            self._built[year] = signature
            asked.append(year)
        return asked

    def _changed_at(
        self, signature: Signature, seen: Signature | None, looked: float, now: float
    ) -> float:
        """When the change was made, on ``clock``: the newest modification time among the
        entries that are new since the previous look, if it falls between that look and now
        (a copied file may keep an old time); otherwise now. So files are still from the
        moment they were written, not from the moment the watcher happened to look."""
        new = signature - (seen or frozenset())
        if not new:
            return now  # only removals: they carry no time
        newest = max(mtime for _, _, mtime in new) / 1e9
        at = now - (self.wall_clock() - newest)
        return at if looked <= at <= now else now

    def _left_pending(self, year: int, signature: Signature) -> bool:
        """The finished build of these very files left some pending: build them once more."""
        if self._rechecked.get(year) == signature or self.is_busy(year):
            return False
        try:
            pending = self.has_pending(year)
        except Exception:  # the receipt may be mid-swap: look again next poll
            return False
        if pending:
            self._rechecked[year] = signature
        return pending

    def next_look_in(self) -> float:
        """Seconds to the next look: the poll interval, or less when a changed edition's
        files will have been still long enough before then, so its build starts on time."""
        now = self.clock()
        settling = [
            since + self.stable_seconds - now + _LATE
            for year, (signature, since) in self._seen.items()
            if signature != self._built.get(year)
        ]
        # A moment already past (its build waits for a running one) waits for the next poll.
        return min([self.poll_seconds, *(wait for wait in settling if wait > _LATE)])

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception:  # a watcher that dies silently is worse than a noisy one
                logger.exception("Bevakningen av %s misslyckades; försöker igen", self.inputs)
            self._stop.wait(self.next_look_in())

    def start(self) -> "DropFolderWatcher":
        self._thread = threading.Thread(target=self.run, name="agenda2030-bevakning", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll_seconds + 5)
