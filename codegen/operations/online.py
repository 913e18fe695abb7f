"""The steps only PostgreSQL's online forms need (dialects/postgresql_online.py splits operations
into them).

They are never inverted: the down migration is planned from the logical
operations and made online on its own. Each may run twice, because the runner
runs the steps after a migration's transaction again when one of them failed or
the process was killed (runner/session.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen.model import Column
from codegen.operations.base import (
    LONG_LOCK,
    Constraint,
    Hazard,
    Operation,
    constraint_kind,
)


@dataclass(frozen=True)
class ValidateConstraint(Operation):
    """The scan of a constraint added NOT VALID, under a lock that lets reads and writes through."""

    table: str
    constraint: Constraint

    def describe(self) -> str:
        return f"validate {constraint_kind(self.constraint)} {self.constraint.name} on {self.table}"


@dataclass(frozen=True)
class AttachIndex(Operation):
    """A unique constraint that takes over an index built concurrently (ADD CONSTRAINT ... USING INDEX)."""

    table: str
    constraint: Constraint

    def describe(self) -> str:
        return f"make index {self.constraint.name} the {constraint_kind(self.constraint)} {self.constraint.name}"


@dataclass(frozen=True)
class FillNulls(Operation):
    """Existing rows' NULLs get the column's fill value, in a statement of its own."""

    table: str
    column: Column

    def describe(self) -> str:
        return f"fill NULLs of {self.table}.{self.column.name}"

    def hazards(self) -> tuple[Hazard, ...]:
        return (Hazard(LONG_LOCK, self.table, self.column.name,
                       "one UPDATE fills the NULLs (every row, for a new column): writes to the rows it changes wait "
                       "until it ends; on a big table, fill them in batches before this migration"),)


@dataclass(frozen=True)
class SetNotNull(Operation):
    """SET NOT NULL once a validated check proves it: PostgreSQL then skips the scan."""

    table: str
    column: Column

    def describe(self) -> str:
        return f"set {self.table}.{self.column.name} NOT NULL"
