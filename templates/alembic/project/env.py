"""Alembic environment written by codegen.

The database URL comes from CODEGEN_DATABASE_URL when it is set, else from
alembic.ini. Online and offline (`alembic upgrade head --sql`) modes both
work. On SQLite, batch mode is on and foreign keys are switched off while
revisions run (as codegen's SQL migrations do), so that rebuilding a parent
table neither cascade-deletes nor orphans child rows.
"""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None and config.get_section("loggers"):
    fileConfig(config.config_file_name)

target_metadata = None  # codegen writes the revisions; autogenerate is not used


def database_url() -> str:
    url = os.environ.get("CODEGEN_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):  # the driver codegen installs
            url = "postgresql+psycopg://" + url[len(plain):]
    return url


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"}, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            if violations:
                raise RuntimeError(f"rows reference missing parents after the migration: {violations}")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
