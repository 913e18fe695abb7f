"""MySQL 8 and MariaDB 10.11: backtick quoting, inline ENUM, AUTO_INCREMENT, DDL that commits itself."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from codegen.dialects import reserved
from codegen.dialects.base import BASE_TYPES, Dialect, connected, fixed

# Kinds whose literal default must be written as an expression, `DEFAULT ('x')` (MySQL 8 refuses
# a plain literal on TEXT, BLOB and JSON columns; MariaDB takes either).
_EXPRESSION_DEFAULTS = {"text", "json"}
_MAX_INDEXED_CHARS = 768  # InnoDB's 3072-byte key limit over utf8mb4's 4 bytes a character
_NOW = {"timestamp": "CURRENT_TIMESTAMP(6)", "date": "(CURRENT_DATE)", "time": "(CURRENT_TIME)"}
# How the server reports a type, to the way codegen writes it (live.py compares the two).
_INTEGER_WIDTH = re.compile(r"^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)\(\d+\)")


_SERVER_SPELLING = {"CURDATE()": "CURRENT_DATE", "CURTIME()": "CURRENT_TIME", "CURTIME(6)": "CURRENT_TIME",
                    "CURRENT_TIME(6)": "CURRENT_TIME", "NOW()": "CURRENT_TIMESTAMP", "NOW(6)": "CURRENT_TIMESTAMP(6)",
                    "CURRENT_TIMESTAMP()": "CURRENT_TIMESTAMP"}


def _canonical_default(sql: str | None) -> str | None:
    """A default in one spelling for both sides: the server gives 0.00 for 0, 0 for FALSE,
    and wraps expressions in parentheses or not."""
    if sql is None:
        return None
    text = sql.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    upper = text.upper()
    upper = _SERVER_SPELLING.get(upper, upper)
    if upper.startswith("CURRENT_"):
        return upper
    if upper in ("FALSE", "TRUE"):
        return "1" if upper == "TRUE" else "0"
    bare = text[1:-1] if len(text) > 1 and text[0] == text[-1] == "'" else text
    try:
        number = Decimal(bare)
    except InvalidOperation:
        return text
    return format(number.normalize(), "f")


def _enum(t) -> str:
    return "ENUM(" + ", ".join(MySQL().literal(v) for v in t.values) + ")"


class MySQL(Dialect):
    name = "mysql"
    reserved_words = reserved.MYSQL
    identifier_quote = "`"
    max_identifier_length = 64
    TYPES = {
        **BASE_TYPES,
        "smallint": lambda t: "SMALLINT UNSIGNED" if t.unsigned else "SMALLINT",
        "integer": lambda t: "INT UNSIGNED" if t.unsigned else "INT",
        "bigint": lambda t: "BIGINT UNSIGNED" if t.unsigned else "BIGINT",
        "string": lambda t: f"VARCHAR({t.length or 255})",
        "decimal": lambda t: f"DECIMAL({t.precision}, {t.scale or 0})" if t.precision else "DECIMAL(65, 30)",
        "float": fixed("DOUBLE"),
        "timestamp": lambda t: "TIMESTAMP(6)" if t.timezone else "DATETIME(6)",
        "uuid": fixed("CHAR(36)"),
        "binary": lambda t: f"VARBINARY({t.length})" if t.length else "LONGBLOB",
        "enum": _enum,
        "real": fixed("FLOAT"),
        # the longest text form: an IPv6 address with an IPv4 tail and a /128 mask
        "inet": fixed("VARCHAR(49)"),
        "cidr": fixed("VARCHAR(49)"),
        "macaddr": fixed("CHAR(17)"),
        "xml": fixed("MEDIUMTEXT"),
    }
    generated_not_null = False  # MariaDB refuses NOT NULL on a generated column
    generated_reads_autoincrement = False  # error 1901: AUTO_INCREMENT cannot be used in GENERATED ALWAYS AS
    generated_text_kept = False  # MariaDB reports lcase(`name`) for lower(name)
    expression_indexes = False  # MariaDB has none; MySQL 8 indexes a hidden generated column
    identity_in_composite_key = True
    autoincrement_needs_leading_index = True  # the loader adds ix_<table>_<column> where the key does not lead
    missing_types = {
        "interval": "MySQL has no interval type: store a length of time as `bigint` (seconds, say), or use "
                    "`native: {mysql: ...}`",
        "tsvector": "MySQL searches text with FULLTEXT indexes, not a column type: use `text` here",
    }
    transactional_ddl = False  # every DDL statement commits on its own
    supports_comments = True  # as COMMENT clauses of the column and table definitions
    names_fold_case = True  # column names are case-insensitive
    partial_indexes = False
    foreign_keys_need_index = True
    unique_index_is_constraint = True
    file_database = False
    offline_url = "mysql+pymysql://"
    example_url = "mysql+pymysql://user:password@localhost/app"
    driver_extra = "mysql"
    sqlalchemy_names = ("mysql", "mariadb")

    def table_options_sql(self, options: dict[str, str] | None) -> str:
        """`codegen.yaml`'s `mysql:` settings (config.MYSQL_OPTIONS when absent) as table options."""
        from codegen.config import MYSQL_OPTIONS

        chosen = {**MYSQL_OPTIONS, **(options or {})}
        return f"ENGINE={chosen['engine']} DEFAULT CHARSET={chosen['charset']} COLLATE={chosen['collation']}"

    def unsigned_check_sql(self, column: str) -> str | None:
        return None  # INT UNSIGNED

    def enum_values_rewrite(self, old: tuple[str, ...], new: tuple[str, ...]) -> str | None:
        # InnoDB stores an ENUM value as its position in the list: values appended at the end
        # change nothing stored (unless the list outgrows one byte, 255 values).
        if tuple(new[: len(old)]) == tuple(old) and (len(new) <= 255 or len(old) > 255):
            return None
        return "MODIFY COLUMN copies the table, storing each value by its new position in the list"

    def schema_problems(self, schema) -> list:
        from codegen.errors import Location, Problem

        problems = super().schema_problems(schema)
        for table in schema.managed_tables:
            where = table.origin or Location(table.entity or table.name)
            keys = [("index", ix.name, ix.columns) for ix in table.indexes]
            keys += [("unique constraint", u.name, u.columns) for u in table.uniques]
            for ix in table.indexes:
                if ix.where:
                    problems.append(Problem(where, f"index {ix.name} has `where:`; MySQL has no partial indexes",
                                            "drop `where:` (the index then covers every row), or leave the index out "
                                            "on MySQL", table.entity))
            covering = [ix.columns for ix in table.indexes] + [u.columns for u in table.uniques]
            if table.primary_key:
                covering.append(table.primary_key.columns)
            for fk in table.foreign_keys:
                for action in (fk.on_delete, fk.on_update):
                    if action == "set_default":
                        problems.append(Problem(where, f"foreign key {fk.name}: InnoDB refuses SET DEFAULT",
                                                "use `set_null`, `cascade`, `restrict` or `no_action`", table.entity))
                if not any(cols[: len(fk.columns)] == fk.columns for cols in covering):
                    problems.append(Problem(
                        where, f"foreign key {fk.name} on ({', '.join(fk.columns)}) has no index: MySQL needs one and "
                        "would add its own, which the snapshot would not know", "remove `index: false` from the field "
                        "(or declare an index that starts with these columns)", table.entity))
            for what, name, columns in keys:
                for column in (table.column(c) for c in columns):
                    if column is None:
                        continue
                    kind, length = column.type.kind, column.type.length
                    if kind in ("text", "json") or (kind == "binary" and not length):
                        problems.append(Problem(
                            where, f"{what} {name} covers `{column.name}` ({kind}): MySQL indexes only the first "
                            "bytes of such a column and needs a length", "index a `string` with a `length` (at most "
                            f"{_MAX_INDEXED_CHARS}) instead, or leave `{column.name}` out of the {what}",
                            table.entity, column.name))
                    elif kind == "string" and (length or 255) > _MAX_INDEXED_CHARS:
                        problems.append(Problem(
                            where, f"{what} {name} covers `{column.name}`, string of length {length}: InnoDB keys "
                            f"hold at most 3072 bytes, {_MAX_INDEXED_CHARS} characters of utf8mb4",
                            f"give `{column.name}` a `length` of at most {_MAX_INDEXED_CHARS}, or leave it out of the "
                            f"{what}", table.entity, column.name))
        return problems

    def literal(self, value: object) -> str:
        # MySQL reads a backslash in a string literal as an escape (unless NO_BACKSLASH_ESCAPES).
        if isinstance(value, str):
            return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"
        return super().literal(value)

    def bytes_literal(self, value: bytes) -> str:
        return "X'" + value.hex() + "'"

    def raw_default(self, sql: str) -> str:
        return f"({sql})"  # an expression default needs its parentheses

    def default_sql(self, column, default=None):
        default = default or column.default
        if default is None:
            return None
        if default.kind == "now":
            return _NOW[column.type.kind]
        sql = super().default_sql(column, default)
        if default.kind == "literal" and (column.type.kind in _EXPRESSION_DEFAULTS
                                          or (column.type.kind == "binary" and not column.type.length)):
            return f"({sql})"
        return sql

    def create_database_sql(self, name: str) -> str:
        return f"CREATE DATABASE {self.quote(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

    def engine_url(self, url: str) -> str:
        for plain in ("mysql://", "mariadb://"):
            if url.startswith(plain):
                return "mysql+pymysql://" + url[len(plain):]
        return url

    def run_script(self, engine, sql: str) -> None:
        from codegen.runner.scripts import parse_script

        raw = engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor()
            for statement in parse_script(sql, None).statements:
                cursor.execute(statement.code)
            raw.driver_connection.commit()
        finally:
            raw.close()

    # -- the runner: a named lock per database; no migration runs in one transaction ---------------

    def try_runner_lock(self, conn) -> bool:
        return conn.exec_driver_sql("SELECT GET_LOCK(CONCAT('codegen_migrations.', DATABASE()), 0)").scalar() == 1

    def release_runner_lock(self, conn) -> None:
        conn.exec_driver_sql("SELECT RELEASE_LOCK(CONCAT('codegen_migrations.', DATABASE()))")

    # -- reading a live schema back (live.py) ------------------------------------------------------

    def reflected_type(self, sql: str) -> str:
        sql = re.sub(r" CHARACTER SET \w+", "", sql)  # a collation names its character set
        sql = _INTEGER_WIDTH.sub(lambda m: "INT" if m[1] == "INTEGER" else m[1], sql)
        sql = re.sub(r"^INTEGER\b", "INT", sql)
        # BOOLEAN is TINYINT(1); MariaDB keeps JSON as LONGTEXT with a json_valid CHECK.
        if sql.startswith("LONGTEXT"):
            sql = "JSON"
        sql = {"INTEGER": "INT", "TINYINT(1)": "BOOLEAN", "TINYINT": "BOOLEAN"}.get(sql, sql)
        return sql.replace(", ", ",")

    def expected_default(self, sql: str | None) -> str | None:
        return _canonical_default(sql)

    def reflected_default(self, sql: str | None) -> str | None:
        return _canonical_default(sql)

    def reflected_fk_action(self, action: str) -> str:
        return "NO ACTION" if action == "RESTRICT" else action  # the same in MySQL, and the default

    def objects_beyond_tables(self, conn, schema: str | None) -> list[tuple[str, str]]:
        import sqlalchemy as sa

        query = sa.text("""
            SELECT 'trigger', CONCAT(TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE) FROM information_schema.TRIGGERS
                WHERE TRIGGER_SCHEMA = COALESCE(:schema, DATABASE())
            UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES
                WHERE ROUTINE_SCHEMA = COALESCE(:schema, DATABASE())
            UNION ALL SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = COALESCE(:schema, DATABASE())
        """)
        return [(kind, name) for kind, name in conn.execute(query, {"schema": schema})]

    def index_orders(self, engine, table: str, schema: str | None) -> dict[str, list[str]]:
        import sqlalchemy as sa

        orders: dict[str, list[str]] = {}
        with connected(engine) as conn:
            for name, collation in conn.execute(sa.text(
                    "SELECT INDEX_NAME, COLLATION FROM information_schema.STATISTICS WHERE TABLE_NAME = :table "
                    "AND TABLE_SCHEMA = COALESCE(:schema, DATABASE()) ORDER BY INDEX_NAME, SEQ_IN_INDEX"),
                    {"table": table, "schema": schema}):
                orders.setdefault(name, []).append("desc" if collation == "D" else "")
        return orders

    def reflected_autoincrement(self, conn, table: str, column: dict) -> bool:
        return column.get("autoincrement") is True  # AUTO_INCREMENT

    def is_implicit_check(self, check: dict) -> bool:
        return "json_valid" in str(check.get("sqltext", "")).lower()

    def expected_type(self, sql: str) -> str:
        return sql.replace(", ", ",")
