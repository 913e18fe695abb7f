"""Enum types belong to one column each (`<table>_<column>`): they follow that column."""

from __future__ import annotations

from dataclasses import replace

from codegen.model import Column, Enum, Table
from codegen.operations import CreateEnum, DropEnum, Operation, RenameEnum


def enum_of(table: str, column: Column) -> Enum | None:
    t = column.type
    return Enum(t.enum_name, t.values, table, column.name) if t.kind == "enum" and t.enum_name else None


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
