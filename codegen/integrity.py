"""What `codegen check` finds besides pending entity changes: a broken or forked
migration chain, and migration files edited after they were generated.

The chain comes from the headers (`-- id:` / `-- parent:`). The checksum file
`migrations/codegen.sum` (like Atlas's `atlas.sum`) holds a SHA-256 of every
migration file and of the snapshot; `generate` and `rehash` write it, `check`
compares. A reviewer who accepts a deliberate edit runs `codegen rehash`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from codegen.history import Migration

SUM_NAME = "codegen.sum"


@dataclass(frozen=True)
class Finding:
    """One problem `check` reports: a stable code for bots, the files, what is wrong, the fix."""

    code: str  # "entities-changed", "chain-broken", "branches", "duplicate-id", "snapshot-mismatch", "edited", "missing",
    #            "unlisted", "no-sum", "hazard", "interrupted", "verify"
    message: str
    fix: str
    files: tuple[str, ...] = ()

    def render(self) -> str:
        where = f"{', '.join(self.files)}: " if self.files else ""
        return f"{where}{self.message}\n    fix: {self.fix}"


# -- checksums ----------------------------------------------------------------------------------

def _digest(data: bytes) -> str:
    return "h1:" + base64.b64encode(hashlib.sha256(data).digest()).decode()


def sum_text(files: dict[str, bytes]) -> str:
    """The codegen.sum content for `files` (paths relative to the migrations folder)."""
    lines = [f"{path} {_digest(data)}" for path, data in sorted(files.items())]
    body = "".join(line + "\n" for line in lines)
    return _digest(body.encode()) + "\n" + body


def tracked_files(migrations: list[Migration], folder: Path, snapshot: Path) -> dict[str, bytes]:
    """Every file the sum covers: each migration's files and the snapshot."""
    files = {}
    for migration in migrations:
        for path in migration.files():
            files[sum_key(path, folder)] = path.read_bytes()
    if snapshot.exists():
        files[sum_key(snapshot, folder)] = snapshot.read_bytes()
    return files


def sum_key(path: Path, folder: Path) -> str:
    """How codegen.sum names a file: relative to the migrations folder, with forward slashes."""
    return Path(os.path.relpath(path, folder)).as_posix()


def parse_sum(text: str) -> dict[str, str] | None:
    """path -> digest, or None when the file is damaged (its first line does not match the rest)."""
    head, _, body = text.partition("\n")
    if _digest(body.encode()) != head.strip():
        return None
    entries = {}
    for line in body.splitlines():
        path, _, digest = line.rpartition(" ")
        entries[path] = digest
    return entries


def recorded_entries(folder: Path) -> dict[str, str] | None:
    path = folder / SUM_NAME
    return parse_sum(path.read_text(encoding="utf-8")) if path.exists() else None


def extended_sum(folder: Path, existing: Callable[[], dict[str, bytes]], new: dict[str, bytes]) -> str:
    """The sum after `generate`: what was recorded for existing files (edits stay detectable), plus the new files.

    `existing` is read only when there is no recorded sum to extend: at 10,000 tables
    the old snapshot and migrations held in memory set the peak of `generate`.
    """
    recorded = recorded_entries(folder)
    entries = dict(recorded) if recorded is not None else {p: _digest(d) for p, d in existing().items()}
    entries.update({p: _digest(d) for p, d in new.items()})
    body = "".join(f"{p} {d}\n" for p, d in sorted(entries.items()))
    return _digest(body.encode()) + "\n" + body


def check_sum(folder: Path, files: dict[str, bytes]) -> list[Finding]:
    sum_path = folder / SUM_NAME
    shown = sum_path.as_posix()
    if not sum_path.exists():
        if not files:
            return []
        return [Finding("no-sum", f"{SUM_NAME} is missing, so edits to migrations cannot be detected",
                        "run `codegen rehash` once, review, and commit the file", (shown,))]
    recorded = parse_sum(sum_path.read_text(encoding="utf-8"))
    if recorded is None:
        return [Finding("edited", f"{SUM_NAME} was edited by hand (its first line does not match its entries)",
                        "restore it from version control, or run `codegen rehash` to accept the files as they are",
                        (shown,))]
    findings = []
    for path in sorted(set(recorded) | set(files)):
        if path not in files:
            findings.append(Finding("missing", f"{path} is listed in {SUM_NAME} but does not exist",
                                    "restore the file from version control (a migration must never be deleted once "
                                    "applied), or run `codegen rehash` if removing it was deliberate", (path,)))
        elif path not in recorded:
            findings.append(Finding("unlisted", f"{path} is not in {SUM_NAME}: it was not written by `codegen generate`",
                                    "generate migrations with `codegen generate`; to accept this file run `codegen rehash`",
                                    (path,)))
        elif recorded[path] != _digest(files[path]):
            findings.append(Finding("edited", f"{path} was changed after it was generated",
                                    "undo the edit, or, as the reviewer accepting it, run `codegen rehash`", (path,)))
    return findings


# -- the chain ------------------------------------------------------------------------------------

def check_chain(migrations: list[Migration], snapshot_migration: str | None, snapshot_shown: str) -> list[Finding]:
    findings = []
    ids = {m.id: m for m in migrations}
    by_id: dict[str, list[Migration]] = {}
    for m in migrations:
        by_id.setdefault(m.id, []).append(m)
    for same in (group for group in by_id.values() if len(group) > 1):
        names = [m.name for m in same]
        findings.append(Finding(
            "duplicate-id", f"{' and '.join(names)} have the same id {same[0].id}: two branches generated in the same "
            "second (or with one SOURCE_DATE_EPOCH), and an id must name one migration",
            f"run `codegen rebase` to regenerate {names[-1]} with a new id on top of {names[0]}", tuple(names)))
    children: dict[str | None, list[Migration]] = {}
    for m in migrations:
        children.setdefault(m.parent, []).append(m)
        if m.parent is not None and m.parent not in ids:
            findings.append(Finding("chain-broken", f"{m.name} names parent {m.parent}, which does not exist",
                                    f"restore the migration {m.parent} from version control", (m.name,)))
    for parent, kids in sorted(children.items(), key=lambda item: item[0] or ""):
        if len(kids) > 1:
            names = [k.name for k in sorted(kids, key=lambda k: k.id)]
            what = f"parent {parent}" if parent else "no parent (both are first migrations)"
            findings.append(Finding(
                "branches", f"{' and '.join(names)} both have {what}: two branches each added a migration",
                f"run `codegen rebase` to regenerate {names[-1]} on top of {names[0]}", tuple(names)))
    heads = [m for m in migrations if m.id not in children]
    if migrations and len(heads) == 1 and snapshot_migration != heads[0].id:
        findings.append(Finding(
            "snapshot-mismatch",
            f"the snapshot was produced by migration {snapshot_migration or '(none)'}, but the last migration is {heads[0].name}",
            "restore the snapshot that goes with the last migration from version control, or regenerate the migration",
            (snapshot_shown,)))
    if not migrations and snapshot_migration is not None:
        findings.append(Finding("chain-broken", f"the snapshot names migration {snapshot_migration}, but there are no migrations",
                                "restore the migrations folder from version control", (snapshot_shown,)))
    return findings


def ordered_chain(migrations: list[Migration]) -> list[Migration]:
    """Migrations from the first to the head following parents (ids break ties)."""
    by_parent: dict[str | None, list[Migration]] = {}
    for m in migrations:
        by_parent.setdefault(m.parent, []).append(m)
    chain, current = [], None
    while by_parent.get(current):
        nxt = sorted(by_parent[current], key=lambda m: m.id)[0]
        chain.append(nxt)
        current = nxt.id
    return chain
