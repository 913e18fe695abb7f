"""`codegen verify`: replay the whole history on a scratch database and compare.

Every up in order (the live schema after the last must equal the snapshot),
then every down in reverse (after each, the schema must be what it was before
that up), ending empty. The scratch database is a temporary SQLite file, or a
database created on the given PostgreSQL server and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from codegen.config import Project
from codegen.dialects import get_dialect
from codegen.dialects.base import Dialect
from codegen.errors import UserError
from codegen.history import Migration
from codegen.integrity import Finding
from codegen.live import differences, expected, open_engine, reflect
from codegen.model import Schema


@dataclass(frozen=True)
class Step:
    migration: Migration
    direction: str  # "up" | "down"


def verify(project: Project, chain: list[Migration], snapshot: Schema, url: str | None,
           on_step: Callable[[Step], None] = lambda step: None) -> list[Finding]:
    """The first problem found replaying `chain` (an empty list when the history holds)."""
    dialect = get_dialect(project.dialect)
    external = tuple(t.name for t in snapshot.tables if t.external)
    if project.format == "alembic":
        external += ("alembic_version",)
    with scratch_engine(dialect, url) as engine:
        create_external_tables(dialect, engine, [t for t in snapshot.tables if t.external])
        before: list = []
        for migration in chain:
            on_step(Step(migration, "up"))
            before.append(reflect(engine, dialect, ignore=external, schemas=snapshot.schema_names))
            failed = run_step(project, dialect, engine, migration, "up")
            if failed:
                return [failed]
        live = reflect(engine, dialect, ignore=external, schemas=snapshot.schema_names)
        drift = differences(expected(snapshot, dialect), live)
        if drift:
            last = chain[-1].name if chain else "(none)"
            return [Finding("verify", f"after every up migration (the last is {last}) the database differs from the snapshot: "
                            + "; ".join(drift[:5]) + (" ..." if len(drift) > 5 else ""),
                            "the migrations were edited, or the snapshot was: regenerate the migration or restore the files",
                            (project.shown(project.snapshot),))]
        unusable = _unusable_defaults(engine, snapshot)
        if unusable:
            return unusable
        for migration, wanted in zip(reversed(chain), reversed(before)):
            on_step(Step(migration, "down"))
            failed = run_step(project, dialect, engine, migration, "down")
            if failed:
                return [failed]
            drift = differences(wanted, reflect(engine, dialect, ignore=external, schemas=snapshot.schema_names))
            if drift:
                undo = f"{migration.name}.py downgrade() does not undo upgrade()" if migration.is_revision else \
                    migration.shown_undo(project.migrations)
                return [Finding("verify", f"{undo}: " + "; ".join(drift[:5]),
                                "fix down.sql so that it restores the schema up.sql started from, then `codegen rehash`",
                                (project.shown(migration.source("down")),))]
    return []


def run_step(project: Project, dialect: Dialect, engine, migration: Migration, direction: str) -> Finding | None:
    alembic = migration.is_revision
    path = migration.source(direction)
    try:
        if alembic:
            _run_revision(project, engine, migration, direction)
        else:
            from codegen.formats.layouts import migration_text

            dialect.run_script(engine, migration_text(project, migration, direction))
    except Exception as exc:  # the database's own words are the message
        reason = " ".join(str(getattr(exc, "orig", exc) or exc).split())
        what = f"{migration.name}.py {'upgrade' if direction == 'up' else 'downgrade'}()" if alembic else \
            migration.shown_source(direction, project.migrations)
        return Finding("verify", f"{what} fails: {reason}",
                       "fix the migration (then `codegen rehash`), or regenerate it", (str(path),))
    return None


def _run_revision(project: Project, engine, migration: Migration, direction: str) -> None:
    """Alembic itself runs the revision, as `alembic upgrade`/`downgrade` would, on the scratch database."""
    from alembic import command
    from alembic.config import Config

    from codegen.preview import in_project

    config = Config(str(project.root / "alembic.ini"))
    with in_project(project.root, engine.url.render_as_string(hide_password=False)):
        if direction == "up":
            command.upgrade(config, migration.id)
        else:
            command.downgrade(config, migration.parent or "base")


def create_external_tables(dialect: Dialect, engine, tables: list) -> None:
    """Tables managed elsewhere that the migrations reference: made from their entity definitions
    (without their own foreign keys), so that the replay can point at them. They go with the
    scratch database."""
    if not tables:
        return
    from dataclasses import replace

    from codegen.naming import split
    from codegen.operations import CreateSchema, CreateTable
    from codegen.render import sql_environment

    env = sql_environment(dialect.name)
    # an external table in a schema of its own (`schema:`): the schema first
    schemas = sorted({split(t.name)[0] for t in tables} - {None})
    sql = "\n".join([*(env.get_template("create_schema.sql.j2").render(op=CreateSchema(s)) for s in schemas),
                      *(env.get_template("create_table.sql.j2").render(op=CreateTable(replace(t, foreign_keys=())))
                        for t in tables)])
    dialect.run_script(engine, sql)


def _unusable_defaults(engine, snapshot: Schema) -> list[Finding]:
    """A raw SQL default the database cannot evaluate applies cleanly and then breaks every
    insert (SQLite has no now()): each is evaluated once, as the database would on insert."""
    found = []
    for table in snapshot.managed_tables:
        for column in table.columns:
            if column.default is None or column.default.kind != "sql":
                continue
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql(f"SELECT ({column.default.value})")
            except Exception as exc:  # the database's own words are the message
                reason = " ".join(str(getattr(exc, "orig", exc) or exc).split())
                found.append(Finding(
                    "verify", f"{table.name}.{column.name}: the default {{sql: {column.default.value!r}}} cannot be "
                    f"evaluated by {engine.dialect.name}: {reason}; every insert that relies on it fails",
                    f"write an expression {engine.dialect.name} knows in the entity's `default: {{sql: ...}}` "
                    "(SQLite: CURRENT_TIMESTAMP, not now()), then `codegen generate`", (table.name,)))
    return found


@contextlib.contextmanager
def scratch_engine(dialect: Dialect, url: str | None) -> Iterator:
    """A database to replay on: for SQLite always a temporary file (never the file a URL names),
    else a database created on the server at `url` and dropped afterwards."""
    import sqlalchemy as sa

    if dialect.file_database:
        with tempfile.TemporaryDirectory(prefix="codegen-verify-") as folder:
            engine = sa.create_engine(f"sqlite:///{Path(folder) / 'verify.db'}")
            try:
                yield engine
            finally:
                engine.dispose()
        return
    if url is None:
        raise UserError.at("--db", f"verify needs a {dialect.name} server to replay the migrations on",
                           f"pass `--db {dialect.name}://user:password@host/dbname` or set CODEGEN_DATABASE_URL "
                           "(a scratch database is created there and dropped afterwards)")
    admin = open_engine(dialect, url, isolation_level="AUTOCOMMIT")
    name = f"codegen_verify_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(dialect.create_database_sql(name))
    except sa.exc.SQLAlchemyError as exc:
        admin.dispose()
        reason = " ".join(str(getattr(exc, "orig", exc)).split())
        raise UserError.at("--db", f"cannot create a scratch database on that server: {reason}",
                           "use a role that may CREATE DATABASE, or check the URL") from None
    engine = sa.create_engine(admin.url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        _drop(admin, dialect, name)
        admin.dispose()


def _drop(admin, dialect: Dialect, name: str) -> None:
    """Drop the scratch database, trying each way the dialect knows a few times: a server process
    (an autovacuum worker) may hold it for a moment."""
    import time

    import sqlalchemy as sa

    for attempt in range(20):
        for statement in dialect.drop_database_sql(name):
            try:
                with admin.connect() as conn:
                    conn.exec_driver_sql(statement)
                return
            except sa.exc.DBAPIError:
                if attempt == 19 and statement == dialect.drop_database_sql(name)[-1]:
                    raise
        time.sleep(0.25)
