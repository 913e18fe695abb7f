"""renderers: ordered operations -> migration text, through Jinja templates.

Templates own the text: `templates/sql/<dialect>/<op>.sql.j2`, falling back
to `templates/sql/base/`. The file template assembles the header and one
block per operation in a single render call. One environment per dialect is
built once and cached, so templates compile once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from codegen.dialects import get_dialect
from codegen.dialects.base import Dialect
from codegen.naming import fit
from codegen.operations import DropTable, Hazard, Operation, RebuildTable, RenameTable, fill_value

# Statements during which SQLite's foreign key enforcement must be off, or it would
# cascade-delete or orphan child rows (sqlite.org, ALTER TABLE, "other changes").
_NEEDS_FK_GUARD = (DropTable, RebuildTable, RenameTable)


def template_root() -> Path:
    """`codegen/templates` in an installed wheel; the repository's `templates/` in a checkout."""
    installed = Path(__file__).parent / "templates"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "templates"


@dataclass(frozen=True)
class MigrationInfo:
    """What the header of a migration file says about it."""

    id: str  # YYYYMMDDHHMMSS
    name: str  # <id>_<slug>, the folder or file name
    parent: str | None
    message: str
    created: str  # ISO 8601, UTC
    generator: str


def down_operations(up: list[Operation]) -> list[Operation]:
    """The down migration: every up operation inverted, in reverse order."""
    return [op.inverse() for op in reversed(up)]


def hazards_of(ops: list[Operation]) -> list[Hazard]:
    return [h for op in ops for h in op.hazards()]


def _one_line(text: object) -> str:
    """Keep header text on its comment line: a newline in a message must not end the comment."""
    return " ".join(str(text).split())


@functools.cache
def sql_environment(dialect_name: str) -> Environment:
    dialect: Dialect = get_dialect(dialect_name)
    root = template_root() / "sql"
    env = Environment(
        loader=FileSystemLoader([str(root / dialect_name), str(root / "base")]),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False, extensions=["jinja2.ext.do"],
    )
    env.filters.update(
        q=dialect.quote, lit=dialect.literal, sqltype=dialect.type_sql, default_sql=dialect.default_sql,
        fk_action=dialect.fk_action, comment=_one_line, fill_sql=dialect.fill_sql,
        as_nullable=lambda column: replace(column, nullable=True),
    )
    env.tests["kind"] = lambda obj, name: type(obj).__name__ == name
    env.globals["d"] = dialect
    env.globals["fit"] = lambda name: fit(name, dialect.max_identifier_length)
    env.globals["fill_value"] = fill_value
    return env


def render_sql(info: MigrationInfo, ops: list[Operation], dialect_name: str, direction: str,
               notes: tuple = ()) -> str:
    """One migration file (`up` or `down`) for already planned `ops`; `notes` are likely renames."""
    template = sql_environment(dialect_name).get_template("migration.sql.j2")
    return template.render(info=info, ops=ops, hazards=hazards_of(ops), direction=direction, notes=notes,
                           rewrites_tables=any(isinstance(op, _NEEDS_FK_GUARD) for op in ops))

