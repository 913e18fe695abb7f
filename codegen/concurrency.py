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

A large result (the snapshot of 10,000 tables is 23 MB) does not go through the
pipe: a pipe holds 1 MiB, so the child waited, blocked, until this process was
done with its own half, and then each MiB cost a round trip between the two
(84 ms for 24 MB). The child writes it into an anonymous in-memory file both
processes hold (Linux's memfd) and sends only where it lies.
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
    sent: list[B] = []
    child = _Child(lambda send: send(there()))
    try:
        mine = here()
        done = child.finish(sent.append)
    except BaseException:
        child.stop()
        raise
    return mine, sent[0] if done else there()


def shared_map(items: Sequence[T], here: Callable[[T], A], there: Callable[[T], B],
               first: Callable[[], None] = lambda: None, chunk: int = 25,
               arrived: Callable[[T, B], A] | None = None) -> tuple[dict[int, A], dict[int, A | B]]:
    """`here(item)` in this process, `there(item)` in a forked child, for each item once: which
    process takes an item is decided as they go, so neither waits for the other.

    `first()` runs here before any item (imports this process needs and the child does
    not); the child meanwhile takes the items. Chunks of `chunk` items are handed out
    through a pipe of chunk numbers, which both processes read from. The child sends
    each chunk's results as soon as it has them, and this process takes them in between
    its own chunks: `arrived(item, result)` is what it makes of each (when given), so the work
    only this process can do is spread over the run rather than done at its end.
    Returns the results by item index: those made here, and those the child made.
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

    def child_work(send: Callable[[object], None]) -> None:
        for taken in iter(take, None):
            send([(i, there(items[i])) for i in taken])

    child = _Child(child_work)
    mine: dict[int, A] = {}
    theirs: dict[int, A | B] = {}

    def receive(batch: list) -> None:
        for i, result in batch:
            theirs[i] = arrived(items[i], result) if arrived is not None else result

    try:
        first()
        for taken in iter(take, None):
            for i in taken:
                mine[i] = here(items[i])
            child.poll(receive)
        done = child.finish(receive)
    except BaseException:
        child.stop()
        raise
    finally:
        os.close(tokens)
    if done:
        return mine, theirs
    return mine | {i: here(item) for i, item in enumerate(items) if i not in mine}, {}


class _Child:
    """A forked process doing `job(send)`, which sends results as it goes: each one pickled,
    length-prefixed, into a pipe this process reads between its own work (`poll`); a large
    one into the spill file, with its place in the pipe."""

    def __init__(self, job: Callable[[Callable[[object], None]], None]) -> None:
        self.read_end, write_end = os.pipe()
        _widen(write_end)
        self.spill = _spill_file()
        self.pending = bytearray()
        self.finished = self.failed = False
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            _run_child(job, self.read_end, write_end, self.spill)
        os.close(write_end)
        os.set_blocking(self.read_end, False)

    def poll(self, receive: Callable[[object], None]) -> None:
        """Take what the child has sent so far."""
        while not (self.finished or self.failed):
            try:
                data = os.read(self.read_end, 1 << 20)
            except BlockingIOError:
                break
            if not data:  # the child has ended
                break
            self.pending += data
        self._unpack(receive)

    def finish(self, receive: Callable[[object], None]) -> bool:
        """Wait for the rest; True when the child did all its work and every result arrived."""
        os.set_blocking(self.read_end, True)
        try:
            self._unpack(receive)
            while not (self.finished or self.failed):
                data = os.read(self.read_end, 1 << 20)
                if not data:  # ended without saying it was done: it failed
                    break
                self.pending += data
                self._unpack(receive)
        finally:
            self._close()
            os.waitpid(self.pid, 0)
        return self.finished and not self.failed

    def _unpack(self, receive: Callable[[object], None]) -> None:
        view, at = self.pending, 0
        while len(view) - at >= _MESSAGE.size and not (self.failed or self.finished):
            kind, size = _MESSAGE.unpack_from(view, at)
            if len(view) - at - _MESSAGE.size < size:
                break
            body = view[at + _MESSAGE.size: at + _MESSAGE.size + size]
            at += _MESSAGE.size + size
            if kind == _RESULTS or kind == _SPILLED:
                try:
                    batch = pickle.loads(body if kind == _RESULTS else self._spilled(*_PLACE.unpack(body)))
                except Exception:  # noqa: BLE001 - anything unexpected: the caller does the job itself
                    self.failed = True
                    break
                receive(batch)
            elif kind == _END:
                self.finished = True
            else:
                self.failed = True
        del self.pending[:at]

    def _spilled(self, offset: int, size: int) -> bytes:
        if self.spill is None:
            raise ValueError("a spilled result without a spill file")
        parts, end = [], offset + size
        while offset < end:  # a read of a regular file returns less only at its end
            part = os.pread(self.spill, end - offset, offset)
            if not part:
                raise ValueError("the spilled result is cut short")
            parts.append(part)
            offset += len(part)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _close(self) -> None:
        """Close this side's pipe end and spill file, once: a number closed twice may by then
        name another file."""
        for fd in (self.read_end, self.spill):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.read_end = self.spill = None

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        self._close()


def _spill_file() -> int | None:
    """An anonymous in-memory file (Linux), shared with the child when made before the fork;
    None elsewhere: every result then goes through the pipe."""
    try:
        return os.memfd_create("codegen-results", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _run_child(job: Callable[[Callable[[object], None]], None], read_end: int, write_end: int,
               spill: int | None) -> None:
    status = 1
    try:
        os.close(read_end)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        # What the pipe does not take yet waits here: the parent may be busy (importing, at
        # first), and the child goes on with its next chunk rather than waiting for it.
        unsent = bytearray()
        spilled = 0  # the end of what is in the spill file
        os.set_blocking(write_end, False)

        def flush() -> None:
            while unsent:
                try:
                    del unsent[:os.write(write_end, unsent)]
                except BlockingIOError:
                    return

        def send(result: object) -> None:
            nonlocal spilled
            body = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            if spill is not None and len(body) >= _SPILL_FROM:
                view, at = memoryview(body), 0
                while at < len(body):
                    at += os.pwrite(spill, view[at:], spilled + at)
                unsent.extend(_MESSAGE.pack(_SPILLED, _PLACE.size))
                unsent.extend(_PLACE.pack(spilled, len(body)))
                spilled += len(body)
            else:
                unsent.extend(_MESSAGE.pack(_RESULTS, len(body)))
                unsent.extend(body)
            flush()

        try:
            job(send)
            unsent.extend(_MESSAGE.pack(_END, 0))
        except BaseException:  # noqa: BLE001 - the parent does it again and reports what it finds
            unsent.extend(_MESSAGE.pack(_FAILED, 0))  # after whole messages only: a result is pickled first
        os.set_blocking(write_end, True)
        while unsent:
            del unsent[:os.write(write_end, unsent)]
        os.close(write_end)
        status = 0
    finally:
        os._exit(status)


def _widen(fd: int) -> None:
    """Let a pipe hold 1 MiB (Linux), so the child rarely waits for this process to read."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (OSError, ImportError):
        pass


_MESSAGE = struct.Struct("<BI")  # kind, then the length of the pickled body that follows
_RESULTS, _END, _FAILED, _SPILLED = range(4)
_PLACE = struct.Struct("<QQ")  # a spilled body: where it starts in the spill file, and its length
_SPILL_FROM = 1 << 18  # bytes of a pickled result from which it goes to the spill file
_TOKEN = struct.Struct("<I")
_PIPE_CAPACITY = 16384  # bytes a pipe takes without a reader: 64 KiB on Linux, 16 KiB on macOS
