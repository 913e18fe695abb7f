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
import struct
from typing import Callable, Sequence, TypeVar

A = TypeVar("A")
B = TypeVar("B")
T = TypeVar("T")

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
    child = _Child(there)
    try:
        mine = here()
    except BaseException:
        child.stop()
        raise
    done, theirs = child.result()
    return mine, theirs if done else there()


def shared_map(items: Sequence[T], here: Callable[[T], A], there: Callable[[T], B],
               first: Callable[[], None] = lambda: None, chunk: int = 25) -> tuple[dict[int, A], dict[int, B]]:
    """`here(item)` in this process, `there(item)` in a forked child, for each item once: which
    process takes an item is decided as they go, so neither waits for the other.

    `first()` runs here before any item (imports this process needs and the child does
    not); the child meanwhile takes the items. Chunks of `chunk` items are handed out
    through a pipe of chunk numbers, which both processes read from. Returns the
    results by item index: those made here, and those the child made.
    """
    if not can_fork() or not items:
        first()
        return {i: here(item) for i, item in enumerate(items)}, {}
    chunk = max(chunk, -(-len(items) // (_PIPE_CAPACITY // _TOKEN.size)))  # all tokens fit the pipe at once
    chunks = [range(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
    tokens, token_writer = os.pipe()
    os.write(token_writer, b"".join(_TOKEN.pack(n) for n in range(len(chunks))))
    os.close(token_writer)  # once all are taken, both processes read an end-of-file

    def take() -> range | None:
        token = os.read(tokens, _TOKEN.size)  # a pipe read this small is not split between readers
        return chunks[_TOKEN.unpack(token)[0]] if token else None

    def child_work() -> dict[int, B]:
        return {i: there(items[i]) for taken in iter(take, None) for i in taken}

    child = _Child(child_work)
    mine: dict[int, A] = {}
    try:
        first()
        for taken in iter(take, None):
            for i in taken:
                mine[i] = here(items[i])
    except BaseException:
        child.stop()
        raise
    finally:
        os.close(tokens)
    done, theirs = child.result()
    if done:
        return mine, theirs
    return mine | {i: here(item) for i, item in enumerate(items) if i not in mine}, {}


class _Child:
    """A forked process doing `job`; `result()` waits for what it sends back."""

    def __init__(self, job: Callable[[], object]) -> None:
        self.read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            _run_child(job, self.read_end, write_end)
        os.close(write_end)

    def result(self) -> tuple[bool, object]:
        """(True, the job's result), or (False, None) when the child failed in any way."""
        with os.fdopen(self.read_end, "rb") as pipe:
            sent = pipe.read()
        os.waitpid(self.pid, 0)
        if sent[:1] == _DONE:
            try:
                return True, pickle.loads(memoryview(sent)[1:])
            except Exception:  # noqa: BLE001 - anything unexpected: the caller does the job itself
                pass
        return False, None

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.read_end)


_TOKEN = struct.Struct("<I")
_PIPE_CAPACITY = 16384  # bytes a pipe takes without a reader: 64 KiB on Linux, 16 KiB on macOS


def _run_child(job: Callable[[], object], read_end: int, write_end: int) -> None:
    status = 1
    try:
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the child quietly; the parent reports
        try:
            payload = _DONE + pickle.dumps(job(), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # noqa: BLE001 - the parent does it again and reports what it finds
            payload = _FAILED
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no flushing of the parent's buffers
