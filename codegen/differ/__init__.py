"""differ: `diff(old, new) -> list[Operation]`. Pure; no I/O, no dialect.

One small comparator per kind of object (tables, columns, indexes,
constraints, enums), all built on `common.differences`. The list returned is
unordered in the sense that matters: the planner puts it in an order the
database accepts. Renames come only from `renamed_from` hints.

    >>> diff(Schema(), Schema())
    []
"""

from __future__ import annotations

from codegen.differ.enums import diff_enums
from codegen.differ.hints import check_against_snapshot
from codegen.differ.tables import diff_tables
from codegen.model import Schema
from codegen.operations import Operation

__all__ = ["diff", "check_against_snapshot"]


def diff(old: Schema, new: Schema) -> list[Operation]:
    """Raises UserError when the entities cannot be reconciled with the snapshot (see hints)."""
    check_against_snapshot(old, new)
    return [*diff_enums(old, new), *diff_tables(old, new)]
