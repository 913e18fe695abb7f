"""The schema snapshot: the model after the last migration, stored beside the migrations.

It is what `generate` diffs against, so no database is needed. Canonical JSON
(sorted keys, two-space indent, trailing newline) keeps it byte-identical for
the same schema and readable in a pull request.

msgspec reads and writes it in C. Between two runs most tables do not change,
so each table is also known by its compact JSON (`table_texts`): a table of
the old snapshot whose text is that of a table just loaded *is* that table,
and is neither decoded nor compared field by field; writing the new snapshot
reuses the same texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import msgspec

from codegen.errors import UserError
from codegen.model import Schema, Table, table_json

FORMAT_VERSION = 1

_ENCODER = msgspec.json.Encoder(order="sorted")


@dataclass(frozen=True)
class Snapshot:
    schema: Schema
    migration: str | None  # id of the migration that produced it; None before the first
    dialect: str | None

    def to_text(self, texts: Sequence[bytes] | None = None) -> str:
        """The file's text; `texts`: `table_texts(self.schema.tables)` when already made."""
        tables = [msgspec.Raw(text) for text in (texts if texts is not None else table_texts(self.schema.tables))]
        data = {"format_version": FORMAT_VERSION, "migration": self.migration, "dialect": self.dialect,
                "schema": {"tables": tables}}
        return canonical_json(data) + "\n"


EMPTY = Snapshot(Schema(), None, None)


def table_texts(tables: Sequence[Table]) -> list[bytes]:
    """Each table's compact canonical JSON, as `_compact` makes it of the table in a snapshot file."""
    types: dict[int, dict] = {}
    return [_ENCODER.encode(table_json(table, types)) for table in tables]


def canonical_json(data: Any) -> str:
    """Sorted keys, two-space indent, non-ASCII as it is: what `json.dumps(data, indent=2,
    sort_keys=True, ensure_ascii=False)` writes, except that a float is spelled as msgspec
    spells it (`1e20`, not `1e+20`; both read back as the same number).

    >>> print(canonical_json({"b": [1], "a": "é"}))
    {
      "a": "é",
      "b": [
        1
      ]
    }
    """
    return msgspec.json.format(_ENCODER.encode(data), indent=2).decode()


@dataclass(frozen=True)
class _SnapshotFile:
    """The file as decoded first: the header checked, each table left as its raw JSON."""

    format_version: int
    schema: _RawSchema
    migration: Optional[str] = None
    dialect: Optional[str] = None


@dataclass(frozen=True)
class _RawSchema:
    tables: tuple[msgspec.Raw, ...] = ()


_FILE = msgspec.json.Decoder(_SnapshotFile)
_TABLE = msgspec.json.Decoder(Table)  # straight into the model's classes, checking every type


def parse_snapshot(text: str | bytes, shown: str, known: Mapping[bytes, Table] | None = None) -> Snapshot:
    """The snapshot in `text`; UserError naming what is wrong and the fix when it is not one.

    `known`: tables by their `table_texts`; a table of the snapshot with one of those texts
    is taken from there.
    """
    if isinstance(text, str):
        text = text.encode("utf-8", errors="replace")
    if text.startswith(b"<<<<<<< ") or b"\n<<<<<<< " in text:
        raise UserError.at(shown, "the snapshot has merge conflict markers: two branches both changed the schema",
                           "keep either side (`git checkout --ours` or `--theirs` on this file), then run "
                           "`codegen rebase`, which regenerates one branch's migration on top of the other")
    where = "$"
    try:
        found = _FILE.decode(text)
        if found.format_version != FORMAT_VERSION:
            raise UserError.at(shown, f"unknown snapshot format {found.format_version} (this codegen reads {FORMAT_VERSION})",
                               "restore it from version control, or upgrade codegen")
        known = known or {}
        tables = []
        for number, raw in enumerate(found.schema.tables):
            where = f"$.schema.tables[{number}]"
            table = known.get(_compact(raw)) if known else None
            tables.append(table if table is not None else _TABLE.decode(raw))
    except msgspec.ValidationError as exc:
        detail = str(exc)  # a table's own place is relative to the table: made whole here
        if where != "$":
            detail = detail.replace("`$", f"`{where}", 1) if "`$" in detail else f"{detail} - at `{where}`"
        raise UserError.at(shown, f"the snapshot is damaged: {detail}",
                           "restore it from version control (`git checkout -- <file>`); never edit it by hand") from None
    except msgspec.DecodeError as exc:
        raise UserError.at(shown, f"the snapshot is not valid JSON ({exc})",
                           "restore it from version control (`git checkout -- <file>`); never edit it by hand") from None
    return Snapshot(Schema(tables=tuple(tables)), found.migration, found.dialect)


def _compact(raw: msgspec.Raw) -> bytes:
    return msgspec.json.format(raw, indent=-1)  # all white space removed, as the encoder writes


def read_snapshot(path: Path, shown: str, known: Mapping[bytes, Table] | None = None) -> Snapshot:
    """The snapshot at `path`, or the empty one before the first migration."""
    if not path.exists():
        return EMPTY
    return parse_snapshot(path.read_bytes(), shown, known)
