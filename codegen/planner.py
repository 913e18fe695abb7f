"""planner: put operations in an order the database accepts.

One readable list of phases (migra's `add_all_changes` shape); inside a
phase, the differ's sorted order is kept, except that tables are created
parents first and dropped children first. A reference cycle between new
tables is closed by adding the foreign keys that point forward after every
table exists (`AddConstraint`); dialects whose foreign keys are checked
lazily (SQLite) keep them inline instead. Drops mirror creates exactly, so
the down migration, built by inverting the planned up migration, is planned
too.
"""

from __future__ import annotations

from dataclasses import replace

from codegen.dialects.base import Dialect
from codegen.model import ForeignKey, Table
from codegen.operations import (
    AddColumn, AddConstraint, AlterColumn, CreateEnum, CreateIndex, CreateTable, DropColumn, DropConstraint,
    DropEnum, DropIndex, DropTable, Operation, RenameColumn, RenameTable, SetColumnComment, SetTableComment,
)


def _is_fk(op: Operation) -> bool:
    return isinstance(getattr(op, "constraint", None), ForeignKey)


PHASES: tuple[tuple[str, object], ...] = (
    ("drop foreign keys", lambda op: isinstance(op, DropConstraint) and _is_fk(op)),
    ("drop indexes", lambda op: isinstance(op, DropIndex)),
    ("drop constraints", lambda op: isinstance(op, DropConstraint)),
    ("drop tables", lambda op: isinstance(op, DropTable)),
    ("rename tables", lambda op: isinstance(op, RenameTable)),
    ("rename columns", lambda op: isinstance(op, RenameColumn)),
    ("create enums", lambda op: isinstance(op, CreateEnum)),
    ("create tables", lambda op: isinstance(op, CreateTable)),
    ("add columns", lambda op: isinstance(op, AddColumn)),
    ("alter columns", lambda op: isinstance(op, AlterColumn)),
    ("drop columns", lambda op: isinstance(op, DropColumn)),
    ("drop enums", lambda op: isinstance(op, DropEnum)),
    ("comments", lambda op: isinstance(op, (SetTableComment, SetColumnComment))),
    ("create indexes", lambda op: isinstance(op, CreateIndex)),
    ("add constraints", lambda op: isinstance(op, AddConstraint) and not _is_fk(op)),
    ("add foreign keys", lambda op: isinstance(op, AddConstraint)),
)


def phase_of(op: Operation) -> int:
    for number, (_, matches) in enumerate(PHASES):
        if matches(op):  # type: ignore[operator]
            return number
    raise ValueError(f"no phase for {type(op).__name__}")  # a new op kind must get a phase


def plan(ops: list[Operation], dialect: Dialect) -> list[Operation]:
    """Order `ops` for `dialect`; the result's inverse, reversed, is a valid down migration.

    >>> plan([], PostgreSQL())  # doctest: +SKIP
    []
    """
    ops = [op for op in ops if dialect.native_enums or not isinstance(op, (CreateEnum, DropEnum))]
    creates = [op for op in ops if isinstance(op, CreateTable)]
    drops = [op for op in ops if isinstance(op, DropTable)]
    rest = [op for op in ops if not isinstance(op, (CreateTable, DropTable))]

    created, deferred = _creation_order([op.table for op in creates], dialect)
    dropped, undone = _creation_order([op.table for op in drops], dialect)
    rest += [AddConstraint(table, fk) for table, fk in deferred]
    rest += [DropConstraint(table, fk) for table, fk in undone]

    ordered = sorted(rest, key=phase_of)  # stable: keeps the differ's sorted order within a phase
    by_phase: dict[int, list[Operation]] = {}
    for op in ordered:
        by_phase.setdefault(phase_of(op), []).append(op)
    by_phase[phase_of(DropTable(Table("", ())))] = [DropTable(t) for t in reversed(dropped)]
    by_phase[phase_of(CreateTable(Table("", ())))] = [CreateTable(t) for t in created]
    return [op for number in sorted(by_phase) for op in by_phase[number]]


def _creation_order(tables: list[Table], dialect: Dialect) -> tuple[list[Table], list[tuple[str, ForeignKey]]]:
    """Tables parents first, and the foreign keys that must wait until all of them exist.

    A table is created once every table it references among `tables` exists
    (a reference to itself is fine inline). When only cycles remain, the table
    with the smallest name goes first and its forward references are deferred.
    """
    if dialect.lazy_foreign_keys:
        # Order for the reader anyway; nothing needs deferring.
        return _topological(tables), []
    pending = {t.name: t for t in tables}
    done: list[Table] = []
    deferred: list[tuple[str, ForeignKey]] = []
    while pending:
        ready = [n for n in sorted(pending) if not _waits_for(pending[n], pending)]
        if not ready:
            name = sorted(pending)[0]
            table = pending[name]
            later = [fk for fk in table.foreign_keys if fk.ref_table in pending and fk.ref_table != name]
            deferred += [(name, fk) for fk in later]
            pending[name] = replace(table, foreign_keys=tuple(fk for fk in table.foreign_keys if fk not in later))
            continue
        for name in ready:
            done.append(pending.pop(name))
    return done, deferred


def _waits_for(table: Table, pending: dict[str, Table]) -> bool:
    return any(fk.ref_table in pending and fk.ref_table != table.name for fk in table.foreign_keys)


def _topological(tables: list[Table]) -> list[Table]:
    pending = {t.name: t for t in tables}
    done: list[Table] = []
    while pending:
        ready = [n for n in sorted(pending) if not _waits_for(pending[n], pending)] or [sorted(pending)[0]]
        for name in ready:
            done.append(pending.pop(name))
    return done
