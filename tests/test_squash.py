"""`codegen squash`: thirty migrations become one, and every database keeps working.

A fresh database built from the squash and one migrated through the thirty
reflect equal; the latter keeps its rows and is up to date without running
anything; one that applied only some of the thirty is refused with the fix;
migrations written after the squash apply on both; rolling the squash back
empties the history of every id it replaced.
"""

from __future__ import annotations

import pytest
from conftest import (
    PostgresDatabase,
    Project,
    SQLiteDatabase,
    make_project,
    require_postgres,
)

from codegen.snapshot import read_snapshot

COUNT = 30


def _history(root, dialect: str):
    project = make_project(root, dialect)
    for i in range(1, COUNT + 1):
        text = f"entity: T{i}\nfields:\n  id: {{type: integer, primary_key: true}}\n  name: string?\n"
        if i > 1:
            text += f"  t{i - 1}_id: {{type: integer, nullable: true, references: T{i - 1}}}\n"
        project.write(f"entities/t{i}.yaml", text)
        result = project.run("generate", "-m", f"add t{i}", env={"SOURCE_DATE_EPOCH": str(1767225600 + i * 60)})
        assert result.exit_code == 0, result.output
    return project


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    if request.param == "sqlite":
        yield request.param, [SQLiteDatabase(tmp_path / f"db{n}.sqlite") for n in range(3)]
        return
    dbs = [PostgresDatabase(require_postgres()) for _ in range(3)]
    for db in dbs:
        db.create()
    yield request.param, dbs
    for db in dbs:
        db.drop()


def test_thirty_migrations_squashed(tmp_path, databases):
    dialect, (old, partial, fresh) = databases
    project = _history(tmp_path / "p", dialect)
    ids = [m.name.split("_")[0] for m in project.migrations()]
    assert project.run("migrate", "--db", old.runner_url).exit_code == 0
    old.apply("INSERT INTO t1 (id, name) VALUES (1, 'kept'); INSERT INTO t2 (id, name, t1_id) VALUES (7, 'x', 1)")
    assert project.run("migrate", "--db", partial.runner_url, "--to", ids[14]).exit_code == 0
    snapshot_before = (project.root / "migrations" / "schema.snapshot.json").read_bytes()

    result = project.run("squash", "-m", "squashed history")
    assert result.exit_code == 0, result.output
    assert [m.name for m in project.migrations()] == [f"{ids[-1]}_squashed_history"]
    assert (project.root / "migrations" / "schema.snapshot.json").read_bytes() == snapshot_before
    up = project.latest("up.sql")
    assert f"-- replaces:  {' '.join(ids)}\n" in up and "-- parent:    none" in up
    assert project.run("check").exit_code == 0, project.run("check").output
    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "s").schema

    # a fresh database from the squash, and the one migrated through the thirty: equal
    assert project.run("migrate", "--db", fresh.runner_url).exit_code == 0
    fresh.assert_matches(schema, ignore=("codegen_migrations",))
    again = project.run("migrate", "--db", old.runner_url)
    assert again.exit_code == 0 and "Nothing to migrate" in again.output, again.output
    old.assert_matches(schema, ignore=("codegen_migrations",))
    assert fresh.live(ignore=("codegen_migrations",)) == old.live(ignore=("codegen_migrations",))
    assert old.query("SELECT name FROM t1") == [("kept",)] and old.query("SELECT t1_id FROM t2") == [(1,)]
    assert "Pending: none" in project.run("status", "--db", old.runner_url).output

    # one that applied only fifteen of the thirty is told how to finish
    refused = project.run("migrate", "--db", partial.runner_url)
    assert refused.exit_code == 1
    assert "applied only some of the 30 migrations" in refused.output and f"--to {ids[-1]}" in refused.output

    # a migration after the squash applies on both
    project.write("entities/extra.yaml", "entity: Extra\nfields:\n  id: {type: integer, primary_key: true}\n")
    assert project.run("generate", "-m", "extra", env={"SOURCE_DATE_EPOCH": str(1767225600 + 40 * 60)}).exit_code == 0
    for db in (old, fresh):
        result = project.run("migrate", "--db", db.runner_url)
        assert result.exit_code == 0 and "extra" in result.output, result.output
    assert project.run("verify", "--db", fresh.runner_url if dialect == "sqlite" else require_postgres()).exit_code == 0

    # rolling the squash back on the old database empties the history of all thirty ids
    assert project.run("rollback", "--db", old.runner_url, "--to", "base").exit_code == 0
    assert old.query("SELECT count(*) FROM codegen_migrations") == [(0,)]
    old.assert_empty(ignore=("codegen_migrations",))


def test_squash_refuses_a_single_migration_and_an_unknown_id(tmp_path):
    project = make_project(tmp_path / "p", "sqlite", {"a.yaml": "entity: A\nfields:\n  id: {type: integer, primary_key: true}\n"})
    assert project.run("generate", "-m", "a").exit_code == 0
    result = project.run("squash")
    assert result.exit_code == 2 and "nothing to squash" in result.output
    result = project.run("squash", "--to", "nope")
    assert result.exit_code == 2 and "no migration `nope`" in result.output


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_alembic_revisions_squashed(tmp_path, dialect):
    """The squash keeps the last replaced revision's id: a database at head is already there, a
    fresh one gets the whole schema from it, and one at a replaced revision is stopped by env.py
    with the fix (rather than Alembic's "Can't locate revision")."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "p").mkdir()
    project = Project(tmp_path / "p")
    assert project.run("init", "--dialect", dialect, "--format", "alembic").exit_code == 0
    for example in (project.root / "entities").glob("*.yaml"):
        example.unlink()
    for i in range(1, 6):
        project.write(f"entities/t{i}.yaml", f"entity: T{i}\nfields:\n  id: {{type: integer, primary_key: true}}\n")
        assert project.run("generate", "-m", f"add t{i}", env={"SOURCE_DATE_EPOCH": str(1767225600 + i * 60)}).exit_code == 0
    if dialect == "postgresql":
        dbs = [PostgresDatabase(require_postgres()) for _ in range(3)]
        for db in dbs:
            db.create()
    else:
        dbs = [SQLiteDatabase(tmp_path / f"db{n}.sqlite") for n in range(3)]
    old, middle, fresh = dbs

    def alembic(db, *args):
        return subprocess.run([str(Path(sys.executable).parent / "alembic"), *args], cwd=project.root, text=True,
                              capture_output=True, timeout=120, check=False,
                              env={**os.environ, "CODEGEN_DATABASE_URL": db.runner_url})

    try:
        assert alembic(old, "upgrade", "head").returncode == 0
        assert alembic(middle, "upgrade", "20260101000300").returncode == 0
        result = project.run("squash")
        assert result.exit_code == 0, result.output
        revisions = sorted(p.name for p in (project.root / "migrations" / "versions").glob("*.py"))
        assert revisions == ["20260101000500_squashed.py"]
        text = (project.root / "migrations" / "versions" / revisions[0]).read_text()
        assert "down_revision = None" in text and "replaces = (" in text
        assert project.run("check").exit_code == 0
        done = alembic(old, "upgrade", "head")
        assert done.returncode == 0 and "Running upgrade" not in done.stderr, done.stderr
        assert "20260101000500 (head)" in alembic(old, "current").stdout
        assert alembic(fresh, "upgrade", "head").returncode == 0
        assert fresh.live(ignore=("alembic_version",)) == old.live(ignore=("alembic_version",))
        refused = alembic(middle, "upgrade", "head")
        assert refused.returncode != 0 and "which the squashed revision 20260101000500 replaced" in refused.stderr
        assert "alembic stamp 20260101000500" in refused.stderr
    finally:
        for db in dbs:
            if isinstance(db, PostgresDatabase):
                db.drop()


def test_two_squashes_at_once_write_one(tmp_path):
    import subprocess
    import sys

    project = _history(tmp_path / "p", "sqlite")
    runs = [subprocess.Popen([sys.executable, "-m", "codegen.cli", "squash"], cwd=project.root, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert sorted(run.returncode for run in runs) == [0, 2], outputs
    assert any("nothing to squash" in err for _, err in outputs), outputs
    assert len(project.migrations()) == 1
    assert project.run("check").exit_code == 0
