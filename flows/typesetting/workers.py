"""A pool of worker processes that typeset parts (part.py) side by side.

Workers run under the same address-space limit as a whole-document render. They are spawned
(nothing inherited from Prefect's threads) and import WeasyPrint once, about 2.5 s of CPU
each here, unless the pool is started with ``fork=True`` by a process that has no threads
yet and has imported WeasyPrint: the build command does that first thing, so its workers
start with everything loaded. A pool made again later (after a worker died) is spawned. A part that is already
being typeset is never started twice: asking again returns the same future. A finished part
goes into the part cache before it leaves the running list, so whoever asks next finds it in
one place or the other.
"""

import atexit
import concurrent.futures as cf
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable

from flows.limits import render_memory_mb
from flows.timeline import span
from flows.typesetting.cache import PartCache
from flows.typesetting.isolation import as_render_error
from flows.typesetting.part import PartJob, TypesetPart

DEFAULT_WORKERS = max(1, min(os.cpu_count() or 1, 4))


def _start_worker(memory_mb: int, niceness: int) -> None:
    _end_with_parent()
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if niceness:
        os.nice(niceness)
    from flows.typesetting.part import warm_up

    warm_up()  # WeasyPrint loaded now, beside the caller's own start-up


def _end_with_parent(every_s: float = 1.0) -> None:
    """A worker whose parent is gone ends too. A parent killed outright (SIGKILL, a Dask
    worker stopped by its nanny) shuts no pool down, and its workers would wait on the job
    queue forever. (Not PR_SET_PDEATHSIG: that fires when the parent's *thread* that started
    the worker ends, and pools are started from task threads.)"""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(every_s)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="agenda2030-förälder", daemon=True).start()


def _ready() -> int:
    return os.getpid()


def _typeset(job: PartJob, memory_mb: int) -> TypesetPart:
    from flows.typesetting.part import typeset_part

    try:
        with span(f"typeset {job.name}"):
            return typeset_part(job)
    except (MemoryError, RecursionError) as error:
        raise as_render_error(error, memory_mb) from None


class PartRenderer:
    def __init__(self, workers: int = DEFAULT_WORKERS, memory_mb: int | None = None):
        self.workers = workers
        self.memory_mb = render_memory_mb() if memory_mb is None else memory_mb
        self._start_method = "spawn"
        self._niceness = 0
        self._pool: cf.ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._running: dict[str, cf.Future] = {}

    def start(self, fork: bool = False, niceness: int = 0) -> "PartRenderer":
        """Start the workers now, so their start overlaps whatever the caller does next.
        ``fork``: copy this process, which must have no other threads (see above).
        ``niceness``: let more urgent work go first (a server the parts' flow waits for)."""
        with self._lock:
            if self._pool is None:
                self._niceness = niceness
            if fork and self._pool is None and threading.active_count() == 1:
                self._start_method = "fork"
            pool = self._ensure_pool()
            self._start_method = "spawn"  # a pool made again later has threads to fear
        for _ in range(self.workers):
            pool.submit(_ready)
        return self

    def typeset(self, job: PartJob, cache: PartCache) -> cf.Future:
        """The part, from the cache, from a render already under way, or from a new one."""
        key = job.digest()
        with self._lock:
            running = self._running.get(key)
            if running is not None:
                return running
        cached = cache.get(job)
        if cached is not None:
            done: cf.Future = cf.Future()
            done.set_result(cached)
            done.from_cache = True  # checked against its files just now
            return done
        with self._lock:
            if key in self._running:  # started meanwhile by another thread
                return self._running[key]
            future = self._ensure_pool().submit(_typeset, job, self.memory_mb)
            self._running[key] = future
        future.add_done_callback(self._finished(key, job, cache))
        return future

    def _finished(self, key: str, job: PartJob, cache: PartCache) -> Callable[[cf.Future], None]:
        def store(future: cf.Future) -> None:
            try:
                if not future.cancelled() and future.exception() is None:
                    cache.put(job, future.result())
            except OSError:
                pass  # a cache that cannot be written only costs time
            finally:
                with self._lock:
                    if self._running.get(key) is future:
                        del self._running[key]

        return store

    def stop(self, kill: bool = False) -> None:
        """Shut the pool down; ``kill`` ends workers mid-render (a part that takes too long)."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._running.clear()
        if pool is None:
            return
        if kill:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=not kill, cancel_futures=True)

    def _ensure_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None or getattr(self._pool, "_broken", False):
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(self._start_method),
                initializer=_start_worker,
                initargs=(self.memory_mb, self._niceness),
            )
        return self._pool


_SHARED: PartRenderer | None = None
_SHARED_LOCK = threading.Lock()


def shared_renderer() -> PartRenderer:
    """This process's pool: one per process, so a CLI build and its flow share the workers."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = PartRenderer()
            # At exit nothing waits for a part any more (a build that stopped early).
            atexit.register(_SHARED.stop, kill=True)
        return _SHARED
