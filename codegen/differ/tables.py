"""Tables: created, dropped, and the per-table comparators for the rest."""

from __future__ import annotations

from codegen.differ.columns import diff_columns
from codegen.differ.common import differences
from codegen.differ.constraints import diff_constraints
from codegen.differ.enums import enums_of
from codegen.differ.indexes import diff_indexes
from codegen.model import Schema, Table
from codegen.operations import (
    CreateEnum, CreateSchema, CreateTable, DropEnum, DropSchema, DropTable, Operation, SetTableComment,
)


def diff_tables(old: Schema, new: Schema) -> list[Operation]:
    """`old` has the renames applied already (see renames.renamed_old)."""
    old_tables = {t.name: t for t in old.managed_tables}
    new_tables = {t.name: t for t in new.managed_tables}
    removed, added, common = differences(old_tables, new_tables)
    ops: list[Operation] = []
    for name in removed:
        ops.append(DropTable(old_tables[name]))
        ops += [DropEnum(e) for e in enums_of(old_tables[name])]
    for name in added:
        ops += [CreateEnum(e) for e in enums_of(new_tables[name])]
        ops.append(CreateTable(new_tables[name]))
    for name in common:
        before, after = old_tables[name], new_tables[name]
        if before is not after and before != after:  # equal tables give no operations; most tables are unchanged
            ops += diff_table(before, after)
    return ops


def diff_schemas(old: Schema, new: Schema) -> list[Operation]:
    """A schema is created with the first table in it and dropped with the last (`schema:`)."""
    before, after = set(old.schema_names), set(new.schema_names)
    return [*(CreateSchema(s) for s in sorted(after - before)), *(DropSchema(s) for s in sorted(before - after))]


def diff_table(old: Table, new: Table) -> list[Operation]:
    ops: list[Operation] = [*diff_columns(old, new), *diff_indexes(old, new), *diff_constraints(old, new)]
    if old.comment != new.comment:
        ops.append(SetTableComment(new.name, old.comment, new.comment))
    return ops
