"""planner: put operations in an order the database accepts, in a form it can run.

One readable list of phases (migra's `add_all_changes` shape); inside a
phase, the differ's sorted order is kept, except that tables are created
parents first and dropped children first. Renames run first, so every later
statement uses the new names.

A reference cycle between new tables is closed by adding the foreign keys
that point forward after every table exists (`AddConstraint`); dialects whose
foreign keys are checked lazily (SQLite) keep them inline instead.

Dialects that cannot alter a table in place (`rebuilds_tables`: SQLite) get
one `RebuildTable` per table instead of the changes it cannot run, as
sqlite.org documents. The down migration is the planned up migration
inverted, so it is planned too.
"""

from __future__ import annotations

from dataclasses import replace

from codegen.dialects.base import Dialect
from codegen.model import ForeignKey, Schema, Table
from codegen.naming import mentions
from codegen.operations import (
    AddColumn, AddConstraint, AlterColumn, ChangeSharedEnum, CreateEnum, CreateIndex, CreateSchema, CreateTable, DropColumn,
    DropConstraint, DropEnum, DropIndex, DropSchema, DropTable, Operation, RebuildTable, RenameColumn, RenameConstraint, RenameEnum,
    RenameIndex, RenameTable, SetColumnComment, SetTableComment, fill_value,
)


def _is_fk(op: Operation) -> bool:
    return isinstance(getattr(op, "constraint", None), ForeignKey)


PHASES: tuple[tuple[str, object], ...] = (
    ("create schemas", lambda op: isinstance(op, CreateSchema)),  # before a table moves into one
    ("rename tables", lambda op: isinstance(op, RenameTable)),
    ("rename columns", lambda op: isinstance(op, RenameColumn)),
    ("rename derived names", lambda op: isinstance(op, (RenameEnum, RenameIndex, RenameConstraint))),
    ("drop foreign keys", lambda op: isinstance(op, DropConstraint) and _is_fk(op)),
    ("drop indexes", lambda op: isinstance(op, DropIndex)),
    ("drop constraints", lambda op: isinstance(op, DropConstraint)),
    ("drop tables", lambda op: isinstance(op, DropTable)),
    ("create enums", lambda op: isinstance(op, CreateEnum)),
    ("create tables", lambda op: isinstance(op, CreateTable)),
    ("add columns", lambda op: isinstance(op, AddColumn)),
    ("alter columns", lambda op: isinstance(op, (AlterColumn, RebuildTable, ChangeSharedEnum))),
    ("drop columns", lambda op: isinstance(op, DropColumn)),
    ("drop enums", lambda op: isinstance(op, DropEnum)),
    ("comments", lambda op: isinstance(op, (SetTableComment, SetColumnComment))),
    ("create indexes", lambda op: isinstance(op, CreateIndex)),
    ("add constraints", lambda op: isinstance(op, AddConstraint) and not _is_fk(op)),
    ("add foreign keys", lambda op: isinstance(op, AddConstraint)),
    ("drop schemas", lambda op: isinstance(op, DropSchema)),
)

_CREATE_TABLES = next(i for i, (name, _) in enumerate(PHASES) if name == "create tables")
_DROP_TABLES = next(i for i, (name, _) in enumerate(PHASES) if name == "drop tables")


def phase_of(op: Operation) -> int:
    for number, (_, matches) in enumerate(PHASES):
        if matches(op):  # type: ignore[operator]
            return number
    raise ValueError(f"no phase for {type(op).__name__}")  # a new op kind must get a phase


def plan(ops: list[Operation], dialect: Dialect, old: Schema | None = None, new: Schema | None = None) -> list[Operation]:
    """Order `ops` for `dialect`; the result's inverse, reversed, is a valid down migration.

    `old` (with the renames applied) and `new` are needed when the dialect
    rebuilds tables; an initial migration needs neither.
    """
    if not dialect.native_enums:
        ops = [op for op in ops if not isinstance(op, (CreateEnum, DropEnum))]
        if not dialect.enum_values_check:  # the values are in the column's type: its name is nowhere
            ops = [op for op in ops if not isinstance(op, RenameEnum)]
    ops = [_with_rewrite(op, dialect) if isinstance(op, AlterColumn) and op.type_changed else op for op in ops]
    if dialect.rebuilds_tables and old is not None and new is not None:
        ops = _rebuild_where_needed(ops, old, new)

    creates = [op for op in ops if isinstance(op, CreateTable)]
    drops = [op for op in ops if isinstance(op, DropTable)]
    rest = [op for op in ops if not isinstance(op, (CreateTable, DropTable))]

    created, deferred = _creation_order([op.table for op in creates], dialect)
    dropped, undone = _creation_order([op.table for op in drops], dialect)
    rest += [AddConstraint(table, fk, new_table=True) for table, fk in deferred]
    rest += [DropConstraint(table, fk, new_table=True) for table, fk in undone]

    by_phase: dict[int, list[Operation]] = {}
    for op in sorted(rest, key=phase_of):  # stable: keeps the differ's order within a phase
        by_phase.setdefault(phase_of(op), []).append(op)
    by_phase[_DROP_TABLES] = [DropTable(t) for t in reversed(dropped)]
    by_phase[_CREATE_TABLES] = [CreateTable(t) for t in created]
    ordered = [op for number in sorted(by_phase) for op in by_phase[number]]
    if dialect.foreign_keys_need_index and new is not None:
        ordered = _drop_foreign_key_indexes_last(ordered, new)
    if dialect.autoincrement_needs_leading_index:
        ordered = _auto_increment_keeps_its_index(ordered)
    return ordered


def _auto_increment_keeps_its_index(ops: list[Operation]) -> list[Operation]:
    """MySQL refuses an AUTO_INCREMENT column that leads no index. A column of a composite key
    that becomes one gets its index (the loader adds it) before the change; one that stops being
    one loses it after. The down migration, this inverted, keeps the same order."""
    out = list(ops)
    for op in ops:
        if not (isinstance(op, AlterColumn) and op.old.autoincrement != op.new.autoincrement):
            continue
        kind = CreateIndex if op.new.autoincrement else DropIndex
        index = next((other for other in out if isinstance(other, kind) and other.table == op.table
                      and other.index.columns[:1] == (op.new.name,)), None)
        if index is None:
            continue
        out.remove(index)
        at = out.index(op)
        out.insert(at if op.new.autoincrement else at + 1, index)
    return out


def _with_rewrite(op: AlterColumn, dialect: Dialect) -> AlterColumn:
    """The op with the planned dialect's word on whether its type change rewrites the table, both ways."""
    if op.enum_values_changed:
        old, new = op.old.type.values, op.new.type.values
        return replace(op, enum_rewrite=(dialect.enum_values_rewrite(old, new), dialect.enum_values_rewrite(new, old)))
    old, new = op.old.type, op.new.type
    return replace(op, type_rewrite=(dialect.type_change_rewrite(old, new), dialect.type_change_rewrite(new, old)))


def _drop_foreign_key_indexes_last(ops: list[Operation], new: Schema) -> list[Operation]:
    """MySQL refuses to drop the index a foreign key uses. When a kept foreign key's index is
    replaced (an index leading with the same columns takes over), the old one is dropped once
    the new ones exist; the down migration, this inverted, creates before it drops as well."""
    def backs_foreign_key(op: Operation) -> bool:
        table = new.table(op.table) if isinstance(op, DropIndex) else None
        return table is not None and any(op.index.columns[: len(fk.columns)] == fk.columns for fk in table.foreign_keys)

    late = [op for op in ops if backs_foreign_key(op)]
    created = [i for i, op in enumerate(ops) if isinstance(op, CreateIndex)]
    if not late or not created:
        return ops
    rest = [op for op in ops if not any(op is other for other in late)]
    after = max(i for i, op in enumerate(rest) if isinstance(op, CreateIndex)) + 1
    return rest[:after] + late + rest[after:]


# -- table rebuilds (SQLite) -----------------------------------------------------------------

_ALWAYS_REBUILD = (AlterColumn, AddConstraint, DropConstraint, RenameConstraint, RenameEnum)
_ABSORBED = (*_ALWAYS_REBUILD, AddColumn, DropColumn, CreateIndex, DropIndex, RenameIndex,
             SetTableComment, SetColumnComment)


def _rebuild_where_needed(ops: list[Operation], old: Schema, new: Schema) -> list[Operation]:
    old_tables = {t.name: t for t in old.managed_tables}
    new_tables = {t.name: t for t in new.managed_tables}
    rebuilt = sorted({
        op.table for op in ops
        if getattr(op, "table", None) in old_tables and isinstance(op.table, str) and op.table in new_tables
        and (_cannot_run_in_place(op, old_tables[op.table], new_tables[op.table])
             # the down migration is this one inverted, not planned again: both directions must run
             or _cannot_run_in_place(op.inverse(), new_tables[op.table], old_tables[op.table]))
    })
    out: list[Operation] = []
    for name in rebuilt:
        changes = tuple(op for op in ops if isinstance(op, _ABSORBED) and getattr(op, "table", None) == name)
        out.append(RebuildTable(old_tables[name], new_tables[name], changes))
    for op in ops:
        table = getattr(op, "table", None)
        if isinstance(op, _ABSORBED) and table in rebuilt:
            continue
        if isinstance(op, RenameIndex):  # no ALTER INDEX ... RENAME in SQLite
            out += [DropIndex(op.table, op.old), CreateIndex(op.table, op.new)]
            continue
        out.append(op)
    return out


def _cannot_run_in_place(op: Operation, before: Table, after: Table) -> bool:
    if isinstance(op, _ALWAYS_REBUILD):
        return True
    if isinstance(op, (AddColumn, DropColumn)) and op.column.generated is not None:
        return True  # ADD COLUMN refuses STORED; a rebuild handles VIRTUAL alike
    if isinstance(op, DropColumn) and any(c.generated and mentions(c.generated, op.column.name)
                                          for c in before.columns):
        return True
    if isinstance(op, AddColumn):
        col = op.column
        keyed = any(col.name in cols for cols in _key_columns(after))
        constant_default = col.default is None or col.default.kind == "literal"
        return keyed or not constant_default or fill_value(col) is not None
    if isinstance(op, DropColumn):
        name = op.column.name
        in_key = any(name in cols for cols in _key_columns(before))
        in_check = any(mentions(ck.expr, name) for ck in before.checks)
        return in_key or in_check
    return False


def _key_columns(table: Table) -> list[tuple[str, ...]]:
    keys = [u.columns for u in table.uniques] + [fk.columns for fk in table.foreign_keys]
    if table.primary_key:
        keys.append(table.primary_key.columns)
    return keys


# -- creation order ------------------------------------------------------------------------------

def _creation_order(tables: list[Table], dialect: Dialect) -> tuple[list[Table], list[tuple[str, ForeignKey]]]:
    """Tables parents first, and the foreign keys that must wait until all of them exist.

    Level by level (Kahn's algorithm): every table whose referenced tables
    exist is created, in name order, then the next level. A reference to
    itself is fine inline. When only cycles remain, the table with the
    smallest name goes first and its forward references are deferred, unless
    the dialect checks references lazily. Linear in tables and references.
    """
    pending = {t.name: t for t in tables}
    waiting_on = {name: {fk.ref_table for fk in t.foreign_keys if fk.ref_table in pending and fk.ref_table != name}
                  for name, t in pending.items()}
    needed_by: dict[str, set[str]] = {}
    for name, parents in waiting_on.items():
        for parent in parents:
            needed_by.setdefault(parent, set()).add(name)
    done: list[Table] = []
    deferred: list[tuple[str, ForeignKey]] = []
    level = sorted(name for name, parents in waiting_on.items() if not parents)
    while pending:
        if not level:
            name = min(pending)
            if not dialect.lazy_foreign_keys:
                table = pending[name]
                later = [fk for fk in table.foreign_keys if fk.ref_table in pending and fk.ref_table != name]
                deferred += [(name, fk) for fk in later]
                pending[name] = replace(table, foreign_keys=tuple(fk for fk in table.foreign_keys if fk not in later))
            level = [name]
        following = set()
        for name in level:
            done.append(pending.pop(name))
        for name in level:
            for child in needed_by.get(name, ()):
                parents = waiting_on[child]
                parents.discard(name)
                if not parents and child in pending:
                    following.add(child)
        level = sorted(following)
    return done, deferred
