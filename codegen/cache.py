"""Remembering that the entity files and the snapshot agreed, so `check` can skip the work.

`codegen check` runs in pre-commit hooks on every commit, and most commits do
not touch the entities. Loading and diffing 1,000 entity files costs far more
than the 0.3 s a hook may take (issue 6), while reading them and hashing the
bytes costs a few milliseconds. So when the entities and the snapshot were
found to agree, a fingerprint of everything that decision depended on is
written to `.codegen_cache/in-sync` in the project: the bytes of every entity
file and their paths, the snapshot's bytes, the dialect and output format, and
codegen's own version and source files. The next `check` whose fingerprint is
the same knows the answer without loading anything; any difference, even in
one byte, means a full load as before. The migrations chain and codegen.sum
are always checked in full: they are cheap.

Like `.pytest_cache`, the folder carries its own `.gitignore`. Setting
CODEGEN_NO_CACHE=1 turns the cache off; a cache that cannot be written (a
read-only checkout) is silently skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from codegen import __version__
from codegen.config import Project
from codegen.resources import template_root

CACHE_FOLDER = ".codegen_cache"
_IN_SYNC = "in-sync"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class InSync:
    """What the last agreeing run saw: only the snapshot's header is needed to check the chain."""

    fingerprint: str
    migration: str | None
    dialect: str | None


def enabled() -> bool:
    return os.environ.get("CODEGEN_NO_CACHE", "") in ("", "0")


def fingerprint(project: Project, entity_texts: list[tuple[str, bytes]], snapshot: bytes | None) -> str:
    """Digest of every input of the entities-vs-snapshot comparison."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (__version__, _code_stamp(), project.dialect, project.format):
        digest.update(part.encode() + b"\0")
    for name, data in entity_texts:
        digest.update(b"%s\0%d\0" % (name.encode(), len(data)))
        digest.update(data)
    digest.update(b"snapshot\0" + (snapshot if snapshot is not None else b"<none>"))
    return digest.hexdigest()


def _code_stamp() -> str:
    """codegen's modules and templates as installed (size and mtime): editing codegen invalidates the cache."""
    parts = []
    for root in (_PACKAGE, template_root()):
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".j2", ".mako")):
                    stat = os.stat(os.path.join(folder, name))
                    parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return ",".join(parts)


def entity_texts(project: Project) -> list[tuple[str, bytes]]:
    from codegen.loader import entity_files

    return [(project.shown(path), path.read_bytes()) for path in entity_files(project.entities)]


def recall(project: Project, current: str) -> InSync | None:
    """The remembered agreement, if it was made from exactly these inputs."""
    if not enabled():
        return None
    try:
        data = json.loads((project.root / CACHE_FOLDER / _IN_SYNC).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != current:
        return None
    return InSync(current, data.get("migration"), data.get("dialect"))


def remember(project: Project, current: str, migration: str | None, dialect: str | None) -> None:
    if not enabled():
        return
    folder = project.root / CACHE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by codegen: this folder is a local cache\n*\n", encoding="utf-8")
        temporary = folder / f"{_IN_SYNC}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps({"fingerprint": current, "migration": migration, "dialect": dialect}) + "\n",
                             encoding="utf-8")
        os.replace(temporary, folder / _IN_SYNC)
    except OSError:
        pass  # a read-only checkout: no cache, same answers
