"""Indexes, matched by name: a changed definition is a drop plus a create."""

from __future__ import annotations

from codegen.differ.common import by_name, differences
from codegen.model import Table
from codegen.operations import CreateIndex, DropIndex, Operation


def diff_indexes(old: Table, new: Table) -> list[Operation]:
    old_ix, new_ix = by_name(old.indexes), by_name(new.indexes)
    removed, added, common = differences(old_ix, new_ix)
    changed = [n for n in common if old_ix[n] != new_ix[n]]
    return ([DropIndex(new.name, old_ix[n]) for n in removed + changed]
            + [CreateIndex(new.name, new_ix[n]) for n in added + changed])
