"""The schema snapshot: the model after the last migration, stored beside the migrations.

It is what `generate` diffs against, so no database is needed. Canonical JSON
(sorted keys, two-space indent, trailing newline) keeps it byte-identical for
the same schema and readable in a pull request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from codegen.errors import UserError
from codegen.model import Schema

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    schema: Schema
    migration: str | None  # id of the migration that produced it; None before the first
    dialect: str | None

    def to_text(self) -> str:
        data = {"format_version": FORMAT_VERSION, "migration": self.migration, "dialect": self.dialect,
                "schema": self.schema.to_json()}
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


EMPTY = Snapshot(Schema(), None, None)


def parse_snapshot(text: str, shown: str) -> Snapshot:
    try:
        data = json.loads(text)
        return Snapshot(Schema.from_json(data["schema"]), data.get("migration"), data.get("dialect"))
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError.at(shown, f"not a codegen snapshot ({exc})", "restore it from version control") from None


def read_snapshot(path: Path, shown: str) -> Snapshot:
    if not path.exists():
        return EMPTY
    text = path.read_text(encoding="utf-8", errors="replace")
    if "\n<<<<<<< " in "\n" + text:
        raise UserError.at(shown, "the snapshot has merge conflict markers: two branches both changed the schema",
                           "keep either side (`git checkout --ours` or `--theirs` on this file), then run "
                           "`codegen rebase`, which regenerates one branch's migration on top of the other")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError.at(shown, f"the snapshot is not valid JSON ({exc})",
                           "restore it from version control (`git checkout -- <file>`); never edit it by hand") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise UserError.at(shown, f"unknown snapshot format (expected format_version {FORMAT_VERSION})",
                           "restore it from version control, or upgrade codegen")
    try:
        schema = Schema.from_json(data["schema"])
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError.at(shown, f"the snapshot is damaged ({type(exc).__name__}: {exc})",
                           "restore it from version control; never edit it by hand") from None
    return Snapshot(schema, data.get("migration"), data.get("dialect"))
