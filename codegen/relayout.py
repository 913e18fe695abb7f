"""`codegen relayout LAYOUT`: move a project's migrations to another `layout:`, explicitly.

Changing `layout:` by hand would leave codegen reading none of the old files.
This rewrites every migration's files into the new layout, with the same text per
direction (the layouts read back exactly what they were given, so the checksums
the runners recorded still match), moves the snapshot and codegen.sum with the
migrations folder when that folder is the layout's default, and writes the new
`layout:` into codegen.yaml: all in one change, or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from codegen.config import Project
from codegen.errors import UserError
from codegen.formats.layouts import LAYOUTS, migration_text
from codegen.history import Migration, list_migrations
from codegen.integrity import SUM_NAME, sum_key, sum_text
from codegen.writer import Change, apply, locked

_LAYOUT_LINE = re.compile(r"^layout:[^\n]*$", re.MULTILINE)


@dataclass(frozen=True)
class _Written:
    """What a layout needs of an already written migration: its id, name and files."""

    id: str
    name: str


def relayout(project: Project, target: str, config_text: str, migrations_given: bool) -> tuple[Path, int]:
    """Rewrite the project into `target`; returns the new migrations folder and the number moved.
    `migrations_given`: codegen.yaml names the migrations folder (then it stays)."""
    if target == project.layout:
        raise UserError.at(target, f"the project already has `layout: {target}`", "name another layout")
    if project.format != "sql":
        raise UserError.at(project.shown(project.config_file), "a layout arranges SQL files, and this project writes "
                           "Alembic revisions", "leave the layout as it is")
    if project.postgresql.online and target != "codegen":
        raise UserError.at(project.shown(project.config_file), f"`postgresql: {{online: true}}` needs codegen's own "
                           f"runner, and {target} cannot run its files", "leave out `online` first")
    layout = LAYOUTS[target]
    old_folder = project.migrations
    new_folder = old_folder if migrations_given else project.root / layout.folder
    with locked(old_folder):
        migrations = list_migrations(old_folder, project.layout)
        created: dict[Path, str] = {}
        written: list[Migration] = []
        for migration in migrations:
            up, down = migration_text(project, migration, "up"), migration_text(project, migration, "down")
            parent = next((m for m in written if m.id == migration.parent), None)
            files = layout.files(_Written(migration.id, migration.name), len(written) + 1, parent, up, down)
            paths = {new_folder / name: text for name, text in files.items()}
            created.update(paths)
            first = next(iter(paths))
            written.append(Migration(migration.id, migration.name, first if target != "codegen" else first.parent,
                                     migration.parent))
        removed = [path for m in migrations for path in ([m.path] if m.path.is_dir() else m.files())]
        snapshot = project.snapshot
        new_snapshot = new_folder / snapshot.relative_to(old_folder) if snapshot.is_relative_to(old_folder) else snapshot
        sums = {sum_key(path, new_folder): text.encode() for path, text in created.items()}
        if snapshot.exists():
            sums[sum_key(new_snapshot, new_folder)] = snapshot.read_bytes()
            if new_snapshot != snapshot:
                created[new_snapshot] = snapshot.read_text(encoding="utf-8")
                removed.append(snapshot)
        replaced = [(project.config_file, _with_layout(config_text, target))]
        if new_folder == old_folder:
            replaced.append((new_folder / SUM_NAME, sum_text(sums)))
        else:
            created[new_folder / SUM_NAME] = sum_text(sums)
            if (old_folder / SUM_NAME).exists():
                removed.append(old_folder / SUM_NAME)
        clash = [p for p in created if p.exists() and p not in removed]
        if clash:
            raise UserError.at(project.shown(clash[0]), "already exists", "move it away, then run relayout again")
        # files that stay under the same name (a layout's file renamed onto itself) are replaced, not created
        same = {p for p in created if p in removed}
        apply(Change(created=tuple(sorted((p, t) for p, t in created.items() if p not in same)),
                     replaced=tuple(replaced) + tuple(sorted((p, created[p]) for p in same)),
                     removed=tuple(sorted(p for p in removed if p not in same))), project.root)
    return new_folder, len(migrations)


def _with_layout(config_text: str, target: str) -> str:
    line = f"layout: {target}"
    if _LAYOUT_LINE.search(config_text):
        return _LAYOUT_LINE.sub(line, config_text, count=1)
    return config_text.rstrip("\n") + f"\n{line}\n"

