"""The commands as a user runs them: init, generate, check, diff."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES, Project


def test_init_then_generate_applies(tmp_path, database):
    dialect = database.dialect_name
    project = Project(tmp_path / "new")
    project.root.mkdir()
    result = project.run("init", "--dialect", dialect)
    assert result.exit_code == 0, result.output
    assert (project.root / "codegen.yaml").read_text().count(f"dialect: {dialect}") == 1
    assert (project.root / "entities" / "customer.yaml").exists()
    assert (project.root / "migrations").is_dir()

    result = project.run("generate", "-m", "create shop")
    assert result.exit_code == 0, result.output
    assert "Created migrations/20260101000000_create_shop/" in result.output
    assert "+ create table customer" in result.output
    assert "1 table, 11 columns, 4 indexes created" in result.output
    database.apply(project.latest("up.sql"))
    database.apply(project.latest("down.sql"))
    database.assert_empty()


def test_init_refuses_an_existing_project(project_factory):
    project = project_factory("sqlite")
    before = project.files()
    result = project.run("init")
    assert result.exit_code == 2 and "already exists" in result.output
    assert project.files() == before


def test_generate_twice_says_no_changes_and_writes_nothing(project_factory):
    project = project_factory("postgresql", copy_from=EXAMPLES / "shop" / "entities")
    assert project.run("generate").exit_code == 0
    before = project.files()
    result = project.run("generate", "-m", "again")
    assert result.exit_code == 0
    assert "No changes" in result.output
    assert project.files() == before


def test_check_passes_then_fails_naming_the_change(project_factory):
    project = project_factory("sqlite", copy_from=EXAMPLES / "shop" / "entities")
    assert project.run("generate").exit_code == 0
    result = project.run("check")
    assert result.exit_code == 0, result.output

    text = (project.root / "entities" / "customers.yaml").read_text()
    project.write("entities/customers.yaml", text.replace("      nickname: string?\n", "      nickname: string?\n      phone: string?\n"))
    before = project.files()
    result = project.run("check")
    assert result.exit_code == 1
    assert "+ add column customers.phone string NULL" in result.output
    assert "codegen generate" in result.output
    assert project.files() == before


def test_check_before_any_migration_fails(project_factory):
    project = project_factory("sqlite", copy_from=EXAMPLES / "shop" / "entities")
    result = project.run("check")
    assert result.exit_code == 1
    assert "+ create table customers" in result.output


def test_diff_prints_the_migration_and_writes_nothing(project_factory):
    project = project_factory("postgresql", copy_from=EXAMPLES / "shop" / "entities")
    before = project.files()
    result = project.run("diff", "-m", "create shop")
    assert result.exit_code == 0
    assert result.output.startswith("-- codegen migration 20260101000000_create_shop (up)")
    assert 'CREATE TABLE "order" (' in result.output
    assert project.files() == before
    assert project.run("generate", "-m", "create shop").exit_code == 0
    assert project.latest("up.sql") == result.output


def test_second_migration_chains_to_the_first(project_factory):
    project = project_factory("sqlite", copy_from=EXAMPLES / "shop" / "entities")
    assert project.run("generate", "-m", "one").exit_code == 0
    text = (project.root / "entities" / "customers.yaml").read_text()
    project.write("entities/customers.yaml", text.replace("      nickname: string?\n", "      nickname: string?\n      phone: string?\n"))
    # Same SOURCE_DATE_EPOCH: the id still moves past the existing migration.
    assert project.run("generate", "-m", "two").exit_code == 0
    first, second = project.migrations()
    assert first.name == "20260101000000_one" and second.name == "20260101000001_two"
    assert "-- parent:    20260101000000" in (second / "up.sql").read_text()
    snapshot = json.loads((project.root / "migrations" / "schema.snapshot.json").read_text())
    assert snapshot["migration"] == "20260101000001"


def test_snapshot_dialect_must_match_config(project_factory):
    project = project_factory("sqlite", copy_from=EXAMPLES / "shop" / "entities")
    assert project.run("generate").exit_code == 0
    project.write("codegen.yaml", "dialect: postgresql\n")
    result = project.run("generate")
    assert result.exit_code == 2
    assert "the snapshot was made for sqlite" in result.output


def test_bad_source_date_epoch_is_a_usage_error(project_factory):
    project = project_factory("sqlite", copy_from=EXAMPLES / "shop" / "entities")
    result = project.run("generate", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH" in result.output
    assert not (project.root / "migrations").exists() or not project.migrations()


def test_help_and_version(project_factory):
    project = project_factory("sqlite")
    assert project.run("--help").exit_code == 0
    result = project.run("--version")
    assert result.exit_code == 0 and "codegen" in result.output


def test_generate_prints_hazards_and_likely_renames(project_factory):
    project = project_factory("postgresql", copy_from=EXAMPLES / "shop" / "entities")
    assert project.run("generate").exit_code == 0
    text = (project.root / "entities" / "customers.yaml").read_text()
    project.write("entities/customers.yaml", text.replace("      nickname: string?\n", "      alias: string?\n"))
    result = project.run("generate", "-m", "alias")
    assert result.exit_code == 0
    assert "HAZARD data loss: customers.nickname: the column and its values are deleted" in result.output
    assert "NOTE customers.nickname -> customers.alias looks like a rename" in result.output
    up = project.latest("up.sql")
    assert "-- HAZARD data loss: customers.nickname" in up
    assert "-- NOTE customers.nickname -> customers.alias looks like a rename; if it is, add `renamed_from: nickname`" in up
    down = project.latest("down.sql")
    assert "-- HAZARD data loss: customers.alias" in down


def test_the_cli_offers_exactly_the_registered_dialects_and_formats():
    from codegen.cli import DIALECT_NAMES, FORMAT_NAMES
    from codegen.cli_history import LAYOUT_NAMES
    from codegen.config import SETTINGS
    from codegen.dialects import DIALECTS
    from codegen.formats import FORMATS
    from codegen.formats.layouts import LAYOUTS

    assert tuple(DIALECTS) == DIALECT_NAMES and tuple(FORMATS) == FORMAT_NAMES
    assert set(LAYOUTS) == set(LAYOUT_NAMES) == set(SETTINGS["layout"][1])


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
@pytest.mark.parametrize("output", ["sql", "alembic"])
def test_every_file_command_works_in_both_output_formats(tmp_path, output, dialect):
    """diff, check, lint and sql, before and after generate, in a project `init` made."""
    project = Project(tmp_path / "p")
    project.root.mkdir()
    assert project.run("init", "--format", output, "--dialect", dialect).exit_code == 0
    first = project.run("diff", "-m", "create customer")
    assert first.exit_code == 0 and first.exception is None, first.output
    revision = "def upgrade() -> None:" in first.output
    assert revision == (output == "alembic") and ("CREATE TABLE" in first.output) == (output == "sql")
    assert "create table customer" in first.output
    for fmt in ("json", "markdown"):
        assert project.run("diff", "--format", fmt).exit_code == 0
    assert project.run("check").exit_code == 1
    assert project.run("generate", "-m", "create customer").exit_code == 0
    assert project.run("check").exit_code == 0
    assert project.run("diff").output.startswith("No changes")
    if (dialect, output) == ("mysql", "alembic"):
        # CREATE TABLE, then CREATE INDEX: two statements MySQL commits one by one, which a reviewer accepts
        revision = next((project.root / "migrations" / "versions").glob("*.py"))
        assert project.run("lint").exit_code == 1
        revision.write_text(revision.read_text() + "# ACK non-transactional: 20260101000000_create_customer\n")
        assert project.run("rehash").exit_code == 0
    assert project.run("lint").exit_code == 0
    shown = project.run("sql", "20260101000000")
    assert shown.exit_code == 0 and "CREATE TABLE customer" in shown.output, shown.output
    assert project.run("sql", "20260101000000", "--down").exit_code == 0

    entity = project.root / "entities" / "customer.yaml"
    entity.write_text(entity.read_text().replace("  nickname: string?                                   # shorthand: nullable\n", ""))
    pending = project.run("diff", "-m", "drop nickname")
    assert pending.exit_code == 0 and "HAZARD data loss: customer.nickname" in pending.output
    assert project.run("check").exit_code == 1
    assert project.run("lint").exit_code == 1  # the pending drop is not acknowledged
