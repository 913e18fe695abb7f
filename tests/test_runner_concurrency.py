"""Two deploys at once, and a deploy killed mid-migration: real `codegen migrate` processes on
real databases.

Rounds: CODEGEN_RELIABILITY_ROUNDS (default 10 locally, 30 under CI=true) for the concurrent
runs, half as many for the kills (each waits out a long migration). Every round prints what it
saw, so `pytest -s` shows the measured spread.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import (
    Database, MySQLDatabase, PostgresDatabase, SQLiteDatabase, make_project, require_mysql, require_postgres,
)

from codegen.snapshot import parse_snapshot

ROUNDS = int(os.environ.get("CODEGEN_RELIABILITY_ROUNDS")
             or (30 if os.environ.get("CI", "").lower() == "true" else 10))
CODEGEN = [sys.executable, "-m", "codegen.cli"]
TABLES = 5
SLOW = 2  # the third migration is the long one
# Statements that keep a migration busy for about a second, inside its transaction.
LONG_WORK = {
    "sqlite": "CREATE TABLE filler (x INTEGER);\n\nINSERT INTO filler WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
              "SELECT x + 1 FROM c LIMIT 3000000) SELECT x FROM c;\n\nDROP TABLE filler;",
    "postgresql": "SELECT pg_sleep(1);",
    "mysql": "SELECT SLEEP(1);",
}


def _entity(n: int) -> str:
    ref = f"\n  t{n - 1}_id: {{type: integer, nullable: true, references: T{n - 1}}}" if n else ""
    return f"entity: T{n}\nfields:\n  id: {{type: integer, primary_key: true}}\n  label: string?{ref}\n"


def _chain(root: Path, dialect: str) -> tuple[Path, list]:
    """A project of TABLES migrations, one table each; the SLOW one does long work too."""
    project = make_project(root, dialect)
    schemas = []
    for n in range(TABLES):
        project.write(f"entities/t{n}.yaml", _entity(n))
        result = project.run("generate", "-m", f"add t{n}", env={"SOURCE_DATE_EPOCH": str(1767225600 + n)})
        assert result.exit_code == 0, result.output
        schemas.append(parse_snapshot((root / "migrations" / "schema.snapshot.json").read_bytes(), "snapshot").schema)
    up_sql = project.migrations()[SLOW] / "up.sql"
    text = up_sql.read_text(encoding="utf-8")
    if "\nCOMMIT;" in text:
        text = text.replace("\nCOMMIT;", f"\n{LONG_WORK[dialect]}\n\nCOMMIT;")
    else:  # MySQL: no transaction; the long work comes after the migration's own statements
        text += f"\n{LONG_WORK[dialect]}\n"
    up_sql.write_text(text, encoding="utf-8")
    assert project.run("rehash").exit_code == 0
    return root, schemas


def _fresh_database(dialect: str, folder: Path) -> Database:
    if dialect == "sqlite":
        return SQLiteDatabase(folder / "app.db")
    db = MySQLDatabase(require_mysql()) if dialect == "mysql" else PostgresDatabase(require_postgres())
    db.create()
    return db


def _start(root: Path, db: Database) -> subprocess.Popen:
    return subprocess.Popen([*CODEGEN, "migrate", "--db", db.runner_url], cwd=root, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _recorded(db: Database) -> list[str]:
    import sqlalchemy as sa

    engine = db.engine()
    try:
        if not sa.inspect(engine).has_table("codegen_migrations"):  # killed before the first migration
            return []
    finally:
        engine.dispose()
    return [row[0] for row in db.query("SELECT name FROM codegen_migrations ORDER BY id")]


def _settled(db: Database) -> None:
    """Wait until the killed runner's session has ended on the server (PostgreSQL finishes the
    statement it was running, then finds the client gone and rolls back)."""
    if not isinstance(db, PostgresDatabase):
        return
    deadline = time.monotonic() + 30
    while db.query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND pid <> pg_backend_pid() AND state <> 'idle'")[0][0]:
        assert time.monotonic() < deadline, "the killed runner's session never ended"
        time.sleep(0.1)


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def dialect(request) -> str:
    if request.param == "postgresql":
        require_postgres()
    if request.param == "mysql":
        require_mysql()
    return request.param


@pytest.fixture(params=["sqlite", "postgresql"])
def transactional_dialect(request) -> str:
    if request.param == "postgresql":
        require_postgres()
    return request.param


def test_two_runners_at_once_apply_each_migration_exactly_once(tmp_path, dialect):
    root, schemas = _chain(tmp_path / "project", dialect)
    seen: Counter = Counter()
    for round_ in range(ROUNDS):
        (tmp_path / f"round{round_}").mkdir()
        db = _fresh_database(dialect, tmp_path / f"round{round_}")
        try:
            runs = [_start(root, db), _start(root, db)]
            outputs = [run.communicate(timeout=120) for run in runs]
            for run, (out, err) in zip(runs, outputs):
                assert run.returncode == 0, f"round {round_}: {out}\n{err}"
            applied = [line for out, _ in outputs for line in out.splitlines() if line.startswith("up ")]
            assert len(applied) == TABLES, f"round {round_}: each migration once, got {applied}"
            assert len(_recorded(db)) == TABLES
            db.assert_matches(schemas[-1], ignore=("codegen_migrations",))
            seen["waited"] += any("waiting: another codegen runner" in err for _, err in outputs)
            seen["both applied some"] += all(any(l.startswith("up ") for l in out.splitlines()) for out, _ in outputs)
        finally:
            if not isinstance(db, SQLiteDatabase):
                db.drop()
    print(f"\n{dialect}: {ROUNDS} rounds of two runners at once: {dict(seen)}")
    assert seen["waited"] > 0, "the runners never overlapped: the test proves nothing"


def test_a_runner_killed_mid_migration_leaves_old_or_new_state_and_the_next_run_finishes(tmp_path,
                                                                                        transactional_dialect):
    dialect = transactional_dialect
    root, schemas = _chain(tmp_path / "project", dialect)
    outcomes: Counter = Counter()
    rng = random.Random(20261204)
    for round_ in range(max(3, ROUNDS // 2)):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        db = _fresh_database(dialect, folder)
        try:
            run = _start(root, db)
            time.sleep(rng.uniform(0.3, 2.5))  # start-up is ~0.3 s; the long migration ~1 s
            run.send_signal(signal.SIGKILL)
            run.wait()
            _settled(db)
            recorded = _recorded(db)
            # The history and the schema agree: the database is exactly after the last recorded migration.
            if recorded:
                db.assert_matches(schemas[len(recorded) - 1], ignore=("codegen_migrations",))
            else:
                db.assert_empty(ignore=("codegen_migrations",))
            outcomes[f"{len(recorded)} applied"] += 1
            again = subprocess.run([*CODEGEN, "migrate", "--db", db.runner_url], cwd=root, capture_output=True,
                                   text=True, timeout=120, check=False)
            assert again.returncode == 0, f"round {round_}: {again.stdout}\n{again.stderr}"
            assert len(_recorded(db)) == TABLES
            db.assert_matches(schemas[-1], ignore=("codegen_migrations",))
        finally:
            if not isinstance(db, SQLiteDatabase):
                db.drop()
    print(f"\n{dialect}: killed runs left {dict(sorted(outcomes.items()))}")
    assert len(outcomes) > 1, f"every kill landed at the same point: {outcomes}"


def test_a_mysql_runner_killed_mid_migration_leaves_it_dirty_until_stamped(tmp_path):
    """MySQL commits each statement: a kill inside a migration leaves it half applied. The history
    says so (dirty), every runner refuses until a person records the outcome, and then the next
    run finishes the rest."""
    root, schemas = _chain(tmp_path / "project", "mysql")
    db = _fresh_database("mysql", tmp_path)
    try:
        run = _start(root, db)
        deadline = time.monotonic() + 30
        while not db.query("SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP%'")[0][0]:
            assert time.monotonic() < deadline and run.poll() is None, "the long migration never started"
            time.sleep(0.05)
        run.send_signal(signal.SIGKILL)
        run.wait()
        slow = sorted(p.name for p in (root / "migrations").iterdir() if p.is_dir())[SLOW]
        rows = db.query("SELECT name, dirty FROM codegen_migrations ORDER BY id")
        assert [(name, bool(dirty)) for name, dirty in rows][-1] == (slow, True)
        db.assert_matches(schemas[SLOW], ignore=("codegen_migrations",))  # its table was made before the sleep
        refused = subprocess.run([*CODEGEN, "migrate", "--db", db.runner_url], cwd=root, capture_output=True,
                                 text=True, timeout=120, check=False)
        assert refused.returncode == 1 and f"{slow}: did not finish" in refused.stderr
        assert "was interrupted" in refused.stderr
        stamp = subprocess.run([*CODEGEN, "stamp", slow[:14], "--db", db.runner_url], cwd=root, capture_output=True,
                               text=True, timeout=120, check=False)
        assert stamp.returncode == 0, stamp.stderr
        again = subprocess.run([*CODEGEN, "migrate", "--db", db.runner_url], cwd=root, capture_output=True,
                               text=True, timeout=120, check=False)
        assert again.returncode == 0, again.stdout + again.stderr
        db.assert_matches(schemas[-1], ignore=("codegen_migrations",))
    finally:
        db.drop()
