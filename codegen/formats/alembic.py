"""`format: alembic`: one revision script per migration, `versions/<id>_<slug>.py`, for Alembic to run."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codegen.formats.base import OutputFormat

if TYPE_CHECKING:
    from codegen.config import Project
    from codegen.dialects.base import Dialect
    from codegen.pipeline import State
    from codegen.render import MigrationInfo


class AlembicFormat(OutputFormat):
    name = "alembic"

    def schema_problems(self, schema, dialect: Dialect) -> list:
        from codegen.errors import Problem

        if dialect.name != "sqlite":
            return []
        # Alembic's batch mode copies every column into the rebuilt table, and SQLite refuses a value
        # for a generated one (cannot INSERT into generated column): the SQL format rebuilds without them.
        return [Problem(c.origin, "Alembic's batch mode cannot rebuild a SQLite table with a generated column",
                        "use `format: sql` for this project (its SQLite rebuilds leave generated columns out of the "
                        "copy), or drop `generated:`", t.entity, c.name)
                for t in schema.managed_tables for c in t.columns if c.generated is not None and c.origin]

    def planning_dialect(self, dialect: Dialect) -> Dialect:
        # A revision runs on every database Alembic supports, not only the project's.
        from codegen.dialects.alembic import PortableAlembic

        return PortableAlembic(dialect)

    def render(self, project: Project, info: MigrationInfo, state: State) -> dict[Path, str]:
        from codegen.render import render_alembic

        revision = render_alembic(info, list(state.up), project.dialect, state.likely_renames,
                                  (state.snapshot.schema, state.schema), project.mysql)
        return {project.migrations / "versions" / f"{info.name}.py": revision}
