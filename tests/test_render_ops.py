"""One operation, the SQL each dialect gets: a table, as sqlglot's dialect tests are."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import fuzz_examples
from codegen import operations as ops
from codegen.model import Check, Column, ColumnType, Default, Enum, ForeignKey, Index, UniqueConstraint
from codegen.dialects import get_dialect
from codegen.render import sql_environment

EMAIL = Column("email", ColumnType("string", length=320))
REGION = Column("region", ColumnType("string"), backfill="EU")
STATE = ColumnType("enum", values=("open", "closed"), enum_name="ticket_state")
STATE2 = ColumnType("enum", values=("new", "open", "closed", "archived"), enum_name="ticket_state")

CASES = [
    (ops.RenameTable("client", "order"), "postgresql", 'ALTER TABLE client RENAME TO "order";'),
    (ops.RenameColumn("user", "name", "select"), "sqlite", 'ALTER TABLE user RENAME COLUMN name TO "select";'),  # SQLite does not reserve `user`
    (ops.RenameColumn("user", "name", "select"), "postgresql", 'ALTER TABLE "user" RENAME COLUMN name TO "select";'),
    (ops.AddColumn("customer", Column("email", ColumnType("string", length=320), default=Default("literal", ""))),
     "postgresql", "ALTER TABLE customer ADD COLUMN email VARCHAR(320) NOT NULL DEFAULT '';"),
    # NOT NULL with nothing to fill existing rows: only a down migration does this (the up is an input error)
    (ops.AddColumn("customer", EMAIL), "postgresql", "ALTER TABLE customer ADD COLUMN email VARCHAR(320);\n"
     "UPDATE customer SET email = '';\nALTER TABLE customer ALTER COLUMN email SET NOT NULL;"),
    (ops.AddColumn("customer", REGION), "postgresql",
     "ALTER TABLE customer ADD COLUMN region TEXT;\nUPDATE customer SET region = 'EU';\n"
     "ALTER TABLE customer ALTER COLUMN region SET NOT NULL;"),
    (ops.AddColumn("customer", Column("note", ColumnType("text"), nullable=True, default=Default("literal", "it's"))),
     "sqlite", "ALTER TABLE customer ADD COLUMN note TEXT DEFAULT 'it''s';"),
    (ops.DropColumn("customer", EMAIL), "sqlite", "ALTER TABLE customer DROP COLUMN email;"),
    (ops.CreateIndex("customer", Index("ix_customer_email", ("email",), unique=True, where="email <> ''")), "postgresql",
     "CREATE UNIQUE INDEX ix_customer_email ON customer (email) WHERE email <> '';"),
    (ops.DropIndex("customer", Index("ix_customer_email", ("email",))), "sqlite", "DROP INDEX ix_customer_email;"),
    (ops.RenameIndex("customer", Index("ix_a", ("x",)), Index("ix_b", ("x",))), "postgresql", "ALTER INDEX ix_a RENAME TO ix_b;"),
    (ops.AddConstraint("invoice", ForeignKey("fk_invoice_customer_id_customer", ("customer_id",), "customer", ("id",),
                                             "set_null", "cascade")), "postgresql",
     "ALTER TABLE invoice ADD CONSTRAINT fk_invoice_customer_id_customer FOREIGN KEY (customer_id) "
     "REFERENCES customer (id) ON DELETE SET NULL ON UPDATE CASCADE;"),
    (ops.AddConstraint("customer", UniqueConstraint("uq_customer_email", ("email",))), "postgresql",
     "ALTER TABLE customer ADD CONSTRAINT uq_customer_email UNIQUE (email);"),
    (ops.DropConstraint("product", Check("ck_product_price", "price > 0")), "postgresql",
     "ALTER TABLE product DROP CONSTRAINT ck_product_price;"),
    (ops.RenameConstraint("customer", UniqueConstraint("uq_a", ("x",)), UniqueConstraint("uq_b", ("x",))), "postgresql",
     "ALTER TABLE customer RENAME CONSTRAINT uq_a TO uq_b;"),
    (ops.CreateEnum(Enum("ticket_state", ("open", "it's closed"), "ticket", "state")), "postgresql",
     "CREATE TYPE ticket_state AS ENUM ('open', 'it''s closed');"),
    (ops.RenameEnum(Enum("a_s", ("x",), "a", "s"), Enum("b_s", ("x",), "b", "s")), "postgresql", "ALTER TYPE a_s RENAME TO b_s;"),
    (ops.DropEnum(Enum("ticket_state", ("open",), "ticket", "state")), "postgresql", "DROP TYPE ticket_state;"),
    (ops.SetTableComment("customer", None, "people's data"), "postgresql", "COMMENT ON TABLE customer IS 'people''s data';"),
    (ops.SetColumnComment("customer", "email", "x", None), "postgresql", "COMMENT ON COLUMN customer.email IS NULL;"),
    (ops.SetTableComment("customer", None, "x"), "sqlite",
     "-- SQLite stores no comments: the comment of table customer is kept in the snapshot only."),
    (ops.AlterColumn("t", Column("n", ColumnType("integer")), Column("n", ColumnType("bigint"))), "postgresql",
     "ALTER TABLE t ALTER COLUMN n TYPE BIGINT USING n::BIGINT;"),
    (ops.AlterColumn("t", Column("n", ColumnType("integer"), nullable=True), Column("n", ColumnType("integer"), backfill=0)),
     "postgresql", "UPDATE t SET n = 0 WHERE n IS NULL;\nALTER TABLE t ALTER COLUMN n SET NOT NULL;"),
    (ops.AlterColumn("t", Column("n", ColumnType("integer"), default=Default("literal", 1)),
                     Column("n", ColumnType("integer"), nullable=True)), "postgresql",
     "ALTER TABLE t ALTER COLUMN n DROP DEFAULT;\nALTER TABLE t ALTER COLUMN n DROP NOT NULL;"),
    (ops.AlterColumn("ticket", Column("state", STATE), Column("state", STATE2)), "postgresql",
     "ALTER TYPE ticket_state ADD VALUE 'new' BEFORE 'open';\nALTER TYPE ticket_state ADD VALUE 'archived' AFTER 'closed';"),
    (ops.AlterColumn("ticket", Column("state", STATE2, default=Default("literal", "new")), Column("state", STATE)), "postgresql",
     "ALTER TYPE ticket_state RENAME TO ticket_state__old;\n"
     "CREATE TYPE ticket_state AS ENUM ('open', 'closed');\n"
     "ALTER TABLE ticket ALTER COLUMN state DROP DEFAULT;\n"
     "ALTER TABLE ticket ALTER COLUMN state TYPE ticket_state USING state::text::ticket_state;\n"
     "DROP TYPE ticket_state__old;"),
    (ops.AlterColumn("t", Column("id", ColumnType("integer")), Column("id", ColumnType("integer"), autoincrement=True)),
     "postgresql", "ALTER TABLE t ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;\n"
     "SELECT setval(pg_get_serial_sequence('t', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM t;"),
]


@pytest.mark.parametrize("op,dialect,expected", CASES, ids=lambda v: type(v).__name__ if isinstance(v, ops.Operation) else None)
def test_operation_renders(op, dialect, expected):
    rendered = sql_environment(dialect).get_template(op.template).render(op=op).strip()
    assert rendered == expected


@pytest.mark.parametrize("dialect, module", [("postgresql", "sqlalchemy.dialects.postgresql.psycopg"),
                                             ("sqlite", "sqlalchemy.dialects.sqlite.pysqlite")])
def test_quoting_agrees_with_sqlalchemy(dialect, module):
    """dialects/reserved.py is a copy of SQLAlchemy's lists (so rendering need not import it): keep them equal."""
    import importlib

    preparer = importlib.import_module(module).dialect().identifier_preparer
    ours = get_dialect(dialect)
    assert ours.reserved_words == preparer.reserved_words
    names = [*preparer.reserved_words, *(w.upper() for w in preparer.reserved_words), "customer", "Customer", "_x",
             "x1", "order_id", "user", "USER", "a$b", "camelCase", "snake_case_2", "t" * 63]
    for name in names:
        assert ours.quote(name) == preparer.quote(name), name


@settings(max_examples=fuzz_examples(300), deadline=None)
@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True))
def test_quoting_of_any_identifier_agrees_with_sqlalchemy(name):
    from sqlalchemy.dialects.postgresql import psycopg
    from sqlalchemy.dialects.sqlite import pysqlite

    assert get_dialect("postgresql").quote(name) == psycopg.dialect().identifier_preparer.quote(name)
    assert get_dialect("sqlite").quote(name) == pysqlite.dialect().identifier_preparer.quote(name)


def test_mysql_quoting_agrees_with_sqlalchemy_for_mysql_and_mariadb():
    """One migration runs on both servers: a word reserved by either is quoted, with backticks."""
    from sqlalchemy.dialects.mysql import pymysql
    from sqlalchemy.dialects.mysql.reserved_words import RESERVED_WORDS_MARIADB, RESERVED_WORDS_MYSQL

    ours = get_dialect("mysql")
    assert ours.reserved_words == RESERVED_WORDS_MYSQL | RESERVED_WORDS_MARIADB
    preparer = pymysql.dialect().identifier_preparer
    for name in ["customer", "Customer", "_x", "x1", "order", "user", "a$b", "camelCase", *RESERVED_WORDS_MYSQL]:
        assert ours.quote(name) == preparer.quote(name), name
    assert ours.quote("offset") == "`offset`"  # reserved by MariaDB only
