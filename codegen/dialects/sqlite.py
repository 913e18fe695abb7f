"""SQLite: few types, no ALTER for constraints, lazily checked foreign keys."""

from __future__ import annotations

from codegen import naming
from codegen.dialects import reserved
from codegen.dialects.base import BASE_TYPES, Dialect, fixed


class SQLite(Dialect):
    name = "sqlite"
    reserved_words = reserved.SQLITE
    max_identifier_length = None
    TYPES = {
        **BASE_TYPES,
        "smallint": fixed("INTEGER"),
        "bigint": fixed("INTEGER"),
        "string": fixed("TEXT"),
        "decimal": fixed("NUMERIC"),
        "float": fixed("REAL"),
        "uuid": fixed("CHAR(36)"),
    }
    rebuilds_tables = True
    enum_values_check = True
    names_fold_case = True  # sqlite.org/lang_keywords.html: identifiers are case-insensitive
    lazy_foreign_keys = True
    boolean_literals = ("0", "1")
    file_database = True
    offline_url = "sqlite://"
    example_url = "sqlite:///codegen.db"
    sqlalchemy_names = ("sqlite",)

    def primary_key_on_column(self, table) -> bool:
        # AUTOINCREMENT is allowed only as INTEGER PRIMARY KEY AUTOINCREMENT on the column itself.
        key = table.primary_key
        return key is not None and table.column(key.columns[0]).autoincrement

    def raw_default(self, sql: str) -> str:
        # SQLite accepts an expression as a default only inside parentheses.
        return f"({sql})"

    def bytes_literal(self, value: bytes) -> str:
        return "X'" + value.hex() + "'"

    def objects_beyond_tables(self, conn, schema: str | None) -> list[tuple[str, str]]:
        rows = conn.exec_driver_sql("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        return [("trigger", f"{name} on {table}") for name, table in rows]

    def reflected_autoincrement(self, conn, table: str, column: dict) -> bool:
        # Only an INTEGER PRIMARY KEY AUTOINCREMENT column, declared so in the table's SQL.
        if column.get("primary_key") != 1 or str(column["type"]).upper() != "INTEGER":
            return False
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
        return bool(sql) and "AUTOINCREMENT" in sql.upper()

    def enum_check_name(self, enum_name: str) -> str:
        """SQLite has no enum type: the values are a CHECK named after the enum, `ck_<table>_<column>_values`.

        Derived from the enum's name rather than the current table and column
        names, so it follows the snapshot through renames in both directions.
        """
        return naming.fit(f"ck_{enum_name}_values", self.max_identifier_length)

    def run_script(self, engine, sql: str) -> None:
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA foreign_keys = ON")
            raw.driver_connection.executescript(sql)
        finally:
            raw.close()

    # BEGIN IMMEDIATE takes the write lock at once: a second runner waits here, before it reads
    # the history, rather than failing half-way through a migration.
    begin_sql = "BEGIN IMMEDIATE"

    def prepare_runner_session(self, conn, lock_timeout: float) -> None:
        conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")

    def try_begin(self, conn) -> bool:
        import sqlalchemy as sa

        waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        conn.exec_driver_sql("PRAGMA busy_timeout = 0")
        try:
            conn.exec_driver_sql(self.begin_sql)
            return True
        except sa.exc.OperationalError as exc:
            if "locked" in str(exc.orig) or "busy" in str(exc.orig):
                return False
            raise
        finally:
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {waited}")
