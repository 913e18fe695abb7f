"""differ: `diff(old, new) -> list[Operation]`. Pure; no I/O, no dialect.

Renames come only from `renamed_from` hints and are resolved first; then one
small comparator per kind of object (tables, columns, indexes, constraints,
enums), all built on `common.differences`; then the objects that must be
re-created around a change (`dependents`). The planner puts the result in an
order the database accepts.

    >>> diff(Schema(), Schema())
    []
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen.differ.dependents import with_dependents
from codegen.differ.enums import diff_shared_enums
from codegen.differ.hints import check_against_snapshot
from codegen.differ.renames import find_renames, renamed_old
from codegen.differ.tables import diff_schemas, diff_tables
from codegen.model import Schema
from codegen.operations import AddColumn, DropColumn, Operation

__all__ = ["diff", "compare", "Comparison", "check_against_snapshot", "likely_renames", "LikelyRename"]


@dataclass(frozen=True)
class Comparison:
    ops: list[Operation]
    renamed_old: Schema  # the old schema as it reads once the renames ran (what the planner rebuilds from)


def compare(old: Schema, new: Schema, values_needed: bool = True) -> Comparison:
    """Raises UserError when the entities cannot be reconciled with the snapshot (see hints).
    `values_needed=False` (drift, which only reports): a column that turns NOT NULL without a
    value for existing rows is a difference like any other, not an input error."""
    check_against_snapshot(old, new, values_needed)
    renames = find_renames(old, new)
    schemas = diff_schemas(old, new)  # before the renames: a table moved into a new schema needs it
    old = renamed_old(old, renames)
    ops = diff_shared_enums(old, new, diff_tables(old, new))
    return Comparison([*schemas, *renames.ops, *with_dependents(old, new, ops)], old)


def diff(old: Schema, new: Schema) -> list[Operation]:
    return compare(old, new).ops


@dataclass(frozen=True)
class LikelyRename:
    """A column dropped and one of the same type added in one table, with no hint: maybe a rename."""

    table: str
    old: str
    new: str

    def hint(self) -> str:
        return (f"{self.table}.{self.old} -> {self.table}.{self.new} looks like a rename; if it is, add "
                f"`renamed_from: {self.old}` to field `{self.new}` (it is generated as drop + add, losing the values)")


def likely_renames(ops: list[Operation]) -> list[LikelyRename]:
    dropped = [op for op in ops if isinstance(op, DropColumn)]
    added = [op for op in ops if isinstance(op, AddColumn)]
    found = []
    for drop in dropped:
        match = next((add for add in added if add.table == drop.table and add.column.type == drop.column.type), None)
        if match is not None:
            added.remove(match)
            found.append(LikelyRename(drop.table, drop.column.name, match.column.name))
    return found
