"""What existing rows get, and how a type change treats the values already stored."""

from __future__ import annotations

from codegen.model import Column, ColumnType

# -- what existing rows get -------------------------------------------------------------------

_PLACEHOLDERS = {
    "smallint": 0, "integer": 0, "bigint": 0, "decimal": 0, "float": 0, "boolean": False,
    "string": "", "text": "", "date": "1970-01-01", "time": "00:00:00", "timestamp": "1970-01-01 00:00:00",
    "uuid": "00000000-0000-0000-0000-000000000000", "json": "null", "binary": b"",
    "char": "", "real": 0, "interval": "0", "inet": "0.0.0.0", "cidr": "0.0.0.0/32", "macaddr": "00:00:00:00:00:00",
    "tsvector": "", "xml": "",
}


def placeholder(column: Column) -> object:
    """A value of the column's type for rows that must get one and have nothing better."""
    if column.type.array:
        return "{}"
    if column.type.kind == "enum":
        return column.type.values[0]
    # a native type's own empty value is unknown: the database's error asks for a `backfill`
    return _PLACEHOLDERS.get(column.type.kind, "")


def fill_value(column: Column) -> object | None:
    """The literal existing rows get when this NOT NULL column appears or stops accepting NULL.

    `backfill` when given; otherwise None when a default or NULL will do; a
    placeholder of the type only when nothing else can (a dropped NOT NULL
    column that a down migration brings back).
    """
    if column.backfill is not None:
        return column.backfill
    if column.nullable or column.default is not None or column.autoincrement or column.generated is not None:
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
