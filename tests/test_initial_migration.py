"""The initial migration of every example and fixture set, applied to real databases.

generate -> up.sql on an empty database -> the reflected schema equals the
model -> down.sql -> the database is empty again.
"""

from __future__ import annotations


import pytest

from codegen.snapshot import read_snapshot
from codegen.dialects import get_dialect
from conftest import EXAMPLES, FIXTURES, without_mysql_unsupported

SETS = {
    "example_shop": EXAMPLES / "shop" / "entities",
    **{f"fixture_{p.name}": p / "entities" for p in sorted((FIXTURES / "initial").iterdir())},
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_initial_migration_round_trip(name, database, project_factory, tmp_path):
    entities = SETS[name]
    source = entities
    if database.dialect_name == "mysql":
        source = without_mysql_unsupported(entities, tmp_path / "mysql_entities")
    project = project_factory(database.dialect_name, copy_from=source)
    result = project.run("generate", "-m", "initial")
    assert result.exit_code == 0, result.output
    assert result.exception is None

    setup = entities.parent / "setup.sql"
    if setup.exists():  # tables that `external: true` entities describe, made by someone else
        database.apply(setup.read_text())
    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    external = tuple(t.name for t in schema.tables if t.external)

    database.apply(project.latest("up.sql"))
    database.assert_matches(schema)

    database.apply(project.latest("down.sql"))
    database.assert_empty(ignore=external)


def test_rows_fit_the_created_tables(database, project_factory, tmp_path):
    """Defaults, identities and foreign keys work for real rows, not only in the catalog."""
    source = EXAMPLES / "shop" / "entities"
    if database.dialect_name == "mysql":
        source = without_mysql_unsupported(source, tmp_path / "mysql_entities")
    project = project_factory(database.dialect_name, copy_from=source)
    order = get_dialect(database.dialect_name).quote("order")
    assert project.run("generate").exit_code == 0
    database.apply(project.latest("up.sql"))
    database.apply(f"""
        INSERT INTO countries (code, name) VALUES ('NL', 'Netherlands');
        INSERT INTO customers (email, name, country_code) VALUES ('a@example.com', 'Ann', 'NL');
        INSERT INTO products (sku, title, price) VALUES ('SKU-1', 'Tea', 3.50);
        INSERT INTO {order} (customer_id, reference) VALUES (1, '6f1c9d2e-8f5e-4c31-9f7a-3c1f0f4b8a11');
        INSERT INTO order_items (order_id, product_id) VALUES (1, 1);
    """)
    assert database.query("SELECT status, balance, quantity FROM customers, order_items") == [("active", 0, 1)]
    with pytest.raises(Exception):
        database.apply("INSERT INTO order_items (order_id, product_id, quantity) VALUES (1, 1, 0);")
    database.apply("DELETE FROM customers;")  # cascades to order, then to order_items
    assert database.query("SELECT count(*) FROM order_items") == [(0,)]


def test_cycle_closes_with_alter_table_on_postgresql(project_factory):
    project = project_factory("postgresql", copy_from=FIXTURES / "initial" / "cycle" / "entities")
    assert project.run("generate").exit_code == 0
    up, down = project.latest("up.sql"), project.latest("down.sql")
    create_author, create_book = up.index("CREATE TABLE author"), up.index("CREATE TABLE book")
    add_fk = up.index("ALTER TABLE author ADD CONSTRAINT fk_author_favourite_book_id_book")
    assert create_author < create_book < add_fk
    assert down.index("ALTER TABLE author DROP CONSTRAINT fk_author_favourite_book_id_book") < down.index("DROP TABLE book")


def test_long_names_are_cut_with_a_stable_hash(project_factory):
    project = project_factory("postgresql", copy_from=FIXTURES / "initial" / "long_names" / "entities")
    assert project.run("generate").exit_code == 0
    up = project.latest("up.sql")
    names = [word for line in up.splitlines() for word in line.replace("(", " ").split() if word.startswith(("uq_", "fk_", "ix_", "pk_"))]
    assert names and all(len(n) <= 63 for n in names)
    assert any(len(n) == 63 for n in names)  # at least one was cut


def test_files_are_byte_identical_for_the_same_input(project_factory):
    texts = []
    for _ in range(2):
        project = project_factory("postgresql", copy_from=EXAMPLES / "shop" / "entities")
        assert project.run("generate", "-m", "create shop", env={"SOURCE_DATE_EPOCH": "1700000000"}).exit_code == 0
        texts.append({k: v for k, v in project.files().items() if k.startswith("migrations/")})
    assert texts[0] == texts[1]
    assert "migrations/20231114221320_create_shop/up.sql" in texts[0]
    assert b"-- created:   2023-11-14T22:13:20Z" in texts[0]["migrations/20231114221320_create_shop/up.sql"]


def test_migration_header_says_what_changes(project_factory):
    project = project_factory("postgresql", copy_from=EXAMPLES / "shop" / "entities")
    project.run("generate", "-m", "create shop")
    up = project.latest("up.sql")
    head = up.split("BEGIN;")[0]
    for line in ("-- id:        20260101000000", "-- parent:    none", "-- dialect:   postgresql",
                 "-- generator: codegen", "--   + create table customers (13 columns)", "-- Hazards: none"):
        assert line in head
    assert up.rstrip().endswith("COMMIT;")
    down = project.latest("down.sql")
    assert "-- HAZARD data loss: customers: the table and all its rows are deleted" in down


@pytest.mark.parametrize("tamper", [
    "ALTER TABLE countries ADD COLUMN extra INTEGER",
    "DROP INDEX ix_customers_country_code_created_at",
    "CREATE INDEX ix_extra ON customers (name)",
    "ALTER TABLE countries RENAME COLUMN name TO title",
])
def test_the_comparison_notices_a_tampered_database(tamper, database, project_factory, tmp_path):
    """The live-schema comparison the other tests rely on can fail."""
    source = EXAMPLES / "shop" / "entities"
    if database.dialect_name == "mysql":
        source = without_mysql_unsupported(source, tmp_path / "mysql_entities")
        tamper = tamper.replace("DROP INDEX ix_customers_country_code_created_at",
                                "DROP INDEX ix_customers_status ON customers")  # the other backs a foreign key
    project = project_factory(database.dialect_name, copy_from=source)
    assert project.run("generate").exit_code == 0
    database.apply(project.latest("up.sql"))
    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    database.apply(tamper + ";")
    with pytest.raises(AssertionError, match="live schema differs"):
        database.assert_matches(schema)
