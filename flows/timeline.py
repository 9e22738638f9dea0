"""Where a build's time goes, for bench/: named spans written as JSON lines to the file that
AGENDA2030_TIMELINE names, and nothing at all when it is unset (the variable is read at each
span, so a long-running process can be measured without a restart).

Times are wall-clock (``time.time()``), so the spans of the command, its typesetting workers
and the serve process line up on one axis. Lines are appended with one ``write`` each, which
the kernel keeps whole, so processes may share the file.
"""

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator

TIMELINE_ENV = "AGENDA2030_TIMELINE"


@contextlib.contextmanager
def span(name: str) -> Iterator[None]:
    """Record how long the block took under ``name`` (when a timeline is asked for)."""
    if not os.environ.get(TIMELINE_ENV):
        yield
        return
    start = time.time()
    try:
        yield
    finally:
        record(name, start, time.time())


def mark(name: str) -> None:
    """Record a moment (a span of no length)."""
    now = time.time()
    record(name, now, now)


def record(name: str, start: float, end: float) -> None:
    target = os.environ.get(TIMELINE_ENV)
    if not target:
        return
    line = {
        "span": name,
        "start": start,
        "end": end,
        "pid": os.getpid(),
        "thread": threading.current_thread().name,
    }
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError:
        return  # a measurement must never fail a build
    try:
        os.write(descriptor, (json.dumps(line) + "\n").encode())
    finally:
        os.close(descriptor)
