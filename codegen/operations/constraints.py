"""Operations on indexes, constraints and enum types, and the renames of their names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from codegen.model import Check, Enum, ForeignKey, Index, PrimaryKey, UniqueConstraint
from codegen.operations.base import DATA_LOSS, LONG_LOCK, TABLE_REWRITE, Constraint, Hazard, Operation, constraint_kind

@dataclass(frozen=True)
class CreateIndex(Operation):
    table: str
    index: Index
    # PostgreSQL's online form (dialects/postgresql_online.py): built without blocking writes,
    # outside any transaction.
    concurrently: bool = False
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropIndex":
        return DropIndex(self.table, self.index)

    def describe(self) -> str:
        kind = "unique index" if self.index.unique else "index"
        ix = self.index
        where = " (partial)" if ix.where else ""
        using = f" using {ix.method}" if ix.method else ""
        include = f" include ({', '.join(ix.include)})" if ix.include else ""
        keys = ", ".join([f"{c} {o}".strip() for c, o in zip(ix.columns, ix.column_orders)]
                         + [f"({e})" for e in ix.expressions])
        return f"create {kind} {ix.name} on {self.table}{using} ({keys}){include}{where}"

    def hazards(self) -> tuple[Hazard, ...]:
        if self.concurrently:
            return ()
        # Indexes of a new table are part of CreateTable: this one is built on a table with rows.
        return (Hazard(LONG_LOCK, self.table, None,
                       f"building {self.index.name} blocks writes to the table until it is done"),)


@dataclass(frozen=True)
class DropIndex(Operation):
    table: str
    index: Index
    concurrently: bool = False  # as CreateIndex's
    symbol: ClassVar[str] = "-"

    def inverse(self) -> CreateIndex:
        return CreateIndex(self.table, self.index)

    def describe(self) -> str:
        return f"drop index {self.index.name} on {self.table}"


@dataclass(frozen=True)
class AddConstraint(Operation):
    table: str
    constraint: Constraint
    # True for a foreign key of a table this migration creates, added once every table exists
    # (the planner breaks reference cycles so): the table has no rows to check yet.
    new_table: bool = False
    # PostgreSQL's online form: added NOT VALID (new rows are checked, existing ones are not
    # scanned), and validated by a ValidateConstraint after the transaction.
    not_valid: bool = False
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropConstraint":
        return DropConstraint(self.table, self.constraint, self.new_table)

    def describe(self) -> str:
        c = self.constraint
        target = f" -> {c.ref_table}" if isinstance(c, ForeignKey) else ""
        return f"add {constraint_kind(c)} {c.name} on {self.table}{target}"

    def hazards(self) -> tuple[Hazard, ...]:
        if self.new_table or self.not_valid:
            return ()
        broken = {PrimaryKey: "two rows hold the same key, or a NULL", UniqueConstraint: "two rows hold the same value",
                  ForeignKey: "a row references a missing parent", Check: "a row breaks the check"}
        return (Hazard(LONG_LOCK, self.table, None,
                       f"adding {self.constraint.name} checks every existing row under a lock that blocks writes; "
                       f"the migration fails if {broken[type(self.constraint)]}"),)


@dataclass(frozen=True)
class DropConstraint(Operation):
    table: str
    constraint: Constraint
    new_table: bool = False  # as AddConstraint's: the inverse of one the planner deferred
    if_exists: bool = False  # a step that may run twice (online forms, run again after a failure)
    symbol: ClassVar[str] = "-"

    def inverse(self) -> AddConstraint:
        return AddConstraint(self.table, self.constraint, self.new_table)

    def describe(self) -> str:
        return f"drop {constraint_kind(self.constraint)} {self.constraint.name} on {self.table}"



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


@dataclass(frozen=True)
class RenameIndex(Operation):
    table: str
    old: Index
    new: Index

    def inverse(self) -> "RenameIndex":
        return RenameIndex(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"rename index {self.old.name} to {self.new.name} on {self.table}"


@dataclass(frozen=True)
class RenameConstraint(Operation):
    table: str
    old: Constraint
    new: Constraint

    def inverse(self) -> "RenameConstraint":
        return RenameConstraint(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"rename {constraint_kind(self.old)} {self.old.name} to {self.new.name} on {self.table}"


@dataclass(frozen=True)
class RenameEnum(Operation):
    old: Enum
    new: Enum

    def inverse(self) -> "RenameEnum":
        return RenameEnum(self.new, self.old)

    @property
    def table(self) -> str:
        """The table whose column the enum belongs to (as it is named when the rename runs)."""
        return self.new.table

    def describe(self) -> str:
        return f"rename enum {self.old.name} to {self.new.name}"


@dataclass(frozen=True)
class ChangeSharedEnum(Operation):
    """A shared enum's values changed (codegen.yaml `enums:`): the type changes once, and each
    column that uses it (`columns`, each the type change alone) follows."""

    old: Enum
    new: Enum
    columns: tuple  # of AlterColumn

    def inverse(self) -> "ChangeSharedEnum":
        return ChangeSharedEnum(self.new, self.old, tuple(op.inverse() for op in self.columns))

    @property
    def in_place(self) -> bool:
        """Values only added, no column's default one of them: PostgreSQL adds them to the type."""
        return all(op.enum_in_place for op in self.columns)

    def added_values(self):
        return self.columns[0].added_enum_values()

    def describe(self) -> str:
        users = ", ".join(f"{op.table}.{op.new.name}" for op in self.columns)
        return f"change enum {self.new.name}: ({', '.join(self.old.values)}) -> ({', '.join(self.new.values)}) for {users}"

    def hazards(self) -> tuple[Hazard, ...]:
        found = []
        removed = [v for v in self.old.values if v not in self.new.values]
        for op in self.columns:
            if removed:
                found.append(Hazard(DATA_LOSS, op.table, op.new.name, f"enum values {', '.join(removed)} are removed: "
                                    "rows holding them make the migration fail"))
            if not self.in_place:
                found.append(Hazard(TABLE_REWRITE, op.table, op.new.name, "the shared enum type is rebuilt and the "
                                    "column cast to it"))
        return tuple(found)
