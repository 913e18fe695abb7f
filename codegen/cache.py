"""Remembering what earlier runs found, so that later ones can skip the work.

`codegen check` runs in pre-commit hooks on every commit, and most commits do
not touch the entities. Loading and diffing 1,000 entity files costs far more
than the 0.3 s a hook may take, while reading them and hashing the
bytes costs a few milliseconds. So when the entities and the snapshot were
found to agree, a fingerprint of everything that decision depended on is
written to `.codegen_cache/in-sync` in the project: the bytes of every entity
file and their paths, the snapshot's bytes, the dialect and output format, and
codegen's own version and source files. The next `check` whose fingerprint is
the same knows the answer without loading anything; any difference, even in
one byte, means a full load as before. The migrations chain and codegen.sum
are always checked in full: they are cheap.

Parsing the entity files is most of the reading of a large project, and a
developer's runs of `generate` and `check` see nearly the same files each time.
So those two commands also keep `.codegen_cache/parsed`: the plain YAML data of
each entity file, by a digest of its bytes (loader.ParsedFiles). A file whose
bytes are found there is not parsed again; a file whose bytes changed is. It is
only used by the same codegen (version and source files) on the same Python.

Like `.pytest_cache`, the folder carries its own `.gitignore`. Setting
CODEGEN_NO_CACHE=1 turns the cache off; a cache that cannot be written (a
read-only checkout) is silently skipped.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen import __version__
from codegen.config import Project
from codegen.resources import template_root

CACHE_FOLDER = ".codegen_cache"
_IN_SYNC = "in-sync"
_PARSED = "parsed"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class InSync:
    """What the last agreeing run saw: only the snapshot's header is needed to check the chain."""

    fingerprint: str
    migration: str | None
    dialect: str | None


def enabled() -> bool:
    return os.environ.get("CODEGEN_NO_CACHE", "") in ("", "0")


def fingerprint(project: Project, entity_digests: list[tuple[str, bytes]], snapshot: bytes | None) -> str:
    """Digest of every input of the entities-vs-snapshot comparison. `entity_digests`: each entity
    file's path as shown and the digest of its bytes (loader.file_digests, ParsedFiles.digests)."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (__version__, _code_stamp(), project.dialect, project.format, repr(project.enums)):
        digest.update(part.encode() + b"\0")
    for name, file_digest in entity_digests:
        digest.update(b"%s\0%d\0" % (name.encode(), len(file_digest)))
        digest.update(file_digest)
    digest.update(b"snapshot\0" + (snapshot if snapshot is not None else b"<none>"))
    return digest.hexdigest()


@functools.cache
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


def recall(project: Project) -> InSync | None:
    """The agreement last remembered in this checkout, if any: it holds for the inputs whose
    fingerprint it gives. Looked up before any fingerprint is worked out, so that a checkout
    that has none (a fresh clone, CI) reads no file twice."""
    if not enabled():
        return None
    try:
        data = json.loads((project.root / CACHE_FOLDER / _IN_SYNC).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("fingerprint"), str):
        return None
    return InSync(data["fingerprint"], data.get("migration"), data.get("dialect"))


def remember(project: Project, current: str, migration: str | None, dialect: str | None) -> None:
    content = json.dumps({"fingerprint": current, "migration": migration, "dialect": dialect}) + "\n"
    _store(project, _IN_SYNC, content.encode("utf-8"))


def recall_parsed(project: Project) -> dict[bytes, Any]:
    """Entity files' plain data by digest of their bytes, as `remember_parsed` kept it, or {}."""
    if not enabled():
        return {}
    try:
        with open(project.root / CACHE_FOLDER / _PARSED, "rb") as file:
            stamp, entries = marshal.loads(file.read())  # marshal.load reads a file in small pieces: 5 times slower
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return entries if stamp == _parsing_stamp() and isinstance(entries, dict) else {}


def parsed_content(entries: dict[bytes, Any]) -> bytes:
    """What `remember_parsed` writes for these entries; made when they are at hand, written
    only when the command succeeds."""
    try:
        return marshal.dumps((_parsing_stamp(), entries))
    except ValueError:  # a value marshal cannot write (a YAML date): keep the others
        return marshal.dumps((_parsing_stamp(), {key: data for key, data in entries.items() if _marshals(data)}))


def remember_parsed(project: Project, content: bytes) -> None:
    _store(project, _PARSED, content)


def _marshals(data: Any) -> bool:
    try:
        marshal.dumps(data)
    except ValueError:
        return False
    return True


def _parsing_stamp() -> str:
    """What parsing depended on: codegen's code and the Python that marshals the data."""
    return f"{__version__}\0{sys.version}\0{_code_stamp()}"


def _store(project: Project, name: str, content: bytes) -> None:
    """Write `.codegen_cache/<name>` whole (never half-written), or nothing when it cannot be written."""
    if not enabled():
        return
    folder = project.root / CACHE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# created by codegen: this folder is a local cache\n*\n", encoding="utf-8")
        temporary = folder / f"{name}.{os.getpid()}.tmp"
        temporary.write_bytes(content)
        os.replace(temporary, folder / name)
    except OSError:
        pass  # a read-only checkout: no cache, same answers
