"""What every operation is: a change that knows its inverse, its description and its hazards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Union

from codegen.model import Check, ForeignKey, PrimaryKey, UniqueConstraint

Constraint = Union[PrimaryKey, UniqueConstraint, ForeignKey, Check]

DATA_LOSS = "data loss"
TABLE_REWRITE = "table rewrite"
LONG_LOCK = "long lock"
NOT_REVERSIBLE = "not reversible"
NON_TRANSACTIONAL = "non-transactional"  # a whole migration whose statements commit one by one (MySQL)


@dataclass(frozen=True)
class Hazard:
    kind: str  # DATA_LOSS, TABLE_REWRITE, LONG_LOCK, NOT_REVERSIBLE
    table: str
    column: str | None
    detail: str

    @property
    def subject(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table

    def line(self) -> str:
        """`HAZARD data loss: customer.email: ...`; the SQL header prefixes `-- `."""
        return f"HAZARD {self.kind}: {self.subject}: {self.detail}"


class Operation:
    symbol: ClassVar[str] = "~"  # "+" adds, "-" removes, "~" changes (as Django prints them)

    def inverse(self) -> "Operation":
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def hazards(self) -> tuple[Hazard, ...]:
        return ()

    def details(self) -> tuple[str, ...]:
        """Sub-lines for the review header (a rebuild lists what it changes)."""
        return ()

    @property
    def template(self) -> str:
        """The template that renders this op: `CreateTable` -> `create_table.sql.j2`."""
        name = type(self).__name__
        return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_") + ".sql.j2"


def constraint_kind(constraint: Constraint) -> str:
    return {PrimaryKey: "primary key", UniqueConstraint: "unique constraint", ForeignKey: "foreign key",
            Check: "check"}[type(constraint)]
