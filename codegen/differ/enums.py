"""Enum types: most belong to one column each (`<table>_<column>`) and follow that column; a shared
enum (codegen.yaml `enums:`) lives while any column uses it and changes once for all of them."""

from __future__ import annotations

from dataclasses import replace

from codegen.model import Column, Enum, Schema, Table
from codegen.operations import AlterColumn, ChangeSharedEnum, CreateEnum, DropEnum, Operation, RenameEnum


def enum_of(table: str, column: Column) -> Enum | None:
    """The enum type that comes and goes with this column (not a shared one)."""
    t = column.type
    return Enum(t.enum_name, t.values, table, column.name) if t.kind == "enum" and t.enum_name and not t.shared else None


def shared_enums(schema: Schema) -> dict[str, Enum]:
    found: dict[str, Enum] = {}
    for table in schema.managed_tables:
        for col in table.columns:
            if col.type.kind == "enum" and col.type.shared:
                found.setdefault(col.type.enum_name, Enum(col.type.enum_name, col.type.values, table.name, col.name))
    return found


def diff_shared_enums(old: Schema, new: Schema, ops: list[Operation]) -> list[Operation]:
    """`ops` with the shared enums created and dropped, and each one's value change made once:
    the columns' own type changes become one ChangeSharedEnum (what else they change stays)."""
    before, after = shared_enums(old), shared_enums(new)
    out: list[Operation] = [CreateEnum(after[name]) for name in sorted(after.keys() - before.keys())]
    changes: dict[str, list[AlterColumn]] = {}
    for op in ops:
        if (isinstance(op, AlterColumn) and op.old.type.shared and op.new.type.shared
                and op.old.type.enum_name == op.new.type.enum_name and op.enum_values_changed):
            changes.setdefault(op.new.type.enum_name, []).append(op)
            rest = AlterColumn(op.table, replace(op.old, type=op.new.type), op.new)
            if rest.old != rest.new:
                out.append(rest)
        else:
            out.append(op)
    for name, columns in sorted(changes.items()):
        out.append(ChangeSharedEnum(before[name], after[name], tuple(columns)))
    out += [DropEnum(before[name]) for name in sorted(before.keys() - after.keys())]
    return out


def enums_of(table: Table) -> list[Enum]:
    return [e for c in table.columns if (e := enum_of(table.name, c)) is not None]


def diff_column_enum(table: str, before: Column, after: Column) -> tuple[list[Operation], Column]:
    """Enum ops for one column, and `before` as it reads once its enum was renamed.

    A changed value list is not an enum op: it is the column's type change
    (AlterColumn), which each dialect applies its own way.
    """
    old_enum, new_enum = enum_of(table, before), enum_of(table, after)
    if old_enum and new_enum:
        if old_enum.name == new_enum.name:
            return [], before
        renamed = replace(new_enum, values=old_enum.values)
        moved = replace(before, type=replace(before.type, enum_name=new_enum.name))
        return [RenameEnum(old_enum, renamed)], moved
    ops: list[Operation] = []
    if old_enum:
        ops.append(DropEnum(old_enum))
    if new_enum:
        ops.append(CreateEnum(new_enum))
    return ops, before
