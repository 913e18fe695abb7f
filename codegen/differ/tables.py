"""Tables: created, dropped, renamed (hint only), and the per-table comparators for the rest."""

from __future__ import annotations

from dataclasses import replace

from codegen.differ.columns import diff_columns
from codegen.differ.common import differences
from codegen.differ.constraints import diff_constraints
from codegen.differ.indexes import diff_indexes
from codegen.model import Schema, Table
from codegen.operations import CreateTable, DropTable, Operation, RenameTable, SetTableComment


def diff_tables(old: Schema, new: Schema) -> list[Operation]:
    old_tables = {t.name: t for t in old.managed_tables}
    new_tables = {t.name: t for t in new.managed_tables}
    ops: list[Operation] = []
    # A `renamed_from` hint naming a table the snapshot has (and the new name does
    # not exist there yet) is a rename; the loader already rejected hints that name
    # nothing, and a hint whose new name is in the snapshot is done and ignored.
    for name in sorted(new_tables):
        hint = new_tables[name].renamed_from
        if hint and hint in old_tables and name not in old_tables:
            ops.append(RenameTable(hint, name))
            old_tables[name] = replace(old_tables.pop(hint), name=name)
    removed, added, common = differences(old_tables, new_tables)
    ops += [DropTable(old_tables[n]) for n in removed]
    ops += [CreateTable(new_tables[n]) for n in added]
    for name in common:
        ops += diff_table(old_tables[name], new_tables[name])
    return ops


def diff_table(old: Table, new: Table) -> list[Operation]:
    ops: list[Operation] = []
    column_ops, old = diff_columns(old, new)
    ops += column_ops
    ops += diff_indexes(old, new)
    ops += diff_constraints(old, new)
    if old.comment != new.comment:
        ops.append(SetTableComment(new.name, old.comment, new.comment))
    return ops
