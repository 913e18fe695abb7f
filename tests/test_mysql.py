"""What only MySQL/MariaDB does, on a real MariaDB server: table options, the input errors for
what it cannot hold, literals with backslashes, the non-transactional hazard and lint.

Everything else (every kind of change, the runner, the state machine) runs on MySQL through
the `database` fixture in the other test files.
"""

from __future__ import annotations

import pytest

from conftest import EXAMPLES, FIXTURES, MySQLDatabase, require_mysql

ITEM = """
entity: Item
fields:
  id: {type: integer, primary_key: true, autoincrement: true}
  path: {type: string, length: 100, default: 'C:\\temp\\it''s'}
  label: {type: string, length: 40, nullable: true}
"""


def test_table_options_come_from_codegen_yaml(mysql_db: MySQLDatabase, project_factory):
    project = project_factory("mysql", entities={"item.yaml": ITEM})
    project.write("codegen.yaml", "dialect: mysql\nmysql: {engine: InnoDB, charset: utf8mb4, collation: utf8mb4_bin}\n")
    assert project.run("generate", "-m", "items").exit_code == 0
    assert "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;" in project.latest("up.sql")
    assert project.run("migrate", "--db", mysql_db.runner_url).exit_code == 0
    assert mysql_db.query("SELECT engine, table_collation FROM information_schema.tables "
                          "WHERE table_schema = DATABASE() AND table_name = 'item'") == [("InnoDB", "utf8mb4_bin")]


def test_the_default_table_options(project_factory):
    project = project_factory("mysql", entities={"item.yaml": ITEM})
    assert project.run("generate").exit_code == 0
    assert ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;" in project.latest("up.sql")


@pytest.mark.parametrize("setting, message", [
    ("mysql: {engin: InnoDB}", "codegen.yaml:2:9: error: unknown setting `mysql.engin`"),
    ("mysql: {charset: 'utf8; DROP'}", "codegen.yaml:2:18: error: invalid value for `mysql.charset`"),
    ("mysql: InnoDB", "codegen.yaml:2:8: error: `mysql:` must be a mapping"),
])
def test_bad_table_options_are_input_errors(project_factory, setting, message):
    project = project_factory("mysql", entities={"item.yaml": ITEM})
    project.write("codegen.yaml", f"dialect: mysql\n{setting}\n")
    result = project.run("generate")
    assert result.exit_code == 2 and result.exception is None
    assert message in result.output


def test_a_backslash_in_a_literal_is_kept(mysql_db: MySQLDatabase, project_factory):
    """MySQL reads a backslash in a string literal as an escape: codegen doubles it."""
    project = project_factory("mysql", entities={"item.yaml": ITEM})
    assert project.run("generate").exit_code == 0
    assert "DEFAULT 'C:\\\\temp\\\\it''s'" in project.latest("up.sql")
    assert project.run("migrate", "--db", mysql_db.runner_url).exit_code == 0
    mysql_db.apply("INSERT INTO item (label) VALUES ('x');")
    assert mysql_db.query("SELECT path FROM item") == [("C:\\temp\\it's",)]


@pytest.mark.parametrize("entity, message", [
    ("  note: {type: text, searchable: true}\n", "index ix_item_note covers `note` (text): MySQL indexes only"),
    ("  code: {type: string, length: 1000, unique: true}\n", "InnoDB keys hold at most 3072 bytes, 768 characters"),
    ("indexes:\n  - {columns: [label], where: \"label <> ''\"}\n", "MySQL has no partial indexes"),
    ("  parent_id: {type: integer, references: Item, on_delete: set_default, nullable: true}\n",
     "InnoDB refuses SET DEFAULT"),
    ("  parent_id: {type: integer, references: Item, index: false, nullable: true}\n",
     "has no index: MySQL needs one"),
])
def test_what_mysql_cannot_hold_is_an_input_error(project_factory, entity, message):
    project = project_factory("mysql", entities={"item.yaml": ITEM + entity})
    before = project.files()
    result = project.run("generate")
    assert result.exit_code == 2 and result.exception is None, result.output
    assert message in result.output and "entities/item.yaml:" in result.output and "fix:" in result.output
    assert project.files() == before


def test_a_migration_of_several_statements_says_it_is_not_atomic_and_lint_says_how_to_recover(project_factory):
    project = project_factory("mysql", entities={"item.yaml": ITEM})
    assert project.run("generate", "-m", "one").exit_code == 0
    assert "HAZARD non-transactional" not in project.latest("up.sql")  # one CREATE TABLE: atomic
    project.write("entities/item.yaml", ITEM + "  size: {type: integer, backfill: 1}\n  color: string?\n")
    assert project.run("generate", "-m", "two").exit_code == 0
    up = project.latest("up.sql")
    name = project.migrations()[-1].name
    assert f"-- HAZARD non-transactional: {name}: mysql commits each of these 4 statements on its own" in up
    assert "BEGIN" not in up and "COMMIT" not in up
    lint = project.run("lint")
    assert lint.exit_code == 1
    assert "if a statement fails, the statements before it stay applied" in lint.output
    assert f"-- ACK non-transactional: {name}" in lint.output


TICKET = "entity: Ticket\nfields:\n  id: {type: integer, primary_key: true}\n  state: {type: enum, values: [%s]}\n"


@pytest.mark.parametrize("dialect, values, rewrite", [
    ("mysql", "open, closed, waiting", None),  # appended: the stored positions stay
    ("mysql", "open, waiting, closed", "MODIFY COLUMN copies the table, storing each value by its new position"),
    ("postgresql", "open, waiting, closed", None),  # ADD VALUE 'waiting' BEFORE 'closed', in place
    ("postgresql", "closed, open", "the enum type is rebuilt and the column cast to it"),
])
def test_an_enum_change_says_whether_it_rewrites_the_table_on_its_database(project_factory, dialect, values, rewrite):
    project = project_factory(dialect, entities={"ticket.yaml": TICKET % "open, closed"})
    assert project.run("generate", "-m", "first").exit_code == 0
    project.write("entities/ticket.yaml", TICKET % values)
    result = project.run("generate", "-m", "values", env={"SOURCE_DATE_EPOCH": "1767225700"})
    assert result.exit_code == 0, result.output
    up, down = project.latest("up.sql"), project.latest("down.sql")
    if rewrite is None:
        assert "HAZARD table rewrite" not in up
    else:
        assert f"-- HAZARD table rewrite: ticket.state: {rewrite}" in up
    # down removes a value: MySQL copies the table, PostgreSQL rebuilds the type
    assert "HAZARD table rewrite: ticket.state" in down


def test_mysql_urls_and_the_driver_extra(project_factory, tmp_path):
    project = project_factory("mysql", entities={"item.yaml": ITEM})
    assert project.run("generate").exit_code == 0
    missing = project.run("status", "--db", "mysql+mysqldb://u:p@127.0.0.1/db")
    assert missing.exit_code == 2 and "pip install 'codegen[mysql]'" in missing.output
    unreachable = project.run("status", "--db", "mysql://u:p@127.0.0.1:1/db")
    assert unreachable.exit_code == 2 and "cannot connect" in unreachable.output


def test_the_shop_example_says_what_mysql_refuses(project_factory):
    project = project_factory("mysql", copy_from=EXAMPLES / "shop" / "entities")
    result = project.run("generate")
    assert result.exit_code == 2
    assert "MySQL has no partial indexes" in result.output and "needs a length" in result.output


SAMPLE = FIXTURES / "samples" / "employees"


def _without_names(live: dict) -> dict:
    """The live schema with the names of keys and indexes left out: MySQL names what the sample's
    DDL leaves unnamed (dept_manager_ibfk_1, dept_name), codegen names everything."""
    tables = {}
    for name, t in live["tables"].items():
        tables[name] = {**t, "foreign_keys": sorted(fk[1:] for fk in t["foreign_keys"]),
                        "uniques": sorted(u[1] for u in t["uniques"]),
                        "indexes": sorted(ix[1:] for ix in t["indexes"])}
    return {"tables": tables, "enums": live["enums"]}


def test_a_public_sample_schema_round_trips_with_the_documented_differences(mysql_db, project_factory):
    """MySQL's "employees" sample: its DDL on one database, the entities written for it generated
    and migrated on another; the reflected schemas differ only where docs/dialects.md says."""
    from codegen.live import differences

    original = MySQLDatabase(require_mysql())
    original.create()
    try:
        original.apply((SAMPLE / "schema.sql").read_text(encoding="utf-8"))
        project = project_factory("mysql", copy_from=SAMPLE / "entities")
        assert project.run("generate", "-m", "employees").exit_code == 0
        result = project.run("migrate", "--db", mysql_db.runner_url)
        assert result.exit_code == 0, result.output
        ours = mysql_db.live(ignore=("codegen_migrations",))
        theirs = original.live()
    finally:
        original.drop()
    found = differences(_without_names(theirs), _without_names(ours))
    assert found == []  # CHAR(4) is the format's `char` since issue 20
