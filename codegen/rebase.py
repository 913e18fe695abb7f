"""`codegen rebase`: after two branches each added a migration on the same parent,
regenerate one branch's migrations as a single migration on top of the other's.

The schema as it stood after the other branch's last migration is needed to
diff against. It is the current snapshot when that is the one kept in the
merge; otherwise git has it: the commit that added that migration wrote its
snapshot too.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from codegen.config import Project
from codegen.errors import UserError
from codegen.history import Migration, list_migrations
from codegen.model import Schema
from codegen.integrity import SUM_NAME, sum_key, sum_text, tracked_files
from codegen.pipeline import PlannedMigration, prepare_migration, state_against
from codegen.snapshot import Snapshot, parse_snapshot
from codegen.writer import Change, apply


@dataclass(frozen=True)
class Rebase:
    moved: tuple[Migration, ...]  # the migrations taken away
    onto: Migration
    base: Snapshot  # the snapshot `onto` wrote
    planned: PlannedMigration | None  # None when the other branch already holds every change


def plan_rebase(project: Project, choose: str | None) -> Rebase:
    migrations = list_migrations(project.migrations, project.layout)
    children: dict[str | None, list[Migration]] = {}
    for m in migrations:
        children.setdefault(m.parent, []).append(m)
    forks = [sorted(kids, key=lambda m: m.id) for kids in children.values() if len(kids) > 1]
    if not forks:
        raise UserError.at(project.shown(project.migrations), "nothing to rebase: no two migrations share a parent",
                           "`codegen check` lists what else may be wrong")
    siblings = forks[0]
    if len(siblings) > 2:
        raise UserError.at(project.shown(project.migrations),
                           f"{len(siblings)} migrations share parent {siblings[0].parent}; rebase one pair at a time",
                           "run `codegen rebase MIGRATION` naming the one to regenerate")
    moved_start = siblings[-1]
    if choose is not None:
        picked = [m for m in siblings if choose in (m.id, m.name)]
        if not picked:
            raise UserError.at(choose, f"not one of the forked migrations ({', '.join(m.name for m in siblings)})",
                               "name one of them")
        moved_start = picked[0]
    other_start = next(m for m in siblings if m is not moved_start)
    moved = _branch(moved_start, children)
    onto = _branch(other_start, children)[-1]

    base = _snapshot_at(project, onto, migrations)
    state = state_against(project, base)
    if not state.up:
        _prove_redundant(project, moved, migrations, state.schema)
        return Rebase(tuple(moved), onto, base, None)
    message = moved_start.name.split("_", 1)[1].replace("_", " ")
    return Rebase(tuple(moved), onto, base, prepare_migration(state, message))


def write_rebase(project: Project, rebase: Rebase) -> None:
    # a folder, a revision, or a layout's files (its up and down, and Flyway's .conf)
    gone = {path for m in rebase.moved for path in ([m.path] if m.path.is_dir() else m.files())}
    kept = [m for m in list_migrations(project.migrations, project.layout) if m.path not in gone]
    files = tracked_files(kept, project.migrations, project.snapshot)
    created: tuple = ()
    snapshot_text = rebase.base.to_text()
    if rebase.planned is not None:
        created = tuple(sorted(rebase.planned.files.items()))
        files.update({sum_key(path, project.migrations): text.encode() for path, text in created})
        snapshot_text = rebase.planned.snapshot_text
    files[sum_key(project.snapshot, project.migrations)] = snapshot_text.encode()
    replaced = ((project.snapshot, snapshot_text), (project.migrations / SUM_NAME, sum_text(files)))
    apply(Change(created=created, replaced=replaced, removed=tuple(sorted(gone))), project.migrations)


def _branch(start: Migration, children: dict) -> list[Migration]:
    out, current = [start], start
    while children.get(current.id):
        current = sorted(children[current.id], key=lambda m: m.id)[0]
        out.append(current)
    return out


def _prove_redundant(project: Project, moved: list[Migration], migrations: list[Migration], result: Schema) -> None:
    """The moved branch may be removed only when every change it made is in `result` (the
    merged entities): each of its operations, from the schema it started from to the one it
    ended at, is also an operation from that start to `result`. Ids prove nothing (two
    branches can generate in the same second), so the operations decide; UserError when
    they cannot be compared or a change would be lost."""
    from codegen.differ import diff

    parent_id = moved[0].parent
    parent = next((m for m in migrations if m.id == parent_id), None)
    try:
        start = _snapshot_at(project, parent, migrations).schema if parent is not None else Schema()
        end = _snapshot_at(project, moved[-1], migrations).schema
    except UserError:
        raise UserError.at(project.shown(project.migrations),
                           f"cannot tell whether {moved[-1].name}'s changes are in the merged entities (the snapshots "
                           "its branch wrote are not in git), so it is not removed",
                           "restore those snapshots, or regenerate the migration by hand: remove it, then "
                           "`codegen generate`") from None
    made = {op.describe() for op in diff(start, end)}
    kept = {op.describe() for op in diff(start, result)}
    lost = sorted(made - kept)
    if lost:
        raise UserError.at(project.shown(moved[-1].review_file),
                           f"{moved[-1].name}'s changes are not all in the merged entities ({'; '.join(lost[:5])}), "
                           "so it is not removed",
                           "make the entity files hold both branches' changes, then run `codegen rebase` again")


def _snapshot_at(project: Project, migration: Migration, migrations: list[Migration]) -> Snapshot:
    """The snapshot `migration` wrote: the working tree's when it names that migration and no
    other migration has its id, else the one committed with the migration."""
    shown = project.shown(project.snapshot)
    unique = sum(m.id == migration.id for m in migrations) == 1
    if project.snapshot.exists() and unique:
        text = project.snapshot.read_text(encoding="utf-8", errors="replace")
        if "<<<<<<<" not in text:
            current = parse_snapshot(text, shown)
            if current.migration == migration.id:
                return current
    top = _git(project.root, "rev-parse", "--show-toplevel")
    if top is None:
        raise UserError.at(shown, f"the snapshot after {migration.name} is needed and this is not a git repository",
                           f"restore the snapshot that {migration.name} wrote, then run `codegen rebase` again")
    up = os.path.relpath(migration.review_file, top)
    commit = _git(project.root, "log", "--diff-filter=A", "--format=%H", "-n", "1", "--", up)
    snapshot_in_repo = Path(os.path.relpath(project.snapshot, top)).as_posix()
    text = _git(project.root, "show", f"{commit}:{snapshot_in_repo}") if commit else None
    found = parse_snapshot(text, f"{commit}:{snapshot_in_repo}") if text else None
    if found is None or found.migration != migration.id:
        raise UserError.at(shown, f"cannot find the snapshot {migration.name} produced (not committed with it?)",
                           f"restore the snapshot that {migration.name} wrote, then run `codegen rebase` again")
    return found


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None
