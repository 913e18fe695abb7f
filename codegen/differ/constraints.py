"""Primary keys, unique constraints, foreign keys and checks, matched by kind and name."""

from __future__ import annotations

from dataclasses import replace

from codegen.differ.common import differences, match_renames
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
    renamed = match_renames(removed, added, lambda a, b: a[0] == b[0] and replace(old_c[a], name=b[1]) == new_c[b])
    ops: list[Operation] = [RenameConstraint(new.name, old_c[a], new_c[b]) for a, b in renamed]
    changed = [k for k in common if old_c[k] != new_c[k]]
    ops += [DropConstraint(new.name, old_c[k]) for k in removed + changed]
    ops += [AddConstraint(new.name, new_c[k]) for k in added + changed]
    return ops
