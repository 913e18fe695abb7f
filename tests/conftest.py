"""Real databases for the tests, and helpers to drive codegen as a user does.

SQLite (stdlib) is always there. PostgreSQL comes from
CODEGEN_TEST_POSTGRES_URL (`.ci/run` starts a server and exports it); each
test gets its own schema on it, dropped afterwards. Without the URL the
PostgreSQL tests skip, except under CI=true, where they fail: CI must never
pass by skipping the database it is meant to prove migrations on.
"""

from __future__ import annotations

import os
import sqlite3
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from codegen.cli import cli
from codegen.dialects import get_dialect
from codegen.live import differences, expected, reflect
from codegen.model import Schema

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DIALECTS = ("sqlite", "postgresql", "mysql")


def fuzz_examples(full: int) -> int:
    """How many examples a property test draws: `full` in CI (CI=true), a tenth of it (at least
    10) otherwise, so that a local run stays quick; CODEGEN_FUZZ_EXAMPLES=N sets every count."""
    forced = os.environ.get("CODEGEN_FUZZ_EXAMPLES")
    if forced:
        return int(forced)
    return full if os.environ.get("CI", "").lower() == "true" else max(10, full // 10)


# -- databases ------------------------------------------------------------------------------

def postgres_url() -> str | None:
    return os.environ.get("CODEGEN_TEST_POSTGRES_URL")


def require_mysql() -> str:
    url = os.environ.get("CODEGEN_TEST_MYSQL_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but CODEGEN_TEST_MYSQL_URL is not set: MySQL/MariaDB tests must run in CI")
    pytest.skip("set CODEGEN_TEST_MYSQL_URL to run the MySQL/MariaDB tests")


def require_postgres() -> str:
    url = postgres_url()
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but CODEGEN_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI")
    pytest.skip("set CODEGEN_TEST_POSTGRES_URL to run the PostgreSQL tests")


class Database:
    """An empty database of one dialect that migrations are applied to."""

    dialect_name: str

    def apply(self, sql: str) -> None:
        raise NotImplementedError

    def engine(self) -> Any:
        raise NotImplementedError

    def live(self, ignore: tuple[str, ...] = (), schemas: tuple[str, ...] = ()) -> dict:
        return reflect(self.reflecting_engine(), get_dialect(self.dialect_name), self.schema_name, ignore=ignore,
                       schemas=schemas)

    def reflecting_engine(self) -> Any:
        """One engine per database for the comparisons: SQLAlchemy caches its compiled reflection
        queries per engine (a new engine each time was most of the state machine's time)."""
        if getattr(self, "_reflecting", None) is None:
            self._reflecting = self.engine()
        return self._reflecting

    def close_engine(self) -> None:
        if getattr(self, "_reflecting", None) is not None:
            self._reflecting.dispose()
            self._reflecting = None

    schema_name: str | None = None

    def assert_matches(self, schema: Schema, ignore: tuple[str, ...] = ()) -> None:
        external = tuple(t.name for t in schema.tables if t.external) + ignore
        want = expected(schema, get_dialect(self.dialect_name))
        problems = differences(want, self.live(ignore=external, schemas=schema.schema_names))
        assert not problems, "live schema differs from the model:\n" + "\n".join(problems)

    def assert_empty(self, ignore: tuple[str, ...] = ()) -> None:
        live = self.live(ignore=ignore)
        assert live == {"tables": {}, "enums": {}}, f"database not empty: {live}"

    def query(self, sql: str) -> list[tuple]:
        raise NotImplementedError


class SQLiteDatabase(Database):
    dialect_name = "sqlite"

    def __init__(self, path: Path):
        self.path = path

    def apply(self, sql: str) -> None:
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(sql)
        finally:
            conn.close()

    def engine(self):
        import sqlalchemy as sa

        return sa.create_engine(f"sqlite:///{self.path}")

    @property
    def runner_url(self) -> str:
        """What a user passes to `codegen migrate --db`."""
        return f"sqlite:///{self.path}"

    def query(self, sql: str) -> list[tuple]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()


class PostgresDatabase(Database):
    dialect_name = "postgresql"

    def __init__(self, url: str):
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.schema_name = f"t_{uuid.uuid4().hex[:12]}"

    def _connect(self):
        import psycopg

        return psycopg.connect(self.url, autocommit=True, options=f"-c search_path={self.schema_name}")

    def create(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {self.schema_name}")

    def drop(self) -> None:
        import psycopg

        self.close_engine()
        with psycopg.connect(self.url, autocommit=True) as conn:
            # and the schemas a test's entities name (`schema: <this schema>_sales`, see entity_schema)
            extra = conn.execute("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)",
                                 (self.schema_name + "_",)).fetchall()
            for (name,) in extra:
                conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema_name} CASCADE")

    def apply(self, sql: str) -> None:
        from codegen.runner.scripts import parse_script

        with self._connect() as conn:
            # no parameters: the whole script goes as one simple query, except the statements an
            # online file runs on their own after COMMIT
            for piece in parse_script(sql, None).pieces(sql):
                conn.execute(piece)

    def engine(self):
        import sqlalchemy as sa

        return sa.create_engine(self.url.replace("postgresql://", "postgresql+psycopg://", 1),
                                connect_args={"options": f"-c search_path={self.schema_name}"})

    @property
    def runner_url(self) -> str:
        """What a user passes to `codegen migrate --db`: the server, with this test's schema first
        on the search path (libpq's `options`)."""
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}options=-csearch_path%3D{self.schema_name}"

    def query(self, sql: str) -> list[tuple]:
        with self._connect() as conn:
            return conn.execute(sql).fetchall()


class MySQLDatabase(Database):
    """A database of its own on the MariaDB/MySQL server of CODEGEN_TEST_MYSQL_URL, dropped afterwards.

    The tests' own SQL (rows to insert, queries of expected rows) is written once for every
    database in standard SQL: it runs here with ANSI_QUOTES (double quotes name identifiers) and
    `CAST(... AS TEXT)` read as MySQL's `AS CHAR`. Migrations go through `apply` unchanged
    otherwise: codegen writes backticks, which every mode reads.
    """

    dialect_name = "mysql"

    def __init__(self, url: str):
        import sqlalchemy as sa

        self.server = sa.make_url(url.replace("mysql://", "mysql+pymysql://", 1))
        self.name = f"t_{uuid.uuid4().hex[:12]}"

    def _connect(self, database: str | None = None):
        import pymysql

        # ssl_disabled: PyMySQL otherwise loads the system's certificates on every connection
        # (0.3 s each; a local test server needs no TLS).
        conn = pymysql.connect(host=self.server.host, port=self.server.port or 3306, user=self.server.username,
                               password=self.server.password, database=database, autocommit=True,
                               ssl_disabled=True)
        with conn.cursor() as cur:
            cur.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")
        return conn

    def _session(self):
        """One connection to the test's database for its statements and queries."""
        if getattr(self, "_open", None) is None:
            self._open = self._connect(self.name)
        return self._open

    def create(self) -> None:
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")

    def drop(self) -> None:
        self.close_engine()
        if getattr(self, "_open", None) is not None:
            self._open.close()
            self._open = None
        with self._connect() as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{self.name}`")

    def apply(self, sql: str) -> None:
        from codegen.runner.scripts import parse_script

        with self._session().cursor() as cur:
            for statement in parse_script(sql, None).statements:
                cur.execute(statement.code)

    def engine(self):
        import sqlalchemy as sa

        return sa.create_engine(self.server.set(database=self.name), connect_args={"ssl_disabled": True})

    @property
    def runner_url(self) -> str:
        return self.server.set(database=self.name).render_as_string(hide_password=False)

    def query(self, sql: str) -> list[tuple]:
        import re

        with self._session().cursor() as cur:
            cur.execute(re.sub(r"\bAS TEXT\)", "AS CHAR)", sql, flags=re.IGNORECASE))
            return [tuple(row) for row in cur.fetchall()]


@pytest.fixture
def mysql_db() -> Iterator[MySQLDatabase]:
    db = MySQLDatabase(require_mysql())
    db.create()
    try:
        yield db
    finally:
        db.drop()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> SQLiteDatabase:
    return SQLiteDatabase(tmp_path / "test.db")


@pytest.fixture
def postgres_db() -> Iterator[PostgresDatabase]:
    db = PostgresDatabase(require_postgres())
    db.create()
    try:
        yield db
    finally:
        db.drop()


@pytest.fixture(params=DIALECTS)
def database(request) -> Database:
    """An empty database of each dialect in turn."""
    return request.getfixturevalue(f"{DATABASE_FIXTURES[request.param]}")


DATABASE_FIXTURES = {"sqlite": "sqlite_db", "postgresql": "postgres_db", "mysql": "mysql_db"}


def without_mysql_unsupported(folder: Path, into: Path) -> Path:
    """A copy of the entity files under `folder` without what MySQL cannot hold and codegen refuses
    there with an input error (partial indexes, an index on a TEXT column, SET DEFAULT, a foreign
    key without an index), for the tests that
    run one entity set on every database. The errors themselves: test_input_errors.py.
    Check expressions are SQL of the project's database: a name in double quotes is written in
    backquotes, as a MySQL user writes it (MySQL reads "x" as a string)."""
    import re

    import yaml

    def mysql_names(expr: str) -> str:
        return re.sub(r"'(?:[^']|'')*'|\"(\w+)\"", lambda m: f"`{m[1]}`" if m[1] else m[0], expr)

    for src in sorted(folder.rglob("*.y*ml")):
        doc = yaml.safe_load(src.read_text(encoding="utf-8"))
        for entity in doc.get("entities", [doc]) if isinstance(doc, dict) else doc:
            for index in entity.get("indexes", []) or []:
                if isinstance(index, dict):
                    index.pop("where", None)
            for check in entity.get("checks", []) or []:
                if isinstance(check, dict) and isinstance(check.get("expr"), str):
                    check["expr"] = mysql_names(check["expr"])
            for spec in (entity.get("fields") or {}).values():
                if isinstance(spec, dict) and spec.get("type") == "text":
                    spec.pop("searchable", None)
                if isinstance(spec, dict) and spec.get("references"):  # InnoDB: no SET DEFAULT, an index always
                    spec.pop("index", None)
                    for action in ("on_delete", "on_update"):
                        if spec.get(action) == "set_default":
                            spec[action] = "no_action"
        target = into / src.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return into


# -- projects and the CLI ----------------------------------------------------------------------

@dataclass
class Result:
    exit_code: int
    output: str  # stdout and stderr together, as a terminal shows them
    exception: BaseException | None


@dataclass
class Project:
    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        """Run `codegen ARGS` in the project folder, as a user would from a shell."""
        runner = CliRunner()
        old = Path.cwd()
        os.chdir(self.root)
        try:
            result = runner.invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": "1767225600", **(env or {})},
                                   prog_name="codegen")
        finally:
            os.chdir(old)
        exc = result.exception if not isinstance(result.exception, SystemExit) else None
        return Result(result.exit_code, result.output, exc)

    def files(self) -> dict[str, bytes]:
        """Every file in the project (to prove that a failing command wrote nothing)."""
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.rglob("*")) if p.is_file()}

    def migrations(self) -> list[Path]:
        folder = self.root / "migrations"
        return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []

    def latest(self, name: str = "up.sql") -> str:
        return (self.migrations()[-1] / name).read_text(encoding="utf-8")


def make_project(root: Path, dialect: str, entities: dict[str, str] | None = None, copy_from: Path | None = None) -> Project:
    project = Project(root)
    root.mkdir(parents=True, exist_ok=True)
    project.write("codegen.yaml", f"dialect: {dialect}\n")
    if copy_from is not None:
        for src in sorted(copy_from.rglob("*.y*ml")):
            project.write(f"entities/{src.relative_to(copy_from)}", src.read_text(encoding="utf-8"))
    for name, text in (entities or {}).items():
        project.write(f"entities/{name}", text)
    return project


@pytest.fixture
def project_factory(tmp_path: Path):
    counter = iter(range(1000))

    def factory(dialect: str = "sqlite", entities: dict[str, str] | None = None, copy_from: Path | None = None) -> Project:
        return make_project(tmp_path / f"project{next(counter)}", dialect, entities, copy_from)

    return factory


# -- syrupy: whole migration files pinned as .sql files under the top-level snapshots/ ---------

class SqlFileSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "sql"

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(REPO / "snapshots" / test_location.basename)


@pytest.fixture
def sql_snapshot(snapshot):
    return snapshot.use_extension(SqlFileSnapshot)


class PyFileSnapshot(SqlFileSnapshot):
    file_extension = "py"


@pytest.fixture
def py_snapshot(snapshot):
    return snapshot.use_extension(PyFileSnapshot)
