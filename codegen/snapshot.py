"""The schema snapshot: the model after the last migration, stored beside the migrations.

It is what `generate` diffs against, so no database is needed. Canonical JSON
(sorted keys, two-space indent, trailing newline) keeps it byte-identical for
the same schema and readable in a pull request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, Sequence

from codegen.errors import UserError
from codegen.model import Column, ColumnType, Schema, Table, stored_fields, table_from_json

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    schema: Schema
    migration: str | None  # id of the migration that produced it; None before the first
    dialect: str | None

    def to_text(self, table_texts: dict[int, str] | None = None) -> str:
        """canonical_json of the header and `schema.to_json()`, written straight from the model objects.

        `table_texts` (from `table_texts()`, by id of the table) are used as they are.
        """
        data = {"format_version": FORMAT_VERSION, "migration": self.migration, "dialect": self.dialect,
                "schema": self.schema}
        out = _Parts()
        out.shared.update({(key, _TABLE_INDENT): text for key, text in (table_texts or {}).items()})
        try:
            _write(data, "\n", out)
        except _Unusual:
            return canonical_json({**data, "schema": self.schema.to_json()}) + "\n"
        out.append("\n")
        return out.text()


def canonical_json(data: Any) -> str:
    """`json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)`, byte for byte, faster.

    With `indent` set, the json module falls back to its pure-Python encoder,
    which took over a second for a 10,000-table snapshot (issue 6). This writer
    handles the JSON types a snapshot holds (str keys) with the same C string
    escaper; anything else goes to json.dumps.
    """
    out = _Parts()
    try:
        _write(data, "\n", out)
    except _Unusual:
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
    return out.text()


class _Parts(list):
    """The output's small strings, joined every few thousand to keep memory flat."""

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []
        self.shared: dict[tuple, str] = {}  # texts written once: see _written_once

    def settle(self) -> None:
        if len(self) > 4096:
            self.done.append("".join(self))
            self.clear()

    def text(self) -> str:
        self.done.append("".join(self))
        self.clear()
        return "".join(self.done)


class _Unusual(Exception):
    pass


_INFINITY = float("inf")
_encode_str = json.encoder.encode_basestring  # the C version when available, as json.dumps uses


class _Layout:
    """How a model class is written: the fields `stored_values` keeps, in key order, each
    with its key as written (`"name": `) and its default, and a getter of all their values
    at once. Writing from this, not from `stored_values`' pairs, took 5-10% off the
    table texts of 10,000 tables (issue 6)."""

    __slots__ = ("fields", "values")

    def __init__(self, kind: type) -> None:
        stored = stored_fields(kind)
        self.fields = tuple((_encode_str(name) + ": ", default) for name, default in stored)
        names = [name for name, _ in stored]
        if len(names) > 1:
            self.values = attrgetter(*names)  # a tuple of the values, in one C call
        elif names:
            one = attrgetter(names[0])
            self.values = lambda obj: (one(obj),)
        else:
            self.values = lambda obj: ()


_LAYOUTS: dict[type, _Layout] = {}


def _write_object(value: Any, newline: str, out: _Parts) -> None:
    """A model object as a JSON object of what `model.stored_values` keeps, by key."""
    kind = type(value)
    layout = _LAYOUTS.get(kind)
    if layout is None:
        layout = _LAYOUTS[kind] = _Layout(kind)
    inner = newline + "  "
    sep = opening = "{" + inner
    append = out.append
    for (key, default), item in zip(layout.fields, layout.values(value)):
        if item is None or item is default or (type(item) is tuple and not item):  # as stored_values' `== ()`
            continue
        append(sep)
        append(key)
        sep = "," + inner
        if type(item) is str:
            append(_encode_str(item))
        elif item is True:
            append("true")
        else:
            _write(item, inner, out)
    append("{}" if sep is opening else newline + "}")


def _write(value: Any, newline: str, out: _Parts) -> None:
    kind = type(value)
    if kind is str:
        out.append(_encode_str(value))
    elif kind is ColumnType:  # shared by many columns (resolve interns them): written once per indent
        out.append(_written_once(value, (id(value), newline), newline, out.shared))
    elif kind is Column and (key := _column_key(value, newline)) is not None:
        # Most columns recur in other tables (`id`, `name`, `created_at`): written once each.
        out.append(_written_once(value, key, newline, out.shared))
    elif kind is Table and (id(value), newline) in out.shared:  # written before, by table_texts()
        out.append(out.shared[id(value), newline])
    elif hasattr(kind, "__dataclass_fields__"):
        _write_object(value, newline, out)
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        sep = "{" + inner
        for key in sorted(value):
            if type(key) is not str:
                raise _Unusual
            out.append(sep)
            out.append(_encode_str(key))
            out.append(": ")
            _write(value[key], inner, out)
            sep = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        sep = "[" + inner
        for item in value:
            out.append(sep)
            _write(item, inner, out)
            sep = "," + inner
            out.settle()
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        if value != value:
            out.append("NaN")
        elif value in (_INFINITY, -_INFINITY):
            out.append("Infinity" if value > 0 else "-Infinity")
        else:
            out.append(float.__repr__(value))
    else:
        raise _Unusual  # tuples, subclasses of the JSON types: let json decide


def _written_once(value: Any, key: tuple, newline: str, shared: dict[tuple, str]) -> str:
    """`value`'s text, written the first time and kept in `shared` under `key` for every
    value with that key after it."""
    text = shared.get(key)
    if text is None:
        alone = _Parts()
        alone.shared = shared
        _write_object(value, newline, alone)
        text = shared[key] = alone.text()
    return text


def _column_key(column: Column, newline: str) -> tuple | None:
    """What a column's text depends on, for columns whose equal keys surely mean equal text:
    its type by identity (types are shared, see model.shared_type), and no default, whose
    values 1, 1.0 and True are equal keys but different JSON. None for any other column."""
    if column.default is not None or type(column.nullable) is not bool or type(column.autoincrement) is not bool:
        return None
    comment = column.comment
    if type(column.name) is not str or (comment is not None and type(comment) is not str):
        return None
    return (column.name, id(column.type), column.nullable, column.autoincrement, comment, newline)


if [name for name, _ in stored_fields(Column)] != ["autoincrement", "comment", "default", "name", "nullable", "type"]:
    raise TypeError("Column's stored fields changed: change _column_key with them")


EMPTY = Snapshot(Schema(), None, None)

# The layout to_text writes: each table of the list on its own at this indent, so a
# line starting at it is always the start or the end of a table (strings hold no newlines).
_TABLE_INDENT = "\n      "
_TABLES_START = '\n    "tables": [' + _TABLE_INDENT + "{"
_LIST_END = "\n    ]"
_TABLES_END = _TABLE_INDENT + "}" + _LIST_END


def table_texts(tables: Sequence[Table]) -> list[str]:
    """Each table as Snapshot.to_text writes it inside a snapshot (to_text takes them by id of the table).

    Comparing these with the tables of the old snapshot, as text, spares parsing the
    tables that did not change: most of them, in a large project (issue 6). Empty when
    a value needs json.dumps (to_text then writes everything itself).
    """
    shared: dict[tuple[int, str], str] = {}
    texts = []
    for table in tables:
        out = _Parts()
        out.shared = shared
        try:
            _write_object(table, _TABLE_INDENT, out)
        except _Unusual:
            return []
        texts.append(out.text())
    return texts


def _read_reusing(text: str, known: Sequence[tuple[str, Table]]) -> Snapshot | None:
    """The snapshot, with each table whose text is one of `known`'s taken from there; None when
    the text is not in to_text's layout or anything in it is wrong (read_snapshot then reads it
    all and reports).

    `known` is in the order of the snapshot's tables (both sorted by name), so the text of the
    snapshot's next table is compared in place with the next of `known`; only when it differs
    is the table's text copied out and looked up among all of `known`, or parsed. Cutting the
    whole text into pieces and looking each up copied and hashed 23 MB twice at 10,000 tables.
    """
    start = text.find(_TABLES_START)
    end = text.find(_TABLES_END, start)
    if start < 0 or end < 0:
        return None
    first = start + len(_TABLES_START) - 1  # the first table's "{"
    end += len(_TABLES_END) - len(_LIST_END)  # just after the last table's "}"
    separator = "," + _TABLE_INDENT + "{"
    try:
        header = json.loads(text[:start] + '\n    "tables": []' + text[end + len(_LIST_END):])
        if not isinstance(header, dict) or header.get("format_version") != FORMAT_VERSION:
            return None
        tables = []
        by_text: dict[str, tuple[int, Table]] | None = None
        by_name: dict[str, int] | None = None
        at, upcoming = first, 0  # where the next table starts; the index in `known` expected there
        while at >= 0:
            if upcoming < len(known):
                written, table = known[upcoming]
                # A table's text holds no separator (its own lines are indented deeper), so the
                # table is `written` when `written` is there and a separator or the end follows.
                stop = at + len(written)
                if text.startswith(written, at) and (stop == end or text.startswith(separator, stop)):
                    tables.append(table)
                    upcoming += 1
                    at = -1 if stop == end else stop + len(separator) - 1
                    continue
            after = text.find(separator, at, end)
            stop = end if after < 0 else after
            if by_text is None:
                by_text = {written: (i, table) for i, (written, table) in enumerate(known)}
                by_name = {table.name: i for i, (_written, table) in enumerate(known)}
            written = text[at:stop]
            found = by_text.get(written)
            if found is not None:
                upcoming, table = found[0] + 1, found[1]
            else:
                table = table_from_json(json.loads(written))
                upcoming = by_name.get(table.name, upcoming - 1) + 1  # a changed table: the next is after it
            tables.append(table)
            at = after if after < 0 else after + len(separator) - 1
        return Snapshot(Schema(tables=tuple(tables)), header.get("migration"), header.get("dialect"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def parse_snapshot(text: str, shown: str) -> Snapshot:
    try:
        data = json.loads(text)
        return Snapshot(Schema.from_json(data["schema"]), data.get("migration"), data.get("dialect"))
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError.at(shown, f"not a codegen snapshot ({exc})", "restore it from version control") from None


def read_snapshot(path: Path, shown: str, known: Callable[[], Sequence[tuple[str, Table]]] | None = None) -> Snapshot:
    """The snapshot at `path`. `known()` gives tables with their text as `table_texts()` writes it,
    sorted by name as a schema's tables are: a table of the snapshot with the same text is that
    table, not parsed again."""
    if not path.exists():
        return EMPTY
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.startswith("<<<<<<< ") or "\n<<<<<<< " in text:
        raise UserError.at(shown, "the snapshot has merge conflict markers: two branches both changed the schema",
                           "keep either side (`git checkout --ours` or `--theirs` on this file), then run "
                           "`codegen rebase`, which regenerates one branch's migration on top of the other")
    if known is not None and _TABLES_START in text:
        found = _read_reusing(text, known())
        if found is not None:
            return found
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError.at(shown, f"the snapshot is not valid JSON ({exc})",
                           "restore it from version control (`git checkout -- <file>`); never edit it by hand") from None
    del text  # 23 MB at 10,000 tables: not needed while the model is built
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise UserError.at(shown, f"unknown snapshot format (expected format_version {FORMAT_VERSION})",
                           "restore it from version control, or upgrade codegen")
    try:
        schema = Schema.from_json(data["schema"])
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError.at(shown, f"the snapshot is damaged ({type(exc).__name__}: {exc})",
                           "restore it from version control; never edit it by hand") from None
    return Snapshot(schema, data.get("migration"), data.get("dialect"))
