"""What every dialect shares, and the flags a dialect flips.

A dialect is a type table plus a few capability flags (the sqlglot shape):
subclasses spread `BASE_TYPES` and override the entries that differ. SQL
text lives in templates; this module only answers the small questions the
templates ask (how to quote a name, spell a type, write a literal).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, ClassVar

if TYPE_CHECKING:
    from codegen.model import Column, ColumnType, Default

TypeRule = Callable[["ColumnType"], str]


def connected(bind):
    """A connection from an engine, or the connection itself (live.reflect is given either)."""
    from contextlib import nullcontext

    return bind.connect() if hasattr(bind, "connect") else nullcontext(bind)


def fixed(sql: str) -> TypeRule:
    return lambda t: sql


BASE_TYPES: dict[str, TypeRule] = {
    "smallint": fixed("SMALLINT"),
    "integer": fixed("INTEGER"),
    "bigint": fixed("BIGINT"),
    "string": lambda t: f"VARCHAR({t.length})" if t.length else "TEXT",
    "text": fixed("TEXT"),
    "boolean": fixed("BOOLEAN"),
    "decimal": lambda t: f"NUMERIC({t.precision}, {t.scale or 0})" if t.precision else "NUMERIC",
    "float": fixed("DOUBLE PRECISION"),
    "date": fixed("DATE"),
    "time": fixed("TIME"),
    "timestamp": fixed("TIMESTAMP"),
    "uuid": fixed("UUID"),
    "json": fixed("JSON"),
    "binary": fixed("BLOB"),
    "enum": fixed("TEXT"),
    "char": lambda t: f"CHAR({t.length})",
    "real": fixed("REAL"),
}

FK_ACTIONS = {
    "cascade": "CASCADE", "restrict": "RESTRICT", "set_null": "SET NULL",
    "set_default": "SET DEFAULT", "no_action": "NO ACTION",
}

NOW = {"timestamp": "CURRENT_TIMESTAMP", "date": "CURRENT_DATE", "time": "CURRENT_TIME"}


_ILLEGAL_INITIAL = frozenset("0123456789$")
_LEGAL_CHARACTERS = re.compile(r"^[A-Z0-9_$]+$", re.IGNORECASE)


class Dialect:
    name: ClassVar[str]
    TYPES: ClassVar[dict[str, TypeRule]] = BASE_TYPES
    max_identifier_length: ClassVar[int | None] = None
    # Names that must be quoted (SQLAlchemy's lists, copied in dialects/reserved.py), and how.
    reserved_words: ClassVar[frozenset[str]]
    identifier_quote: ClassVar[str] = '"'

    transactional_ddl: ClassVar[bool] = True
    native_enums: ClassVar[bool] = False  # CREATE TYPE ... AS ENUM
    supports_comments: ClassVar[bool] = False  # COMMENT ON
    lazy_foreign_keys: ClassVar[bool] = False  # a REFERENCES may name a table created later
    identity_columns: ClassVar[bool] = False  # autoincrement is a GENERATED ... AS IDENTITY column
    rebuilds_tables: ClassVar[bool] = False  # column and constraint changes need a table rebuild
    names_fold_case: ClassVar[bool] = False  # `Name` and `name` are one table or column
    enum_values_check: ClassVar[bool] = False  # an enum is TEXT with a CHECK of its values (enum_check_name)
    partial_indexes: ClassVar[bool] = True  # CREATE INDEX ... WHERE
    foreign_keys_need_index: ClassVar[bool] = False  # the index a foreign key uses cannot be dropped
    boolean_literals: ClassVar[tuple[str, str]] = ("FALSE", "TRUE")

    def online_parts(self, ops: list) -> tuple[list, list]:
        """`ops` as the non-blocking forms: what runs in the migration's transaction, and the
        statements that run on their own after it (`postgresql: {online: true}`; config.py
        allows it on PostgreSQL only)."""
        return list(ops), []

    def statement_locks(self, statements: list[str], rewrites: set[str] | None = None) -> tuple[list, list]:
        """Each statement's table lock, and the lint rules broken (dialects/postgresql_locks.py);
        nothing where no such rules are known."""
        return [], []

    def lock_table_hazards(self, migration: str, ops: list) -> list:
        """Hazards of a transaction that takes more locks than a default server can hold."""
        return []

    def unsigned_check_sql(self, column: str) -> str | None:
        """The check that keeps `unsigned: true` values at 0 or above; None where the integer type
        itself can be UNSIGNED."""
        return f"{self.quote(column)} >= 0"

    def enum_values_rewrite(self, old: tuple[str, ...], new: tuple[str, ...]) -> str | None:
        """Why changing an enum column's values from `old` to `new` rewrites the table, for its
        TABLE_REWRITE hazard; None when the database changes them in place. PostgreSQL adds
        values to the type anywhere (ADD VALUE ... BEFORE); anything else rebuilds the type."""
        from codegen.operations.columns import ENUM_TYPE_REBUILT

        kept = [v for v in new if v in old]
        return None if kept == list(old) else ENUM_TYPE_REBUILT

    def type_change_rewrite(self, old, new) -> str | None:
        """Why changing a column from type `old` to `new` rewrites the table, for its TABLE_REWRITE
        hazard; None when the database changes only its catalog (operations.rewrite_free)."""
        from codegen.operations import rewrite_free
        from codegen.operations.columns import TYPE_REWRITTEN

        return None if rewrite_free(old, new) else TYPE_REWRITTEN

    # Logical types this database has no type for, with the fix an input error suggests.
    missing_types: ClassVar[dict[str, str]] = {}
    arrays: ClassVar[bool] = False  # columns of type `array`
    index_methods: ClassVar[bool] = False  # CREATE INDEX ... USING method, INCLUDE (...)
    deferrable_constraints: ClassVar[bool] = False  # DEFERRABLE [INITIALLY DEFERRED]
    identity_always: ClassVar[bool] = False  # GENERATED ALWAYS AS IDENTITY
    identity_in_composite_key: ClassVar[bool] = False  # autoincrement on any integer column of the key
    virtual_columns: ClassVar[bool] = True  # generated columns computed on read (`stored: false`)
    autoincrement_needs_leading_index: ClassVar[bool] = False  # AUTO_INCREMENT must lead an index (MySQL)
    generated_not_null: ClassVar[bool] = True  # NOT NULL on a generated column
    generated_reads_autoincrement: ClassVar[bool] = True  # a generated column's expression names an identity column
    generated_text_kept: ClassVar[bool] = True  # the server reports a generated column's expression as written
    index_nulls_order: ClassVar[bool] = False  # index columns `asc nulls last`
    expression_indexes: ClassVar[bool] = True  # CREATE INDEX ... ((lower(email)))
    schemas: ClassVar[bool] = False  # an entity's `schema:` (tables named `schema.table`)
    # A type the format has no name for is read back as `native:` (exactly); SQLite's type names
    # are only affinities, so there it is read as the nearest logical type instead.
    unknown_types_native: ClassVar[bool] = True

    def schema_problems(self, schema) -> list:
        """Input errors (errors.Problem) for what the entities ask and this database cannot hold."""
        from codegen.dialects.features import unsupported_features

        return unsupported_features(self, schema)

    def primary_key_on_column(self, table) -> bool:
        """Whether the primary key is declared on its column rather than as a line of CREATE TABLE."""
        return False

    def type_sql(self, ctype: ColumnType) -> str:
        if ctype.native is not None:
            return ctype.native
        sql = self.TYPES[ctype.kind](ctype)
        if ctype.array:
            sql += "[]"
        if ctype.collation is not None:
            sql += " COLLATE " + self.collation_sql(ctype.collation)
        return sql

    def collation_sql(self, name: str) -> str:
        return self.quote(name)

    def __init__(self) -> None:
        self._quoted: dict[str, str] = {}

    def quote(self, name: str) -> str:
        """`name` as SQLAlchemy's identifier preparer writes it: quoted only when it must be.

        A table in a schema (`sales.orders`, naming.qualified) is written part by part; no
        other name holds a dot (naming.IDENTIFIER)."""
        try:
            return self._quoted[name]
        except KeyError:
            pass
        if "." in name:
            schema, _, rest = name.partition(".")
            self._quoted[name] = quoted = self.quote(schema) + "." + self.quote(rest)
            return quoted
        lower = name.lower()
        needs_quotes = (not name or lower in self.reserved_words or name[0] in _ILLEGAL_INITIAL
                        or not _LEGAL_CHARACTERS.match(name) or lower != name)
        mark = self.identifier_quote
        quoted = mark + name.replace(mark, mark + mark) + mark if needs_quotes else name
        self._quoted[name] = quoted
        return quoted

    def literal(self, value: object) -> str:
        """A SQL literal no entity text can break out of: quotes doubled, nothing else special."""
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return self.boolean_literals[value]
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, bytes):
            return self.bytes_literal(value)
        return "'" + str(value).replace("'", "''") + "'"

    def default_sql(self, column: Column, default: Default | None = None) -> str | None:
        default = default or column.default
        if default is None:
            return None
        if default.kind == "now":
            return NOW[column.type.kind]
        if default.kind == "sql":
            return self.raw_default(str(default.value))
        return self.literal(default.value)

    def raw_default(self, sql: str) -> str:
        return sql

    def bytes_literal(self, value: bytes) -> str:
        return "'\\x" + value.hex() + "'"

    def fill_sql(self, column: Column) -> str:
        """What existing rows get when `column` appears or turns NOT NULL: backfill, else default, else a placeholder."""
        if column.backfill is not None:
            return self.literal(column.backfill)
        if column.default is not None:
            return self.default_sql(column) or "NULL"
        from codegen.operations import placeholder

        return self.literal(placeholder(column))

    def fk_action(self, action: str | None) -> str | None:
        return FK_ACTIONS[action] if action else None


    # -- running migrations (verify, sql, init) ----------------------------------------------

    # A database in a local file: verify replays in a temporary one, never the file a URL names.
    file_database: ClassVar[bool] = False
    offline_url: ClassVar[str]  # what Alembic's offline mode (`codegen sql`) is given: no server
    example_url: ClassVar[str]  # the placeholder `init --format alembic` writes into alembic.ini
    driver_extra: ClassVar[str | None] = None  # `pip install 'codegen[<extra>]'` brings the driver

    def create_database_sql(self, name: str) -> str:
        """The statement that makes verify's scratch database on a server."""
        return f"CREATE DATABASE {self.quote(name)}"

    def drop_database_sql(self, name: str) -> tuple[str, ...]:
        """Statements to try in turn, until one drops verify's scratch database."""
        return (f"DROP DATABASE IF EXISTS {self.quote(name)}",)

    # SQLAlchemy's names for this kind of database (its `engine.dialect.name`).
    sqlalchemy_names: ClassVar[tuple[str, ...]] = ()

    def engine_url(self, url: str) -> str:
        """The SQLAlchemy URL for a user's URL (the driver codegen installs, when none is named)."""
        return url

    # -- reading a live schema back (live.py): the server's spelling against codegen's -----------

    def expected_type(self, sql: str) -> str:
        """A type as codegen writes it, in the form `reflected_type` gives the server's."""
        return sql

    def reflected_type(self, sql: str) -> str:
        """A type as SQLAlchemy reflects it from the server, in codegen's spelling."""
        return sql

    # The server keeps a unique index and a unique constraint as one thing (MySQL), and reports both
    # as unique constraints.
    unique_index_is_constraint: ClassVar[bool] = False

    def expected_default(self, sql: str | None) -> str | None:
        return sql

    def index_orders(self, engine, table: str, schema: str | None) -> dict[str, list[str]]:
        """Each index's key orders ("desc" or ""), where SQLAlchemy does not reflect them."""
        return {}

    def unreflected_indexes(self, engine, table: str, known: set[str]) -> list[dict]:
        """Indexes SQLAlchemy's inspector leaves out (not named in `known`), in its shape."""
        return []

    def type_name(self, engine, table: str, column: str, schema: str | None) -> str:
        """A column's type as the server names it, for a type SQLAlchemy cannot reflect."""
        return "NULL"

    def column_collations(self, engine, table: str, schema: str | None) -> dict[str, str]:
        """Each column's collation where SQLAlchemy's reflected type does not carry it (SQLite)."""
        return {}

    def reflected_default(self, sql: str | None) -> str | None:
        return sql

    def reflected_fk_action(self, action: str) -> str:
        """A foreign key action in the form both sides are compared in."""
        return action

    def is_implicit_check(self, check: dict) -> bool:
        """A CHECK the server adds by itself (so the model does not hold it)."""
        return False

    def objects_beyond_tables(self, conn, schema: str | None) -> list[tuple[str, str]]:
        """(kind, name) of what the database holds besides tables and views that the model has no
        place for (triggers, functions, ...), so that import and drift can name them."""
        return []

    def is_sequence_default(self, sql: str) -> bool:
        """Whether a reflected default draws from a sequence (PostgreSQL's serial columns)."""
        return False

    def reflected_autoincrement(self, conn, table: str, column: dict) -> bool:
        """Whether the Inspector's `column` of `table` generates its values (codegen's autoincrement)."""
        return column.get("identity") is not None

    def before_running_after_commit(self, conn, statements) -> None:
        """Make the statements after an online file's COMMIT safe to run again (see PostgreSQL's)."""

    def run_script(self, engine, sql: str) -> None:
        """Run a whole migration file, its own BEGIN/COMMIT included."""
        raise NotImplementedError

    # -- the runner (migrate, rollback, stamp): one at a time, a transaction per migration ------
    # `conn` is a SQLAlchemy connection in AUTOCOMMIT mode: the runner sends BEGIN and COMMIT.

    begin_sql: ClassVar[str] = "BEGIN"  # how the runner opens a migration's transaction

    def prepare_runner_session(self, conn, lock_timeout: float) -> None:
        """Settings the runner's connection needs before the first migration."""

    def try_runner_lock(self, conn) -> bool:
        """Take the lock a runner holds for its whole run, when it is free. The base has none:
        `try_begin` takes the database's write lock for each migration instead."""
        return True

    def release_runner_lock(self, conn) -> None:
        pass

    def try_begin(self, conn) -> bool:
        """Open a migration's transaction; False while another runner's transaction is in the way."""
        conn.exec_driver_sql(self.begin_sql)
        return True
