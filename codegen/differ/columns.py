"""Columns: added, dropped, altered (type, nullability, default, identity), comments."""

from __future__ import annotations

from codegen.differ.common import by_name, differences
from codegen.differ.enums import diff_column_enum, enum_of
from codegen.model import Table
from codegen.operations import AddColumn, AlterColumn, CreateEnum, DropColumn, DropEnum, Operation, SetColumnComment


def diff_columns(old: Table, new: Table) -> list[Operation]:
    old_cols, new_cols = by_name(old.columns), by_name(new.columns)
    removed, added, common = differences(old_cols, new_cols)
    ops: list[Operation] = []
    for name in removed:
        ops.append(DropColumn(new.name, old_cols[name]))
        if (e := enum_of(new.name, old_cols[name])) is not None:
            ops.append(DropEnum(e))
    for name in added:
        if (e := enum_of(new.name, new_cols[name])) is not None:
            ops.append(CreateEnum(e))
        ops.append(AddColumn(new.name, new_cols[name]))
    for name in common:
        replaced = AlterColumn(new.name, old_cols[name], new_cols[name])
        if replaced.generated_changed:  # dropped and added again, whatever else changed
            ops.append(replaced)
            continue
        enum_ops, before = diff_column_enum(new.name, old_cols[name], new_cols[name])
        ops += enum_ops
        after = new_cols[name]
        if (before.type, before.nullable, before.default, before.autoincrement, before.identity_always) != (
                after.type, after.nullable, after.default, after.autoincrement, after.identity_always):
            ops.append(AlterColumn(new.name, before, after))
        if before.comment != after.comment:
            ops.append(SetColumnComment(new.name, name, before.comment, after.comment, after))
    return ops
