"""Primary keys, unique constraints, foreign keys and checks, matched by name."""

from __future__ import annotations

from codegen.differ.common import differences
from codegen.model import Table
from codegen.operations import AddConstraint, DropConstraint, Operation


def _constraints(table: Table) -> dict:
    items = [*table.uniques, *table.foreign_keys, *table.checks]
    if table.primary_key:
        items.append(table.primary_key)
    return {(type(c).__name__, c.name): c for c in items}


def diff_constraints(old: Table, new: Table) -> list[Operation]:
    old_c, new_c = _constraints(old), _constraints(new)
    removed, added, common = differences(old_c, new_c)
    changed = [k for k in common if old_c[k] != new_c[k]]
    return ([DropConstraint(new.name, old_c[k]) for k in removed + changed]
            + [AddConstraint(new.name, new_c[k]) for k in added + changed])
