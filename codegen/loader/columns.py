"""One column from one field: its type, default and backfill, checked against each other."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import math
import re
import uuid
from typing import Any

from codegen import naming
from codegen.errors import Location, did_you_mean
from codegen.loader.entities import Field, Report, check_identifier, field_at
from codegen.model import (
    INTEGER_KINDS,
    LOGICAL_TYPES,
    NATIVE_KIND,
    Column,
    ColumnType,
    Default,
    new_column,
    shared_type,
)

_TIME_KINDS = ("timestamp", "date", "time")
_KNOWN_TYPES = frozenset(LOGICAL_TYPES)
_WRITTEN_TYPES = (*LOGICAL_TYPES, "array")  # as a user may write them
_MAC_ADDRESS = re.compile(r"[0-9a-fA-F]{2}([:-]?)[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}")
_TEXT_KINDS = ("string", "text", "char")
_COLLATION = re.compile(r"[A-Za-z0-9_.@-]+")


def build_column(report: Report, f: Field, table: str, max_len: int | None) -> Column | None:
    spec = f.spec
    name = f.name
    here = field_at(f)
    if not check_identifier(report, here, name, "column name", max_len, f.owner.spec.entity, name):
        return None
    written = spec.__dict__
    if "default" in written or "backfill" in written:
        key = known = None  # scalars of any type: 1 and 1.0 are equal keys but not equal SQL
    else:
        try:
            key = tuple(written.items())  # validated values: each key's type is fixed
            known = report.columns.get(key)
        except TypeError:  # a list: enum values
            key = known = None
    if known is not None:
        return new_column(name, *known, here)
    problems = len(report.problems)
    column = _built_column(report, f, table, max_len, here)
    if (column is not None and key is not None and len(report.problems) == problems
            and column.type.kind != "enum" and column.renamed_from is None and column.generated is None
            and not column.identity_always):
        report.columns[key] = (column.type, column.nullable, column.default, column.autoincrement, column.comment,
                               None, column.backfill, column.truncate)
    return column


def _built_column(report: Report, f: Field, table: str, max_len: int | None, here: Location) -> Column | None:
    spec = f.spec
    kind = spec.type
    array = False
    native = None
    if spec.native is not None:
        native = _native(report, f)
        if native is None:
            return None
        kind = kind or NATIVE_KIND
    elif kind is None:
        _column_error(report, f, None, "the field has no `type`",
                      f"add `type:` (one of: {', '.join(_WRITTEN_TYPES)}), or `native:`")
        return None
    elif kind == "array":
        if spec.items is None:
            _column_error(report, f, "type", "`type: array` without `items`",
                          "add `items:` with the items' type, e.g. `items: text`")
            return None
        kind, array = spec.items, True
        if kind == "array":
            _column_error(report, f, "items", "arrays of arrays are not in the format", "use `json` for nested lists")
            return None
    if kind not in _KNOWN_TYPES and kind != NATIVE_KIND:
        known = LOGICAL_TYPES if array else _WRITTEN_TYPES  # an array's items are not arrays
        _column_error(report, f, "items" if array else "type", f"unknown type `{kind}`",
                      did_you_mean(kind, known) or f"use one of: {', '.join(known)}")
        return None
    given = spec.given & _CHECKED_KEYS  # most columns give none of these
    if given:
        _check_column_keys(report, f, kind, given, max_len)
        if "items" in given and not array:
            _column_error(report, f, "items", "`items` without `type: array`", "write `type: array`, or remove `items`")
    if kind == "char" and spec.length is None:
        _column_error(report, f, "type", "`char` without `length`", "add `length:` (the fixed number of characters)")
        return None
    values: tuple[str, ...] = ()
    enum_name = None
    shared = False
    if kind == "enum" and spec.enum is not None:
        if spec.values is not None or spec.enum_type is not None:
            key = "values" if spec.values is not None else "enum_type"
            _column_error(report, f, key, f"`{key}` beside `enum: {spec.enum}`",
                          f"remove `{key}`: the shared enum's name and values are in codegen.yaml `enums:`")
            return None
        if spec.enum not in report.shared_enums:
            _column_error(report, f, "enum", f"no shared enum `{spec.enum}` in codegen.yaml",
                          did_you_mean(spec.enum, report.shared_enums)
                          or f"declare it there: `enums: {{{spec.enum}: [a, b]}}`")
            return None
        values = report.shared_enums[spec.enum]
        # one type, named so, where the database has enum types; elsewhere each column holds the values
        shared = report.enum_types
        enum_name = spec.enum if shared else naming.enum_type(table, f.name, max_len)
    elif kind == "enum":
        values = tuple(spec.values or ())
        if not values:
            _column_error(report, f, "values" if "values" in given else "type", "enum without values",
                          "list the allowed values: `values: [a, b]`")
            return None
        if len(set(values)) != len(values):
            _column_error(report, f, "values", "an enum value is listed twice", "list each value once")
        # a named type lives in the table's schema, as the derived name does
        enum_name = (naming.qualified(naming.split(table)[0], spec.enum_type) if spec.enum_type
                     else naming.enum_type(table, f.name, max_len))
    ctype = shared_type(kind, spec.length, spec.precision, spec.scale if spec.precision is not None else None,
                         spec.timezone, values, enum_name,
                         spec.unsigned and kind in INTEGER_KINDS and report.unsigned_check is None,
                         array, spec.collation, native, shared)
    default = backfill = None
    if "default" in given:
        default = _default(spec.default, ctype, spec.nullable,
                           lambda message, fix: _column_error(report, f, "default", message, fix))
    if "backfill" in given:
        if spec.backfill is None:
            _column_error(report, f, "backfill", "`backfill: null` fills nothing", "give the value existing rows should get")
        elif _literal_problem(spec.backfill, ctype):
            _column_error(report, f, "backfill", f"backfill {spec.backfill!r} does not fit type {ctype.describe()}",
                          _literal_problem(spec.backfill, ctype))
        else:
            backfill = spec.backfill

    return new_column(f.name, ctype, spec.nullable, default, spec.autoincrement, spec.comment, spec.renamed_from,
                      backfill, spec.truncate, field_at(f, "renamed_from") if spec.renamed_from else here,
                      spec.identity == "always", spec.generated, spec.stored)


def _native(report: Report, f: Field) -> str | None:
    """The type text `native:` gives for the project's dialect."""
    written = {k: v for k, v in f.spec.native.items() if v is not None}
    if not written:
        _column_error(report, f, "native", "`native:` names no type", "add e.g. `postgresql: \"int4range\"`")
        return None
    text = written.get(report.dialect) if report.dialect else None
    if text is None:
        _column_error(report, f, "native", f"`native:` has no type for {report.dialect or 'this dialect'} "
                      f"(it names {', '.join(sorted(written))})",
                      f"add `{report.dialect}: \"<type>\"` to `native:`, or use a logical `type:` alone")
        return None
    if not text.strip() or ";" in text:
        _column_error(report, f, "native", f"`{text}` is not a type", "write one type, as the database spells it")
        return None
    return text.strip()


def _check_column_keys(report: Report, f: Field, kind: str, given: set[str], max_len: int | None) -> None:
    """The keys that only some types take, and the ones that need another key."""
    spec = f.spec
    if "renamed_from" in given and spec.renamed_from is not None:
        check_identifier(report, field_at(f, "renamed_from"), spec.renamed_from, "renamed_from", max_len,
                          f.owner.spec.entity, f.name)
    if not given.isdisjoint(_NOT_FOR[kind]):  # nearly always disjoint: `length` on a string
        for key, kinds in _ONLY_FOR.items():
            if key in given and kind not in kinds:
                _column_error(report, f, key, f"`{key}` does not apply to type `{kind}`",
                              f"remove `{key}` (it is for {', '.join(kinds)})")
    if kind == "decimal":
        if spec.scale is not None and spec.precision is None:
            _column_error(report, f, "scale", "`scale` without `precision`", "add `precision:` (total digits)")
        if spec.precision is not None and spec.scale is not None and spec.scale > spec.precision:
            _column_error(report, f, "scale", f"scale {spec.scale} is greater than precision {spec.precision}",
                          "make `scale` at most `precision`")
    for key in ("on_delete", "on_update", "deferrable"):
        if key in given and spec.references is None:
            _column_error(report, f, key, f"`{key}` without `references`", "add `references: Entity` or remove it")
    if "identity" in given and not spec.autoincrement:
        _column_error(report, f, "identity", "`identity` without `autoincrement: true`",
                      "add `autoincrement: true`, or remove `identity`")
    if "stored" in given and spec.generated is None:
        _column_error(report, f, "stored", "`stored` without `generated`", "add `generated: \"<expression>\"`")
    if "generated" in given:
        if spec.generated is None or not spec.generated.strip():
            _column_error(report, f, "generated", "empty `generated:`", "write the SQL expression of the value")
        for key in ("default", "backfill", "autoincrement"):
            if key in given and (key != "autoincrement" or spec.autoincrement):
                _column_error(report, f, key, f"a generated column cannot have `{key}`",
                              f"remove `{key}`: the database computes the value from `generated:`")
    if "collation" in given and spec.collation is not None and not _COLLATION.fullmatch(spec.collation):
        _column_error(report, f, "collation", f"`{spec.collation}` is not a collation name",
                      "write the name alone, without quotes: \"C\", en-US-x-icu, utf8mb4_bin, NOCASE")
    if "enum_type" in given and spec.enum_type is not None:
        check_identifier(report, field_at(f, "enum_type"), spec.enum_type, "enum_type", max_len,
                         f.owner.spec.entity, f.name)


def _column_error(report: Report, f: Field, key: str | None, message: str, fix: str | None) -> None:
    report.error(field_at(f, key) if key else field_at(f), message, fix, f.owner.spec.entity, f.name)


_ONLY_FOR = {  # keys that apply to some logical types only
    "length": ("string", "binary", "char"), "precision": ("decimal",), "scale": ("decimal",),
    "timezone": ("timestamp", "time"), "values": ("enum",), "unsigned": tuple(INTEGER_KINDS),
    "collation": _TEXT_KINDS, "enum_type": ("enum",), "enum": ("enum",),
}
_NOT_FOR = {kind: frozenset(key for key, kinds in _ONLY_FOR.items() if kind not in kinds)
            for kind in (*LOGICAL_TYPES, NATIVE_KIND)}
_CHECKED_KEYS = frozenset({*_ONLY_FOR, "renamed_from", "on_delete", "on_update", "default", "backfill", "items",
                           "identity", "stored", "generated", "deferrable"})


def _default(value: Any, ctype: ColumnType, nullable: bool, err) -> Default | None:
    if hasattr(value, "sql"):
        if not value.sql.strip():
            err("empty `sql:` default", "write the SQL expression, e.g. {sql: \"gen_random_uuid()\"}")
            return None
        return Default("sql", value.sql)
    if value is None:
        if not nullable:
            err("`default: null` on a NOT NULL column", "remove the default, or make the column nullable")
        return None
    if value == "now" and ctype.kind in _TIME_KINDS:
        return Default("now")
    problem = _literal_problem(value, ctype)
    if problem:
        err(f"default {value!r} does not fit type {ctype.describe()}", problem)
        return None
    return Default("literal", value)


def _literal_problem(value: Any, ctype: ColumnType) -> str | None:
    """Why a literal cannot be stored in a column of this type, or None when it can."""
    kind = ctype.kind
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if ctype.native is not None:
        return None  # the database's own type: it judges the value
    if ctype.array:
        return "array values need `{sql: \"'{}'\"}` (the database's array literal)"
    if kind in INTEGER_KINDS:
        return None if isinstance(value, int) and not isinstance(value, bool) else "use a whole number"
    if kind in ("decimal", "float", "real"):
        if is_number and not math.isfinite(value):  # JSON and SQL literals have no infinity or NaN
            return "use a finite number, or {sql: \"'Infinity'\"} where the database has it"
        return None if is_number else "use a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "use true or false"
    if not isinstance(value, str):
        return "use a quoted string" if kind != "binary" else "binary defaults need `{sql: ...}`"
    if kind in _TEXT_KINDS:
        if ctype.length is not None and len(value) > ctype.length:
            return f"the value is longer than length {ctype.length}"
        return None
    if kind == "enum":
        return None if value in ctype.values else f"use one of the enum values: {', '.join(ctype.values)}"
    if kind == "uuid":
        try:
            uuid.UUID(value)
            return None
        except ValueError:
            return "use a UUID such as 00000000-0000-0000-0000-000000000000, or {sql: \"gen_random_uuid()\"}"
    if kind in _TIME_KINDS:
        parse = {"date": dt.date.fromisoformat, "time": dt.time.fromisoformat, "timestamp": dt.datetime.fromisoformat}[kind]
        try:
            parse(value)
            return None
        except ValueError:
            return "use an ISO 8601 value (2024-01-31, 12:00:00, 2024-01-31T12:00:00) or `now`"
    if kind == "json":
        try:
            json.loads(value)
            return None
        except ValueError:
            return "use JSON text in a string, e.g. '{}' or '[]'"
    if kind in ("inet", "cidr"):
        try:
            ipaddress.ip_interface(value) if kind == "inet" else ipaddress.ip_network(value)
            return None
        except ValueError:
            return ("use an address such as 192.168.0.1 or 2001:db8::1/64" if kind == "inet"
                    else "use a network such as 192.168.0.0/24, with no bits set right of the mask")
    if kind == "macaddr":
        return None if _MAC_ADDRESS.fullmatch(value) else "use a MAC address such as 08:00:2b:01:02:03"
    if kind in ("interval", "tsvector", "xml"):
        return None  # the database parses it; its error names the value
    return "binary defaults need `{sql: ...}`"
