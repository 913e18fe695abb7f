"""writer: the migration and the new snapshot land together or not at all.

Everything is first written to temporary files beside its destination (same
file system, so the final step is a rename), then moved into place. New files
never replace existing ones: a migration, once written, is never overwritten.
A lock on the migrations folder keeps two concurrent runs from interleaving.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from codegen.errors import UserError

LOCK_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Change:
    """`created`: files that must not exist yet; `replaced`: files overwritten as a whole
    (text, or its UTF-8 bytes); `removed`: migration folders taken away (by `rebase`)."""

    created: tuple[tuple[Path, str | bytes], ...]
    replaced: tuple[tuple[Path, str | bytes], ...] = ()
    removed: tuple[Path, ...] = ()


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (flock on the directory itself: nothing left behind)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise UserError.at(str(folder), "another codegen run is writing here",
                                       "wait for it to finish, then run the command again") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def apply(change: Change, root: Path) -> None:
    """Write `change` under the lock on `root`, all or nothing."""
    with locked(root):
        for path, _ in change.created:
            if path.exists():
                raise UserError.at(str(path), "already exists; codegen never overwrites a migration",
                                   "run the command again (a new id is chosen), or remove the file if it is yours")
        staging = Path(tempfile.mkdtemp(prefix=".codegen-", dir=root))
        moved: list[Path] = []
        set_aside: list[tuple[Path, Path]] = []
        try:
            for number, path in enumerate(change.removed):
                aside = staging / f"removed-{number}"
                os.rename(path, aside)
                set_aside.append((aside, path))
            staged_created = _stage(staging, change.created, root)
            staged_replaced = [(_write_temp(path, text), path) for path, text in change.replaced]
            for staged, final in staged_created:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.rename(staged, final)
                moved.append(final)
            for temp, final in staged_replaced:
                os.replace(temp, final)
        except BaseException:
            for final in reversed(moved):
                shutil.rmtree(final) if final.is_dir() else final.unlink(missing_ok=True)
            for aside, path in reversed(set_aside):
                os.rename(aside, path)
            for path, _ in change.replaced:
                for leftover in path.parent.glob(f".{path.name}.*.tmp"):
                    leftover.unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _stage(staging: Path, files: tuple[tuple[Path, str | bytes], ...], root: Path) -> list[tuple[Path, Path]]:
    """Write new files under `staging`; return (staged, final) pairs for the topmost new paths.

    Files in a folder that does not exist yet (a SQL migration's folder) are
    moved as that whole folder, so the folder appears complete or not at all.
    """
    moves: dict[Path, Path] = {}
    for path, text in files:
        top = _topmost_new(path, root)
        staged_top = staging / top.relative_to(root)
        staged = staged_top / path.relative_to(top) if top != path else staged_top
        staged.parent.mkdir(parents=True, exist_ok=True)
        _write(staged, text)
        moves[top] = staged_top
    return [(staged, final) for final, staged in sorted(moves.items())]


def _topmost_new(path: Path, root: Path) -> Path:
    top = path
    while top.parent != root and not top.parent.exists():
        top = top.parent
    return top


def _write(path: Path, content: str | bytes) -> None:
    """UTF-8, newlines as given; bytes as they are (the caller has them encoded already)."""
    with open(path, "wb") as fh:
        fh.write(content.encode("utf-8") if isinstance(content, str) else content)
        fh.flush()
        os.fsync(fh.fileno())


def _write_temp(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    temp = Path(name)
    _write(temp, text)
    return temp
