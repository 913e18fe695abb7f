"""`codegen sql MIGRATION`: the SQL one migration runs, so reviewers read SQL for Alembic projects too.

SQL-format migrations are printed as written. An Alembic revision is run by
Alembic itself in offline mode (`alembic upgrade A:B --sql`) against the
configured dialect, with no database.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Iterator

from codegen.config import Project
from codegen.dialects import get_dialect
from codegen.errors import UserError
from codegen.history import Migration, list_migrations

def find_migration(project: Project, wanted: str) -> Migration:
    migrations = list_migrations(project.migrations, project.layout)
    for m in migrations:
        if wanted in (m.id, m.name):
            return m
    known = ", ".join(m.name for m in migrations[-5:]) or "none yet"
    raise UserError.at(wanted, "no such migration", f"name one by id or folder/file name (latest: {known})")


def migration_sql(project: Project, migration: Migration, down: bool) -> str:
    if not migration.is_revision:
        from codegen.formats.layouts import migration_text

        return migration_text(project, migration, "down" if down else "up")
    from alembic import command
    from alembic.config import Config

    buffer = io.StringIO()
    config = Config(str(project.root / "alembic.ini"), output_buffer=buffer)
    with in_project(project.root, get_dialect(project.dialect).offline_url):
        if down:
            command.downgrade(config, f"{migration.id}:{migration.parent or 'base'}", sql=True)
        elif migration.parent:
            command.upgrade(config, f"{migration.parent}:{migration.id}", sql=True)
        else:
            command.upgrade(config, migration.id, sql=True)
    return buffer.getvalue()


@contextlib.contextmanager
def in_project(root: Path, url: str) -> Iterator[None]:
    """Run where alembic.ini is (its script_location is relative), with CODEGEN_DATABASE_URL set to `url`."""
    old_cwd, old_url = Path.cwd(), os.environ.get("CODEGEN_DATABASE_URL")
    os.chdir(root)
    os.environ["CODEGEN_DATABASE_URL"] = url
    try:
        yield
    finally:
        os.chdir(old_cwd)
        if old_url is None:
            os.environ.pop("CODEGEN_DATABASE_URL", None)
        else:
            os.environ["CODEGEN_DATABASE_URL"] = old_url
