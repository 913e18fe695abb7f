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
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, Union

from codegen.errors import Location
from codegen.naming import split

FK_ACTIONS = ("cascade", "restrict", "set_null", "set_default", "no_action")
INTEGER_KINDS = ("smallint", "integer", "bigint")
LOGICAL_TYPES = (
    "smallint", "integer", "bigint", "string", "text", "boolean", "decimal", "float",
    "date", "time", "timestamp", "uuid", "json", "binary", "enum",
    "char", "real", "interval", "inet", "cidr", "macaddr", "tsvector", "xml",
)
# `native:` without a `type:`: the column's type is only the dialect's text (ColumnType.native).
NATIVE_KIND = "native"
INDEX_METHODS = ("btree", "hash", "gin", "gist", "brin", "spgist")
# The field types msgspec checks when a snapshot is read (snapshot.py).
LogicalType = Literal[(*LOGICAL_TYPES, NATIVE_KIND)]
FkAction = Literal[FK_ACTIONS]


@dataclass(frozen=True, slots=True)
class ColumnType:
    kind: LogicalType
    length: int | None = None  # string, binary
    precision: int | None = None  # decimal
    scale: int | None = None  # decimal
    timezone: bool = False  # timestamp, time
    values: tuple[str, ...] = ()  # enum, in declared order
    enum_name: str | None = None  # enum: the database type's name (postgresql)
    unsigned: bool = False  # integer kinds, where the database has UNSIGNED (mysql); elsewhere a check
    array: bool = False  # an array of `kind` (postgresql)
    collation: str | None = None  # string, text, char
    native: str | None = None  # the type as the project's dialect spells it (`native:`), compared as text
    shared: bool = False  # enum: a type of codegen.yaml's `enums:`, which any column may use (postgresql)

    def describe(self) -> str:
        if self.native is not None:
            return self.native
        if self.array:
            return replace(self, array=False).describe() + "[]"
        if self.collation is not None:
            return f"{replace(self, collation=None).describe()} collate {self.collation}"
        if self.kind == "enum":
            return f"enum({', '.join(self.values)})"
        if self.length is not None:
            return f"{self.kind}({self.length})"
        if self.precision is not None:
            return f"{self.kind}({self.precision},{self.scale or 0})"
        if self.timezone:
            return f"{self.kind} with time zone"
        return f"{self.kind} unsigned" if self.unsigned else self.kind


LiteralValue = Union[str, int, float, bool, None]


@dataclass(frozen=True, slots=True)
class Default:
    """A column default: a literal value, the current time, or raw SQL."""

    kind: Literal["literal", "now", "sql"]
    value: LiteralValue = None

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
    backfill: LiteralValue = field(default=None, compare=False)
    truncate: bool = field(default=False, compare=False)  # this change may cut values that do not fit
    origin: Location | None = field(default=None, compare=False)  # where the YAML declared it
    identity_always: bool = False  # autoincrement as GENERATED ALWAYS (postgresql): no value may be given
    generated: str | None = None  # a generated column's SQL expression
    stored: bool = True  # a generated column is stored, not computed on read (VIRTUAL)


def _column_builder():
    """`Column(...)` by position, at half the cost: a frozen dataclass's __init__ sets each
    field through object.__setattr__, and a large project's resolution builds 100,000
    columns. The slots' own setters do the same, without the generic lookup."""
    names = [f.name for f in fields(Column)]
    if names != ["name", "type", "nullable", "default", "autoincrement", "comment", "renamed_from", "backfill",
                 "truncate", "origin", "identity_always", "generated", "stored"]:
        raise TypeError(f"Column's fields changed ({names}): change the parameters below with them")
    (s_name, s_type, s_nullable, s_default, s_auto, s_comment, s_renamed, s_backfill, s_truncate, s_origin,
     s_always, s_generated, s_stored) = (getattr(Column, name).__set__ for name in names)
    new = object.__new__

    def new_column(name, type, nullable, default, autoincrement, comment, renamed_from, backfill, truncate,
                   origin, identity_always=False, generated=None, stored=True) -> Column:
        column = new(Column)
        s_name(column, name)
        s_type(column, type)
        s_nullable(column, nullable)
        s_default(column, default)
        s_auto(column, autoincrement)
        s_comment(column, comment)
        s_renamed(column, renamed_from)
        s_backfill(column, backfill)
        s_truncate(column, truncate)
        s_origin(column, origin)
        s_always(column, identity_always)
        s_generated(column, generated)
        s_stored(column, stored)
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
    columns: tuple[str, ...] = ()  # () for an index of expressions only
    unique: bool = False
    where: str | None = None
    method: str | None = None  # postgresql: btree (None), hash, gin, gist, brin, spgist
    orders: tuple[str, ...] = ()  # per column: "" or "desc", "asc nulls last", ...; () when all are ""
    expressions: tuple[str, ...] = ()  # SQL expressions indexed after the columns
    include: tuple[str, ...] = ()  # postgresql: columns stored in the index, not searched by

    @property
    def column_orders(self) -> tuple[str, ...]:
        """Each column's order, "" where none was written (`orders` is () when none was)."""
        return self.orders or ("",) * len(self.columns)

    def keys(self, quote) -> tuple[str, ...]:
        """The keys as CREATE INDEX lists them: each column (`quote`d) with its order, then each expression."""
        return (*(f"{quote(c)} {o.upper()}" if o else quote(c) for c, o in zip(self.columns, self.column_orders)),
                *(f"({e})" for e in self.expressions))


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: FkAction | None = None  # None: the database's default
    on_update: FkAction | None = None
    deferrable: bool = False  # postgresql: checked at the end of the statement, or (initially_deferred) of the transaction
    initially_deferred: bool = False


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
    def schema_names(self) -> tuple[str, ...]:
        """The schemas the project's tables live in besides the default one (entity `schema:`)."""
        return tuple(sorted({split(t.name)[0] for t in self.managed_tables} - {None}))

    @property
    def enums(self) -> tuple[Enum, ...]:
        """Every enum type, a shared one (codegen.yaml `enums:`) once, with its first column."""
        found = {}
        for table in self.managed_tables:
            for col in table.columns:
                if col.type.kind == "enum" and col.type.enum_name:
                    found.setdefault(col.type.enum_name, Enum(col.type.enum_name, col.type.values, table.name, col.name))
        return tuple(found[name] for name in sorted(found))

    # -- canonical JSON ---------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        types: dict[int, dict] = {}
        return {"tables": [table_json(t, types) for t in self.tables]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Schema":
        """The schema `to_json` wrote; msgspec.ValidationError naming the place of anything else."""
        import msgspec

        return msgspec.convert(data, cls)


def table_json(table: Table, types: dict[int, dict]) -> dict[str, Any]:
    """A table as the snapshot stores it; `types` is shared by the tables of one schema."""
    return _dump(table, types)


def _dump(obj: Any, types: dict[int, dict]) -> Any:
    """Dataclass -> plain JSON, leaving out hints and values equal to the default.
    `types`: each ColumnType's JSON by id (types are shared, see shared_type)."""
    kind = type(obj)
    if kind is tuple:
        return [_dump(item, types) for item in obj]
    fields_ = _STORED.get(kind)
    if fields_ is None:
        if not hasattr(kind, "__dataclass_fields__"):
            return obj
        fields_ = _STORED[kind] = stored_fields(kind)
    if kind is ColumnType:
        written = types.get(id(obj))
        if written is not None:
            return written
    out = {}
    for name, default in fields_:
        value = getattr(obj, name)
        if value is None or value is default or value == ():
            continue
        out[name] = value if type(value) in _PLAIN else _dump(value, types)
    if kind is ColumnType:
        types[id(obj)] = out
    return out


_PLAIN = frozenset((str, int, float, bool))


def stored_fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """(name, default) of the fields the snapshot keeps for a model class: compare=False marks
    a hint, which the snapshot never keeps. A field equal to its default is left out."""
    return tuple((f.name, f.default) for f in fields(kind) if f.compare)


_STORED: dict[type, tuple[tuple[str, Any], ...]] = {}


@functools.lru_cache(maxsize=4096)
def shared_type(kind: str, length: int | None = None, precision: int | None = None, scale: int | None = None,
                timezone: bool = False, values: tuple[str, ...] = (), enum_name: str | None = None,
                unsigned: bool = False, array: bool = False, collation: str | None = None,
                native: str | None = None, shared: bool = False) -> ColumnType:
    """One object per distinct type (loader and snapshot alike): a large schema repeats a handful
    of types, and the snapshot writer and the differ profit from equal types being the same object."""
    return ColumnType(kind, length, precision, scale, timezone, values, enum_name, unsigned, array, collation, native, shared)


def with_tables(schema: Schema, tables: list[Table] | tuple[Table, ...]) -> Schema:
    return replace(schema, tables=tuple(sorted(tables, key=lambda t: t.name)))
