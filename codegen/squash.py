"""`codegen squash [--to ID] [-m MESSAGE]`: one migration instead of the history up to ID.

The squash creates, from nothing, the schema the history had at ID, with its
down. It takes ID's own id, so the migrations after it keep their parent, and its
header says which ids it replaces (`-- replaces:`). A database that applied all
of them holds the squash (runner/status.py); one that applied only some is told
how to finish. The snapshot is unchanged (it describes the head, which the squash
does not move); codegen.sum is rewritten; everything lands in one change.
"""

from __future__ import annotations

from dataclasses import replace

from codegen import __version__
from codegen.config import Project
from codegen.errors import UserError
from codegen.history import list_migrations, slugify
from codegen.integrity import SUM_NAME, ordered_chain, sum_key, sum_text, tracked_files
from codegen.writer import Change, apply, locked


def squash(project: Project, to: str | None, message: str | None) -> tuple[str, int]:
    """Write the squash; returns its name and how many migrations it replaced."""
    from codegen.formats import get_format
    from codegen.model import Schema
    from codegen.pipeline import creation_time, state_between
    from codegen.rebase import _snapshot_at
    from codegen.render import MigrationInfo
    from codegen.snapshot import Snapshot

    with locked(project.migrations):
        migrations = list_migrations(project.migrations, project.layout)
        chain = ordered_chain(migrations)
        if len(chain) != len(migrations) or not chain:
            raise UserError.at(project.shown(project.migrations), "the history is not one straight chain",
                               "`codegen check` names the problem; fix it first")
        target = chain[-1] if to is None else next((m for m in chain if to in (m.id, m.name)), None)
        if target is None:
            raise UserError.at("--to", f"no migration `{to}`", "name one by id or name")
        replaced = chain[: chain.index(target) + 1]
        if len(replaced) < 2:  # also what a second `squash` run at the same time finds
            raise UserError.at("--to", f"nothing to squash: {replaced[0].name} is the first migration",
                               "name a later one (or generate more first)")
        schema = _snapshot_at(project, target, migrations).schema
        state = state_between(project, Snapshot(Schema(), None, project.dialect), schema)
        ids = tuple(rid for m in replaced for rid in (m.replaces or (m.id,)))
        text = message or "squashed"
        info = MigrationInfo(id=target.id, name=f"{target.id}_{slugify(text)}", parent=None, message=text,
                             created=creation_time().strftime("%Y-%m-%dT%H:%M:%SZ"), generator=__version__,
                             replaces=ids)
        # rendered as if the replaced migrations were gone: the squash is the first of the chain
        files = get_format(project.format).render(project, info, replace(state, likely_renames=()))
        gone = {path for m in replaced for path in ([m.path] if m.path.is_dir() else m.files())}
        kept = [m for m in migrations if m not in replaced]
        sums = tracked_files(kept, project.migrations, project.snapshot)
        sums.update({sum_key(path, project.migrations): text.encode() for path, text in files.items()})
        same = {path for path in files if path in gone}
        apply(Change(created=tuple(sorted((p, t) for p, t in files.items() if p not in same)),
                     replaced=tuple(sorted((p, files[p]) for p in same)) +
                     ((project.migrations / SUM_NAME, sum_text(sums)),),
                     removed=tuple(sorted(gone - same))), project.migrations)
    return info.name, len(replaced)
