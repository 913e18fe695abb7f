"""The intermediate schema: what the database should hold, free of any dialect.

Everything is a frozen dataclass built from tuples so a `Schema` can be
compared with `==`, hashed, and shared without defensive copies. The snapshot
file is `to_json()` of this model; `from_json()` reads it back, and
`from_json(to_json(s)) == s` for every schema.

Hints that only steer the differ (`renamed_from`) are kept with
`compare=False` and are not written to the snapshot: the snapshot describes
the database, not the YAML that produced it.
"""

from __future__ import annotations

import functools
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Union

from codegen.errors import Location

INTEGER_KINDS = ("smallint", "integer", "bigint")
LOGICAL_TYPES = (
    "smallint", "integer", "bigint", "string", "text", "boolean", "decimal", "float",
    "date", "time", "timestamp", "uuid", "json", "binary", "enum",
)
FK_ACTIONS = ("cascade", "restrict", "set_null", "set_default", "no_action")


@dataclass(frozen=True, slots=True)
class ColumnType:
    kind: str  # one of LOGICAL_TYPES
    length: int | None = None  # string, binary
    precision: int | None = None  # decimal
    scale: int | None = None  # decimal
    timezone: bool = False  # timestamp, time
    values: tuple[str, ...] = ()  # enum, in declared order
    enum_name: str | None = None  # enum: the database type's name (postgresql)

    def describe(self) -> str:
        if self.kind == "enum":
            return f"enum({', '.join(self.values)})"
        if self.length is not None:
            return f"{self.kind}({self.length})"
        if self.precision is not None:
            return f"{self.kind}({self.precision},{self.scale or 0})"
        if self.timezone:
            return f"{self.kind} with time zone"
        return self.kind


Literal = Union[str, int, float, bool, None]


@dataclass(frozen=True, slots=True)
class Default:
    """A column default: a literal value, the current time, or raw SQL."""

    kind: str  # "literal" | "now" | "sql"
    value: Literal = None

    def describe(self) -> str:
        if self.kind == "now":
            return "now"
        if self.kind == "sql":
            return f"sql({self.value})"
        return repr(self.value)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = False
    default: Default | None = None
    autoincrement: bool = False
    comment: str | None = None
    renamed_from: str | None = field(default=None, compare=False)
    backfill: Literal = field(default=None, compare=False)
    origin: Location | None = field(default=None, compare=False)  # where the YAML declared it


def _column_builder():
    """`Column(...)` by position, at half the cost: a frozen dataclass's __init__ sets each
    field through object.__setattr__, and a large project's resolution builds 100,000
    columns (issue 6). The slots' own setters do the same, without the generic lookup."""
    names = [f.name for f in fields(Column)]
    if names != ["name", "type", "nullable", "default", "autoincrement", "comment", "renamed_from", "backfill", "origin"]:
        raise TypeError(f"Column's fields changed ({names}): change the parameters below with them")
    s_name, s_type, s_nullable, s_default, s_auto, s_comment, s_renamed, s_backfill, s_origin = (
        getattr(Column, name).__set__ for name in names)
    new = object.__new__

    def new_column(name, type, nullable, default, autoincrement, comment, renamed_from, backfill, origin) -> Column:
        column = new(Column)
        s_name(column, name)
        s_type(column, type)
        s_nullable(column, nullable)
        s_default(column, default)
        s_auto(column, autoincrement)
        s_comment(column, comment)
        s_renamed(column, renamed_from)
        s_backfill(column, backfill)
        s_origin(column, origin)
        return column

    return new_column


new_column = _column_builder()


@dataclass(frozen=True, slots=True)
class PrimaryKey:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    columns: tuple[str, ...]
    unique: bool = False
    where: str | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str | None = None  # one of FK_ACTIONS; None: the database's default
    on_update: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    expr: str


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: PrimaryKey | None = None
    uniques: tuple[UniqueConstraint, ...] = ()
    indexes: tuple[Index, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    comment: str | None = None
    external: bool = False  # managed elsewhere: referenced, never created or altered
    entity: str | None = field(default=None, compare=False)
    renamed_from: str | None = field(default=None, compare=False)
    origin: Location | None = field(default=None, compare=False)

    def column(self, name: str) -> Column | None:
        for c in self.columns:  # a loop, not next() over a generator: resolution asks this per reference
            if c.name == name:
                return c
        return None

    @property
    def constraint_names(self) -> tuple[str, ...]:
        names = [c.name for c in (*self.uniques, *self.foreign_keys, *self.checks)]
        if self.primary_key:
            names.insert(0, self.primary_key.name)
        return tuple(names)


@dataclass(frozen=True, slots=True)
class Enum:
    """A named enum type, derived from the enum columns that use it."""

    name: str
    values: tuple[str, ...]
    table: str
    column: str


@dataclass(frozen=True, slots=True)
class Schema:
    tables: tuple[Table, ...] = ()  # sorted by name

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    @property
    def managed_tables(self) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if not t.external)

    @property
    def enums(self) -> tuple[Enum, ...]:
        found = {}
        for table in self.managed_tables:
            for col in table.columns:
                if col.type.kind == "enum" and col.type.enum_name:
                    found.setdefault(col.type.enum_name, Enum(col.type.enum_name, col.type.values, table.name, col.name))
        return tuple(found[name] for name in sorted(found))

    # -- canonical JSON ---------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {"tables": [_dump(t) for t in self.tables]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Schema":
        return cls(tables=tuple(table_from_json(t) for t in data.get("tables", ())))


def _dump(obj: Any) -> Any:
    """Dataclass -> plain JSON, leaving out hints and values equal to the default."""
    if isinstance(obj, tuple):
        return [_dump(item) for item in obj]
    if not hasattr(obj, "__dataclass_fields__"):
        return obj
    return {name: _dump(value) for name, value in stored_values(obj)}


def stored_values(obj: Any) -> list[tuple[str, Any]]:
    """The (field, value) pairs the snapshot keeps for a model object, by field name.

    Hints (compare=False), None, () and values that are the field's default are left out.
    """
    out = []
    for name, default in stored_fields(type(obj)):
        value = getattr(obj, name)
        if value is None or value == () or (default is not MISSING and value is default):
            continue
        out.append((name, value))
    return out


def stored_fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) of the fields the snapshot can keep for a model class, by name:
    compare=False marks a hint, which the snapshot never keeps."""
    stored = _STORED.get(kind)
    if stored is None:
        stored = _STORED[kind] = tuple(sorted((f.name, f.default) for f in fields(kind) if f.compare))
    return stored


_STORED: dict[type, tuple[tuple[str, Any], ...]] = {}


def table_from_json(d: dict[str, Any]) -> Table:
    def tup(items, build):
        return tuple(build(i) for i in items or ())

    def column(c: dict[str, Any]) -> Column:
        return Column(
            name=c["name"], type=shared_type(**{k: tuple(v) if isinstance(v, list) else v for k, v in c["type"].items()}), nullable=c.get("nullable", False),
            default=Default(**c["default"]) if "default" in c else None,
            autoincrement=c.get("autoincrement", False), comment=c.get("comment"),
        )

    pk = d.get("primary_key")
    return Table(
        name=d["name"],
        columns=tup(d["columns"], column),
        primary_key=PrimaryKey(pk["name"], tuple(pk["columns"])) if pk else None,
        uniques=tup(d.get("uniques"), lambda u: UniqueConstraint(u["name"], tuple(u["columns"]))),
        indexes=tup(d.get("indexes"), lambda i: Index(i["name"], tuple(i["columns"]), i.get("unique", False), i.get("where"))),
        foreign_keys=tup(d.get("foreign_keys"), lambda f: ForeignKey(
            f["name"], tuple(f["columns"]), f["ref_table"], tuple(f["ref_columns"]), f.get("on_delete"), f.get("on_update"))),
        checks=tup(d.get("checks"), lambda c: Check(c["name"], c["expr"])),
        comment=d.get("comment"),
        external=d.get("external", False),
    )


@functools.lru_cache(maxsize=4096)
def shared_type(kind: str, length: int | None = None, precision: int | None = None, scale: int | None = None,
                timezone: bool = False, values: tuple[str, ...] = (), enum_name: str | None = None) -> ColumnType:
    """One object per distinct type (loader and snapshot alike): a large schema repeats a handful
    of types, and the snapshot writer and the differ profit from equal types being the same object."""
    return ColumnType(kind, length, precision, scale, timezone, values, enum_name)


def with_tables(schema: Schema, tables: list[Table] | tuple[Table, ...]) -> Schema:
    return replace(schema, tables=tuple(sorted(tables, key=lambda t: t.name)))
