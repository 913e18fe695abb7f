"""pytest plugin `codegen`: a project's migrations tested in its own test suite.

Registered through the `pytest11` entry point, so installing codegen is enough; it
does nothing until a codegen.yaml is found from pytest's rootdir (or `--codegen-config`),
and `-p no:codegen` switches it off. It gives fixtures (`codegen_project`,
`codegen_database`, `codegen_migration_sql`) and, with `codegen_tests = all` in the ini
file, the built-in tests as items of their own, one per migration where that applies.
The checks are codegen's own (`check`'s findings, `verify`'s replay); a failure reads
as `codegen check` prints one: what is wrong, where, and the fix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any, Iterator

import pytest

BUILT_IN = ("test_single_head", "test_model_matches_snapshot", "test_up_down_consistency", "test_upgrade_with_data")
_CHAIN_CODES = ("branches", "chain-broken", "duplicate-id")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("codegen", "codegen migrations")
    group.addoption("--codegen-config", metavar="PATH", help="The project's codegen.yaml (default: found from the rootdir).")
    group.addoption("--codegen-db", metavar="URL",
                    help="A PostgreSQL or MySQL server for the scratch databases (default: $CODEGEN_TEST_DATABASE_URL; "
                         "SQLite projects use a temporary file).")
    parser.addini("codegen_tests", "codegen's built-in migration tests to run: `all`, or some of " + ", ".join(BUILT_IN))


def _project(config: pytest.Config):
    from codegen.config import find_config, load_project

    given = config.getoption("codegen_config")
    path = Path(given) if given else find_config(config.rootpath)
    return None if path is None else load_project(path, config.rootpath)


def _server_url(config: pytest.Config) -> str | None:
    import os

    return config.getoption("codegen_db") or os.environ.get("CODEGEN_TEST_DATABASE_URL") or None


def _chosen(config: pytest.Config) -> tuple[str, ...]:
    written = (config.getini("codegen_tests") or "").replace(",", " ").split()
    if "all" in written:
        return BUILT_IN
    unknown = [name for name in written if name not in BUILT_IN]
    if unknown:
        raise pytest.UsageError(f"codegen_tests: unknown test {', '.join(unknown)}; choose `all` or some of "
                                + ", ".join(BUILT_IN))
    return tuple(written)


# -- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def codegen_project(pytestconfig: pytest.Config):
    """The project of codegen.yaml: its settings, and where its entities, snapshot and migrations are."""
    from codegen.errors import UserError

    try:
        project = _project(pytestconfig)
    except UserError as exc:
        pytest.fail(str(exc), pytrace=False)
    if project is None:
        pytest.skip("no codegen.yaml found from the rootdir (pass --codegen-config PATH)")
    return project


@pytest.fixture(scope="session")
def codegen_database(codegen_project, pytestconfig: pytest.Config) -> Iterator[Any]:
    """A SQLAlchemy engine on a scratch database with every migration applied, dropped afterwards."""
    chain = _chain(codegen_project)
    with _replayed(codegen_project, _server_url(pytestconfig), chain) as (engine, failed, _, _schemas):
        if failed is not None:
            pytest.fail(failed.render(), pytrace=False)
        yield engine


class MigrationSql(dict):
    """Every migration's SQL by name, `{"<id>_<slug>": {"up": ..., "down": ...}}`: compared with a
    syrupy snapshot, it freezes the SQL reviewers approved (Alembic revisions: their offline SQL)."""


@pytest.fixture(scope="session")
def codegen_migration_sql(codegen_project) -> MigrationSql:
    from codegen.preview import migration_sql

    return MigrationSql({m.name: {"up": migration_sql(codegen_project, m, down=False),
                                  "down": migration_sql(codegen_project, m, down=True)}
                         for m in _chain(codegen_project)})


# -- the built-in tests ---------------------------------------------------------------------------

class CodegenFailure(Exception):
    """Findings, printed as `codegen check` prints them."""

    def __init__(self, findings: list) -> None:
        super().__init__("\n".join(f.render() for f in findings))
        self.findings = findings


class CodegenItem(pytest.Item):
    def __init__(self, *, check, **kwargs) -> None:
        super().__init__(**kwargs)
        self.check = check

    def runtest(self) -> None:
        self.check()

    def repr_failure(self, excinfo, style=None):  # noqa: ANN001 - pytest's signature
        from codegen.errors import UserError

        if isinstance(excinfo.value, CodegenFailure):
            return "\n".join(f"problem: {f.render()}" for f in excinfo.value.findings)
        if isinstance(excinfo.value, UserError):  # the entities or files cannot be read: as the CLI says it
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, self.name


@pytest.hookimpl(tryfirst=True)  # before -k and -m deselect: they apply to these items too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    from codegen.errors import UserError

    chosen = _chosen(config)
    if not chosen:
        return
    try:
        project = _project(config)
    except UserError as exc:
        raise pytest.UsageError(str(exc)) from None
    if project is None:
        raise pytest.UsageError("codegen_tests is set, but no codegen.yaml was found from the rootdir "
                                "(pass --codegen-config PATH)")
    if not _asked_for(config, project.config_file):
        return
    url = _server_url(config)
    chain = _chain(project)
    path = project.config_file
    checks = []
    if "test_single_head" in chosen:
        checks.append(("test_single_head", lambda: _single_head(project)))
    if "test_model_matches_snapshot" in chosen:
        checks.append(("test_model_matches_snapshot", lambda: _model_matches_snapshot(project)))
    for number, migration in enumerate(chain):
        if "test_up_down_consistency" in chosen:
            checks.append((f"test_up_down_consistency[{migration.name}]",
                           lambda n=number: _up_down(project, url, chain, n)))
        if "test_upgrade_with_data" in chosen:
            checks.append((f"test_upgrade_with_data[{migration.name}]",
                           lambda n=number: _with_data(project, url, chain, n)))
    shown = project.shown(path)
    added = [CodegenItem.from_parent(session, name=name, nodeid=f"{shown}::{name}", path=path, check=check)
             for name, check in checks]
    items.extend(added)
    # reported as collected, so that "collected N items" counts them
    config.hook.pytest_collectreport(report=pytest.CollectReport(shown, "passed", None, added))


def _asked_for(config: pytest.Config, config_file: Path) -> bool:
    """Whether this run is about the project: a plain `pytest` (testpaths, or the current folder),
    or paths of which one holds codegen.yaml; not `pytest tests/test_one.py`."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return True
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if path == config_file.resolve() or path in config_file.resolve().parents:
            return True
    return False


def _chain(project) -> list:
    from codegen.history import list_migrations
    from codegen.integrity import ordered_chain

    return ordered_chain(list_migrations(project.migrations, project.layout))


def _single_head(project) -> None:
    from codegen.history import list_migrations
    from codegen.integrity import check_chain

    found = [f for f in check_chain(list_migrations(project.migrations, project.layout), None, "")
             if f.code in _CHAIN_CODES]
    if found:
        raise CodegenFailure(found)


def _model_matches_snapshot(project) -> None:
    from codegen.pipeline import findings, load_state

    found = [f for f in findings(load_state(project)) if f.code not in _CHAIN_CODES]
    if found:
        raise CodegenFailure(found)


@contextlib.contextmanager
def _replayed(project, url: str | None, migrations: list) -> Iterator[tuple[Any, Any, tuple[str, ...], tuple[str, ...]]]:
    """A scratch database with `migrations` applied in order: (engine, the first failure or None,
    the tables that are not the migrations' own: external ones, alembic_version; the schemas
    the project's tables live in besides the default one)."""
    from codegen.dialects import get_dialect
    from codegen.snapshot import read_snapshot
    from codegen.verify import create_external_tables, run_step, scratch_engine

    dialect = get_dialect(project.dialect)
    if url is None and not dialect.file_database:
        from codegen.integrity import Finding

        raise CodegenFailure([Finding(
            "no-server", f"a {dialect.name} project's migrations need a {dialect.name} server to run on",
            f"pass --codegen-db {dialect.example_url} (or set CODEGEN_TEST_DATABASE_URL): a scratch database "
            "is created there and dropped afterwards", (project.shown(project.config_file),))])
    snapshot = read_snapshot(project.snapshot, project.shown(project.snapshot)).schema
    with scratch_engine(dialect, url) as engine:
        create_external_tables(dialect, engine, [t for t in snapshot.tables if t.external])
        failed = None
        for migration in migrations:
            failed = run_step(project, dialect, engine, migration, "up")
            if failed is not None:
                break
        yield engine, failed, (*(t.name for t in snapshot.tables if t.external), "alembic_version"), \
            snapshot.schema_names


def _up_down(project, url: str | None, chain: list, number: int) -> None:
    """Up, then down, of one migration: the schema is exactly the one before it."""
    from codegen.dialects import get_dialect
    from codegen.integrity import Finding
    from codegen.live import differences, reflect
    from codegen.verify import run_step

    dialect, migration = get_dialect(project.dialect), chain[number]
    with _replayed(project, url, chain[:number]) as (engine, failed, ignored, schemas):
        if failed is None:
            before = reflect(engine, dialect, ignore=ignored, schemas=schemas)
            failed = run_step(project, dialect, engine, migration, "up") or run_step(project, dialect, engine, migration, "down")
        if failed is not None:
            raise CodegenFailure([failed])
        changed = differences(before, reflect(engine, dialect, ignore=ignored, schemas=schemas))
    if changed:
        down = f"{migration.name}.py downgrade()" if migration.is_revision else migration.shown_source("down", project.migrations)
        raise CodegenFailure([Finding("up-down", f"{down} does not bring back the schema before {migration.name}: "
                                      + "; ".join(changed[:5]), "fix the down migration so that it undoes the up, "
                                      "then `codegen rehash`", (project.shown(migration.path),))])


def _with_data(project, url: str | None, chain: list, number: int) -> None:
    """A row in every table before the migration: each table the migration keeps still holds it after."""
    import sqlalchemy as sa

    from codegen import naming
    from codegen.dialects import get_dialect
    from codegen.integrity import Finding
    from codegen.reflect import read_schema
    from codegen.verify import run_step

    dialect, migration = get_dialect(project.dialect), chain[number]
    with _replayed(project, url, chain[:number]) as (engine, failed, ignored, schemas):
        if failed is not None:
            raise CodegenFailure([failed])
        with engine.connect() as conn:  # the scratch engine may autocommit: one statement at a time
            schema = read_schema(conn, dialect, ignored, schemas=schemas).schema
            metadata = sa.MetaData()
            for namespace in (None, *schemas):  # SQLAlchemy keys a table in a schema `schema.table`, as the model does
                metadata.reflect(conn, schema=namespace, only=[
                    naming.bare(t.name) for t in schema.tables if naming.split(t.name)[0] == namespace])
            for table in metadata.sorted_tables:
                row = _row(schema.table(table.key))
                try:
                    conn.execute(table.insert().values(**{k: v for k, v in row.items() if k in table.c}))
                except sa.exc.DBAPIError as exc:
                    pytest.skip(f"no row could be made for {table.name} before {migration.name}: "
                                f"{' '.join(str(exc.orig).split())[:200]}")
            conn.commit()
        failed = run_step(project, dialect, engine, migration, "up")
        if failed is not None:
            raise CodegenFailure([failed])
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            after = {naming.qualified(s, name) for s in (None, *schemas) for name in inspector.get_table_names(schema=s)}
            lost = [t.name for t in schema.tables if t.name in after and conn.execute(sa.select(sa.func.count()).select_from(
                sa.table(naming.bare(t.name), schema=naming.split(t.name)[0]))).scalar() != 1]
    if lost:
        raise CodegenFailure([Finding("rows-lost", f"{migration.name} loses the rows of {', '.join(lost)}, which it keeps",
                                      "keep the rows: a `renamed_from` instead of a drop and an add, a `backfill` for "
                                      "a new NOT NULL column; or accept the loss and say so in the entity change",
                                      (project.shown(migration.path),))])


_SAMPLE = {
    "smallint": 1, "integer": 1, "bigint": 1, "string": "a", "text": "a", "boolean": True, "float": 1.0,
    "date": dt.date(2024, 1, 1), "time": dt.time(12, 0), "timestamp": dt.datetime(2024, 1, 1, 12, 0),
    "uuid": "00000000-0000-0000-0000-000000000001", "json": "{}", "binary": b"a",
}


def _row(table) -> dict[str, Any]:
    """One row every constraint the format writes accepts: every key 1 or 'a', so that each foreign
    key finds the row of its parent; enums take their first value."""
    from decimal import Decimal

    row = {}
    for column in table.columns:
        kind = column.type.kind
        if kind == "enum":
            row[column.name] = column.type.values[0]
        elif kind == "decimal":
            row[column.name] = Decimal(1)
        elif kind == "timestamp" and column.type.timezone:
            row[column.name] = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
        else:
            row[column.name] = _SAMPLE[kind]
    return row
