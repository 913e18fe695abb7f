"""Primary keys, unique constraints, foreign keys and checks, matched by kind and name."""

from __future__ import annotations

from dataclasses import replace

from codegen.differ.common import differences
from codegen.model import Table
from codegen.operations import AddConstraint, DropConstraint, Operation, RenameConstraint


def constraints_of(table: Table) -> dict:
    items = [*table.uniques, *table.foreign_keys, *table.checks]
    if table.primary_key:
        items.append(table.primary_key)
    return {(type(c).__name__, c.name): c for c in items}


def diff_constraints(old: Table, new: Table) -> list[Operation]:
    old_c, new_c = constraints_of(old), constraints_of(new)
    removed, added, common = differences(old_c, new_c)
    ops: list[Operation] = []
    for key in list(removed):
        twin = next((k for k in added if k[0] == key[0] and replace(old_c[key], name=k[1]) == new_c[k]), None)
        if twin is not None:
            ops.append(RenameConstraint(new.name, old_c[key], new_c[twin]))
            removed.remove(key)
            added.remove(twin)
    changed = [k for k in common if old_c[k] != new_c[k]]
    ops += [DropConstraint(new.name, old_c[k]) for k in removed + changed]
    ops += [AddConstraint(new.name, new_c[k]) for k in added + changed]
    return ops
