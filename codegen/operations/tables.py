"""Operations on whole tables, and SQLite's rebuild of one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from codegen.model import Column, Table
from codegen.operations.base import DATA_LOSS, NOT_REVERSIBLE, TABLE_REWRITE, Hazard, Operation
from codegen.operations.values import fill_value

@dataclass(frozen=True)
class CreateSchema(Operation):
    """PostgreSQL: the schema an entity's `schema:` names, made by the migration that first needs it."""

    name: str
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropSchema":
        return DropSchema(self.name)

    def describe(self) -> str:
        return f"create schema {self.name}"


@dataclass(frozen=True)
class DropSchema(Operation):
    """Dropped once no table of the project is in it; the database refuses while anything else is."""

    name: str
    symbol: ClassVar[str] = "-"

    def inverse(self) -> CreateSchema:
        return CreateSchema(self.name)

    def describe(self) -> str:
        return f"drop schema {self.name}"


@dataclass(frozen=True)
class CreateTable(Operation):
    table: Table
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropTable":
        return DropTable(self.table)

    def describe(self) -> str:
        n = len(self.table.columns)
        return f"create table {self.table.name} ({n} column{'s' if n != 1 else ''})"


@dataclass(frozen=True)
class DropTable(Operation):
    table: Table
    symbol: ClassVar[str] = "-"

    def inverse(self) -> CreateTable:
        return CreateTable(self.table)

    def describe(self) -> str:
        return f"drop table {self.table.name}"

    def hazards(self) -> tuple[Hazard, ...]:
        return (Hazard(DATA_LOSS, self.table.name, None, "the table and all its rows are deleted"),
                Hazard(NOT_REVERSIBLE, self.table.name, None, "undoing this recreates the table empty"))


@dataclass(frozen=True)
class RenameTable(Operation):
    old: str
    new: str

    def inverse(self) -> "RenameTable":
        return RenameTable(self.new, self.old)

    def describe(self) -> str:
        return f"rename table {self.old} to {self.new}"



@dataclass(frozen=True)
class SetTableComment(Operation):
    table: str
    old: str | None
    new: str | None

    def inverse(self) -> "SetTableComment":
        return SetTableComment(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"set comment on table {self.table}" if self.new else f"remove comment on table {self.table}"



@dataclass(frozen=True)
class RebuildTable(Operation):
    """SQLite's documented rebuild: new table, copy rows, drop the old, rename, recreate indexes.

    `old` is the table as it stands when the rebuild runs (table and column
    renames have already run as ALTER TABLE statements), `new` the table it
    becomes; `changes` are the operations it stands in for, kept for the
    review header, the hazards and the inverse.
    """

    old: Table
    new: Table
    changes: tuple[Operation, ...]

    def inverse(self) -> "RebuildTable":
        return RebuildTable(self.new, self.old, tuple(op.inverse() for op in reversed(self.changes)))

    def describe(self) -> str:
        return f"rebuild table {self.new.name} (SQLite cannot alter it in place)"

    def details(self) -> tuple[str, ...]:
        return tuple(f"{op.symbol} {op.describe()}" for op in self.changes)

    def hazards(self) -> tuple[Hazard, ...]:
        inner = [h for op in self.changes for h in op.hazards() if h.kind != TABLE_REWRITE]
        return (Hazard(TABLE_REWRITE, self.new.name, None, "every row is copied into a new table"), *inner)

    def copy_plan(self) -> tuple["CopiedColumn", ...]:
        """For each column of the new table: where its values come from when rows are copied."""
        plan = []
        for col in self.new.columns:
            if col.generated is not None:
                continue  # computed by the new table itself
            source = self.old.column(col.name)
            if source is not None:
                plan.append(CopiedColumn(col, col.name, needs_fill=source.nullable and not col.nullable))
            elif fill_value(col) is not None:
                plan.append(CopiedColumn(col, None, needs_fill=True))
        return tuple(plan)


@dataclass(frozen=True)
class CopiedColumn:
    """One column of a rebuild's INSERT ... SELECT: copied from `source`, filled, or both (COALESCE)."""

    column: Column
    source: str | None
    needs_fill: bool
