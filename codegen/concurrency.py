"""Two halves of a large run at once, on two processors (issue 6).

A `generate` at 10,000 tables spends seconds in pure Python (parsing YAML,
rendering templates) that threads cannot share. A forked child sees all the
parent's objects without copying them; only its result comes back, pickled
through a pipe. Forking costs a few milliseconds, so small runs stay in one
process, as do machines with one processor, systems without `fork`, and
`CODEGEN_JOBS=1`.

The child never reports errors itself: whatever goes wrong there (a user's
mistake, a crash, a result that cannot be pickled), the parent does that half
again in its own process, so errors come out exactly as in a one-process run.
"""

from __future__ import annotations

import os
import pickle
import signal
from typing import Callable, TypeVar

A = TypeVar("A")
B = TypeVar("B")

_FAILED = b"!"
_DONE = b"="


def processors() -> int:
    """Processors this run may use: `CODEGEN_JOBS` when set, else those the OS gives the process."""
    wanted = os.environ.get("CODEGEN_JOBS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and processors() > 1


def both(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """`(here(), there())`, with `there` run in a forked child while this process runs `here`."""
    if not can_fork():
        return here(), there()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(there, read_end, write_end)
    os.close(write_end)
    try:
        mine = here()
    except BaseException:
        _stop(pid, read_end)
        raise
    with os.fdopen(read_end, "rb") as pipe:
        sent = pipe.read()
    os.waitpid(pid, 0)
    if sent[:1] == _DONE:
        try:
            return mine, pickle.loads(memoryview(sent)[1:])
        except Exception:  # noqa: BLE001 - anything unexpected: do it here instead
            pass
    return mine, there()


def _child(there: Callable[[], object], read_end: int, write_end: int) -> None:
    status = 1
    try:
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the child quietly; the parent reports
        try:
            payload = _DONE + pickle.dumps(there(), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent does it again and reports what it finds
            payload = _FAILED
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers


def _stop(pid: int, read_end: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(read_end)
