"""Objects that must be dropped and re-created around a change, though they did not change.

PostgreSQL refuses to drop a primary key or unique constraint that a foreign
key depends on, to change the type of a column on either side of a foreign
key, and cannot keep a partial index or check whose expression compares the
column with a value of its old type. So those foreign keys, partial indexes
and checks are dropped before the change and re-created after it.
"""

from __future__ import annotations


from codegen.differ.constraints import constraints_of
from codegen.model import ForeignKey, Schema
from codegen.naming import mentions
from codegen.operations import (
    AddConstraint, AlterColumn, CreateIndex, DropConstraint, DropIndex, Operation,
)


def dependents(old: Schema, new: Schema, ops: list[Operation]) -> list[Operation]:
    """Extra drop/re-create pairs for `ops`; `old` has the renames applied."""
    retyped = {(op.table, op.new.name) for op in ops if isinstance(op, AlterColumn) and op.type_changed}
    unkeyed = {(op.table, tuple(op.constraint.columns)) for op in ops
               if isinstance(op, DropConstraint) and type(op.constraint).__name__ in ("PrimaryKey", "UniqueConstraint")}
    touched_constraints = {(op.table, op.constraint.name) for op in ops if isinstance(op, (AddConstraint, DropConstraint))}
    touched_indexes = {(op.table, op.index.name) for op in ops if isinstance(op, (CreateIndex, DropIndex))}
    if not retyped and not unkeyed:  # nothing can depend on a change: spares a pass over every table
        return []

    extra: list[Operation] = []
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
                if any(t == before.name and mentions(index.where, col) for t, col in retyped):
                    extra += [DropIndex(before.name, index), CreateIndex(after.name, new_ix[index.name])]
    return extra


def _depends(table: str, constraint, retyped: set, unkeyed: set) -> bool:
    if isinstance(constraint, ForeignKey):
        if any((table, c) in retyped for c in constraint.columns):
            return True
        if any((constraint.ref_table, c) in retyped for c in constraint.ref_columns):
            return True
        return (constraint.ref_table, tuple(constraint.ref_columns)) in unkeyed
    expr = getattr(constraint, "expr", None)
    return expr is not None and any(t == table and mentions(expr, col) for t, col in retyped)
