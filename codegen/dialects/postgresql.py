"""PostgreSQL: native enums, comments, identity columns, transactional DDL."""

from __future__ import annotations

from codegen.dialects import reserved
from codegen.dialects.base import BASE_TYPES, Dialect, fixed

# pg_advisory_lock's first key: "codg". The second is the schema's hash: one runner per
# schema, the history table's home.
RUNNER_LOCK = 0x636F6467


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
    }
    native_enums = True
    supports_comments = True
    identity_columns = True
    offline_url = "postgresql+psycopg://"
    example_url = "postgresql+psycopg://localhost/app"
    driver_extra = "postgresql"
    sqlalchemy_names = ("postgresql",)

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
        # psycopg sends a parameterless query as one simple query: the whole file, as psql would.
        raw = engine.raw_connection()
        try:
            raw.driver_connection.autocommit = True
            raw.driver_connection.execute(sql)
        finally:
            raw.close()

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
