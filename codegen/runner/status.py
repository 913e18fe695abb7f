"""What a database holds compared with the migration files: applied, pending, and what is wrong.

Pure: the files (the ordered chain and the checksum each up.sql has now) and
the history rows in, the verdict out. Every runner command starts here and
refuses to run while a problem stands, so that the files applied are the files
reviewed and the history never gains a hole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from codegen.history import Migration
from codegen.integrity import Finding
from codegen.runner.history_table import Row


@dataclass(frozen=True)
class Status:
    chain: tuple[Migration, ...]
    rows: tuple[Row, ...]
    pending: tuple[Migration, ...]
    problems: tuple[Finding, ...]

    @property
    def applied(self) -> tuple[Migration, ...]:
        """The applied migrations that are on disk, in chain order."""
        recorded = {r.id for r in self.rows}
        return tuple(m for m in self.chain if m.id in recorded)

    @property
    def at_head(self) -> bool:
        return not self.pending and bool(self.chain) and not self.problems


def compare(chain: list[Migration], rows: list[Row], checksums: dict[str, str],
            shown: Callable[[Path], str] = str) -> Status:
    """`checksums`: migration id -> checksum of its up.sql as it is on disk now; `shown`: a path as
    the user reads it."""
    by_id = {m.id: m for m in chain}
    recorded = {r.id: r for r in rows if r.id in by_id and by_id[r.id].name == r.name}
    problems: list[Finding] = []
    # A squash stands for the migrations it replaces: a database that applied them all holds it.
    row_ids = {r.id for r in rows}
    covered = {rid for m in chain for rid in m.replaces}
    for squash in (m for m in chain if m.replaces and m.id not in recorded):
        held = [rid for rid in squash.replaces if rid in row_ids]
        if len(held) == len(squash.replaces):
            recorded[squash.id] = next(r for r in rows if r.id == squash.id)
        elif held:
            missing = [rid for rid in squash.replaces if rid not in row_ids]
            problems.append(Finding(
                "squashed-partly", f"this database applied only some of the {len(squash.replaces)} migrations "
                f"{squash.name} replaces (not {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''})",
                f"apply the rest with a checkout from before the squash (`codegen migrate --to {squash.replaces[-1]}` "
                "there), then run this one; or, if the database already holds their schema, `codegen stamp "
                f"{squash.id}`", (squash.name,)))
    head = chain[-1].id if chain else ""
    for row in rows:
        if row.id in covered and row.id not in recorded or (row.id in covered and by_id.get(row.id) is not None
                                                            and by_id[row.id].name != row.name):
            continue  # a replaced migration's own row
        migration = by_id.get(row.id)
        if row.dirty:
            problems.append(_dirty(row, migration))
        if migration is not None and migration.name != row.name:
            problems.append(Finding(
                "applied-missing", f"applied to this database, but its files are missing, and {migration.name} "
                "has its id now", "restore the migration from version control and regenerate the "
                "new one on top of it (`codegen rebase`)", (row.name,)))
        elif migration is None:
            if row.id > head:
                problems.append(Finding(
                    "history-ahead", "applied to this database, but newer than every migration here",
                    "deploy from the checkout that holds it, or roll it back with that checkout's `codegen rollback`",
                    (row.name,)))
            else:
                problems.append(Finding(
                    "applied-missing", "applied to this database, but its files are missing",
                    "restore the migration from version control (an applied migration must never be deleted)",
                    (row.name,)))
        elif row.checksum != checksums[row.id]:
            up_sql = shown(migration.source("up"))
            problems.append(Finding(
                "applied-changed", "changed after it was applied to this database",
                f"restore the file as it was applied (see `git log -p -- {up_sql}`); if the database "
                f"already holds the edited schema, record the new checksum with `codegen stamp {migration.id}`",
                (up_sql,)))
    latest_applied = max((m.id for m in chain if m.id in recorded), default="")
    pending = tuple(m for m in chain if m.id not in recorded)
    for migration in pending:
        if migration.id < latest_applied:
            problems.append(Finding(
                "out-of-order", f"not applied, but a later migration ({recorded[latest_applied].name}) is",
                f"apply its changes by hand and record them with `codegen stamp {latest_applied}`, or roll back to "
                f"before it with `codegen rollback --to {migration.parent or 'base'}`", (migration.name,)))
    return Status(tuple(chain), tuple(rows), pending, tuple(problems))


def after_commit_marker(name: str, direction: str) -> str:
    """The failed_statement of a row whose file ran up to COMMIT, and not yet every statement
    after it (session.py writes it, _dirty reads it back)."""
    return f"{name}/{direction}.sql: the statements after COMMIT"


def _dirty(row: Row, migration: Migration | None) -> Finding:
    for direction, command in (("up", "migrate"), ("down", "rollback")):
        marker = after_commit_marker(row.name, direction)
        if row.failed_statement and row.failed_statement.startswith(marker):
            stopped = row.failed_statement[len(marker):].lstrip(": ")
            return Finding(
                f"unfinished-{direction}",
                f"{direction}.sql committed its transaction, but not every statement after COMMIT has run"
                + (f"; it stopped at {stopped}" if stopped else " (the process ended before they did, or a runner is running them now)"),
                f"run `codegen {command}` again: it runs them again (each may run twice), dropping an index a "
                "failed build left INVALID first", (row.name,))
    stopped = f"stopped at: {row.failed_statement}" if row.failed_statement else \
        "was interrupted (the process ended before it finished)"
    parent = migration.parent if migration is not None and migration.parent else "base"
    return Finding(
        "dirty", f"did not finish on this database and may be half applied; it {stopped}",
        f"look at the database and finish the migration's remaining statements or undo the ones that ran, by hand; "
        f"then record the outcome: `codegen stamp {row.id}` (all of it is in place) or `codegen stamp {parent}` "
        "(none of it is)", (row.name,))
