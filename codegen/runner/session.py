"""Applying and undoing migrations on a live database: `migrate`, `rollback`, `stamp`, `status`.

Safety comes from three rules, each proven by tests on real servers:
- Nothing runs until the files are the reviewed ones (codegen.sum verifies, the
  chain is whole) and the history agrees with them (status.compare).
- One runner at a time: the dialect's runner lock (PostgreSQL: an advisory
  lock) for the whole run, and the dialect's BEGIN (SQLite: BEGIN IMMEDIATE)
  for each migration, inside which the history is read again, so a migration
  another runner applied in the meantime is skipped, never applied twice.
- A migration and its history row commit in one transaction; a migration that
  cannot run in one (scripts.py) is recorded as dirty first and marked clean
  after its last statement, so an interruption is never mistaken for success.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

import sqlalchemy as sa

from codegen import __version__
from codegen.config import Project
from codegen.dialects import get_dialect
from codegen.dialects.base import Dialect
from codegen.errors import BusyError, UserError
from codegen.history import Migration, list_migrations
from codegen.integrity import Finding
from codegen.runner import history_table
from codegen.runner.scripts import Script, Statement, read_script
from codegen.runner.status import Status, compare

BASE = "base"  # as in Alembic: before the first migration


@dataclass(frozen=True)
class Event:
    """Something the CLI shows while a command runs."""

    kind: str  # "wait" | "start" | "done"
    message: str = ""
    migration: Migration | None = None
    direction: str = "up"
    number: int = 0  # n of `total`
    total: int = 0
    execution_ms: int = 0


@dataclass(frozen=True)
class Ran:
    migration: Migration
    direction: str
    execution_ms: int


@dataclass(frozen=True)
class Outcome:
    status: Status  # after the command
    ran: tuple[Ran, ...] = ()
    dry_run_sql: str | None = None
    drift: tuple[str, ...] = ()
    checked_drift: bool = False


class Refused(Exception):
    """The files or the history have problems: nothing was run (exit 1)."""

    def __init__(self, status: Status):
        self.status = status
        super().__init__("; ".join(f.message for f in status.problems))


class Failed(Exception):
    """A migration failed on the database: exit 1, with what ran before it."""

    def __init__(self, finding: Finding, ran: tuple[Ran, ...]):
        self.finding, self.ran = finding, ran
        super().__init__(finding.message)


@dataclass
class Runner:
    """One command's connection to the database, with the project's files read once."""

    project: Project
    dialect: Dialect
    conn: sa.Connection | None  # None: a SQLite file that does not exist yet, read as empty
    lock_timeout: float
    on_event: Callable[[Event], None]
    chain: list[Migration] = field(default_factory=list)
    checksums: dict[str, str] = field(default_factory=dict)
    file_problems: list[Finding] = field(default_factory=list)

    # -- reading ------------------------------------------------------------------------------

    def status(self) -> Status:
        rows = history_table.rows(self.conn) if self.conn is not None else []
        found = compare(self.chain, rows, self.checksums, self.project.shown)
        return replace(found, problems=tuple(self.file_problems) + found.problems)

    def refuse_problems(self, status: Status) -> None:
        if status.problems:
            raise Refused(status)

    def refuse_file_problems(self) -> None:
        if self.file_problems:
            raise Refused(replace(self.status(), problems=tuple(self.file_problems)))

    # -- locking ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        assert self.conn is not None
        self._wait_for(lambda: self.dialect.try_runner_lock(self.conn), "applying migrations to this database")
        try:
            yield
        finally:
            with contextlib.suppress(sa.exc.DBAPIError):
                self.dialect.release_runner_lock(self.conn)

    def _begin(self) -> None:
        self._wait_for(lambda: self.dialect.try_begin(self.conn), "writing to this database")

    def _wait_for(self, attempt: Callable[[], bool], doing: str) -> None:
        if attempt():
            return
        self.on_event(Event("wait", f"another codegen runner is {doing}; waiting up to {self.lock_timeout:.0f} s"))
        deadline = time.monotonic() + self.lock_timeout
        while not attempt():
            if time.monotonic() > deadline:
                raise BusyError.at("--db", f"another codegen runner kept this database locked for over "
                                   f"{self.lock_timeout:.0f} s, so nothing was run",
                                   "wait for the other deploy to finish (`codegen status` shows what it applied), "
                                   "or raise --lock-timeout")
            time.sleep(0.1)

    def _commit(self) -> None:
        self.conn.exec_driver_sql("COMMIT")

    def _rollback(self) -> None:
        with contextlib.suppress(sa.exc.DBAPIError):  # SQLite ends some failed transactions itself
            self.conn.exec_driver_sql("ROLLBACK")

    def ensure_history_table(self) -> None:
        self._begin()
        try:
            history_table.create(self.conn)
            self._commit()
        except BaseException:
            self._rollback()
            raise

    # -- running one migration ------------------------------------------------------------------

    def step(self, migration: Migration, direction: str, number: int, total: int, ran: list[Ran]) -> None:
        """Run one migration between its progress events; `ran` gains it unless another runner
        applied it first. A failure carries what ran before it."""
        self.on_event(Event("start", migration=migration, direction=direction, number=number, total=total))
        try:
            elapsed = self.run(migration, direction)
        except Failed as exc:
            raise Failed(exc.finding, tuple(ran)) from None
        if elapsed is not None:
            ran.append(Ran(migration, direction, elapsed))
            self.on_event(Event("done", migration=migration, direction=direction, number=number, total=total,
                                execution_ms=elapsed))

    def run(self, migration: Migration, direction: str) -> int | None:
        """Apply `migration`'s up or down with its history row; None when another runner did it first."""
        script = read_script(migration.path / f"{direction}.sql")
        if script.transactional:
            return self._run_in_transaction(migration, script, direction)
        return self._run_statement_by_statement(migration, script, direction)

    def _done_already(self, migration: Migration, direction: str) -> bool:
        recorded = history_table.is_recorded(self.conn, migration.id)
        return recorded if direction == "up" else not recorded

    def _run_in_transaction(self, migration: Migration, script: Script, direction: str) -> int | None:
        try:
            for statement in script.before:
                self.conn.exec_driver_sql(statement.code)
            self._begin()
            try:
                if self._done_already(migration, direction):
                    self._rollback()
                    return None
                started = time.monotonic()
                for number, statement in enumerate(script.body, 1):
                    self._execute(migration, script, number, statement, direction, in_transaction=True)
                elapsed = _ms(started)
                if direction == "up":
                    history_table.record(self.conn, migration.id, migration.name, self.checksums[migration.id],
                                         __version__, execution_ms=elapsed)
                else:
                    history_table.delete(self.conn, migration.id)
                self._commit()
                return elapsed
            except BaseException:
                self._rollback()
                raise
        finally:
            for statement in script.after:
                with contextlib.suppress(sa.exc.DBAPIError):
                    self.conn.exec_driver_sql(statement.code)

    def _run_statement_by_statement(self, migration: Migration, script: Script, direction: str) -> int | None:
        self._begin()
        try:
            if self._done_already(migration, direction):
                self._rollback()
                return None
            if direction == "up":
                history_table.record(self.conn, migration.id, migration.name, self.checksums[migration.id],
                                     __version__, dirty=True)
            else:
                history_table.mark_dirty(self.conn, migration.id, None)
            self._commit()
        except BaseException:
            self._rollback()
            raise
        started = time.monotonic()
        for number, statement in enumerate(script.body, 1):
            self._execute(migration, script, number, statement, direction, in_transaction=False)
        elapsed = _ms(started)
        if direction == "up":
            history_table.finish(self.conn, migration.id, elapsed)
        else:
            history_table.delete(self.conn, migration.id)
        return elapsed

    def _execute(self, migration: Migration, script: Script, number: int, statement: Statement,
                 direction: str, in_transaction: bool) -> None:
        try:
            self.conn.exec_driver_sql(statement.code)
        except sa.exc.DBAPIError as exc:
            reason = " ".join(str(exc.orig).split())
            file = f"{migration.name}/{direction}.sql"
            where = f"{file} statement {number} of {len(script.body)}"
            shown = " ".join(statement.code.split())
            shown = shown if len(shown) <= 300 else shown[:297] + "..."
            if in_transaction:
                self._rollback()
                raise Failed(Finding(
                    "failed", f"{where} failed: {reason}\n    statement: {shown}",
                    "nothing of this migration was kept (it ran in one transaction, now rolled back): fix the "
                    "migration and `codegen rehash`, or the data it trips on, then run the command again",
                    (self.project.shown(script.path),)), ()) from None
            self._rollback()
            history_table.mark_dirty(self.conn, migration.id, f"{where}: {shown}: {reason}")
            raise Failed(Finding(
                "dirty", f"{where} failed: {reason}\n    statement: {shown}\n    the statements before it stay "
                "applied (this file does not run in one transaction): the history marks it dirty",
                f"finish or undo the migration by hand, then record the outcome with `codegen stamp {migration.id}` "
                f"(all applied) or `codegen stamp {migration.parent or BASE}` (none); `codegen status` shows it",
                (self.project.shown(script.path),)), ()) from None


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


# -- the commands -------------------------------------------------------------------------------

@contextlib.contextmanager
def connect(project: Project, url: str | None, lock_timeout: float, on_event: Callable[[Event], None],
            writes: bool) -> Iterator[Runner]:
    """A Runner on the database at `url` with the project's files checked. `writes=False` (status,
    dry runs) never creates anything, not even an empty SQLite file."""
    from codegen.integrity import check_chain, check_sum, ordered_chain, tracked_files
    from codegen.live import open_engine
    from codegen.writer import leftovers

    if project.format != "sql":
        raise UserError.at(project.shown(project.config_file),
                           f"this project's migrations are Alembic revisions (`format: {project.format}`): "
                           "they are applied by Alembic, which keeps its own history",
                           "run `alembic upgrade head` / `alembic downgrade -1` / `alembic current` / `alembic stamp`")
    dialect = get_dialect(project.dialect)
    if not url:
        raise UserError.at("--db", "no database to run on",
                           f"pass `--db {dialect.example_url}` or set CODEGEN_DATABASE_URL")
    migrations = list_migrations(project.migrations)
    runner = Runner(project, dialect, None, lock_timeout, on_event)
    from codegen.snapshot import read_snapshot

    snapshot_migration = _snapshot_migration(project, read_snapshot)
    runner.file_problems = [
        Finding("interrupted", f"an interrupted codegen run left {project.shown(p)}: its files may be half written",
                "run `codegen generate`: it first finishes or undoes the interrupted run", (project.shown(p),))
        for p in leftovers(project.migrations)]
    runner.file_problems += check_chain(migrations, snapshot_migration, project.shown(project.snapshot))
    runner.file_problems += [replace(f, files=tuple(project.shown(project.migrations / p) for p in f.files))
                             for f in check_sum(project.migrations, tracked_files(migrations, project.migrations,
                                                                                   project.snapshot))]
    runner.chain = ordered_chain(migrations)
    runner.checksums = {m.id: history_table.checksum(m.path / "up.sql") for m in runner.chain}
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
            runner.refuse_problems(status)
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
        runner.refuse_problems(status)
        undo = to_undo(status)
        for number, migration in enumerate(undo, 1):
            runner.step(migration, "down", number, len(undo), ran)
    return Outcome(runner.status(), tuple(ran))


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
        runner._begin()
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
            runner._commit()
        except BaseException:
            runner._rollback()
            raise
    return Outcome(runner.status()), recorded, removed


def _drift(runner: Runner) -> list[str]:
    """How the live schema differs from the snapshot, once the database is at the last migration."""
    from codegen.live import differences, expected, reflect
    from codegen.snapshot import read_snapshot

    project = runner.project
    schema = read_snapshot(project.snapshot, project.shown(project.snapshot)).schema
    ignore = (history_table.HISTORY_TABLE, *(t.name for t in schema.tables if t.external))
    return differences(expected(schema, runner.dialect), reflect(runner.conn, runner.dialect, ignore=ignore))


# -- dry runs: the statements in the order they would be sent ---------------------------------------

def _dry_run(runner: Runner, migrations: list[Migration], direction: str, creates_table: bool) -> str:
    dialect = runner.dialect
    parts: list[str] = []
    if creates_table:
        engine_dialect = runner.conn.dialect if runner.conn is not None else _sqlalchemy_dialect(runner)
        ddl = str(sa.schema.CreateTable(history_table.history, if_not_exists=True).compile(dialect=engine_dialect))
        parts.append(f"-- codegen creates its history table first:\n{ddl.strip()};")
    for number, migration in enumerate(migrations, 1):
        script = read_script(migration.path / f"{direction}.sql")
        record = "records" if direction == "up" else "deletes"
        parts.append(f"-- codegen {direction} {number} of {len(migrations)}: {migration.name}")
        if script.transactional:
            parts += [s.text for s in script.before]
            parts.append(_replaced(script.begin, dialect.begin_sql))
            parts += [s.text for s in script.body]
            parts.append(f"-- codegen {record} {migration.id} in {history_table.HISTORY_TABLE} here, "
                         "in the same transaction")
            parts.append(script.commit.text)
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
