"""Indexes, matched by name; an unmatched pair that differs only in name is a rename."""

from __future__ import annotations

from dataclasses import replace

from codegen.differ.common import by_name, differences, match_renames
from codegen.model import Table
from codegen.operations import CreateIndex, DropIndex, Operation, RenameIndex


def diff_indexes(old: Table, new: Table) -> list[Operation]:
    old_ix, new_ix = by_name(old.indexes), by_name(new.indexes)
    removed, added, common = differences(old_ix, new_ix)
    renamed = match_renames(removed, added, lambda a, b: replace(old_ix[a], name=b) == new_ix[b])
    ops: list[Operation] = [RenameIndex(new.name, old_ix[a], new_ix[b]) for a, b in renamed]
    changed = [n for n in common if old_ix[n] != new_ix[n]]
    ops += [DropIndex(new.name, old_ix[n]) for n in removed + changed]
    ops += [CreateIndex(new.name, new_ix[n]) for n in added + changed]
    return ops
