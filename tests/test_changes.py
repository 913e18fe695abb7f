"""Every kind of change, as fixture folders `before/` and `after/`, on real SQLite and PostgreSQL.

For each: create `before` and insert rows (`rows.sql`); generate the change;
apply up -> the live schema equals `after` and the rows read as `expect.sql`
says; apply down -> the live schema equals `before` and every table that both
sides keep still has its rows; finally the entities and the snapshot agree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegen.snapshot import read_snapshot
from conftest import DATABASE_FIXTURES, FIXTURES, without_mysql_unsupported

CHANGES = sorted(p.name for p in (FIXTURES / "changes").iterdir() if p.is_dir())


def _expectations(folder: Path) -> tuple[str, list[str]]:
    lines = (folder / "expect.sql").read_text().splitlines()
    query = " ".join(line for line in lines if not line.startswith("--"))
    rows = [line[3:] for line in lines if line.startswith("-- ")]
    return query, rows


def _rows(database, query: str) -> list[str]:
    def text(value):
        return "None" if value is None else str(value)
    return ["|".join(text(v) for v in row) for row in database.query(query)]


def _use(project, folder: Path) -> None:
    shutil.rmtree(project.root / "entities", ignore_errors=True)
    if (project.root / "codegen.yaml").read_text().startswith("dialect: mysql"):
        folder = without_mysql_unsupported(folder, project.root / "mysql_entities" / folder.name)
    for src in folder.glob("*.yaml"):
        project.write(f"entities/{src.name}", src.read_text())


def _snapshot(project):
    return read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema


@pytest.mark.parametrize("name", CHANGES)
def test_change_round_trip(name, database, project_factory):
    folder = FIXTURES / "changes" / name
    project = project_factory(database.dialect_name)
    _use(project, folder / "before")
    result = project.run("generate", "-m", "before")
    assert result.exit_code == 0, result.output
    before = _snapshot(project)
    database.apply(project.latest("up.sql"))
    database.apply((folder / "rows.sql").read_text())

    _use(project, folder / "after")
    result = project.run("generate", "-m", name)
    assert result.exit_code == 0, result.output
    assert "No changes" not in result.output
    after = _snapshot(project)
    up, down = project.latest("up.sql"), project.latest("down.sql")

    kept = [t.name for t in before.managed_tables if after.table(t.name) is not None]
    database.apply(up)
    database.assert_matches(after)
    query, expected_rows = _expectations(folder)
    assert _rows(database, query) == expected_rows
    counts = {t: database.query(f'SELECT count(*) FROM "{t}"') for t in kept}

    database.apply(down)
    database.assert_matches(before)
    for table, count in counts.items():
        assert database.query(f'SELECT count(*) FROM "{table}"') == count, f"rows of {table} lost by down"

    assert project.run("check").exit_code == 0  # diff(after, after) is empty
    database.apply(up)  # and up runs again after down
    database.assert_matches(after)


def test_a_column_comment_survives_add_and_drop_on_postgresql(postgres_db, project_factory):
    """Adding a column with a comment, and the down of dropping it, both write COMMENT ON COLUMN."""
    from codegen.snapshot import read_snapshot

    base = "entity: A\nfields:\n  id: {type: integer, primary_key: true}\n"
    with_note = base + "  note: {type: string, nullable: true, comment: \"hello\"}\n"
    project = project_factory("postgresql", entities={"a.yaml": base})
    snapshot = project.root / "migrations" / "schema.snapshot.json"
    assert project.run("generate", "-m", "first").exit_code == 0
    postgres_db.apply(project.latest("up.sql"))
    project.write("entities/a.yaml", with_note)
    assert project.run("generate", "-m", "add note").exit_code == 0
    postgres_db.apply(project.latest("up.sql"))
    with_comment = read_snapshot(snapshot, "s").schema
    postgres_db.assert_matches(with_comment)
    project.write("entities/a.yaml", base)
    assert project.run("generate", "-m", "drop note").exit_code == 0
    postgres_db.apply(project.latest("up.sql"))
    postgres_db.apply(project.latest("down.sql"))
    postgres_db.assert_matches(with_comment)


STATUS = """
entity: Account
fields:
  id: {type: integer, primary_key: true}
  status: {type: enum, values: [active, banned], default: active}
  email: string?
indexes:
  - {columns: [email], where: "status = 'active'"}
"""


def test_adding_an_enum_value_keeps_partial_indexes_on_postgresql(postgres_db, project_factory):
    """ADD VALUE changes the type in place: the partial index naming the column stays (no needless lock)."""
    project = project_factory("postgresql", entities={"account.yaml": STATUS})
    assert project.run("generate", "-m", "first").exit_code == 0
    postgres_db.apply(project.latest("up.sql"))
    project.write("entities/account.yaml", STATUS.replace("[active, banned]", "[active, banned, closed]"))
    assert project.run("generate", "-m", "closed").exit_code == 0
    up = project.latest("up.sql")
    assert "ADD VALUE 'closed'" in up and "DROP INDEX" not in up and "CREATE INDEX" not in up
    postgres_db.apply(up)
    postgres_db.apply(project.latest("down.sql"))


def test_unique_and_searchable_make_one_index(project_factory):
    project = project_factory("postgresql", entities={"a.yaml": "entity: A\nfields:\n  id: {type: integer, primary_key: true}\n"
                                                            "  code: {type: string, unique: true, searchable: true}\n"})
    assert project.run("generate").exit_code == 0
    up = project.latest("up.sql")
    assert "CONSTRAINT uq_a_code UNIQUE (code)" in up and "ix_a_code" not in up


@pytest.mark.parametrize("added, hazard", [
    ("  code: {type: string, nullable: true, unique: true}\n", "adding uq_a_code checks every existing row"),
    ("  n: {type: integer, default: 0}\nchecks:\n  - {name: positive, expr: \"n >= 0\"}\n", "adding ck_a_positive checks every existing row"),
])
def test_a_constraint_added_to_a_table_with_rows_is_a_hazard(project_factory, added, hazard):
    base = "entity: A\nfields:\n  id: {type: integer, primary_key: true}\n"
    project = project_factory("postgresql", entities={"a.yaml": base})
    assert project.run("generate").exit_code == 0
    assert "Hazards: none" in project.latest("up.sql")
    project.write("entities/a.yaml", base + added)
    assert project.run("generate", "-m", "more").exit_code == 0
    assert f"-- HAZARD long lock: a: {hazard}" in project.latest("up.sql")


COMPOSITE = FIXTURES / "initial" / "composite_keys" / "entities" / "shipments.yaml"


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_composite_foreign_keys_added_renamed_and_dropped(dialect, request, project_factory):
    """A composite key added to a table with rows, a column in it renamed, the key dropped: each
    migration goes up and down on the database, which must match the snapshot every time."""
    from codegen.snapshot import read_snapshot

    database = request.getfixturevalue(DATABASE_FIXTURES[dialect])
    full = COMPOSITE.read_text()
    without = full.split("    foreign_keys:")[0]
    project = project_factory(dialect, entities={"shipments.yaml": without})
    snapshot = project.root / "migrations" / "schema.snapshot.json"
    assert project.run("generate", "-m", "first").exit_code == 0
    database.apply(project.latest("up.sql"))
    database.apply("INSERT INTO warehouse (region, code, name) VALUES ('eu', 1, 'Lyon');"
                   "INSERT INTO shipment (id, region, warehouse_code) VALUES (1, 'eu', 1);")
    previous = read_snapshot(snapshot, "s").schema
    steps = [full, full.replace("warehouse_code: {type: integer}", "site_code: {type: integer, renamed_from: warehouse_code}")
             .replace("[region, warehouse_code]", "[region, site_code]"), without.replace("warehouse_code", "site_code")]
    for number, text in enumerate(steps):
        project.write("entities/shipments.yaml", text)
        result = project.run("generate", "-m", f"step {number}", env={"SOURCE_DATE_EPOCH": str(1767225700 + 100 * number)})
        assert result.exit_code == 0, result.output
        schema = read_snapshot(snapshot, "s").schema
        database.apply(project.latest("up.sql"))
        database.assert_matches(schema)
        database.apply(project.latest("down.sql"))
        database.assert_matches(previous)
        database.apply(project.latest("up.sql"))
        previous = schema
    assert database.query("SELECT region, site_code FROM shipment") == [("eu", 1)]
    assert project.run("check").exit_code == 0


def test_unsigned_refuses_a_negative_value_on_every_database(database, project_factory):
    """MySQL: INT UNSIGNED; PostgreSQL and SQLite: the check ck_<table>_<column>_unsigned."""
    project = project_factory(database.dialect_name, entities={"s.yaml": (FIXTURES / "changes" / "unsigned" / "after"
                                                                         / "entities.yaml").read_text()})
    assert project.run("generate").exit_code == 0
    database.apply(project.latest("up.sql"))
    database.apply("INSERT INTO stock (id, qty) VALUES (1, 0);")
    with pytest.raises(Exception, match="(?i)unsigned|out of range|check"):
        database.apply("INSERT INTO stock (id, qty) VALUES (2, -1);")
    assert database.query("SELECT count(*) FROM stock") == [(1,)]


def test_an_unsigned_column_renamed_keeps_its_rows_and_its_check_follows(database, project_factory):
    from codegen.snapshot import read_snapshot

    base = "entity: Stock\nfields:\n  id: {type: integer, primary_key: true}\n"
    project = project_factory(database.dialect_name, entities={"s.yaml": base + "  qty: {type: integer, unsigned: true}\n"})
    assert project.run("generate", "-m", "one").exit_code == 0
    database.apply(project.latest("up.sql"))
    database.apply("INSERT INTO stock (id, qty) VALUES (1, 5);")
    project.write("entities/s.yaml", base + "  amount: {type: integer, unsigned: true, renamed_from: qty}\n")
    result = project.run("generate", "-m", "two", env={"SOURCE_DATE_EPOCH": "1767225700"})
    assert result.exit_code == 0, result.output
    after = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    database.apply(project.latest("up.sql"))
    database.assert_matches(after)
    assert database.query("SELECT amount FROM stock") == [(5,)]
    with pytest.raises(Exception, match="(?i)unsigned|out of range|check"):
        database.apply("INSERT INTO stock (id, amount) VALUES (2, -1);")
    database.apply(project.latest("down.sql"))
    assert database.query("SELECT qty FROM stock") == [(5,)]


def test_an_index_that_takes_over_a_foreign_keys_index_is_created_before_the_old_one_goes(database, project_factory):
    """Found by the state machine on MySQL, which refuses to drop the index a foreign key uses:
    a declared index leading with the key's column replaces the automatic one."""
    from codegen.snapshot import read_snapshot

    parent = "entity: P\nfields:\n  id: {type: integer, primary_key: true}\n"
    child = "entity: C\nfields:\n  id: {type: integer, primary_key: true}\n  p_id: {type: integer, references: P}\n  n: integer\n"
    project = project_factory(database.dialect_name, entities={"p.yaml": parent, "c.yaml": child})
    assert project.run("generate", "-m", "one").exit_code == 0
    before = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    database.apply(project.latest("up.sql"))
    project.write("entities/c.yaml", child + "indexes:\n  - columns: [p_id, n]\n")
    assert project.run("generate", "-m", "two", env={"SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    after = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    up, down = project.latest("up.sql"), project.latest("down.sql")
    database.apply(up)
    database.assert_matches(after)
    database.apply(down)
    database.assert_matches(before)
    database.apply(up)
    database.assert_matches(after)
