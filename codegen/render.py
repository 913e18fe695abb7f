"""renderers: ordered operations -> migration text, through Jinja templates.

Templates own the text: `templates/sql/<dialect>/<op>.sql.j2`, falling back
to `templates/sql/base/`. The file template assembles the header and one
block per operation in a single render call. One environment per dialect is
built once and cached, so templates compile once per process.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, replace

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

from codegen import naming
from codegen.dialects import get_dialect
from codegen.dialects.base import Dialect
from codegen.naming import fit
from codegen.operations import (
    AlterColumn,
    DropTable,
    Hazard,
    Operation,
    RebuildTable,
    RenameTable,
    fill_value,
    placeholder,
)
from codegen.operations.base import NON_TRANSACTIONAL
from codegen.resources import template_root

# Statements during which SQLite's foreign key enforcement must be off, or it would
# cascade-delete or orphan child rows (sqlite.org, ALTER TABLE, "other changes").
_NEEDS_FK_GUARD = (DropTable, RebuildTable, RenameTable)


@dataclass(frozen=True)
class MigrationInfo:
    """What the header of a migration file says about it."""

    id: str  # YYYYMMDDHHMMSS
    name: str  # <id>_<slug>, the folder or file name
    parent: str | None
    message: str
    created: str  # ISO 8601, UTC
    generator: str
    replaces: tuple[str, ...] = ()  # a squash: the ids of the migrations it stands for (squash.py)


def down_operations(up: list[Operation]) -> list[Operation]:
    """The down migration: every up operation inverted, in reverse order."""
    return [op.inverse() for op in reversed(up)]


def hazards_of(ops: list[Operation]) -> list[Hazard]:
    return [h for op in ops for h in op.hazards()]


def hazards_as_written(project, ops) -> list[tuple[Hazard, ...]]:
    """Each operation's hazards as the project's files write it: PostgreSQL's online forms
    (`postgresql: {online: true}`) take other locks than the plain ones."""
    if not (project.dialect == "postgresql" and project.postgresql.online):
        return [op.hazards() for op in ops]
    dialect = get_dialect(project.dialect)
    return [tuple(hazards_of([step for part in dialect.online_parts([op]) for step in part])) for op in ops]


def _one_line(text: object) -> str:
    """Keep header text on its comment line: a newline in a message must not end the comment."""
    return " ".join(str(text).split())


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's compiled templates, kept between runs in Jinja's per-user temporary folder.

    Compiling the templates took about 50 ms of every `generate`. Entries
    are keyed by each template's source, so an edited template is compiled again.
    A folder that cannot be written only means compiling each time.
    """

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.cache
def _compiled_templates() -> BytecodeCache | None:
    if os.environ.get("CODEGEN_NO_CACHE", "") not in ("", "0"):
        return None
    try:
        return _CompiledTemplates()
    except (OSError, RuntimeError):  # no usable temporary folder
        return None


def _environment(folders: list) -> Environment:
    """The settings every template is written for, over templates looked up in `folders`, in order."""
    return Environment(
        loader=FileSystemLoader([str(folder) for folder in folders]),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False, extensions=["jinja2.ext.do"], bytecode_cache=_compiled_templates(),
        auto_reload=False,  # package data does not change during a run: no stat per template use
    )


@functools.cache
def sql_environment(dialect_name: str) -> Environment:
    dialect: Dialect = get_dialect(dialect_name)
    root = template_root() / "sql"
    env = _environment([root / dialect_name, root / "base"])
    env.filters.update(
        q=dialect.quote, names=lambda names: ", ".join(map(dialect.quote, names)), lit=dialect.literal, sqltype=dialect.type_sql, default_sql=dialect.default_sql,
        fk_action=dialect.fk_action, comment=_one_line, fill_sql=dialect.fill_sql,
        index_keys=lambda ix: ", ".join(ix.keys(dialect.quote)),
        as_nullable=lambda column: replace(column, nullable=True),
        # a table in a schema (`schema:`): its schema, its bare name, a name in the same schema
        schema_of=lambda name: naming.split(name)[0], bare=naming.bare,
        beside=lambda name, table: naming.qualified(naming.split(table)[0], name),
    )
    env.tests["kind"] = lambda obj, name: type(obj).__name__ == name
    env.globals["d"] = dialect
    env.globals["fit"] = lambda name: fit(name, dialect.max_identifier_length)
    env.globals["fill_value"] = fill_value
    env.globals["m"] = env.get_template("_macros.sql.j2").module  # the shared macros, see that template
    return env


def render_sql(info: MigrationInfo, ops: list[Operation], dialect_name: str, direction: str,
               notes: tuple = (), table_options: dict[str, str] | None = None, postgresql=None) -> str:
    """One migration file (`up` or `down`) for already planned `ops`; `notes` are likely renames.

    `postgresql` (config.PostgresOptions) adds the SET lines of its timeouts and, when
    `online`, writes the non-blocking forms: a transaction of brief locks, then the
    statements that run on their own (dialects/postgresql_online.py).
    """
    env = sql_environment(dialect_name)
    dialect = env.globals["d"]
    online = postgresql is not None and postgresql.online
    in_transaction, after = dialect.online_parts(ops) if online else (list(ops), [])
    hazards = hazards_of(in_transaction + after)
    if not dialect.transactional_ddl and (count := _statement_count(env, ops)) > 1:
        hazards.append(Hazard(
            NON_TRANSACTIONAL, info.name, None,
            f"{dialect.name} commits each of these {count} statements on its own: if one fails, "
            "those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and "
            "`codegen status` says how to finish or undo it by hand"))
    hazards += dialect.lock_table_hazards(info.name, in_transaction)
    return env.get_template("migration.sql.j2").render(
        info=info, changes=ops, ops=in_transaction, after=after, hazards=hazards, direction=direction, notes=notes,
        settings=postgresql.settings if postgresql is not None else (),
        rewrites_tables=any(isinstance(op, _NEEDS_FK_GUARD) for op in ops), table_options=table_options)


def _statement_count(env: Environment, ops: list[Operation]) -> int:
    """How many statements `ops` are as `env`'s templates write them (a non-transactional migration
    file is nothing but these, one after the other)."""
    from codegen.runner.scripts import parse_script

    return sum(len(parse_script(env.get_template(op.template).render(op=op), None).statements) for op in ops)



# -- Alembic revision files -----------------------------------------------------------------------

_STATEMENT_END = re.compile(r";\s*(?:\n|$)")


def _statements(sql: str) -> list[str]:
    """Each statement of `sql`, without the comment lines before it."""
    parts = ("\n".join(line for line in part.splitlines() if not line.lstrip().startswith("--")).strip()
             for part in _STATEMENT_END.split(sql))
    return [part for part in parts if part]


def _py(value: object) -> str:
    """A Python literal, strings double-quoted as the rest of the revision file is."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _docline(text: object) -> str:
    return _one_line(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


@functools.cache
def alembic_environment() -> Environment:
    from codegen.dialects.base import NOW

    # A revision runs on every database Alembic supports; the statements only one of them
    # understands are spelled by that dialect (the revision asks which it runs on).
    postgresql, sqlite, mysql = get_dialect("postgresql"), get_dialect("sqlite"), get_dialect("mysql")
    pg_templates, my_templates = sql_environment("postgresql"), sql_environment("mysql")

    def pg_sql(op: Operation) -> str:
        return pg_templates.get_template(op.template).render(op=op)

    def my_sql(op: Operation) -> str:
        return my_templates.get_template(op.template).render(op=op)

    def pg_guard(op: AlterColumn) -> str:
        return pg_templates.globals["m"].narrowing_guard(op)

    def my_guard(op: AlterColumn) -> str:
        return my_templates.globals["m"].narrowing_guard(op)

    def pg_identity_sql(op: AlterColumn) -> str:
        return pg_sql(AlterColumn(op.table, op.old, replace(op.old, autoincrement=op.new.autoincrement,
                                                             identity_always=op.new.identity_always)))

    def either(portable: str, on_mysql: str) -> str:
        """A Python string expression: `portable`, or MySQL's own spelling where it differs
        (backquoted names, backslashes escaped, CURRENT_TIMESTAMP(6))."""
        return _py(portable) if portable == on_mysql else f"{_py(on_mysql)} if on_mysql else {_py(portable)}"

    def fill_value_of(column):
        if column.backfill is not None:
            return column.backfill
        return column.default.value if column.default is not None else placeholder(column)

    def fill_text(column, dialect: Dialect) -> str:
        """SQL for the fill: a literal (so that PostgreSQL casts it, to an enum too), or a bound
        parameter for the values whose literal differs between databases (booleans, bytes)."""
        if column.backfill is None and column.default is not None and column.default.kind != "literal":
            return dialect.default_sql(column) or "NULL"
        value = fill_value_of(column)
        return ":fill" if isinstance(value, (bool, bytes)) else dialect.literal(value)

    def fill_update(table: str, column, only_nulls: bool) -> str:
        """`op.execute(...)` of the UPDATE that gives existing rows `column`'s fill value."""
        def statement(dialect: Dialect) -> str:
            name = dialect.quote(column.name)
            where = f" WHERE {name} IS NULL" if only_nulls else ""
            return f"UPDATE {dialect.quote(table)} SET {name} = {fill_text(column, dialect)}{where}"

        bind = f".bindparams(fill={_py(fill_value_of(column))})" if fill_text(column, postgresql) == ":fill" else ""
        return f"op.execute(sa.text({either(statement(postgresql), statement(mysql))}){bind})"

    def server_default(column) -> str:
        default = column.default
        if default.kind == "literal" and isinstance(default.value, bool):
            return "sa.true()" if default.value else "sa.false()"
        if default.kind == "now":
            portable = NOW[column.type.kind]
        elif default.kind == "sql":
            portable = str(default.value)
        else:
            portable = postgresql.literal(default.value)
        return f"sa.text({either(portable, mysql.default_sql(column))})"

    env = _environment([template_root() / "alembic"])
    env.filters.update(
        py=_py, q=postgresql.quote, sqllit=postgresql.literal, fk_action=postgresql.fk_action, docline=_docline,
        as_nullable=lambda column: replace(column, nullable=True), pg_sql=pg_sql, pg_guard=pg_guard,
        pg_identity_sql=pg_identity_sql, my_sql=my_sql, my_guard=my_guard, myq=mysql.quote, statements=_statements,
        item_type=lambda t: replace(t, array=False),
        # a table or type in a schema (`schema:`): its name without it, then `, schema=...` to end a call with
        py_table=lambda name: _py(naming.bare(name)), schema_of=lambda name: naming.split(name)[0],
        in_schema=lambda name, keyword="schema": f", {keyword}={_py(naming.split(name)[0])}" if "." in name else "",
    )
    env.tests["kind"] = lambda obj, name: type(obj).__name__ == name
    env.globals.update(
        comments=True, fill_value=fill_value, fill_update=fill_update, server_default_py=server_default,
        enum_check_name=sqlite.enum_check_name, pg_type=postgresql.type_sql, table_options={},
    )
    return env


def render_alembic(info: MigrationInfo, up: list[Operation], dialect_name: str, notes: tuple = (),
                   schemas: tuple = (), table_options: dict[str, str] | None = None) -> str:
    """One revision file: upgrade() from `up`, downgrade() from its inverse, the review docstring.

    `schemas` (before and after) name the tables with an autoincrement key, whose
    batch blocks must keep AUTOINCREMENT on SQLite. `table_options` (a MySQL project's
    `mysql:` settings) become the `mysql_*` options of the tables it creates.
    """
    autoincrement = {t.name for s in schemas for t in s.tables if any(c.autoincrement for c in t.columns)}
    hazards = hazards_of(up)
    if dialect_name == "mysql" and (count := _statements_on_mysql(up)) > 1:
        hazards.append(Hazard(
            NON_TRANSACTIONAL, info.name, None,
            f"mysql commits each of the {count} statements of this revision on its own: if one fails, those before "
            "it stay applied and alembic_version still names the revision before; `codegen lint` says how to finish "
            "or undo it by hand before running alembic again"))
    template = alembic_environment().get_template("revision.py.j2")
    return template.render(info=info, up=up, down=down_operations(up), hazards=hazards, notes=notes,
                           dialect=dialect_name, autoincrement_tables=autoincrement,
                           native_types=any(map(_needs_native, schemas)),
                           table_options=_mysql_table_options(table_options) if dialect_name == "mysql" else {})


def _needs_native(schema) -> bool:
    """Whether a revision over `schema` spells a type with its own `Native` (templates/alembic/_native.py.j2)."""
    return any(c.type.native is not None or c.type.kind == "xml" for t in schema.tables for c in t.columns)


def _statements_on_mysql(up: list[Operation]) -> int:
    """How many statements a revision runs on MySQL: each operation's as the SQL format writes them
    for MySQL, where a created table's indexes are part of CREATE TABLE and Alembic creates each
    with a statement of its own."""
    from codegen.operations import CreateEnum, CreateTable, DropEnum, RenameEnum

    on_mysql = [op for op in up if not isinstance(op, (CreateEnum, DropEnum, RenameEnum))]  # PostgreSQL's types
    return _statement_count(sql_environment("mysql"), on_mysql) + sum(
        len(op.table.indexes) for op in on_mysql if isinstance(op, CreateTable))


def _mysql_table_options(options: dict[str, str] | None) -> dict[str, str]:
    """`codegen.yaml`'s `mysql:` settings (config.MYSQL_OPTIONS when absent) as SQLAlchemy's `mysql_*` table keywords."""
    from codegen.config import MYSQL_OPTIONS

    chosen = {**MYSQL_OPTIONS, **(options or {})}
    return {"mysql_engine": chosen["engine"], "mysql_charset": chosen["charset"], "mysql_collate": chosen["collation"]}


def metadata_module(schema, dialect_name: str) -> str:
    """Python source defining `metadata`: the schema as SQLAlchemy MetaData for `dialect_name`, typed as the
    revisions type it (comments only where the dialect stores them)."""
    comments = get_dialect(dialect_name).supports_comments
    return alembic_environment().get_template("metadata.py.j2").render(tables=schema.tables, comments=comments,
                                                                       native_types=_needs_native(schema),
                                                                       autoincrement_tables=set(),
                                                                       on_mysql=dialect_name == "mysql")
