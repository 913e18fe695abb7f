"""format: alembic: the same migrations as revision scripts, run by real Alembic.

Every fixture goes through `alembic upgrade` step by step on real SQLite,
PostgreSQL and MariaDB; at every step the reflected schema equals what the SQL format
gives on that engine, rows survive as in the SQL round trips, and
`alembic downgrade` walks back through the same states. Alembic itself then
judges: `compare_metadata` between the live database and MetaData built from
the model finds nothing.
"""

from __future__ import annotations

import py_compile
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from conftest import (
    DATABASE_FIXTURES,
    EXAMPLES,
    FIXTURES,
    MySQLDatabase,
    PostgresDatabase,
    Project,
    make_project,
    require_mysql,
    without_mysql_unsupported,
)
from test_changes import CHANGES, _expectations, _rows

from codegen.preview import in_project
from codegen.render import metadata_module
from codegen.snapshot import read_snapshot

IGNORED = ("alembic_version",)


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def database(request):
    return request.getfixturevalue(DATABASE_FIXTURES[request.param])


def test_alembic_revisions_for_mysql(tmp_path, project_factory):
    """`init --format alembic --dialect mysql` sets a project up; its revisions name MySQL's types and
    table options, and the offline SQL of a revision is MySQL's."""
    project = project_factory("mysql")
    result = project.run("init", "--format", "alembic", "--dialect", "mysql", "--dir", "p")
    assert result.exit_code == 0, result.output
    root = project.root / "p"
    assert "sqlalchemy.url = mysql+pymysql://" in (root / "alembic.ini").read_text()
    other = Project(root)
    use(other, EXAMPLES / "shop" / "entities")
    generate(other, "create shop", 1767225600)
    text = (root / "migrations" / "versions" / "20260101000000_create_shop.py").read_text()
    assert "HAZARD non-transactional: 20260101000000_create_shop: mysql commits each of the 9 statements" in text
    assert 'mysql_engine="InnoDB"' in text and 'mysql_charset="utf8mb4"' in text
    result = other.run("sql", "20260101000000")
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE customers (" in result.output
    assert "status ENUM('active','banned') NOT NULL DEFAULT 'active'" in result.output
    assert "created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)" in result.output
    assert "ENGINE=InnoDB" in result.output


def alembic_project(root: Path, dialect: str) -> Project:
    project = Project(root)
    root.mkdir(parents=True)
    assert project.run("init", "--format", "alembic", "--dialect", dialect).exit_code == 0
    shutil.rmtree(root / "entities")
    return project


def url_of(database) -> str:
    if isinstance(database, MySQLDatabase):
        return database.runner_url
    if isinstance(database, PostgresDatabase):
        base = database.url.replace("postgresql://", "postgresql+psycopg://", 1)
        return f"{base}?options=-csearch_path%3D{database.schema_name}"
    return f"sqlite:///{database.path}"


@contextmanager
def alembic(project: Project, database):
    """An Alembic Config for the project, pointed at `database` as a user would with CODEGEN_DATABASE_URL."""
    with in_project(project.root, url_of(database)):
        yield Config(str(project.root / "alembic.ini"))


def use(project: Project, folder: Path) -> None:
    """The entity files of `folder`, without what MySQL refuses when the project is MySQL's."""
    shutil.rmtree(project.root / "entities", ignore_errors=True)
    if "\ndialect: mysql" in "\n" + (project.root / "codegen.yaml").read_text():
        folder = without_mysql_unsupported(folder, project.root.parent / f"{project.root.name}_mysql" / folder.name)
    for src in sorted(folder.rglob("*.y*ml")):
        project.write(f"entities/{src.relative_to(folder)}", src.read_text())


def generate(project: Project, message: str, epoch: int):
    result = project.run("generate", "-m", message, env={"SOURCE_DATE_EPOCH": str(epoch)})
    assert result.exit_code == 0 and result.exception is None, result.output
    return read_snapshot(project.root / "migrations" / "schema.snapshot.json", "s").schema


def revisions(project: Project) -> list[str]:
    return sorted(p.stem.split("_")[0] for p in (project.root / "migrations" / "versions").glob("*.py"))


def assert_alembic_agrees(database, schema) -> None:
    """compare_metadata, Alembic's own autogenerate comparison, finds no difference."""
    namespace: dict = {}
    exec(metadata_module(schema, database.dialect_name), namespace)
    engine = database.engine()
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), namespace["metadata"])
    finally:
        engine.dispose()
    # alembic_version is Alembic's; external tables are made and managed by someone else
    skipped = IGNORED + tuple(t.name for t in schema.tables if t.external)
    diffs = [d for d in diffs if not any(f"'{name}'" in repr(d) or f"Table('{name}'" in repr(d) for name in skipped)]
    assert diffs == [], diffs


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "initial").iterdir()) + ["example_shop"])
def test_initial_revision(name, database, tmp_path):
    folder = EXAMPLES / "shop" / "entities" if name == "example_shop" else FIXTURES / "initial" / name / "entities"
    project = alembic_project(tmp_path / "p", database.dialect_name)
    use(project, folder)
    schema = generate(project, "initial", 1767225600)
    (revision,) = (project.root / "migrations" / "versions").glob("*.py")
    py_compile.compile(str(revision), doraise=True)
    setup = folder.parent / "setup.sql"
    if setup.exists():
        database.apply(setup.read_text())
    external = tuple(t.name for t in schema.tables if t.external)
    with alembic(project, database) as cfg:
        command.upgrade(cfg, "head")
        database.assert_matches(schema, ignore=IGNORED)
        assert_alembic_agrees(database, schema)
        command.downgrade(cfg, "base")
    database.assert_empty(ignore=IGNORED + external)


@pytest.mark.parametrize("name", CHANGES)
def test_change_revision_matches_the_sql_format(name, database, tmp_path, project_factory):
    folder = FIXTURES / "changes" / name
    project = alembic_project(tmp_path / "alembic", database.dialect_name)
    use(project, folder / "before")
    before = generate(project, "before", 1767225600)
    use(project, folder / "after")
    after = generate(project, name, 1767225700)
    first, second = revisions(project)

    # the SQL format, on a second database of the same engine, is the reference
    if database.dialect_name == "sqlite":
        reference = type(database)(tmp_path / "reference.db")
    else:
        reference = PostgresDatabase(database.url) if isinstance(database, PostgresDatabase) else MySQLDatabase(require_mysql())
        reference.create()
    try:
        sql = make_project(tmp_path / "sql", database.dialect_name)
        use(sql, folder / "before")
        generate(sql, "before", 1767225600)
        reference.apply(sql.latest("up.sql"))
        before_live = reference.live()
        use(sql, folder / "after")
        generate(sql, name, 1767225700)
        reference.apply(sql.latest("up.sql"))
        after_live = reference.live()
    finally:
        if database.dialect_name != "sqlite":
            reference.drop()

    with alembic(project, database) as cfg:
        command.upgrade(cfg, first)
        assert database.live(ignore=IGNORED) == before_live
        database.apply((folder / "rows.sql").read_text())
        command.upgrade(cfg, second)
        assert database.live(ignore=IGNORED) == after_live
        database.assert_matches(after, ignore=IGNORED)
        assert_alembic_agrees(database, after)
        query, expected_rows = _expectations(folder)
        assert _rows(database, query) == expected_rows
        command.downgrade(cfg, first)
        assert database.live(ignore=IGNORED) == before_live
        database.assert_matches(before, ignore=IGNORED)
        command.downgrade(cfg, "base")
    database.assert_empty(ignore=IGNORED)


def test_history_through_alembic(database, tmp_path):
    project = alembic_project(tmp_path / "p", database.dialect_name)
    steps = sorted(p for p in (FIXTURES / "history").iterdir() if p.is_dir())
    schemas = []
    for number, step in enumerate(steps):
        use(project, step)
        schemas.append(generate(project, step.name, 1767225600 + number))
    ids = revisions(project)
    with alembic(project, database) as cfg:
        for revision, schema in zip(ids, schemas):
            command.upgrade(cfg, revision)
            database.assert_matches(schema, ignore=IGNORED)
        for number in reversed(range(len(ids))):
            command.downgrade(cfg, ids[number - 1] if number else "base")
            if number:
                database.assert_matches(schemas[number - 1], ignore=IGNORED)
    database.assert_empty(ignore=IGNORED)


def test_offline_sql_for_a_revision(tmp_path):
    project = alembic_project(tmp_path / "p", "postgresql")
    use(project, EXAMPLES / "shop" / "entities")
    generate(project, "create shop", 1767225600)
    result = project.run("sql", "20260101000000")
    assert result.exit_code == 0, result.output
    assert "CREATE TYPE customers_status AS ENUM ('active', 'banned');" in result.output
    assert "CREATE TABLE customers (" in result.output
    assert result.output.count("CREATE TABLE") == 6  # five tables and alembic_version


def test_verify_replays_revisions(database, tmp_path):
    project = alembic_project(tmp_path / "p", database.dialect_name)
    steps = sorted(p for p in (FIXTURES / "history").iterdir() if p.is_dir())
    for number, step in enumerate(steps):
        use(project, step)
        generate(project, step.name, 1767225600 + number)
    server = {"postgresql": getattr(database, "url", None), "mysql": getattr(database, "runner_url", None)}
    env = {"CODEGEN_DATABASE_URL": server[database.dialect_name]} if database.dialect_name in server else {}
    result = project.run("verify", env=env)
    assert result.exit_code == 0, result.output
    assert "OK: 4 migrations went up and back down" in result.output
    assert project.run("check").exit_code == 0


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql"])
def test_rendered_revision_files(dialect, tmp_path, py_snapshot):
    project = alembic_project(tmp_path / "p", dialect)
    use(project, EXAMPLES / "shop" / "entities")
    generate(project, "create shop", 1767225600)
    text = (project.root / "migrations" / "versions" / "20260101000000_create_shop.py").read_text()
    assert text == py_snapshot
    # a change: the history's first two steps (renames, an enum value, a reference cycle)
    other = alembic_project(tmp_path / "q", dialect)
    use(other, FIXTURES / "history" / "1_create")
    generate(other, "create", 1767225600)
    use(other, FIXTURES / "history" / "2_rename_and_cycle")
    generate(other, "rename and cycle", 1767225700)
    text = (other.root / "migrations" / "versions" / "20260101000140_rename_and_cycle.py").read_text()
    assert text == py_snapshot


def _commit(project, message: str, epoch: int | None = None) -> None:
    """Generate the migration (given its time) and commit everything, as a developer does."""
    from test_workflow import git

    if epoch is not None:
        generate(project, message, epoch)
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", message)


def _merge_keeping_ours(project, branch: str, entities: str) -> None:
    """Merge `branch`; keep this side's snapshot and codegen.sum, write both sides' entities, commit."""
    from test_workflow import git

    git(project.root, "merge", "-q", branch, "-m", "merge")
    git(project.root, "checkout", "--ours", "migrations/schema.snapshot.json", "migrations/codegen.sum",
        "entities/customer.yaml")
    project.write("entities/customer.yaml", entities)
    _commit(project, "merged")


def test_lint_and_rebase_work_for_revisions(tmp_path):
    from test_workflow import CUSTOMER, git

    project = alembic_project(tmp_path / "p", "postgresql")
    project.write("entities/customer.yaml", CUSTOMER + "  nickname: string?\n")
    git(project.root, "init", "-q", "-b", "main")
    _commit(project, "first", 1767225600)

    # a hazard in a revision is acknowledged with a `# ACK` line, then rehashed
    project.write("entities/customer.yaml", CUSTOMER)
    generate(project, "drop nickname", 1767225700)
    result = project.run("lint")
    assert result.exit_code == 1 and "data loss on customer.nickname is not acknowledged" in result.output
    revision = project.root / "migrations" / "versions" / "20260101000140_drop_nickname.py"
    revision.write_text(revision.read_text().replace("from alembic import op\n", "from alembic import op\n"
                                                    "# ACK data loss: customer.nickname\n# ACK not reversible: customer.nickname\n"))
    assert project.run("lint").exit_code == 0
    assert project.run("check").exit_code == 1 and project.run("rehash").exit_code == 0
    assert project.run("check").exit_code == 0
    _commit(project, "drop")

    # two branches, each with a revision on the same parent, merged; rebase the later one
    git(project.root, "checkout", "-q", "-b", "feature", "HEAD~1")
    project.write("entities/customer.yaml", CUSTOMER + "  nickname: string?\n  email: string?\n")
    _commit(project, "add email", 1767225800)
    git(project.root, "checkout", "-q", "main")
    _merge_keeping_ours(project, "feature", CUSTOMER + "  email: string?\n")
    result = project.run("check")
    assert result.exit_code == 1 and "both have parent 20260101000000" in result.output
    result = project.run("rebase", env={"SOURCE_DATE_EPOCH": "1767225900"})
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (project.root / "migrations" / "versions").glob("*.py"))
    assert names == ["20260101000000_first.py", "20260101000140_drop_nickname.py", "20260101000500_add_email.py"]
    text = (project.root / "migrations" / "versions" / "20260101000500_add_email.py").read_text()
    assert 'down_revision = "20260101000140"' in text and '"email"' in text
    assert project.run("check").exit_code == 0


def test_rebase_plans_for_alembic_not_for_the_sql_dialect(tmp_path):
    """Regression: rebase planned for SQLite's SQL (a table rebuild), which a revision cannot render."""
    from test_workflow import CUSTOMER, git

    project = alembic_project(tmp_path / "p", "sqlite")
    project.write("entities/customer.yaml", CUSTOMER)
    git(project.root, "init", "-q", "-b", "main")
    _commit(project, "first", 1767225600)
    git(project.root, "checkout", "-q", "-b", "feature")
    project.write("entities/customer.yaml", CUSTOMER + "  email: {type: string, backfill: x}\n")
    _commit(project, "add email", 1767225700)
    git(project.root, "checkout", "-q", "main")
    project.write("entities/customer.yaml", CUSTOMER + "  phone: string?\n")
    _commit(project, "add phone", 1767225650)
    _merge_keeping_ours(project, "feature", CUSTOMER + "  phone: string?\n  email: {type: string, backfill: x}\n")
    result = project.run("rebase", env={"SOURCE_DATE_EPOCH": "1767225900"})
    assert result.exception is None and result.exit_code == 0, result.output
    assert "with migrations/versions/20260101000500_add_email.py on top of 20260101000050_add_phone" in result.output
    assert project.run("check").exit_code == 0
    assert project.run("verify").exit_code == 0


ITEM = "entity: Item\nfields:\n  id: {type: integer, primary_key: true}\n  code: {type: string, length: 20}\n" \
       "  label: string?\n"


@pytest.mark.parametrize("engine", ["postgresql", "mysql"])
def test_narrowing_in_a_revision_stops(engine, tmp_path, request):
    """The guard the SQL format writes runs from the revision `alembic upgrade` executes."""
    db = request.getfixturevalue(DATABASE_FIXTURES[engine])
    project = alembic_project(tmp_path / "p", engine)
    project.write("entities/item.yaml", ITEM)
    generate(project, "first", 1767225600)
    project.write("entities/item.yaml", ITEM.replace("length: 20", "length: 5"))
    generate(project, "narrow", 1767225700)
    with alembic(project, db) as config:
        command.upgrade(config, revisions(project)[0])
        db.apply("INSERT INTO item (id, code) VALUES (1, 'LONGVALUE12');")
        with pytest.raises(Exception, match=r"1 row\(s\) of item\.code do not fit"):
            command.upgrade(config, "head")
        assert db.query("SELECT code FROM item") == [("LONGVALUE12",)]
        assert db.query("SELECT version_num FROM alembic_version") == [(revisions(project)[0],)]


def test_a_revision_that_fails_half_way_on_mysql_is_what_its_hazard_says(tmp_path, mysql_db):
    """MySQL commits each statement: what ran before the failure stays, alembic_version does not
    move, and `codegen lint` says how to recover from exactly that."""
    project = alembic_project(tmp_path / "p", "mysql")
    project.write("entities/item.yaml", ITEM)
    generate(project, "first", 1767225600)
    project.write("entities/item.yaml", ITEM.replace("label: string?", "title: {type: string, nullable: true, "
                                                     "renamed_from: label}") + "  region: {type: string, backfill: EU}\n")
    generate(project, "second", 1767225700)
    first = revisions(project)[0]
    second = sorted((project.root / "migrations" / "versions").glob("*.py"))[-1]
    text = second.read_text()
    assert "HAZARD non-transactional: 20260101000140_second: mysql commits each of the 4 statements" in text
    second.write_text(text.replace("\n\ndef downgrade()", "\n    op.execute(\"SELECT * FROM no_such_table\")\n\n\ndef downgrade()", 1))
    with alembic(project, mysql_db) as config:
        command.upgrade(config, first)
        with pytest.raises(Exception, match="no_such_table"):
            command.upgrade(config, "head")
    assert mysql_db.query("SELECT version_num FROM alembic_version") == [(first,)]
    columns = {row[0] for row in mysql_db.query("SELECT column_name FROM information_schema.columns "
                                                 "WHERE table_schema = DATABASE() AND table_name = 'item'")}
    assert {"title", "region"} <= columns and "label" not in columns
    result = project.run("lint")
    assert result.exit_code == 1
    assert "non-transactional on 20260101000140_second is not acknowledged: if an operation fails" in result.output
    assert "alembic stamp <this id>" in result.output


def test_a_revision_that_fails_half_way_changes_nothing_on_sqlite(tmp_path, sqlite_db):
    """On SQLite as on PostgreSQL, a revision applies all or nothing: a failure on its last
    statement leaves the renamed column, the dropped index and the version as they were."""
    project = alembic_project(tmp_path / "p", "sqlite")
    project.write("entities/item.yaml", ITEM + "indexes:\n  - columns: [label]\n")
    generate(project, "first", 1767225600)
    project.write("entities/item.yaml", ITEM.replace("label: string?", "title: {type: string, nullable: true, "
                                                     "renamed_from: label}") + "  region: {type: string, backfill: EU}\n")
    generate(project, "second", 1767225700)
    second = sorted((project.root / "migrations" / "versions").glob("*.py"))[-1]
    text = second.read_text()
    second.write_text(text.replace("\n\ndef downgrade()", "\n    op.execute(\"SELECT * FROM no_such_table\")\n\n\ndef downgrade()", 1))
    with alembic(project, sqlite_db) as config:
        command.upgrade(config, revisions(project)[0])
        sqlite_db.apply("INSERT INTO item (id, code, label) VALUES (1, 'a', 'kept');")
        before = sqlite_db.live(), sqlite_db.query("SELECT * FROM alembic_version")
        with pytest.raises(Exception, match="no_such_table"):
            command.upgrade(config, "head")
        assert (sqlite_db.live(), sqlite_db.query("SELECT * FROM alembic_version")) == before
        assert sqlite_db.query("SELECT label FROM item") == [("kept",)]
        second.write_text(text)
        command.upgrade(config, "head")
    assert sqlite_db.query("SELECT title, region FROM item") == [("kept", "EU")]


def test_a_revision_of_one_statement_on_mysql_has_no_non_transactional_hazard(tmp_path):
    """The hazard counts what runs on MySQL: a table without indexes is one CREATE TABLE, a nullable
    column one ALTER TABLE; a NOT NULL column with a backfill is three statements."""
    project = alembic_project(tmp_path / "p", "mysql")
    project.write("entities/item.yaml", ITEM)
    generate(project, "first", 1767225600)
    project.write("entities/item.yaml", ITEM + "  note: string?\n")
    generate(project, "second", 1767225700)
    project.write("entities/item.yaml", ITEM + "  note: string?\n  region: {type: string, backfill: EU}\n")
    generate(project, "third", 1767225800)
    first, second, third = sorted((project.root / "migrations" / "versions").glob("*.py"))
    assert "HAZARD" not in first.read_text() and "HAZARD" not in second.read_text()
    assert "mysql commits each of the 3 statements" in third.read_text()
