"""The runner's commands: `migrate`, `rollback`, `stamp` (and what `status` reads), and the
connection they share, with the project's files checked once. Each holds the runner's lock
while it reads the history and runs migrations (session.Runner does the running); a dry run
prints the statements in sending order instead.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

import sqlalchemy as sa

from codegen import __version__
from codegen.config import Project
from codegen.dialects import get_dialect
from codegen.dialects.base import Dialect
from codegen.errors import UserError
from codegen.history import Migration, list_migrations
from codegen.runner import history_table
from codegen.formats.layouts import migration_text
from codegen.runner.scripts import Statement
from codegen.runner.session import BASE, Event, Outcome, Ran, Runner
from codegen.runner.status import Status


@contextlib.contextmanager
def connect(project: Project, url: str | None, lock_timeout: float, on_event: Callable[[Event], None],
            writes: bool) -> Iterator[Runner]:
    """A Runner on the database at `url` with the project's files checked. `writes=False` (status,
    dry runs) never creates anything, not even an empty SQLite file."""
    from codegen.integrity import ordered_chain, sum_key, tracked_files
    from codegen.live import open_engine
    from codegen.pipeline import history_findings, interrupted_runs

    if project.format != "sql":
        raise UserError.at(project.shown(project.config_file),
                           f"this project's migrations are Alembic revisions (`format: {project.format}`): "
                           "they are applied by Alembic, which keeps its own history",
                           "run `alembic upgrade head` / `alembic downgrade -1` / `alembic current` / `alembic stamp`")
    dialect = get_dialect(project.dialect)
    if not url:
        raise UserError.at("--db", "no database to run on",
                           f"pass `--db {dialect.example_url}` or set CODEGEN_DATABASE_URL")
    migrations = list_migrations(project.migrations, project.layout)
    runner = Runner(project, dialect, None, lock_timeout, on_event)
    from codegen.snapshot import read_snapshot

    snapshot_migration = _snapshot_migration(project, read_snapshot)
    files = tracked_files(migrations, project.migrations, project.snapshot)  # read once: sum and checksums
    runner.file_problems = interrupted_runs(project) + history_findings(project, migrations, snapshot_migration, files)
    runner.chain = ordered_chain(migrations)
    # The checksum of the up SQL as codegen runs it: for codegen's own layout the file's bytes;
    # for the others the text read back (layouts.py), the same whatever the layout, so that
    # `codegen relayout` leaves every recorded checksum true.
    runner.checksums = {m.id: history_table.checksum(files.get(sum_key(m.source("up"), project.migrations), b"")
                                                     if project.layout == "codegen" else
                                                     migration_text(project, m, "up").encode())
                        for m in runner.chain}
    engine = open_engine(dialect, url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        if not writes and _missing_file(dialect, engine):
            yield runner
            return
        try:
            conn = engine.connect()
        except sa.exc.DBAPIError as exc:
            reason = " ".join(str(exc.orig).split())
            raise UserError.at("--db", f"cannot connect to {engine.url.render_as_string(hide_password=True)}: "
                               f"{reason}", "check the URL, and that the server is running") from None
        with conn:
            dialect.prepare_runner_session(conn, lock_timeout)
            runner.conn = conn
            yield runner
    finally:
        engine.dispose()


def _snapshot_migration(project: Project, read_snapshot) -> str | None:
    if not project.snapshot.is_file():
        return None
    return read_snapshot(project.snapshot, project.shown(project.snapshot)).migration


def _missing_file(dialect: Dialect, engine) -> bool:
    database = engine.url.database
    return dialect.file_database and bool(database) and database != ":memory:" and not Path(database).exists()


def _find(runner: Runner, wanted: str, option: str) -> Migration | None:
    """The migration `wanted` names (id or folder name); None for `base`."""
    if wanted == BASE:
        return None
    for migration in runner.chain:
        if wanted in (migration.id, migration.name):
            return migration
    latest = ", ".join(m.name for m in runner.chain[-3:]) or "none yet"
    raise UserError.at(option, f"no migration `{wanted}` in {runner.project.shown(runner.project.migrations)}",
                       f"name one by id or folder name, or `{BASE}` (latest: {latest})")


def migrate(runner: Runner, to: str | None, dry_run: bool) -> Outcome:
    target = _find(runner, to, "--to") if to else (runner.chain[-1] if runner.chain else None)
    last = runner.chain.index(target) if target is not None else -1
    if dry_run:
        status = runner.status()
        runner.refuse_problems(status)
        wanted = [m for m in status.pending if runner.chain.index(m) <= last]
        creates_table = runner.conn is None or not history_table.exists(runner.conn)
        return Outcome(status, dry_run_sql=_dry_run(runner, wanted, "up", creates_table))
    runner.refuse_file_problems()  # before anything is created, even the history table
    ran: list[Ran] = []
    with runner.locked():  # the history is read under the lock: a run in progress is not a problem
        runner.ensure_history_table()
        total = 0
        while True:
            status = runner.status()
            unfinished = _unfinished(runner, status, "up")
            runner.refuse_problems(_without(status, "unfinished-up"))
            if unfinished:
                total = max(total, len(ran) + len(status.pending) + 1)
                runner.step(unfinished, "up", len(ran) + 1, total, ran, finishing=True)
                continue
            todo = [m for m in status.pending if runner.chain.index(m) <= last]
            if not todo:
                break
            total = max(total, len(ran) + len(todo))
            runner.step(todo[0], "up", len(ran) + 1, total, ran)
    status = runner.status()
    outcome = Outcome(status, tuple(ran))
    if status.at_head:
        outcome = replace(outcome, drift=tuple(_drift(runner)), checked_drift=True)
    return outcome


def rollback(runner: Runner, steps: int | None, to: str | None, dry_run: bool) -> Outcome:
    keep = None
    if to is not None:
        target = _find(runner, to, "--to")
        keep = runner.chain.index(target) if target is not None else -1

    def to_undo(status: Status) -> list[Migration]:
        applied = list(status.applied)
        if keep is not None:
            undo = [m for m in applied if runner.chain.index(m) > keep]
        else:
            undo = applied[len(applied) - min(steps if steps is not None else 1, len(applied)):]
        return undo[::-1]

    if dry_run:
        status = runner.status()
        runner.refuse_problems(status)
        return Outcome(status, dry_run_sql=_dry_run(runner, to_undo(status), "down", False))
    runner.refuse_file_problems()
    ran: list[Ran] = []
    with runner.locked():
        status = runner.status()
        unfinished = _unfinished(runner, status, "down")
        runner.refuse_problems(_without(status, "unfinished-down"))
        if unfinished:  # the rollback that stopped after its COMMIT counts as the first step
            runner.step(unfinished, "down", 1, 1, ran, finishing=True)
            steps = None if steps is None else steps - 1
            status = runner.status()
            if keep is None and not steps:
                return Outcome(status, tuple(ran))
        undo = to_undo(status)
        for number, migration in enumerate(undo, 1):
            runner.step(migration, "down", number, len(undo), ran)
    return Outcome(runner.status(), tuple(ran))


def _unfinished(runner: Runner, status: Status, direction: str) -> Migration | None:
    """The migration whose `direction` file stopped after its COMMIT, for the command that finishes it."""
    names = {name for f in status.problems if f.code == f"unfinished-{direction}" for name in f.files}
    return next((m for m in runner.chain if m.name in names), None)


def _without(status: Status, code: str) -> Status:
    return replace(status, problems=tuple(f for f in status.problems if f.code != code))


def stamp(runner: Runner, to: str) -> tuple[Outcome, list[str], list[str]]:
    """Make the history say exactly `to` and everything before it are applied, running nothing.
    Returns the outcome, the names recorded and the names removed."""
    target = _find(runner, to, "ID")
    runner.refuse_file_problems()
    keep = runner.chain[: runner.chain.index(target) + 1] if target is not None else []
    kept_ids = {m.id for m in keep}
    recorded: list[str] = []
    removed: list[str] = []
    with runner.locked():
        runner.ensure_history_table()
        runner.begin()
        try:
            rows = {r.id: r for r in history_table.rows(runner.conn)}
            for row in rows.values():
                if row.id not in kept_ids:
                    history_table.delete(runner.conn, row.id)
                    removed.append(row.name)
            for migration in keep:
                row = rows.get(migration.id)
                if row is not None and not row.dirty and row.checksum == runner.checksums[migration.id]:
                    continue
                if row is not None:
                    history_table.delete(runner.conn, migration.id)
                history_table.record(runner.conn, migration.id, migration.name, runner.checksums[migration.id],
                                     __version__)
                recorded.append(migration.name)
            runner.commit()
        except BaseException:
            runner.roll_back()
            raise
    return Outcome(runner.status()), recorded, removed


def _drift(runner: Runner) -> list[str]:
    """How the live schema differs from the snapshot, once the database is at the last migration."""
    from codegen.live import differences, expected, reflect
    from codegen.snapshot import read_snapshot

    project = runner.project
    schema = read_snapshot(project.snapshot, project.shown(project.snapshot)).schema
    ignore = (history_table.HISTORY_TABLE, *(t.name for t in schema.tables if t.external))
    return differences(expected(schema, runner.dialect), reflect(runner.conn, runner.dialect, ignore=ignore,
                                                                           schemas=schema.schema_names))


# -- dry runs: the statements in the order they would be sent ---------------------------------------

def _dry_run(runner: Runner, migrations: list[Migration], direction: str, creates_table: bool) -> str:
    dialect = runner.dialect
    parts: list[str] = []
    if creates_table:
        engine_dialect = runner.conn.dialect if runner.conn is not None else _sqlalchemy_dialect(runner)
        ddl = str(sa.schema.CreateTable(history_table.history, if_not_exists=True).compile(dialect=engine_dialect))
        parts.append(f"-- codegen creates its history table first:\n{ddl.strip()};")
    for number, migration in enumerate(migrations, 1):
        script = runner.script(migration, direction)
        record = "records" if direction == "up" else "deletes"
        parts.append(f"-- codegen {direction} {number} of {len(migrations)}: {migration.name}")
        if script.transactional:
            parts += [s.text for s in script.before]
            parts.append(_replaced(script.begin, dialect.begin_sql))
            parts += [s.text for s in script.body]
            parts.append(f"-- codegen {record} {migration.id} in {history_table.HISTORY_TABLE} here, "
                         "in the same transaction")
            parts.append(script.commit.text)
            if script.runs_after_commit:
                parts.append("-- codegen runs each statement below on its own (the row above says so until the "
                             f"last has run), then {'marks it clean' if direction == 'up' else 'deletes the row'}")
            parts += [s.text for s in script.after]
        else:
            parts.append(f"-- codegen {record if direction == 'down' else 'records'} {migration.id} in "
                         f"{history_table.HISTORY_TABLE} as dirty here; this file runs statement by statement")
            parts += [s.text for s in script.body]
            parts.append(f"-- codegen {'marks it clean' if direction == 'up' else 'deletes the row'} here")
    return "\n\n".join(parts) + "\n" if parts else ""


def _replaced(statement: Statement | None, begin_sql: str) -> str:
    if statement is None:
        return begin_sql + ";"
    comments = statement.text[: len(statement.text) - len(statement.code)]
    return f"{comments}{begin_sql};"


def _sqlalchemy_dialect(runner: Runner):
    from sqlalchemy.dialects import registry

    return registry.load(runner.dialect.name)()
