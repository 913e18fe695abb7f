"""A connection to a live database that applies and undoes one migration at a time, safely.

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
  An online file's statements after COMMIT each may run twice: its row commits
  with the transaction, dirty and marked "after COMMIT" (status.py), and the
  next `migrate` (or `rollback`, for a down) runs them all again.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

import sqlalchemy as sa

from codegen import __version__
from codegen.config import Project
from codegen.dialects.base import Dialect
from codegen.errors import BusyError
from codegen.history import Migration
from codegen.integrity import Finding
from codegen.runner import history_table
from codegen.runner.scripts import Script, Statement, parse_script
from codegen.runner.status import Status, after_commit_marker, compare

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

    def begin(self) -> None:
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

    def commit(self) -> None:
        self.conn.exec_driver_sql("COMMIT")

    def roll_back(self) -> None:
        with contextlib.suppress(sa.exc.DBAPIError):  # SQLite ends some failed transactions itself
            self.conn.exec_driver_sql("ROLLBACK")

    def ensure_history_table(self) -> None:
        self.begin()
        try:
            history_table.create(self.conn)
            self.commit()
        except BaseException:
            self.roll_back()
            raise

    # -- running one migration ------------------------------------------------------------------

    def step(self, migration: Migration, direction: str, number: int, total: int, ran: list[Ran],
             finishing: bool = False) -> None:
        """Run one migration between its progress events; `ran` gains it unless another runner
        applied it first. A failure carries what ran before it. `finishing`: only the statements
        after COMMIT of a run that stopped among them."""
        self.on_event(Event("start", migration=migration, direction=direction, number=number, total=total))
        try:
            if finishing:
                script = self.script(migration, direction)
                elapsed = self._run_after_commit(migration, script, direction, time.monotonic())
            else:
                elapsed = self.run(migration, direction)
        except Failed as exc:
            raise Failed(exc.finding, tuple(ran)) from None
        if elapsed is not None:
            ran.append(Ran(migration, direction, elapsed))
            self.on_event(Event("done", migration=migration, direction=direction, number=number, total=total,
                                execution_ms=elapsed))

    def run(self, migration: Migration, direction: str) -> int | None:
        """Apply `migration`'s up or down with its history row; None when another runner did it first."""
        script = self.script(migration, direction)
        if script.transactional:
            return self._run_in_transaction(migration, script, direction)
        return self._run_statement_by_statement(migration, script, direction)

    def script(self, migration: Migration, direction: str) -> Script:
        from codegen.formats.layouts import migration_text

        return parse_script(migration_text(self.project, migration, direction), migration.source(direction))

    def _done_already(self, migration: Migration, direction: str) -> bool:
        recorded = history_table.is_recorded(self.conn, migration.id)
        return recorded if direction == "up" else not recorded

    def _run_in_transaction(self, migration: Migration, script: Script, direction: str) -> int | None:
        later = script.runs_after_commit  # then the row commits dirty, and is marked clean after them
        try:
            for statement in script.before:
                self.conn.exec_driver_sql(statement.code)
            self.begin()
            try:
                if self._done_already(migration, direction):
                    self.roll_back()
                    return None
                started = time.monotonic()
                for number, statement in enumerate(script.body, 1):
                    self._execute(migration, script, number, statement, direction, in_transaction=True)
                elapsed = _ms(started)
                marker = after_commit_marker(migration.name, direction) if later else None
                if direction == "up":
                    history_table.record(self.conn, migration.id, migration.name, self.checksums[migration.id],
                                         __version__, execution_ms=elapsed, dirty=later, failed_statement=marker)
                elif later:
                    history_table.mark_dirty(self.conn, migration.id, marker)
                else:
                    history_table.delete(self.conn, migration.id, *migration.replaces)
                self.commit()
            except BaseException:
                self.roll_back()
                raise
        finally:
            if not later:
                for statement in script.after:
                    with contextlib.suppress(sa.exc.DBAPIError):
                        self.conn.exec_driver_sql(statement.code)
        if later:
            return self._run_after_commit(migration, script, direction, started)
        return elapsed

    def _run_after_commit(self, migration: Migration, script: Script, direction: str, started: float) -> int:
        """The statements after an online file's COMMIT, each on its own; then the row is clean
        (or, for a down, gone). A failure leaves the row dirty with the statement, and the next
        run runs them all again."""
        self.dialect.before_running_after_commit(self.conn, script.after)
        marker = after_commit_marker(migration.name, direction)
        total = len(script.after)
        for number, statement in enumerate(script.after, 1):
            try:
                self.conn.exec_driver_sql(statement.code)
            except sa.exc.DBAPIError as exc:
                reason = " ".join(str(exc.orig).split())
                shown = _shown(statement)
                history_table.mark_dirty(self.conn, migration.id,
                                         f"{marker}: statement {number} of {total}: {shown}: {reason}")
                command = "migrate" if direction == "up" else "rollback"
                raise Failed(Finding(
                    f"unfinished-{direction}",
                    f"statement {number} of the {total} after COMMIT failed: {reason}"
                    f"\n    statement: {shown}\n    the transaction before it committed; the history marks the "
                    "migration unfinished",
                    f"fix the cause (for a unique index: the duplicate rows; for a timeout: the blocking session), "
                    f"then run `codegen {command}` again: it runs the statements after COMMIT again, each may run "
                    "twice, and an index a failed build left INVALID is dropped and built again",
                    (self.project.shown(script.path),)), ()) from None
        return self._finished(migration, direction, _ms(started))

    def _run_statement_by_statement(self, migration: Migration, script: Script, direction: str) -> int | None:
        self.begin()
        try:
            if self._done_already(migration, direction):
                self.roll_back()
                return None
            if direction == "up":
                history_table.record(self.conn, migration.id, migration.name, self.checksums[migration.id],
                                     __version__, dirty=True)
            else:
                history_table.mark_dirty(self.conn, migration.id, None)
            self.commit()
        except BaseException:
            self.roll_back()
            raise
        started = time.monotonic()
        for number, statement in enumerate(script.body, 1):
            self._execute(migration, script, number, statement, direction, in_transaction=False)
        return self._finished(migration, direction, _ms(started))

    def _finished(self, migration: Migration, direction: str, elapsed: int) -> int:
        """Mark a migration that ran outside one transaction done: its row clean, or, for a down, gone."""
        if direction == "up":
            history_table.finish(self.conn, migration.id, elapsed)
        else:
            history_table.delete(self.conn, migration.id, *migration.replaces)
        return elapsed

    def _execute(self, migration: Migration, script: Script, number: int, statement: Statement,
                 direction: str, in_transaction: bool) -> None:
        try:
            self.conn.exec_driver_sql(statement.code)
        except sa.exc.DBAPIError as exc:
            reason = " ".join(str(exc.orig).split())
            file = f"{migration.name}/{direction}.sql"
            where = f"{file} statement {number} of {len(script.body)}"
            shown = _shown(statement)
            if in_transaction:
                self.roll_back()
                raise Failed(Finding(
                    "failed", f"{where} failed: {reason}\n    statement: {shown}",
                    "nothing of this migration was kept (it ran in one transaction, now rolled back): fix the "
                    "migration and `codegen rehash`, or the data it trips on, then run the command again",
                    (self.project.shown(script.path),)), ()) from None
            self.roll_back()
            history_table.mark_dirty(self.conn, migration.id, f"{where}: {shown}: {reason}")
            raise Failed(Finding(
                "dirty", f"{where} failed: {reason}\n    statement: {shown}\n    the statements before it stay "
                "applied (this file does not run in one transaction): the history marks it dirty",
                f"finish or undo the migration by hand, then record the outcome with `codegen stamp {migration.id}` "
                f"(all applied) or `codegen stamp {migration.parent or BASE}` (none); `codegen status` shows it",
                (self.project.shown(script.path),)), ()) from None


def _shown(statement: Statement) -> str:
    shown = " ".join(statement.code.split())
    return shown if len(shown) <= 300 else shown[:297] + "..."


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
