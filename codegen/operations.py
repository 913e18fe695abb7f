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

from codegen.model import Check, Column, ColumnType, Enum, ForeignKey, Index, PrimaryKey, Table, UniqueConstraint

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

    def details(self) -> tuple[str, ...]:
        """Sub-lines for the review header (a rebuild lists what it changes)."""
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
        text = f"add column {self.table}.{self.column.name} {self.column.type.describe()} {null}"
        fill = fill_value(self.column)
        if fill is not None and self.column.default is None:
            text += f" (existing rows get {fill!r})"
        return text

    def hazards(self) -> tuple[Hazard, ...]:
        if self.column.default is not None and self.column.default.kind == "sql":
            return (Hazard(TABLE_REWRITE, self.table, self.column.name,
                           "a volatile SQL default is computed for every existing row"),)
        return ()


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

    @property
    def enum_values_changed(self) -> bool:
        return self.old.type.kind == self.new.type.kind == "enum" and self.old.type.values != self.new.type.values

    @property
    def enum_values_only_added(self) -> bool:
        """New values inserted, none removed or moved: PostgreSQL can `ADD VALUE` in place."""
        old, new = self.old.type.values, self.new.type.values
        kept = [v for v in new if v in old]
        return self.enum_values_changed and kept == list(old)

    def added_enum_values(self) -> tuple[tuple[str, str | None, str | None], ...]:
        """(value, the old value it goes before, the old value it goes after), in list order."""
        old, new = self.old.type.values, self.new.type.values
        out = []
        for i, value in enumerate(new):
            if value in old:
                continue
            before = next((v for v in new[i + 1:] if v in old), None)
            after = next((v for v in reversed(new[:i]) if v in old or any(v == a for a, _, _ in out)), None)
            out.append((value, before, after if before is None else None))
        return tuple(out)

    @property
    def default_uses_added_value(self) -> bool:
        added = {v for v, _, _ in self.added_enum_values()}
        return self.new.default is not None and self.new.default.value in added

    def hazards(self) -> tuple[Hazard, ...]:
        found = []
        col = self.new.name
        if self.type_changed:
            if self.enum_values_changed:
                removed = [v for v in self.old.type.values if v not in self.new.type.values]
                if removed:
                    found.append(Hazard(DATA_LOSS, self.table, col,
                                        f"enum values {', '.join(removed)} are removed: rows holding them make the migration fail"))
                if not self.enum_values_only_added:
                    found.append(Hazard(TABLE_REWRITE, self.table, col, "the enum type is rebuilt and the column cast to it"))
            else:
                if not widens(self.old.type, self.new.type):
                    found.append(Hazard(DATA_LOSS, self.table, col,
                                        f"{self.old.type.describe()} -> {self.new.type.describe()} may truncate values "
                                        "or fail on rows that do not convert"))
                if not rewrite_free(self.old.type, self.new.type):
                    found.append(Hazard(TABLE_REWRITE, self.table, col, "changing the type rewrites the table under an exclusive lock"))
        if self.nullable_changed and not self.new.nullable:
            found.append(Hazard(LONG_LOCK, self.table, col, "SET NOT NULL scans the whole table under an exclusive lock"))
        return tuple(found)


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

    def hazards(self) -> tuple[Hazard, ...]:
        # Indexes of a new table are part of CreateTable: this one is built on a table with rows.
        return (Hazard(LONG_LOCK, self.table, None,
                       f"building {self.index.name} blocks writes to the table until it is done"),)


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
        return f"rename {_constraint_kind(self.old)} {self.old.name} to {self.new.name} on {self.table}"


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


ALL_OPERATIONS = (
    CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn, AlterColumn,
    SetTableComment, SetColumnComment, CreateIndex, DropIndex, AddConstraint, DropConstraint,
    CreateEnum, DropEnum, RenameIndex, RenameConstraint, RenameEnum, RebuildTable,
)


# -- what existing rows get -------------------------------------------------------------------

_PLACEHOLDERS = {
    "smallint": 0, "integer": 0, "bigint": 0, "decimal": 0, "float": 0, "boolean": False,
    "string": "", "text": "", "date": "1970-01-01", "time": "00:00:00", "timestamp": "1970-01-01 00:00:00",
    "uuid": "00000000-0000-0000-0000-000000000000", "json": "null", "binary": b"",
}


def placeholder(column: Column) -> object:
    """A value of the column's type for rows that must get one and have nothing better."""
    if column.type.kind == "enum":
        return column.type.values[0]
    return _PLACEHOLDERS[column.type.kind]


def fill_value(column: Column) -> object | None:
    """The literal existing rows get when this NOT NULL column appears or stops accepting NULL.

    `backfill` when given; otherwise None when a default or NULL will do; a
    placeholder of the type only when nothing else can (a dropped NOT NULL
    column that a down migration brings back).
    """
    if column.backfill is not None:
        return column.backfill
    if column.nullable or column.default is not None or column.autoincrement:
        return None
    return placeholder(column)


# -- how a type change treats existing values ----------------------------------------------------

_INTEGER_RANK = {"smallint": 1, "integer": 2, "bigint": 3}


def widens(old: ColumnType, new: ColumnType) -> bool:
    """True when every value of `old` fits `new` unchanged."""
    if old.kind in _INTEGER_RANK and new.kind in _INTEGER_RANK:
        return _INTEGER_RANK[new.kind] >= _INTEGER_RANK[old.kind]
    if old.kind in _INTEGER_RANK and new.kind in ("decimal", "float") and new.precision is None:
        return True
    if old.kind in ("string", "text") and new.kind == "text":
        return True
    if old.kind == new.kind == "string" or (old.kind == "text" and new.kind == "string"):
        return new.length is None or (old.length is not None and new.length >= old.length)
    if old.kind == new.kind == "binary":
        return new.length is None or (old.length is not None and new.length >= old.length)
    if old.kind == new.kind == "decimal":
        if new.precision is None:
            return True
        if old.precision is None:
            return False
        return ((new.scale or 0) >= (old.scale or 0)
                and new.precision - (new.scale or 0) >= old.precision - (old.scale or 0))
    if old.kind == new.kind == "enum":
        return set(old.values) <= set(new.values)
    if old.kind == new.kind in ("timestamp", "time"):
        return True
    return False


def rewrite_free(old: ColumnType, new: ColumnType) -> bool:
    """PostgreSQL changes these in the catalog only: longer or unbounded text, more numeric precision."""
    if old.kind in ("string", "text") and new.kind in ("string", "text"):
        return new.length is None or (old.length is not None and new.length >= old.length)
    if old.kind == new.kind == "decimal":
        return new.precision is None or (old.precision is not None and new.precision >= old.precision
                                         and (new.scale or 0) == (old.scale or 0))
    return False
