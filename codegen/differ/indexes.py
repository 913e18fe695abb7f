"""Indexes, matched by name; an unmatched pair that differs only in name is a rename."""

from __future__ import annotations

from dataclasses import replace

from codegen.differ.common import by_name, differences
from codegen.model import Table
from codegen.operations import CreateIndex, DropIndex, Operation, RenameIndex


def diff_indexes(old: Table, new: Table) -> list[Operation]:
    old_ix, new_ix = by_name(old.indexes), by_name(new.indexes)
    removed, added, common = differences(old_ix, new_ix)
    ops: list[Operation] = []
    for name in list(removed):
        twin = next((n for n in added if replace(old_ix[name], name=n) == new_ix[n]), None)
        if twin is not None:
            ops.append(RenameIndex(new.name, old_ix[name], new_ix[twin]))
            removed.remove(name)
            added.remove(twin)
    changed = [n for n in common if old_ix[n] != new_ix[n]]
    ops += [DropIndex(new.name, old_ix[n]) for n in removed + changed]
    ops += [CreateIndex(new.name, new_ix[n]) for n in added + changed]
    return ops
