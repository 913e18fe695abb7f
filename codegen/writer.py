"""writer: the migration, the new snapshot and codegen.sum land together or not at all.

Every new file is first written into a staging folder `.codegen-<random>/` in
the migrations folder. Then a journal listing each move is written there (the
commit point: written whole, then renamed into place), and the moves are made:
renames within one file system, each atomic. A run killed before the journal
exists leaves only a staging folder, which the next run deletes; a run killed
after it leaves a journal, which the next run finishes. So after any crash the
project holds the old files or the new ones, never a mix, once the next
command that writes (or `recover`) has run; `check` names the leftovers.

New files never replace existing ones: a migration, once written, is never
overwritten. `locked` holds an exclusive lock on the migrations folder for a
whole run, from reading the snapshot to writing the last file, so that two
runs cannot both build on the same snapshot.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from codegen.errors import BusyError, UserError

LOCK_TIMEOUT_SECONDS = 30.0
STAGING_PREFIX = ".codegen-"
_JOURNAL = "journal.json"


@dataclass(frozen=True)
class Change:
    """`created`: files that must not exist yet; `replaced`: files overwritten as a whole
    (text, or its UTF-8 bytes); `removed`: migration folders taken away (by `rebase`)."""

    created: tuple[tuple[Path, str | bytes], ...]
    replaced: tuple[tuple[Path, str | bytes], ...] = ()
    removed: tuple[Path, ...] = ()


_held: dict[str, int] = {}  # folders this process holds the lock on, with how many `locked` blocks hold it


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (flock on the directory itself: nothing left behind).

    Re-entrant within one process: a command holds it for its whole run, and `apply` inside
    takes it again. Another process waits up to LOCK_TIMEOUT_SECONDS, then BusyError.
    """
    folder.mkdir(parents=True, exist_ok=True)
    key = str(folder.resolve())
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BusyError.at(str(folder), f"another codegen run has been writing here for over "
                                       f"{LOCK_TIMEOUT_SECONDS:.0f} s", "wait for it to finish, then run the command again") from None
                time.sleep(0.05)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)  # closing releases the lock


def apply(change: Change, root: Path) -> None:
    """Write `change` under the lock on `root`, all or nothing."""
    with locked(root):
        recover(root)
        for path, _ in change.created:
            if path.exists():
                raise UserError.at(str(path), "already exists; codegen never overwrites a migration",
                                   "run the command again (a new id is chosen), or remove the file if it is yours")
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
        try:
            moves = _stage(staging, change, root)
            _write(staging / f"{_JOURNAL}.tmp", json.dumps(moves).encode())
            os.rename(staging / f"{_JOURNAL}.tmp", staging / _JOURNAL)  # the commit point
            _sync(staging)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # nothing was moved yet
            raise
        _finish(staging)


def leftovers(root: Path) -> list[Path]:
    """Staging folders an interrupted run left in `root`."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.name.startswith(STAGING_PREFIX) and p.is_dir())


def recover(root: Path) -> list[Path]:
    """Finish what a run killed after its commit point began; delete what one killed before left.
    Call with the lock held. Returns the staging folders dealt with."""
    found = leftovers(root)
    for staging in found:
        if (staging / _JOURNAL).is_file():
            _finish(staging)
        else:
            shutil.rmtree(staging, ignore_errors=True)
    return found


def _stage(staging: Path, change: Change, root: Path) -> list[tuple[str, str]]:
    """Write the new content under `staging`; the moves that put it in place, in order.

    Files in a folder that does not exist yet (a SQL migration's folder) are moved as
    that whole folder, so the folder appears complete or not at all. Removed folders
    are moved into the staging folder, which is deleted at the end.
    """
    moves: list[tuple[str, str]] = []
    tops: dict[Path, Path] = {}
    for path, content in change.created:
        top = _topmost_new(path, root)
        staged_top = staging / "new" / top.relative_to(root)
        staged = staged_top / path.relative_to(top) if top != path else staged_top
        staged.parent.mkdir(parents=True, exist_ok=True)
        _write(staged, content)
        tops[top] = staged_top
    moves += [(str(staged), str(final)) for final, staged in sorted(tops.items())]
    for number, (path, content) in enumerate(change.replaced):
        staged = staging / f"replaced-{number}"
        _write(staged, content)
        moves.append((str(staged), str(path)))
    moves += [(str(path), str(staging / f"removed-{number}")) for number, path in enumerate(change.removed)]
    return moves


def _finish(staging: Path) -> None:
    """Make the journal's moves that are not made yet, then drop the staging folder."""
    moves = json.loads((staging / _JOURNAL).read_text(encoding="utf-8"))
    for source, target in moves:
        if os.path.lexists(source):  # a move already made has no source left
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for parent in {os.path.dirname(target) for _, target in moves}:
        _sync(Path(parent))
    shutil.rmtree(staging, ignore_errors=True)


def _topmost_new(path: Path, root: Path) -> Path:
    top = path
    while top.parent != root and not top.parent.exists():
        top = top.parent
    return top


def _write(path: Path, content: str | bytes) -> None:
    """UTF-8, newlines as given; bytes as they are; on disk before the journal names it."""
    with open(path, "wb") as fh:
        fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        fh.flush()
        os.fsync(fh.fileno())


def _sync(folder: Path) -> None:
    """Make a folder's renames durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
