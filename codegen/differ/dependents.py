"""Objects that must be dropped and re-created around a change, though they did not change.

PostgreSQL refuses to drop a primary key or unique constraint that a foreign
key depends on, to change the type of a column on either side of a foreign
key, and cannot keep a partial index or check whose expression compares the
column with a value of its old type. So those foreign keys, partial indexes
and checks are dropped before the change and re-created after it.
"""

from __future__ import annotations


from codegen.differ.constraints import constraints_of
from dataclasses import replace

from codegen.model import ForeignKey, Index, Schema
from codegen.naming import mentions
from codegen.operations import (
    AddConstraint, AlterColumn, CreateIndex, DropConstraint, DropIndex, Operation,
)


def with_dependents(old: Schema, new: Schema, ops: list[Operation]) -> list[Operation]:
    """`ops` with what must be re-created around them: extra drop/re-create pairs at the end, and
    the partial indexes an enum column's change rebuilds given to that change. `old` has the
    renames applied."""
    retyped = {(op.table, op.new.name) for op in ops if isinstance(op, AlterColumn) and op.type_changed}
    enum_changes = {(op.table, op.new.name): op for op in ops if isinstance(op, AlterColumn) and op.enum_values_changed}
    unkeyed = {(op.table, tuple(op.constraint.columns)) for op in ops
               if isinstance(op, DropConstraint) and type(op.constraint).__name__ in ("PrimaryKey", "UniqueConstraint")}
    touched_constraints = {(op.table, op.constraint.name) for op in ops if isinstance(op, (AddConstraint, DropConstraint))}
    touched_indexes = {(op.table, op.index.name) for op in ops if isinstance(op, (CreateIndex, DropIndex))}
    if not retyped and not unkeyed:  # nothing can depend on a change: spares a pass over every table
        return ops

    extra: list[Operation] = []
    rebuilt: dict[AlterColumn, list[Index]] = {}
    new_tables = {t.name: t for t in new.managed_tables}
    for before in old.managed_tables:
        after = new_tables.get(before.name)
        if after is None:
            continue
        old_c, new_c = constraints_of(before), constraints_of(after)
        for key, constraint in sorted(old_c.items()):
            if key not in new_c or (before.name, constraint.name) in touched_constraints:
                continue
            if _depends(before.name, constraint, retyped, unkeyed):
                extra += [DropConstraint(before.name, constraint), AddConstraint(after.name, new_c[key])]
        new_ix = {i.name: i for i in after.indexes}
        for index in before.indexes:
            if index.where and index.name in new_ix and (before.name, index.name) not in touched_indexes:
                named = [(t, col) for t, col in retyped if t == before.name and mentions(index.where, col)]
                if named and all(key in enum_changes for key in named):
                    for key in named:
                        rebuilt.setdefault(enum_changes[key], []).append(new_ix[index.name])
                elif named:
                    extra += [DropIndex(before.name, index), CreateIndex(after.name, new_ix[index.name])]
    ops = [replace(op, partial_indexes=tuple(rebuilt[op])) if op in rebuilt else op for op in ops]
    return ops + extra


def _depends(table: str, constraint, retyped: set, unkeyed: set) -> bool:
    if isinstance(constraint, ForeignKey):
        if any((table, c) in retyped for c in constraint.columns):
            return True
        if any((constraint.ref_table, c) in retyped for c in constraint.ref_columns):
            return True
        return (constraint.ref_table, tuple(constraint.ref_columns)) in unkeyed
    expr = getattr(constraint, "expr", None)
    return expr is not None and any(t == table and mentions(expr, col) for t, col in retyped)
