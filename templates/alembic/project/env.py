"""Alembic environment written by codegen.

The database URL comes from CODEGEN_DATABASE_URL when it is set, else from
alembic.ini. Online and offline (`alembic upgrade head --sql`) modes both
work. Each revision runs in a transaction of its own, with the version it
stamps: it applies all or nothing, on SQLite as on PostgreSQL. MySQL and
MariaDB commit each DDL statement on their own: there a revision that fails
half way stays half applied (its docstring says so), and alembic_version
still names the revision before it. SQLite's Python
driver does not begin a transaction before DDL, so env.py begins it itself
(SQLAlchemy's documented recipe for pysqlite). On SQLite, batch mode is on and
foreign keys are switched off while revisions run (as codegen's SQL migrations
do), so that rebuilding a parent table neither cascade-deletes nor orphans
child rows; a revision that leaves a row pointing at nothing is rolled back.
"""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, event, pool

config = context.config
if config.config_file_name is not None and config.get_section("loggers"):
    fileConfig(config.config_file_name)

target_metadata = None  # codegen writes the revisions; autogenerate is not used


def database_url() -> str:
    url = os.environ.get("CODEGEN_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    drivers = {"postgresql://": "postgresql+psycopg://", "postgres://": "postgresql+psycopg://",
               "mysql://": "mysql+pymysql://", "mariadb://": "mysql+pymysql://"}
    for plain, with_driver in drivers.items():
        if url.startswith(plain):  # the drivers codegen installs
            url = with_driver + url[len(plain):]
    return url


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"}, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def refuse_squashed_revisions(engine) -> None:
    """A database at a revision that `codegen squash` replaced (and removed) cannot move on from
    it: say how to finish, rather than Alembic's "Can't locate revision". Read on a connection of
    its own, so that the migrations' connection starts with no transaction open."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as probe:
        current = set(MigrationContext.configure(probe).get_current_heads())
    for script in ScriptDirectory.from_config(config).walk_revisions():
        replaced = set(getattr(script.module, "replaces", ())) - {script.revision}
        for revision in sorted(current & replaced):
            raise SystemExit(
                f"this database is at revision {revision}, which the squashed revision {script.revision} replaced: "
                f"upgrade it to {script.revision} with a checkout from before the squash (`alembic upgrade "
                f"{script.revision}` there), or, if it already holds that schema, `alembic stamp {script.revision}`")


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        @event.listens_for(engine, "connect")
        def connected(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # the driver's own transaction handling off
            dbapi_connection.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction

        @event.listens_for(engine, "begin")
        def began(connection):
            connection.exec_driver_sql("BEGIN")

    def check_foreign_keys(*, ctx, step, heads, run_args):  # inside the revision's transaction
        violations = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise RuntimeError(f"rows reference missing parents after {step}: {violations}")

    refuse_squashed_revisions(engine)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite,
                          transactional_ddl=engine.dialect.name not in ("mysql", "mariadb"),
                          transaction_per_migration=True,
                          on_version_apply=check_foreign_keys if sqlite else None)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
