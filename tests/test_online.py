"""Zero-downtime PostgreSQL (`postgresql: {online: true}`) and the lock lint, on a real server.

The latency tests are the proof the issue asked for: while a migration runs on a
table of 4 million rows, a writer keeps reading and writing that table in short
transactions, and a monitor samples pg_stat_activity for how long the writer has
been waiting on a lock. With the online forms no wait reaches the lock timeout
(1 s), nor half the plain form's; the same change written the plain way blocks
the writer while it scans or builds under its lock (0.3 to 2.3 s here), so the
test can fail. CODEGEN_ONLINE_ROWS sets the row count.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, PostgresDatabase, make_project, require_postgres

from codegen.dialects.postgresql_locks import (
    ACCESS_EXCLUSIVE,
    ACCESS_SHARE,
    ROW_EXCLUSIVE,
    SHARE,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
    statement_locks,
)
from codegen.snapshot import read_snapshot

CODEGEN = [sys.executable, "-m", "codegen.cli"]
ONLINE = FIXTURES / "online"
ROWS = int(os.environ.get("CODEGEN_ONLINE_ROWS", "4000000"))


@pytest.fixture
def pg():
    db = PostgresDatabase(require_postgres())
    db.create()
    yield db
    db.drop()


def _project(root: Path, online: bool, lock_timeout: str = "5s"):
    project = make_project(root, "postgresql", copy_from=ONLINE / "before")
    extra = f"postgresql: {{online: true, lock_timeout: {lock_timeout}}}\n" if online else ""
    project.write("codegen.yaml", "dialect: postgresql\n" + extra)
    return project


def _to_after(project) -> None:
    shutil.rmtree(project.root / "entities")
    for src in (ONLINE / "after").glob("*.yaml"):
        project.write(f"entities/{src.name}", src.read_text())


def _run(project, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*CODEGEN, *args], cwd=project.root, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
    if check:
        assert done.returncode == 0, f"codegen {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def _after_with_rows(root: Path, db: PostgresDatabase, rows: int, extra_sql: str = ""):
    """An online project whose `before` migration is applied to `db` with `rows` events (and
    `extra_sql` run), and whose `after` migration is generated, not applied."""
    project = _project(root, online=True)
    _run(project, "generate", "-m", "before")
    _run(project, "migrate", "--db", db.runner_url)
    _fill(db, rows)
    if extra_sql:
        db.apply(extra_sql)
    _to_after(project)
    _run(project, "generate", "-m", "after")
    return project


def _fill(db: PostgresDatabase, rows: int) -> None:
    db.apply("INSERT INTO account SELECT g, 'a' || g FROM generate_series(1, 1000) g")
    db.apply(f"INSERT INTO event (account_id, amount, note, code) SELECT 1 + g % 1000, g % 100, "
             f"CASE WHEN g % 10 = 0 THEN NULL ELSE 'n' END, 'c' || g FROM generate_series(1, {rows}) g")
    db.apply("VACUUM ANALYZE event")


# -- the files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("direction", ["up", "down"])
def test_online_migration_files(direction, tmp_path, sql_snapshot):
    project = _project(tmp_path / "p", online=True)
    assert project.run("generate", "-m", "before").exit_code == 0
    _to_after(project)
    result = project.run("generate", "-m", "every online form")
    assert result.exit_code == 0, result.output
    assert project.latest(f"{direction}.sql") == sql_snapshot
    up = project.latest("up.sql")
    body = up.split("\nBEGIN;\n", 1)[1]
    transaction, after = body.split("\nCOMMIT;\n", 1)
    assert "CONCURRENTLY" not in transaction and "VALIDATE" not in transaction
    assert "SET lock_timeout = '5s';" in up.split("\nBEGIN;\n")[0]
    for form in ("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_event_amount", "DROP INDEX CONCURRENTLY IF EXISTS ix_event_note",
                 "VALIDATE CONSTRAINT fk_event_account_id_account", "VALIDATE CONSTRAINT ck_event_code_format",
                 "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_event_code", "UNIQUE USING INDEX uq_event_code",
                 "ALTER COLUMN note SET NOT NULL", "ALTER COLUMN region SET NOT NULL"):
        assert form in after, form
    # The online files break no lock rule (the lint is the reviewer's check of that).
    lint = project.run("lint")
    assert " takes " not in lint.output, lint.output


def test_online_settings_are_checked(tmp_path):
    project = make_project(tmp_path / "p", "sqlite", copy_from=ONLINE / "before")
    project.write("codegen.yaml", "dialect: sqlite\npostgresql: {online: true}\n")
    result = project.run("generate")
    assert result.exit_code == 2 and "codegen.yaml:2" in result.output and "PostgreSQL projects" in result.output
    project.write("codegen.yaml", "dialect: postgresql\npostgresql: {onlin: true}\n")
    result = project.run("generate")
    assert result.exit_code == 2 and "did you mean `online`" in result.output.replace("'", "`")
    project.write("codegen.yaml", "dialect: postgresql\npostgresql: {lock_timeout: soon}\n")
    result = project.run("generate")
    assert result.exit_code == 2 and "expected a duration such as `5s`" in result.output
    project.write("codegen.yaml", "dialect: sqlite\n")
    result = project.run("generate", "--online")
    assert result.exit_code == 2 and "--online" in result.output
    assert not (project.root / "migrations").exists()


def test_online_flag_and_plain_timeouts(tmp_path):
    project = _project(tmp_path / "p", online=False)
    project.write("codegen.yaml", "dialect: postgresql\npostgresql: {lock_timeout: 2s, statement_timeout: 10min}\n")
    assert project.run("generate", "-m", "before").exit_code == 0
    up = project.latest("up.sql")
    assert "SET lock_timeout = '2s';\nSET statement_timeout = '10min';\n\nBEGIN;" in up
    _to_after(project)
    plain = project.run("diff").output
    online = project.run("diff", "--online").output
    assert "CONCURRENTLY" not in plain and "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_event_amount" in online


# -- running them ---------------------------------------------------------------------------------

def test_online_migration_up_and_down_on_postgresql(tmp_path, pg):
    project = _after_with_rows(tmp_path / "p", pg, 2000)
    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    _run(project, "migrate", "--db", pg.runner_url)
    pg.assert_matches(schema, ignore=("codegen_migrations",))
    assert pg.query("SELECT count(*), count(*) FILTER (WHERE note = 'none'), count(*) FILTER (WHERE region = 'eu') "
                    "FROM event") == [(2000, 200, 2000)]
    assert pg.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid") == [(0,)]
    assert pg.query("SELECT count(*) FROM pg_constraint WHERE NOT convalidated "
                    "AND connamespace = current_schema()::regnamespace") == [(0,)]
    _run(project, "rollback", "--db", pg.runner_url)
    before = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "s")  # unchanged file
    _run(project, "migrate", "--db", pg.runner_url)
    pg.assert_matches(before.schema, ignore=("codegen_migrations",))
    status = _run(project, "status", "--db", pg.runner_url)
    assert "Pending: none" in status.stdout and "DIRTY" not in status.stdout
    _run(project, "verify", "--db", require_postgres())


def test_a_failed_concurrent_build_is_dropped_and_built_again(tmp_path, pg):
    # 'c7' twice: the unique build fails
    project = _after_with_rows(tmp_path / "p", pg, 500, "INSERT INTO event (account_id, amount, code) VALUES (1, 1, 'c7')")
    failed = _run(project, "migrate", "--db", pg.runner_url, check=False)
    assert failed.returncode == 1
    assert "after COMMIT failed" in failed.stderr and "uq_event_code" in failed.stderr
    assert pg.query("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE NOT i.indisvalid") == [("uq_event_code",)]
    status = _run(project, "status", "--db", pg.runner_url, check=False)
    assert status.returncode == 1 and "run `codegen migrate` again" in status.stderr
    refused = _run(project, "rollback", "--db", pg.runner_url, check=False)
    assert refused.returncode == 1 and "codegen migrate" in refused.stderr
    pg.apply("DELETE FROM event WHERE code = 'c7' AND id > 500")
    _run(project, "migrate", "--db", pg.runner_url)
    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    pg.assert_matches(schema, ignore=("codegen_migrations",))
    assert pg.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid") == [(0,)]
    assert "DIRTY" not in _run(project, "status", "--db", pg.runner_url).stdout


def test_a_runner_killed_after_commit_is_finished_by_the_next(tmp_path, pg):
    """SIGKILL while the concurrent build runs: the row says unfinished, and `migrate` finishes it."""
    project = _after_with_rows(tmp_path / "p", pg, min(ROWS, 1_000_000))
    run = subprocess.Popen([*CODEGEN, "migrate", "--db", pg.runner_url], cwd=project.root, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not pg.query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE UNIQUE INDEX CONCURRENTLY%' "
                       "AND state = 'active'")[0][0]:
        assert time.monotonic() < deadline and run.poll() is None, "the concurrent build never started"
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 60
    while pg.query("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE UNIQUE INDEX CONCURRENTLY%' "
                   "AND state = 'active'")[0][0]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert pg.query("SELECT dirty, failed_statement FROM codegen_migrations ORDER BY id DESC LIMIT 1") == [
        (True, f"{project.migrations()[-1].name}/up.sql: the statements after COMMIT")]
    status = _run(project, "status", "--db", pg.runner_url, check=False)
    assert status.returncode == 1 and "the process ended before they did" in status.stderr
    _run(project, "migrate", "--db", pg.runner_url)
    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    pg.assert_matches(schema, ignore=("codegen_migrations",))
    assert pg.query("SELECT count(*) FROM pg_index WHERE NOT indisvalid") == [(0,)]


def test_two_online_runners_at_once(tmp_path, pg):
    project = _after_with_rows(tmp_path / "p", pg, 300_000)
    runs = [subprocess.Popen([*CODEGEN, "migrate", "--db", pg.runner_url], cwd=project.root, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    applied = [line for out, _ in outputs for line in out.splitlines() if line.startswith("up ")]
    assert len(applied) == 1, outputs
    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    pg.assert_matches(schema, ignore=("codegen_migrations",))


# -- the proof: a busy table keeps serving ----------------------------------------------------------

FORMS = {
    # form: (the change to event.yaml's `before`, what the plain form holds the lock for)
    "index": lambda text: text.replace("  - columns: [note]", "  - columns: [note]\n  - columns: [amount]"),
    "foreign key": lambda text: text.replace("account_id: integer",
                                             "account_id: {type: integer, references: Account, index: false}"),
    "check": lambda text: text + "checks:\n  - {name: code_format, expr: \"code ~ '^c[0-9]+$'\"}\n",
    "not null": lambda text: text.replace("note: text?", "note: {type: text, backfill: \"none\"}"),
    "unique": lambda text: text.replace("code: text", "code: {type: text, unique: true}"),
}
LOCK_TIMEOUT_MS = 1000
_CODES = itertools.count(10 ** 9)  # the writer's new codes, unique across the forms (one is a unique constraint)


class Traffic:
    """Short transactions on `event` (a read, an update, an insert) from one connection, and a
    monitor that samples how long that connection has been waiting on a lock."""

    def __init__(self, db: PostgresDatabase):
        self.db, self.stop = db, threading.Event()
        self.latencies: list[float] = []
        self.longest_wait = 0.0
        self.writer_pid: int | None = None
        self.errors: list[BaseException] = []

    def __enter__(self):
        self.threads = [threading.Thread(target=self._write), threading.Thread(target=self._watch)]
        for thread in self.threads:
            thread.start()
        deadline = time.monotonic() + 10
        while len(self.latencies) < 20:
            assert time.monotonic() < deadline, "the writer never ran"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        time.sleep(0.2)
        self.stop.set()
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise self.errors[0]

    def _write(self):
        rng = random.Random(7)
        try:
            with self.db._connect() as conn:
                self.writer_pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
                while not self.stop.is_set():
                    key = rng.randint(0, 499) * 2 + 1  # odd: not a row whose note is NULL (those are g % 10 = 0)
                    for sql in (f"SELECT amount FROM event WHERE id = {key}",
                                f"UPDATE event SET amount = amount + 1 WHERE id = {key}",
                                f"INSERT INTO event (account_id, amount, note, code) "
                                f"VALUES ({key}, 1, 'w', 'c{next(_CODES)}')"):
                        started = time.monotonic()
                        conn.execute(sql)
                        self.latencies.append(time.monotonic() - started)
        except BaseException as exc:  # noqa: BLE001 - reported by __exit__
            self.errors.append(exc)

    def _watch(self):
        try:
            with self.db._connect() as conn:
                while not self.stop.is_set():
                    if self.writer_pid is not None:
                        row = conn.execute("SELECT extract(epoch FROM clock_timestamp() - state_change) "
                                           "FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                                           (self.writer_pid,)).fetchone()
                        if row is not None:
                            self.longest_wait = max(self.longest_wait, float(row[0]))
                    time.sleep(0.005)
        except BaseException as exc:  # noqa: BLE001
            self.errors.append(exc)


@pytest.fixture(scope="module")
def busy_table(tmp_path_factory):
    """A schema with `account` and 4 million `event` rows at the `before` migration, shared by the forms."""
    db = PostgresDatabase(require_postgres())
    db.create()
    root = tmp_path_factory.mktemp("busy")
    base = _project(root / "base", online=False)
    _run(base, "generate", "-m", "before")
    _run(base, "migrate", "--db", db.runner_url)
    _fill(db, ROWS)
    yield db, base
    db.drop()


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_online_form_does_not_block_a_busy_table(form, busy_table, tmp_path):
    db, base = busy_table
    measured = {}
    for online in (False, True):
        project_root = tmp_path / ("online" if online else "plain")
        shutil.copytree(base.root, project_root)
        project = make_project(project_root, "postgresql")
        extra = f"postgresql: {{online: true, lock_timeout: {LOCK_TIMEOUT_MS}ms}}\n" if online else ""
        project.write("codegen.yaml", "dialect: postgresql\n" + extra)
        event = project.root / "entities" / "event.yaml"
        event.write_text(FORMS[form](event.read_text()))
        _run(project, "generate", "-m", form.replace(" ", "_"))
        try:
            with Traffic(db) as traffic:
                _run(project, "migrate", "--db", db.runner_url)
            took = db.query("SELECT execution_ms FROM codegen_migrations ORDER BY id DESC LIMIT 1")[0][0]
            measured[online] = (traffic.longest_wait, max(traffic.latencies), len(traffic.latencies), took)
        finally:  # the next form starts from `before` again
            _run(project, "rollback", "--db", db.runner_url, check=False)
    print(f"\n{form}: " + "; ".join(
        f"{'online' if online else 'plain'}: longest lock wait {wait * 1000:.0f} ms, slowest statement "
        f"{slowest * 1000:.0f} ms of {count}, migration {took} ms"
        for online, (wait, slowest, count, took) in measured.items()))
    plain_wait = measured[False][0]
    online_wait, _, _, _ = measured[True]
    # The plain form blocks the writer while it scans or builds under its lock: the test can fail.
    assert plain_wait > 0.1, "the plain form never blocked the writer: the test proves nothing"
    # The online form never makes it wait as long as the lock timeout, nor half as long as the plain form did.
    assert online_wait * 1000 < LOCK_TIMEOUT_MS and online_wait < plain_wait / 2, \
        f"the online form blocked the writer for {online_wait:.3f} s"


# -- locks: what the lint says each statement takes is what PostgreSQL takes ----------------------

LOCK_CASES = [
    ("CREATE INDEX ix_a ON t (a)", SHARE),
    ("CREATE INDEX CONCURRENTLY ix_a ON t (a)", SHARE_UPDATE_EXCLUSIVE),
    ("DROP INDEX ix_b", ACCESS_EXCLUSIVE),
    ("DROP INDEX CONCURRENTLY ix_b", SHARE_UPDATE_EXCLUSIVE),
    ("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id)", SHARE_ROW_EXCLUSIVE),
    ("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id) NOT VALID", SHARE_ROW_EXCLUSIVE),
    ("ALTER TABLE t ADD CONSTRAINT ck CHECK (a >= 0)", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ADD CONSTRAINT ck CHECK (a >= 0) NOT VALID", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t VALIDATE CONSTRAINT ck_old", SHARE_UPDATE_EXCLUSIVE),
    ("ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a)", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ADD CONSTRAINT uq_b UNIQUE USING INDEX ix_b", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ADD COLUMN c integer", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ADD COLUMN c double precision DEFAULT random()", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ALTER COLUMN a TYPE bigint", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ALTER COLUMN a SET NOT NULL", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ALTER COLUMN a DROP NOT NULL", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t ALTER COLUMN a SET DEFAULT 1", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t DROP COLUMN b", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t RENAME COLUMN b TO b2", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t RENAME TO t2", ACCESS_EXCLUSIVE),
    ("ALTER TABLE t DROP CONSTRAINT ck_old", ACCESS_EXCLUSIVE),
    ("ALTER INDEX ix_b RENAME TO ix_b2", SHARE_UPDATE_EXCLUSIVE),
    ("COMMENT ON TABLE t IS 'x'", SHARE_UPDATE_EXCLUSIVE),
    ("COMMENT ON COLUMN t.a IS 'x'", SHARE_UPDATE_EXCLUSIVE),
    ("UPDATE t SET b = 1 WHERE b IS NULL", ROW_EXCLUSIVE),
    ("DROP TABLE t", ACCESS_EXCLUSIVE),
]
_MODES = {"AccessExclusiveLock": ACCESS_EXCLUSIVE, "ShareLock": SHARE, "ShareRowExclusiveLock": SHARE_ROW_EXCLUSIVE,
          "ShareUpdateExclusiveLock": SHARE_UPDATE_EXCLUSIVE, "RowExclusiveLock": ROW_EXCLUSIVE,
          "AccessShareLock": ACCESS_SHARE}
_RANK = [ACCESS_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, ACCESS_EXCLUSIVE]


def _strongest(modes) -> str:
    return max((_MODES[m] for m in modes if m in _MODES), key=_RANK.index)


@pytest.mark.parametrize("sql, lock", LOCK_CASES, ids=[sql for sql, _ in LOCK_CASES])
def test_the_lint_names_the_lock_postgresql_takes(sql, lock, pg):
    """Measured: the statement runs in a transaction left open (a CONCURRENTLY form, which cannot,
    while another session's write keeps it waiting), and pg_locks shows the strongest lock it
    holds on table t or its index ix_b."""
    pg.apply("CREATE TABLE p (id integer PRIMARY KEY); INSERT INTO p SELECT generate_series(1, 100);"
             "CREATE TABLE t (id integer PRIMARY KEY, a integer, b integer, CONSTRAINT ck_old CHECK (b > 0) NOT VALID);"
             "INSERT INTO t SELECT g, g, g FROM generate_series(1, 100) g; CREATE UNIQUE INDEX ix_b ON t (b)")
    assert statement_locks([sql])[0][0].lock == lock
    import psycopg

    concurrent = "CONCURRENTLY" in sql
    holder = pg._connect()
    holder.execute("BEGIN")
    if concurrent:  # a writer in flight: the concurrent form waits for it, holding its own lock
        holder.execute("UPDATE t SET a = a WHERE id = 1")
    runner = pg._connect()
    pid = runner.execute("SELECT pg_backend_pid()").fetchone()[0]
    done = threading.Event()

    def run():
        try:
            if concurrent:
                runner.execute(sql)
            else:
                runner.execute("BEGIN")
                runner.execute(sql)
        except psycopg.Error:
            pass
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    modes: list[str] = []
    while time.monotonic() < deadline:
        modes = [m for (m,) in pg.query(f"SELECT mode FROM pg_locks WHERE pid = {pid} AND granted AND relation IN "
                                        "(SELECT oid FROM pg_class WHERE relname IN ('t', 'ix_b') AND "
                                        f"relnamespace = '{pg.schema_name}'::regnamespace)")]
        if modes and (done.is_set() or concurrent):
            break
        time.sleep(0.01)
    holder.execute("ROLLBACK")
    thread.join()
    if not concurrent:
        runner.execute("ROLLBACK")
    runner.close()
    holder.close()
    assert modes, f"{sql}: no lock on t or ix_b seen"
    assert _strongest(modes) == lock, f"{sql}: took {modes}"


# -- the lint's rules: each fires, and its safe form does not -----------------------------------------

RULES = [
    ("non-concurrent index", ["CREATE INDEX ix ON t (a);"], ["SET lock_timeout = '1s';", "CREATE INDEX CONCURRENTLY ix ON t (a);"]),
    ("non-concurrent index", ["DROP INDEX ix;"], ["DROP INDEX CONCURRENTLY IF EXISTS ix;"]),  # its table is unnamed
    ("non-concurrent index", ["ALTER TABLE t ADD CONSTRAINT uq UNIQUE (a);"],
     ["SET lock_timeout = '1s';", "ALTER TABLE t ADD CONSTRAINT uq UNIQUE USING INDEX uq;"]),
    ("constraint without not valid", ["ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id);"],
     ["SET lock_timeout = '1s';", "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES p (id) NOT VALID;",
      "ALTER TABLE t VALIDATE CONSTRAINT fk;"]),
    ("constraint without not valid", ["ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0);"],
     ["SET lock_timeout = '1s';", "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID;"]),
    ("volatile default", ["ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();"],
     ["SET lock_timeout = '1s';", "ALTER TABLE t ADD COLUMN u timestamptz DEFAULT now();"]),
    ("column type change", ["ALTER TABLE t ALTER COLUMN a TYPE bigint USING a::bigint;"],
     ["SET lock_timeout = '1s';", "ALTER TABLE t ADD COLUMN a2 bigint;"]),
    ("set not null", ["ALTER TABLE t ALTER COLUMN a SET NOT NULL;"],
     ["SET lock_timeout = '1s';", "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;",
      "ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;", "ALTER TABLE t ALTER COLUMN a SET NOT NULL;"]),
    ("rename column", ["ALTER TABLE t RENAME COLUMN a TO b;"], ["SET lock_timeout = '1s';", "ALTER TABLE t ADD COLUMN b integer;"]),
    ("rename table", ["ALTER TABLE t RENAME TO u;"], ["SET lock_timeout = '1s';", "CREATE TABLE u (id integer);"]),
    ("no lock timeout", ["ALTER TABLE t DROP COLUMN a;"], ["SET lock_timeout = '5s';", "ALTER TABLE t DROP COLUMN a;"]),
]


@pytest.mark.parametrize("rule, fires, safe", RULES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(RULES)])
def test_each_lint_rule_fires_and_its_safe_form_does_not(rule, fires, safe):
    assert rule in {b.rule for b in statement_locks(fires)[1]}
    assert statement_locks(safe)[1] == []
    # A table the same file creates has no rows and no readers: nothing fires on it.
    created = ["CREATE TABLE t (id integer, a integer);", *fires]
    if not fires[0].startswith("DROP INDEX"):
        assert statement_locks(created)[1] == []


def test_lint_reports_plain_postgresql_changes_and_accepts_acks(tmp_path):
    project = _project(tmp_path / "p", online=False)
    assert project.run("generate", "-m", "before").exit_code == 0
    _to_after(project)
    assert project.run("generate", "-m", "after").exit_code == 0
    lint = project.run("lint")
    assert lint.exit_code == 1
    for rule, subject in (("non-concurrent index", "ix_event_amount"), ("constraint without not valid", "ck_event_code_format"),
                          ("set not null", "event.note"), ("no lock timeout", "ix_event_note")):
        assert f"-- ACK {rule}: {subject}" in lint.output, rule
    locks = project.run("lint", "--locks").output
    assert "SHARE on event, builds an index, reading the table: CREATE INDEX ix_event_amount" in locks
    up = project.migrations()[-1] / "up.sql"
    acks = sorted(set(re.findall(r"`(-- ACK [^`]+)`", lint.output)))
    up.write_text(up.read_text() + "\n".join(acks) + "\n")
    assert project.run("rehash").exit_code == 0
    assert project.run("lint").exit_code == 0, project.run("lint").output


# -- too many locks for one transaction -----------------------------------------------------------

def test_a_migration_of_more_tables_than_the_lock_table_holds_says_so(tmp_path, pg):
    project = make_project(tmp_path / "p", "postgresql")
    for n in range(700):
        project.write(f"entities/t{n}.yaml", f"entity: T{n}\nfields:\n  id: {{type: bigint, primary_key: true, "
                                             "autoincrement: true}\n  name: text\n  code: {type: string, unique: true}\n")
    assert project.run("generate", "-m", "many").exit_code == 0
    for name in ("up.sql", "down.sql"):
        text = project.latest(name)
        assert "-- HAZARD too many locks:" in text and "split the change into migrations of at most" in text
    # The estimate errs high: count the locks the first 100 tables really take.

    from codegen.dialects.postgresql import locks_of_table

    schema = read_snapshot(project.root / "migrations" / "schema.snapshot.json", "s").schema
    statements = project.latest("up.sql").split("\nBEGIN;\n")[1].split("\nCOMMIT;")[0]
    creates = [s for s in statements.split(";\n") if s.strip().startswith("CREATE TABLE")][:100]
    with pg._connect() as conn:
        before = conn.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()").fetchone()[0]
        conn.execute("BEGIN")
        for statement in creates:
            conn.execute(statement)
        held = conn.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()").fetchone()[0] - before
        conn.execute("ROLLBACK")
    estimate = sum(locks_of_table(t) for t in schema.tables[:100])
    print(f"\n100 tables: {held} locks held, {estimate} estimated")
    assert held <= estimate
    small = make_project(tmp_path / "small", "postgresql", copy_from=ONLINE / "before")
    assert small.run("generate").exit_code == 0
    assert "too many locks" not in small.latest("up.sql")


# -- type changes: which rewrite the table ----------------------------------------------------------

def test_type_changes_that_rewrite_the_table_are_hazards_and_the_others_are_not(tmp_path):
    project = make_project(tmp_path / "p", "postgresql", {"t.yaml": """
        entity: T
        fields:
          id: {type: integer, primary_key: true}
          n: integer
          s: {type: string, length: 10}
          u: {type: string, length: 10}
          d: {type: integer, nullable: false}
        """})
    assert project.run("generate", "-m", "before").exit_code == 0
    project.write("entities/t.yaml", """
        entity: T
        fields:
          id: {type: integer, primary_key: true}
          n: bigint
          s: {type: string, length: 20}
          u: text
          d: {type: integer, nullable: true}
        """)
    assert project.run("generate", "-m", "after").exit_code == 0
    up = project.latest("up.sql")
    hazards = [line for line in up.splitlines() if line.startswith("-- HAZARD")]
    assert hazards == ["-- HAZARD table rewrite: t.n: changing the type rewrites the table and its indexes under an "
                       "ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big "
                       "table: add a column of the new type, fill it in batches, then switch)"]
    # The lint follows the header: only the rewrite is a finding, the catalog-only changes are not.
    lint = project.run("lint").output
    assert "ACK column type change: t.n" in lint
    assert "t.s" not in lint and "t.u" not in lint and "t.d" not in lint
