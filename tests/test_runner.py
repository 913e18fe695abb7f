"""`codegen migrate`, `rollback`, `status`, `stamp` on real databases, driven from the CLI.

Each test builds a chain of migrations with `codegen generate`, keeps the
snapshot each one produced, and compares the live schema with that snapshot
after every step. Concurrency and crashes: test_runner_concurrency.py.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import DATABASE_FIXTURES, Database, Project

from codegen.dialects import get_dialect
from codegen.model import Schema
from codegen.snapshot import parse_snapshot

CUSTOMER = """
entity: Customer
fields:
  id: {type: integer, primary_key: true, autoincrement: true}
  name: string
"""
ORDER = """
entity: Order
table: orders
fields:
  id: {type: integer, primary_key: true, autoincrement: true}
  customer_id: {type: integer, references: Customer, on_delete: cascade}
  total: {type: decimal, precision: 10, scale: 2, default: 0}
"""


class Chain:
    """A project whose migrations were generated one by one, with the schema after each."""

    def __init__(self, project: Project, database: Database):
        self.project, self.database = project, database
        self.schemas: list[Schema] = []  # after migration 1, 2, ...
        self.snapshot_texts: list[str] = []

    def generate(self, message: str, env: dict | None = None) -> str:
        result = self.project.run("generate", "-m", message, env=env)
        assert result.exit_code == 0, result.output
        text = (self.project.root / "migrations" / "schema.snapshot.json").read_text(encoding="utf-8")
        self.schemas.append(parse_snapshot(text, "snapshot").schema)
        self.snapshot_texts.append(text)
        return self.project.migrations()[-1].name

    def run(self, *args: str, env: dict | None = None):
        return self.project.run(*args, "--db", self.database.runner_url, env=env)

    def history(self) -> list[tuple]:
        return [tuple(r) for r in self.database.query(
            "SELECT id, name, checksum, dirty FROM codegen_migrations ORDER BY id")]

    def names(self) -> list[str]:
        return [row[1] for row in self.history()]


def build_chain(project_factory, database: Database) -> Chain:
    """Three migrations: create customer; add a column and the orders table; rename the column."""
    project = project_factory(database.dialect_name, entities={"customer.yaml": CUSTOMER})
    chain = Chain(project, database)
    chain.generate("create customer")
    project.write("entities/customer.yaml", CUSTOMER + "  nickname: string?\n")
    project.write("entities/order.yaml", ORDER)
    chain.generate("add orders")
    project.write("entities/customer.yaml", CUSTOMER + "  nick: {type: string, nullable: true, renamed_from: nickname}\n")
    chain.generate("rename nickname")
    return chain


@pytest.fixture
def chain(project_factory, database) -> Chain:
    return build_chain(project_factory, database)


def test_forward_rollback_and_rerun_keep_rows_and_match_each_snapshot(chain):
    db, (first, second, third) = chain.database, chain.project.migrations()
    result = chain.run("migrate", "--to", first.name)
    assert result.exit_code == 0, result.output
    assert f"up   1/1 {first.name}" in result.output and f"the database is at {first.name}" in result.output
    db.assert_matches(chain.schemas[0], ignore=("codegen_migrations",))
    db.apply("INSERT INTO customer (name) VALUES ('Ada');")

    result = chain.run("migrate", "--to", second.name[:14])  # an id works as well as a name
    assert result.exit_code == 0, result.output
    db.assert_matches(chain.schemas[1], ignore=("codegen_migrations",))
    db.apply("UPDATE customer SET nickname = 'ada'; INSERT INTO orders (customer_id, total) VALUES (1, 9.5);")

    result = chain.run("migrate")
    assert result.exit_code == 0, result.output
    assert "Applied 1 migration" in result.output and "The live schema matches the snapshot." in result.output
    db.assert_matches(chain.schemas[2], ignore=("codegen_migrations",))
    assert db.query("SELECT name, nick FROM customer") == [("Ada", "ada")]
    history = chain.history()
    assert [row[1] for row in history] == [first.name, second.name, third.name]
    assert all(len(row[2]) == 64 and not row[3] for row in history)

    again = chain.run("migrate")
    assert again.exit_code == 0 and "Nothing to migrate" in again.output
    assert chain.history() == history

    result = chain.run("rollback")
    assert result.exit_code == 0, result.output
    assert f"down 1/1 {third.name}" in result.output
    db.assert_matches(chain.schemas[1], ignore=("codegen_migrations",))
    assert db.query("SELECT name, nickname FROM customer") == [("Ada", "ada")]
    assert chain.names() == [first.name, second.name]

    result = chain.run("rollback", "--to", first.name)
    assert result.exit_code == 0, result.output
    db.assert_matches(chain.schemas[0], ignore=("codegen_migrations",))
    assert db.query("SELECT name FROM customer") == [("Ada",)]
    result = chain.run("rollback", "--to", "base")
    assert result.exit_code == 0 and "no migration is applied" in result.output
    db.assert_empty(ignore=("codegen_migrations",))
    assert chain.history() == []


def test_rollback_by_steps_and_status(chain):
    names = [m.name for m in chain.project.migrations()]
    assert chain.run("migrate").exit_code == 0
    result = chain.run("rollback", "--steps", "2")
    assert result.exit_code == 0, result.output
    assert "Rolled back 2 migrations" in result.output
    chain.database.assert_matches(chain.schemas[0], ignore=("codegen_migrations",))
    status = chain.run("status")
    assert status.exit_code == 0
    assert f"Applied (1):\n  {names[0]}" in status.output and f"Pending (2):\n  {names[1]}\n  {names[2]}" in status.output
    report = json.loads(chain.run("status", "--format", "json").output)
    assert report["ok"] and [m["name"] for m in report["applied"]] == names[:1]
    assert [m["name"] for m in report["pending"]] == names[1:]


def test_dry_run_prints_the_sql_and_changes_nothing(chain):
    db = chain.database
    first = chain.project.migrations()[0]
    assert chain.run("migrate", "--to", first.name).exit_code == 0
    before = (db.live(), chain.history())
    result = chain.run("migrate", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "ALTER TABLE customer ADD COLUMN nickname" in result.output and "RENAME" in result.output
    assert result.output.index("CREATE TABLE orders") < result.output.index("RENAME")  # in order
    if get_dialect(db.dialect_name).transactional_ddl:
        assert "in codegen_migrations here, in the same transaction" in result.output
    else:  # MySQL: every statement commits itself
        assert "in codegen_migrations as dirty here; this file runs statement by statement" in result.output
    down = chain.run("rollback", "--dry-run")
    assert down.exit_code == 0 and "DROP TABLE customer" in down.output
    assert (db.live(), chain.history()) == before


def test_dry_run_on_a_new_sqlite_file_creates_nothing(project_factory, tmp_path):
    project = project_factory("sqlite", entities={"customer.yaml": CUSTOMER})
    assert project.run("generate", "-m", "first").exit_code == 0
    target = tmp_path / "new.db"
    for command in (("migrate", "--dry-run"), ("status",), ("rollback", "--dry-run")):
        result = project.run(*command, "--db", f"sqlite:///{target}")
        assert result.exit_code == 0, result.output
    assert "CREATE TABLE IF NOT EXISTS codegen_migrations" in project.run(
        "migrate", "--dry-run", "--db", f"sqlite:///{target}").output
    assert not target.exists()


def test_an_edited_migration_is_refused_before_anything_runs(chain):
    third = chain.project.migrations()[2] / "up.sql"
    third.write_text(third.read_text(encoding="utf-8").replace("RENAME", "RENAME  "), encoding="utf-8")
    result = chain.run("migrate")
    assert result.exit_code == 1
    assert f"migrations/{third.parent.name}/up.sql: {third.parent.name}/up.sql was changed after it was generated" \
        in result.output
    assert "codegen rehash" in result.output
    chain.database.assert_empty()  # not even the history table


def test_a_migration_edited_after_it_was_applied_is_refused_until_restored_or_stamped(chain):
    first = chain.project.migrations()[0]
    assert chain.run("migrate", "--to", first.name).exit_code == 0
    up_sql = first / "up.sql"
    original = up_sql.read_text(encoding="utf-8")
    up_sql.write_text(original + "-- reviewed again\n", encoding="utf-8")
    assert chain.project.run("rehash").exit_code == 0  # the edit passed review: codegen.sum accepts it
    for command in ("migrate", "status"):
        result = chain.run(command)
        assert result.exit_code == 1, result.output
        assert f"migrations/{first.name}/up.sql: changed after it was applied to this database" in result.output
        assert f"codegen stamp {first.name[:14]}" in result.output
    assert chain.names() == [first.name]
    assert chain.run("stamp", first.name[:14]).exit_code == 0  # the database does hold the edited file's schema
    result = chain.run("migrate")
    assert result.exit_code == 0, result.output
    chain.database.assert_matches(chain.schemas[2], ignore=("codegen_migrations",))


def test_status_names_missing_and_newer_applied_migrations(chain):
    assert chain.run("migrate").exit_code == 0
    project = chain.project
    # The last migration is reverted in version control (its files, the snapshot, the entity),
    # after it was applied; then another change is generated in its place.
    snapshot = project.root / "migrations" / "schema.snapshot.json"
    reverted = project.migrations()[-1]
    shutil.rmtree(reverted)
    snapshot.write_text(chain.snapshot_texts[1], encoding="utf-8")
    project.write("entities/customer.yaml", CUSTOMER + "  nickname: string?\n  email: string?\n")
    assert project.run("rehash").exit_code == 0
    chain.generate("add email", env={"SOURCE_DATE_EPOCH": "1767229200"})  # an hour later
    false = get_dialect(chain.database.dialect_name).literal(False)
    chain.database.apply("INSERT INTO codegen_migrations (id, name, checksum, applied_at, execution_ms, codegen_version, "
                         f"dirty) VALUES ('29990101000000', '29990101000000_future', 'x', CURRENT_TIMESTAMP, 1, '9.9', {false});")
    result = chain.run("status")
    assert result.exit_code == 1
    assert f"{reverted.name}: applied to this database, but its files are missing" in result.output
    assert "29990101000000_future: applied to this database, but newer than every migration here" in result.output
    report = json.loads(chain.run("status", "--format", "json").output)
    assert {p["code"] for p in report["problems"]} == {"applied-missing", "history-ahead"}
    assert [m["name"] for m in report["pending"]] == [project.migrations()[-1].name]
    assert chain.run("migrate").exit_code == 1
    assert len(chain.history()) == 4


@pytest.fixture(params=["sqlite", "postgresql"])
def transactional_chain(request, project_factory) -> Chain:
    """The chain on the databases whose DDL runs in transactions (MySQL's commits itself: there a
    failure leaves the migration dirty, as test_a_file_without_one_transaction... shows)."""
    return build_chain(project_factory, request.getfixturevalue(DATABASE_FIXTURES[request.param]))


def test_a_failing_migration_is_rolled_back_with_its_history_row(transactional_chain):
    chain = transactional_chain
    first, second, _ = chain.project.migrations()
    up_sql = second / "up.sql"
    up_sql.write_text(up_sql.read_text(encoding="utf-8").replace(
        "COMMIT;", "INSERT INTO missing_table VALUES (1);\n\nCOMMIT;"), encoding="utf-8")
    assert chain.project.run("rehash").exit_code == 0
    result = chain.run("migrate")
    assert result.exit_code == 1
    assert f"{second.name}/up.sql statement" in result.output and "missing_table" in result.output
    assert "rolled back" in result.output
    assert chain.names() == [first.name]
    chain.database.assert_matches(chain.schemas[0], ignore=("codegen_migrations",))


def test_a_file_without_one_transaction_is_dirty_when_it_fails_until_stamped(chain):
    first, second, _ = chain.project.migrations()
    up_sql = second / "up.sql"
    text = up_sql.read_text(encoding="utf-8").replace("BEGIN;", "").replace("COMMIT;", "")
    up_sql.write_text(text + "\nINSERT INTO missing_table VALUES (1);\n", encoding="utf-8")
    assert chain.project.run("rehash").exit_code == 0
    result = chain.run("migrate")
    assert result.exit_code == 1
    assert "the history marks it dirty" in result.output
    assert [(row[1], bool(row[3])) for row in chain.history()] == [(first.name, False), (second.name, True)]
    status = chain.run("status")
    assert status.exit_code == 1 and "DIRTY" in status.output
    assert f"{second.name}: did not finish" in status.output and "missing_table" in status.output
    assert f"codegen stamp {second.name[:14]}" in status.output and f"codegen stamp {first.name[:14]}" in status.output
    refused = chain.run("migrate")
    assert refused.exit_code == 1 and chain.names() == [first.name, second.name]

    # Every change of the migration did run (only the extra statement failed): the user says so.
    chain.database.assert_matches(chain.schemas[1], ignore=("codegen_migrations",))
    stamped = chain.run("stamp", second.name)
    assert stamped.exit_code == 0, stamped.output
    assert f"recorded {second.name} as applied" in stamped.output
    assert [bool(row[3]) for row in chain.history()] == [False, False]
    up_sql.write_text(text, encoding="utf-8")  # and the file is repaired for the next database
    assert chain.project.run("rehash").exit_code == 0
    assert chain.run("stamp", second.name).exit_code == 0  # records the repaired file's checksum
    result = chain.run("migrate")
    assert result.exit_code == 0, result.output
    chain.database.assert_matches(chain.schemas[2], ignore=("codegen_migrations",))


def test_stamp_adopts_a_database_that_already_holds_the_schema(chain):
    db = chain.database
    for migration in chain.project.migrations():
        db.apply((migration / "up.sql").read_text(encoding="utf-8"))  # applied by hand, as before codegen
    result = chain.run("stamp", chain.project.migrations()[-1].name)
    assert result.exit_code == 0, result.output
    assert len(chain.history()) == 3
    result = chain.run("migrate")
    assert result.exit_code == 0 and "Nothing to migrate" in result.output
    assert "The live schema matches the snapshot." in result.output
    assert chain.run("stamp", "base").exit_code == 0 and chain.history() == []


def test_drift_after_migrating_is_reported_and_nothing_is_undone(chain):
    assert chain.run("migrate").exit_code == 0
    chain.database.apply("ALTER TABLE customer ADD COLUMN branch_name TEXT;")
    result = chain.run("migrate")
    assert result.exit_code == 1
    assert "the database differs from migrations/schema.snapshot.json" in result.output
    assert "customer.columns.branch_name" in result.output
    assert len(chain.history()) == 3


def test_a_held_lock_makes_a_second_runner_wait_then_give_up(chain):
    db = chain.database
    if db.dialect_name == "sqlite":
        holder = sqlite3.connect(db.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    elif db.dialect_name == "mysql":
        holder = db._connect(db.name)
        holder.cursor().execute("SELECT GET_LOCK(CONCAT('codegen_migrations.', DATABASE()), 0)")
    else:
        import psycopg

        holder = psycopg.connect(db.url, autocommit=True, options=f"-c search_path={db.schema_name}")
        from codegen.dialects.postgresql import RUNNER_LOCK

        holder.execute(f"SELECT pg_advisory_lock({RUNNER_LOCK}, hashtext(current_schema()))")
    try:
        result = chain.run("migrate", "--lock-timeout", "1")
    finally:
        holder.close()
    assert result.exit_code == 1
    assert "waiting: another codegen runner" in result.output
    assert "kept this database locked for over 1 s" in result.output
    db.assert_empty(ignore=("codegen_migrations",))
    assert chain.run("migrate").exit_code == 0


def test_usage_errors_exit_2(project_factory, tmp_path):
    project = project_factory("postgresql", entities={"customer.yaml": CUSTOMER})
    assert project.run("generate", "-m", "first").exit_code == 0
    missing = project.run("migrate", env={"CODEGEN_DATABASE_URL": ""})
    assert missing.exit_code == 2 and "no database to run on" in missing.output and "CODEGEN_DATABASE_URL" in missing.output
    other = project.run("migrate", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert other.exit_code == 2 and "codegen.yaml says `dialect: postgresql`" in other.output
    driver = project.run("status", "--db", "postgresql+pg8000://u:p@127.0.0.1/db")
    assert driver.exit_code == 2 and "pip install 'codegen[postgresql]'" in driver.output
    unreachable = project.run("status", "--db", "postgresql://u:p@127.0.0.1:1/db")
    assert unreachable.exit_code == 2 and "cannot connect" in unreachable.output
    unknown = project.run("migrate", "--to", "nope", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert unknown.exit_code == 2
    for result in (missing, other, driver, unreachable, unknown):
        assert result.exception is None
    alembic = project_factory("sqlite")
    alembic.write("codegen.yaml", "dialect: sqlite\nformat: alembic\n")
    result = alembic.run("migrate", "--db", f"sqlite:///{tmp_path / 'y.db'}")
    assert result.exit_code == 2 and "alembic upgrade head" in result.output
    assert not (tmp_path / "y.db").exists()


def test_every_command_works_on_a_project_without_migrations(project_factory, tmp_path):
    project = project_factory("sqlite")
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    for command in (("migrate",), ("rollback",), ("status",), ("stamp", "base")):
        result = project.run(*command, "--db", url)
        assert result.exit_code == 0, (command, result.output)
    assert Path(tmp_path / "empty.db").exists()


def test_the_readme_quick_start_works_as_written(tmp_path):
    """Every `codegen` line of the README's quick start, run in order in a new folder."""
    import re
    import shlex

    from conftest import REPO
    from conftest import Project as Folder

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n\n```sh\n(.*?)```", readme, re.DOTALL)[1]
    commands = [shlex.split(line, comments=True) for line in block.splitlines() if line.startswith("codegen ")]
    assert [c[1] for c in commands] == ["init", "generate", "migrate"]
    shop = Folder(tmp_path / "shop")
    shop.root.mkdir()
    for command in commands:
        result = shop.run(*command[1:])
        assert result.exit_code == 0, (command, result.output)
    assert "The live schema matches the snapshot." in result.output
    tables = sqlite3.connect(shop.root / "shop.db").execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    assert {"customer", "codegen_migrations"} <= {name for (name,) in tables}
