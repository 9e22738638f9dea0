"""Typesetting in a child process with a time limit and a memory limit, so one pathological
submission cannot hang or exhaust the build."""

import multiprocessing
import resource
from collections.abc import Callable
from typing import TypeVar

from flows.limits import render_memory_mb, render_timeout_s
from flows.typesetting.part import RenderError

T, R = TypeVar("T"), TypeVar("R")


def _child(function, job, connection, memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        connection.send(("ok", function(job)))
    except (RenderError, MemoryError, RecursionError) as error:
        connection.send(("error", str(as_render_error(error, memory_mb))))
    finally:
        connection.close()


def as_render_error(error: Exception, memory_mb: int) -> RenderError:
    """What a failure inside a limited typesetting process tells the build."""
    if isinstance(error, MemoryError):
        return RenderError(f"minnesgränsen {memory_mb} MB nåddes")
    if isinstance(error, RecursionError):
        return RenderError("dokumentet är nästlat för djupt för att typsättas")
    return error if isinstance(error, RenderError) else RenderError(str(error))


def run_isolated(
    function: Callable[[T], R],
    job: T,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> R:
    """Run ``function(job)`` in a fresh process; a hang, a crash or a memory blow-up becomes
    a RenderError here instead of taking the build down."""
    timeout = render_timeout_s() if timeout is None else timeout
    memory_mb = render_memory_mb() if memory_mb is None else memory_mb
    context = multiprocessing.get_context("spawn")  # no threads or locks inherited from Prefect
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(function, job, sender, memory_mb), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderError(f"typsättningen tog mer än {timeout:g} sekunder och avbröts")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise RenderError("typsättningen avbröts oväntat (minne eller krasch)") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status != "ok":
        raise RenderError(payload)
    return payload
