"""`codegen drift`: a live database read back and compared with the snapshot or the entities.

On every database: right after the migrations ran, every fixture shows no drift (so drift
names nothing that is not there); each kind of change made by hand is named in the differ's
words; the statements `--format sql` prints bring the database back, after which drift finds
nothing; and the seed case, a field no migration created, is found with `--against entities`.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import EXAMPLES, FIXTURES, Project, make_project
from test_alembic import use

INITIAL = sorted(p.name for p in (FIXTURES / "initial").iterdir()) + ["example_shop"]


def migrated(tmp_path, database, folder) -> Project:
    project = make_project(tmp_path / "p", database.dialect_name)
    use(project, folder)
    result = project.run("generate", "-m", "first")
    assert result.exit_code == 0, result.output
    setup = folder.parent / "setup.sql"
    if setup.exists():
        database.apply(setup.read_text())
    database.apply(project.latest("up.sql"))
    return project


@pytest.mark.parametrize("name", INITIAL)
def test_no_drift_right_after_the_migrations(name, database, tmp_path):
    folder = EXAMPLES / "shop" / "entities" if name == "example_shop" else FIXTURES / "initial" / name / "entities"
    project = migrated(tmp_path, database, folder)
    result = project.run("drift", "--db", database.runner_url)
    assert result.exit_code == 0, result.output
    assert "OK: the database matches migrations/schema.snapshot.json." in result.output
    assert project.run("drift", "--db", database.runner_url, "--against", "entities").exit_code == 0


# Changes made by hand to the shop, per database (SQLite cannot change a type or a check in place),
# and what drift says the database would need to match the snapshot again.
BY_HAND = {
    "column added": ({"*": "ALTER TABLE customers ADD COLUMN branch_name VARCHAR(20);"},
                     "- drop column customers.branch_name"),
    "column dropped": ({"*": "ALTER TABLE products DROP COLUMN weight_kg;"}, "+ add column products.weight_kg float NULL"),
    "type changed": ({"postgresql": "ALTER TABLE countries ALTER COLUMN name TYPE VARCHAR(200);",
                      "mysql": "ALTER TABLE countries MODIFY name VARCHAR(200) NOT NULL;"},
                     "~ alter column countries.name: type string(200) -> string(100)"),
    "index dropped": ({"postgresql": "DROP INDEX ix_customers_status;", "sqlite": "DROP INDEX ix_customers_status;",
                       "mysql": "DROP INDEX ix_customers_status ON customers;"},
                      "+ create index ix_customers_status on customers (status)"),
    "check changed": ({"postgresql": "ALTER TABLE order_items DROP CONSTRAINT ck_order_items_quantity_positive; "
                                     "ALTER TABLE order_items ADD CONSTRAINT ck_order_items_quantity_positive CHECK (quantity > 1);",
                       "mysql": "ALTER TABLE order_items DROP CONSTRAINT ck_order_items_quantity_positive; "
                                "ALTER TABLE order_items ADD CONSTRAINT ck_order_items_quantity_positive CHECK (quantity > 1);"},
                      "+ add check ck_order_items_quantity_positive on order_items"),
    "enum value added": ({"postgresql": "ALTER TYPE customers_status ADD VALUE 'vip';",
                          "mysql": "ALTER TABLE customers MODIFY status ENUM('active', 'banned', 'vip') NOT NULL DEFAULT 'active';"},
                         "~ alter column customers.status: type enum(active, banned, vip) -> enum(active, banned)"),
}


def test_each_change_made_by_hand_is_named_and_the_sql_brings_it_back(database, tmp_path):
    project = migrated(tmp_path, database, EXAMPLES / "shop" / "entities")
    expected = []
    for statements, said in BY_HAND.values():
        sql = statements.get(database.dialect_name, statements.get("*"))
        if sql is not None:
            for statement in sql.split("; "):
                database.apply(statement.rstrip(";") + ";")
            expected.append(said)
    result = project.run("drift", "--db", database.runner_url)
    assert result.exit_code == 1, result.output
    for said in expected:
        assert said in result.output, (said, result.output)
    report = json.loads(project.run("drift", "--db", database.runner_url, "--format", "json").output)
    assert report["equal"] is False and len(report["changes"]) >= len(expected)
    assert any("HAZARD data loss: customers.branch_name" in h for c in report["changes"] for h in c["hazards"])

    back = project.run("drift", "--db", database.runner_url, "--format", "sql")
    assert back.exit_code == 1 and "-- HAZARD data loss: customers.branch_name" in back.output
    database.apply(back.output)
    result = project.run("drift", "--db", database.runner_url)
    assert result.exit_code == 0, result.output


def test_the_seed_case_a_field_no_migration_created(database, tmp_path):
    """The model gained `branch_name`, nobody generated the migration, and production broke on a
    query: the database matches the snapshot, but not the entities, and drift says which field."""
    project = migrated(tmp_path, database, EXAMPLES / "shop" / "entities")
    customers = project.root / "entities" / "customers.yaml"
    text = customers.read_text()
    nickname = re.search(r"^( +)nickname: .*$", text, re.MULTILINE)
    field = f"\n{nickname[1]}branch_name: {{type: string, length: 40, nullable: true}}"
    customers.write_text(text[:nickname.end()] + field + text[nickname.end():])
    assert project.run("drift", "--db", database.runner_url).exit_code == 0
    result = project.run("drift", "--db", database.runner_url, "--against", "entities")
    assert result.exit_code == 1
    assert "+ add column customers.branch_name string(40) NULL" in result.output
    assert "The database differs from entities/" in result.output and "codegen generate" in result.output


def test_a_database_drift_cannot_read_is_exit_2(tmp_path):
    project = make_project(tmp_path / "p", "sqlite", {"customer.yaml": "entity: Customer\nfields:\n  id: "
                                                                       "{type: integer, primary_key: true}\n"})
    assert project.run("generate").exit_code == 0
    result = project.run("drift")
    assert result.exit_code == 2 and result.exception is None and "no database to compare" in result.output
    result = project.run("drift", "--db", f"sqlite:///{tmp_path / 'missing.db'}")
    assert result.exit_code == 2 and "missing.db does not exist" in result.output
    assert not (tmp_path / "missing.db").exists()
    result = project.run("drift", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.exit_code == 2 and result.exception is None
