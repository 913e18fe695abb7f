"""PostgreSQL: native enums, comments, identity columns, transactional DDL."""

from __future__ import annotations

import re

from codegen import naming
from codegen.dialects import reserved
from codegen.dialects.base import BASE_TYPES, Dialect, connected, fixed

# pg_advisory_lock's first key: "codg". The second is the schema's hash: one runner per
# schema, the history table's home.
RUNNER_LOCK = 0x636F6467

# The lock table of a server with default settings: max_locks_per_transaction (64) x
# (max_connections (100) + max_prepared_transactions (0)) slots, shared by all sessions.
DEFAULT_LOCK_TABLE = 64 * 100
LOCK_TABLE = "too many locks"  # the hazard kind
_NAME = r'"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*'
_CONCURRENT_BUILD = re.compile(
    rf'CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_NAME})'
    rf'\s+ON\s+(?P<table>(?:(?:{_NAME})\.)?(?:{_NAME}))', re.IGNORECASE)
_VARIABLE_LENGTH = ("string", "text", "json", "binary", "decimal")


def locks_of_table(table) -> int:
    """About how many locks creating or dropping `table` takes, as measured on PostgreSQL 15
    (docs/online.md): the table and its row types, each index twice (relation and its
    constraint), a TOAST table and its index, and an identity column's sequence. It errs high."""
    indexes = len(table.indexes) + len(table.uniques) + (table.primary_key is not None)
    toast = any(c.type.kind in _VARIABLE_LENGTH for c in table.columns)
    identities = sum(c.autoincrement for c in table.columns)
    return 3 + 2 * indexes + 3 * toast + 5 * identities


class PostgreSQL(Dialect):
    name = "postgresql"
    reserved_words = reserved.POSTGRESQL
    max_identifier_length = 63
    TYPES = {
        **BASE_TYPES,
        "time": lambda t: "TIME WITH TIME ZONE" if t.timezone else "TIME",
        "timestamp": lambda t: "TIMESTAMP WITH TIME ZONE" if t.timezone else "TIMESTAMP",
        "json": fixed("JSONB"),
        "binary": fixed("BYTEA"),
        # the type CREATE TYPE made; quoted like any identifier
        "enum": lambda t: PostgreSQL().quote(t.enum_name or ""),
        "interval": fixed("INTERVAL"),
        "inet": fixed("INET"),
        "cidr": fixed("CIDR"),
        "macaddr": fixed("MACADDR"),
        "tsvector": fixed("TSVECTOR"),
        "xml": fixed("XML"),
    }
    arrays = True
    index_methods = True
    schemas = True
    deferrable_constraints = True
    identity_always = True
    identity_in_composite_key = True
    index_nulls_order = True
    virtual_columns = False  # PostgreSQL 15 has only STORED generated columns
    native_enums = True
    supports_comments = True
    identity_columns = True
    offline_url = "postgresql+psycopg://"
    example_url = "postgresql+psycopg://localhost/app"
    driver_extra = "postgresql"
    sqlalchemy_names = ("postgresql",)

    def type_change_rewrite(self, old, new) -> str | None:
        # varchar(n) to a larger n or to text, more numeric precision: catalog only (operations.rewrite_free)
        if super().type_change_rewrite(old, new) is None:
            return None
        return ("changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read "
                "and write of the table waits until it is done (on a big table: add a column of the new type, fill "
                "it in batches, then switch)")

    def online_parts(self, ops: list) -> tuple[list, list]:
        from codegen.dialects.postgresql_online import online_parts

        return online_parts(ops, self.quote, self.max_identifier_length)

    def statement_locks(self, statements: list[str], rewrites: set[str] | None = None) -> tuple[list, list]:
        from codegen.dialects.postgresql_locks import statement_locks

        return statement_locks(statements, rewrites)

    def lock_table_hazards(self, migration: str, ops: list) -> list:
        from codegen.operations import CreateTable, DropTable, Hazard

        tables = [op.table for op in ops if isinstance(op, (CreateTable, DropTable))]
        needed = sum(map(locks_of_table, tables))
        if needed <= DEFAULT_LOCK_TABLE:
            return []
        per_step = max(1, DEFAULT_LOCK_TABLE // 2 // -(-needed // len(tables)))
        return [Hazard(LOCK_TABLE, migration, None,
                       f"creating or dropping {len(tables)} tables in one transaction takes about {needed} locks, more "
                       f"than a default server holds ({DEFAULT_LOCK_TABLE}: max_locks_per_transaction 64 x "
                       f"max_connections 100), and PostgreSQL then fails with `out of shared memory`; split the change "
                       f"into migrations of at most {per_step} tables (generate after adding or removing each batch of "
                       "entities), or raise max_locks_per_transaction on the server")]

    def drop_database_sql(self, name: str) -> tuple[str, ...]:
        # The plain form makes an autovacuum worker on the database give way; FORCE ends a session
        # verify left open, but fails, for a role that is not superuser, on an autovacuum worker.
        return (f"DROP DATABASE IF EXISTS {self.quote(name)}", f"DROP DATABASE IF EXISTS {self.quote(name)} WITH (FORCE)")

    def engine_url(self, url: str) -> str:
        for plain in ("postgresql://", "postgres://"):
            if url.startswith(plain):
                return "postgresql+psycopg://" + url[len(plain):]
        return url

    def run_script(self, engine, sql: str) -> None:
        # psycopg sends a parameterless query as one simple query: the whole file, as psql would,
        # except the statements an online file runs on their own after COMMIT.
        from codegen.runner.scripts import parse_script

        raw = engine.raw_connection()
        try:
            raw.driver_connection.autocommit = True
            for piece in parse_script(sql, None).pieces(sql):
                raw.driver_connection.execute(piece)
        finally:
            raw.close()

    def before_running_after_commit(self, conn, statements) -> None:
        """A concurrent index build that failed (or was killed) leaves its index INVALID, and
        `IF NOT EXISTS` would keep it so: drop such an index before building it again."""
        for statement in statements:
            found = _CONCURRENT_BUILD.match(statement.code)
            if found is None:
                continue
            quoted = found["name"]
            name = quoted[1:-1].replace('""', '"') if quoted.startswith('"') else quoted.lower()
            # the index is in its table's schema (an entity's `schema:`, else the default one)
            schema = naming.split(found["table"])[0]
            invalid = conn.exec_driver_sql(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %(name)s AND c.relnamespace = "
                "coalesce(to_regnamespace(%(schema)s), current_schema()::regnamespace) AND NOT i.indisvalid",
                {"name": name, "schema": schema}).first()
            if invalid is not None:
                conn.exec_driver_sql(f"DROP INDEX CONCURRENTLY IF EXISTS {schema + '.' if schema else ''}{quoted}")

    def type_name(self, engine, table: str, column: str, schema: str | None) -> str:
        import sqlalchemy as sa

        with connected(engine) as conn:
            return conn.execute(sa.text(
                "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relname = :table AND a.attname = :column "
                "AND c.relnamespace = coalesce(:schema, current_schema())::regnamespace"),
                {"table": table, "column": column, "schema": schema}).scalar() or "NULL"

    def reflected_default(self, sql: str | None) -> str | None:
        # now() is CURRENT_TIMESTAMP (both the transaction's start); hand-written schemas use either
        return "CURRENT_TIMESTAMP" if sql is not None and sql.strip().lower() == "now()" else sql

    def objects_beyond_tables(self, conn, schema: str | None) -> list[tuple[str, str]]:
        import sqlalchemy as sa

        # What an extension brought (pg_depend 'e') belongs to the extension, not to the schema.
        query = sa.text("""
            WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = coalesce(:schema, current_schema()))
            SELECT 'trigger', t.tgname || ' on ' || c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND c.relnamespace IN (SELECT oid FROM ns)
            UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, p.proname FROM pg_proc p
                WHERE p.pronamespace IN (SELECT oid FROM ns)
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
            UNION ALL SELECT 'domain', t.typname FROM pg_type t WHERE t.typtype = 'd' AND t.typnamespace IN (SELECT oid FROM ns)
            UNION ALL SELECT 'partitioned table', c.relname FROM pg_class c
                WHERE c.relkind = 'p' AND c.relnamespace IN (SELECT oid FROM ns)
            UNION ALL SELECT 'materialized view', c.relname FROM pg_class c
                WHERE c.relkind = 'm' AND c.relnamespace IN (SELECT oid FROM ns)
        """)
        return [(kind, name) for kind, name in conn.execute(query, {"schema": schema})]

    def is_sequence_default(self, sql: str) -> bool:
        return sql.startswith("nextval(")

    def try_runner_lock(self, conn) -> bool:
        # A session lock: it goes with the connection, so a killed runner cannot leave it held.
        return bool(conn.exec_driver_sql(
            f"SELECT pg_try_advisory_lock({RUNNER_LOCK}, hashtext(coalesce(current_schema(), '')))").scalar())

    def release_runner_lock(self, conn) -> None:
        conn.exec_driver_sql(f"SELECT pg_advisory_unlock({RUNNER_LOCK}, hashtext(coalesce(current_schema(), '')))")
