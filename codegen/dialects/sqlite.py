"""SQLite: few types, no ALTER for constraints, lazily checked foreign keys."""

from __future__ import annotations

import re

from codegen import naming
from codegen.dialects import reserved
from codegen.dialects.base import BASE_TYPES, Dialect, connected, fixed


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
        # the nearest storage class (sqlite.org/datatype3.html): values are kept as written
        "char": fixed("TEXT"),
        "interval": fixed("TEXT"),
        "inet": fixed("TEXT"),
        "cidr": fixed("TEXT"),
        "macaddr": fixed("TEXT"),
        "xml": fixed("TEXT"),
    }
    missing_types = {"tsvector": "SQLite searches text with FTS5 virtual tables, which codegen does not manage: "
                                 "use `text` here, or `native: {sqlite: ...}`"}
    rebuilds_tables = True
    enum_values_check = True
    names_fold_case = True  # sqlite.org/lang_keywords.html: identifiers are case-insensitive
    lazy_foreign_keys = True
    boolean_literals = ("0", "1")
    file_database = True
    unknown_types_native = False
    offline_url = "sqlite://"
    example_url = "sqlite:///codegen.db"
    sqlalchemy_names = ("sqlite",)

    def primary_key_on_column(self, table) -> bool:
        # AUTOINCREMENT is allowed only as INTEGER PRIMARY KEY AUTOINCREMENT on the column itself.
        key = table.primary_key
        return key is not None and table.column(key.columns[0]).autoincrement

    def column_collations(self, engine, table: str, schema: str | None) -> dict[str, str]:
        with connected(engine) as conn:
            row = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).first()
        return _collations(row[0]) if row and row[0] else {}

    def index_orders(self, engine, table: str, schema: str | None) -> dict[str, list[str]]:
        with connected(engine) as conn:
            names = [row[1] for row in conn.exec_driver_sql(f"PRAGMA index_list({self.quote(table)})")]
            return {name: ["desc" if row[3] else "" for row in
                           conn.exec_driver_sql(f"PRAGMA index_xinfo({self.quote(name)})") if row[5]]
                    for name in names}

    def unreflected_indexes(self, engine, table: str, known: set[str]) -> list[dict]:
        """Indexes of expressions, which SQLAlchemy skips on SQLite, in its shape: read from their SQL."""
        found = []
        with connected(engine) as conn:
            rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                        "AND sql IS NOT NULL", (table,)).fetchall()
            for name, sql in rows:
                if name in known:
                    continue
                keys = _index_keys(sql)
                info = conn.exec_driver_sql(f"PRAGMA index_xinfo({self.quote(name)})").fetchall()
                columns = [row[2] for row in info if row[5]]
                found.append({"name": name, "unique": sql.upper().startswith("CREATE UNIQUE"),
                              "column_names": columns, "expressions": [k if c is None else c for k, c in zip(keys, columns)],
                              "dialect_options": {}})
        return found

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


def _index_keys(sql: str) -> list[str]:
    """The keys between the parentheses of `CREATE INDEX name ON table (keys)`."""
    return [key[1:-1] if key.startswith("(") and key.endswith(")") else key for key in naming.listed(sql)]


_COLLATE = re.compile(r"\bCOLLATE\s+[\"`\[]?(\w+)", re.IGNORECASE)
_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b", re.IGNORECASE)


def _collations(create_table: str) -> dict[str, str]:
    """Each column's COLLATE in a CREATE TABLE statement (SQLAlchemy reads none back from SQLite).

    >>> _collations('CREATE TABLE t (id INTEGER, "Name" TEXT COLLATE NOCASE, note TEXT DEFAULT \\'a,b\\')')
    {'Name': 'NOCASE'}
    """
    found = {}
    for item in naming.listed(create_table):
        if not item or _TABLE_CONSTRAINT.match(item):
            continue
        name = item.split()[0].strip('"`[]')
        collation = _COLLATE.search(re.sub(r"'(?:[^']|'')*'", "''", item))
        if collation:
            found[name] = collation[1]
    return found
