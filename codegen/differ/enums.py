"""Enum types (PostgreSQL types; on other dialects the planner drops these ops)."""

from __future__ import annotations

from codegen.differ.common import by_name, differences
from codegen.model import Schema
from codegen.operations import CreateEnum, DropEnum, Operation


def diff_enums(old: Schema, new: Schema) -> list[Operation]:
    old_enums, new_enums = by_name(old.enums), by_name(new.enums)
    removed, added, common = differences(old_enums, new_enums)
    ops: list[Operation] = [DropEnum(old_enums[n]) for n in removed]
    ops += [CreateEnum(new_enums[n]) for n in added]
    for name in common:
        if old_enums[name].values != new_enums[name].values:
            # Value changes are carried by the column's AlterColumn (type changed);
            # see the planner for how each dialect applies them.
            pass
    return ops
