"""One small immutable class per kind of schema change.

Every operation carries the whole old object it replaces or removes (taken
from the snapshot), so `inverse()` never has to guess: the down migration is
`[op.inverse() for op in reversed(up)]`, one truth for both directions, and
`op.inverse().inverse() == op` for every operation.

Operations also describe themselves for the review header (`describe()`,
`symbol`) and name their own hazards, so the header is built from the
operations rather than by scanning the SQL afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Union

from codegen.model import Check, Column, Enum, ForeignKey, Index, PrimaryKey, Table, UniqueConstraint

Constraint = Union[PrimaryKey, UniqueConstraint, ForeignKey, Check]

DATA_LOSS = "data loss"
TABLE_REWRITE = "table rewrite"
LONG_LOCK = "long lock"
NOT_REVERSIBLE = "not reversible"


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

    @property
    def template(self) -> str:
        """The template that renders this op: `CreateTable` -> `create_table.sql.j2`."""
        name = type(self).__name__
        return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_") + ".sql.j2"


def _constraint_kind(constraint: Constraint) -> str:
    return {PrimaryKey: "primary key", UniqueConstraint: "unique constraint", ForeignKey: "foreign key",
            Check: "check"}[type(constraint)]


# -- tables ------------------------------------------------------------------------------

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


# -- columns -----------------------------------------------------------------------------

@dataclass(frozen=True)
class AddColumn(Operation):
    table: str
    column: Column
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropColumn":
        return DropColumn(self.table, self.column)

    def describe(self) -> str:
        null = "NULL" if self.column.nullable else "NOT NULL"
        return f"add column {self.table}.{self.column.name} {self.column.type.describe()} {null}"


@dataclass(frozen=True)
class DropColumn(Operation):
    table: str
    column: Column
    symbol: ClassVar[str] = "-"

    def inverse(self) -> AddColumn:
        return AddColumn(self.table, self.column)

    def describe(self) -> str:
        return f"drop column {self.table}.{self.column.name}"

    def hazards(self) -> tuple[Hazard, ...]:
        return (Hazard(DATA_LOSS, self.table, self.column.name, "the column and its values are deleted"),
                Hazard(NOT_REVERSIBLE, self.table, self.column.name, "undoing this brings the column back empty"))


@dataclass(frozen=True)
class RenameColumn(Operation):
    table: str
    old: str
    new: str

    def inverse(self) -> "RenameColumn":
        return RenameColumn(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"rename column {self.table}.{self.old} to {self.new}"


@dataclass(frozen=True)
class AlterColumn(Operation):
    """Any change of one column's type, nullability or default, old and new side by side."""

    table: str
    old: Column
    new: Column

    def inverse(self) -> "AlterColumn":
        return AlterColumn(self.table, self.new, self.old)

    @property
    def type_changed(self) -> bool:
        return self.old.type != self.new.type

    @property
    def nullable_changed(self) -> bool:
        return self.old.nullable != self.new.nullable

    @property
    def default_changed(self) -> bool:
        return self.old.default != self.new.default

    def describe(self) -> str:
        parts = []
        if self.type_changed:
            parts.append(f"type {self.old.type.describe()} -> {self.new.type.describe()}")
        if self.nullable_changed:
            parts.append("NOT NULL -> NULL" if self.new.nullable else "NULL -> NOT NULL")
        if self.default_changed:
            old = self.old.default.describe() if self.old.default else "none"
            new = self.new.default.describe() if self.new.default else "none"
            parts.append(f"default {old} -> {new}")
        if self.old.autoincrement != self.new.autoincrement:
            parts.append("autoincrement " + ("on" if self.new.autoincrement else "off"))
        return f"alter column {self.table}.{self.new.name}: {', '.join(parts)}"


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
class SetColumnComment(Operation):
    table: str
    column: str
    old: str | None
    new: str | None

    def inverse(self) -> "SetColumnComment":
        return SetColumnComment(self.table, self.column, self.new, self.old)

    def describe(self) -> str:
        verb = "set" if self.new else "remove"
        return f"{verb} comment on column {self.table}.{self.column}"


# -- indexes and constraints ---------------------------------------------------------------

@dataclass(frozen=True)
class CreateIndex(Operation):
    table: str
    index: Index
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropIndex":
        return DropIndex(self.table, self.index)

    def describe(self) -> str:
        kind = "unique index" if self.index.unique else "index"
        where = " (partial)" if self.index.where else ""
        return f"create {kind} {self.index.name} on {self.table} ({', '.join(self.index.columns)}){where}"


@dataclass(frozen=True)
class DropIndex(Operation):
    table: str
    index: Index
    symbol: ClassVar[str] = "-"

    def inverse(self) -> CreateIndex:
        return CreateIndex(self.table, self.index)

    def describe(self) -> str:
        return f"drop index {self.index.name} on {self.table}"


@dataclass(frozen=True)
class AddConstraint(Operation):
    table: str
    constraint: Constraint
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropConstraint":
        return DropConstraint(self.table, self.constraint)

    def describe(self) -> str:
        c = self.constraint
        target = f" -> {c.ref_table}" if isinstance(c, ForeignKey) else ""
        return f"add {_constraint_kind(c)} {c.name} on {self.table}{target}"


@dataclass(frozen=True)
class DropConstraint(Operation):
    table: str
    constraint: Constraint
    symbol: ClassVar[str] = "-"

    def inverse(self) -> AddConstraint:
        return AddConstraint(self.table, self.constraint)

    def describe(self) -> str:
        return f"drop {_constraint_kind(self.constraint)} {self.constraint.name} on {self.table}"


# -- enums ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateEnum(Operation):
    enum: Enum
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropEnum":
        return DropEnum(self.enum)

    def describe(self) -> str:
        return f"create enum {self.enum.name} ({', '.join(self.enum.values)})"


@dataclass(frozen=True)
class DropEnum(Operation):
    enum: Enum
    symbol: ClassVar[str] = "-"

    def inverse(self) -> CreateEnum:
        return CreateEnum(self.enum)

    def describe(self) -> str:
        return f"drop enum {self.enum.name}"


ALL_OPERATIONS = (
    CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn, AlterColumn,
    SetTableComment, SetColumnComment, CreateIndex, DropIndex, AddConstraint, DropConstraint,
    CreateEnum, DropEnum,
)
