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

    def schema_problems(self, schema) -> list:
        from codegen.formats.alembic_features import features_not_written

        return features_not_written(schema)

    def planning_dialect(self, dialect: Dialect) -> Dialect:
        # A revision runs on every database Alembic supports, not only the project's.
        from codegen.dialects.alembic import PortableAlembic

        return PortableAlembic(dialect)

    def render(self, project: Project, info: MigrationInfo, state: State) -> dict[Path, str]:
        from codegen.render import render_alembic

        revision = render_alembic(info, list(state.up), project.dialect, state.likely_renames,
                                  (state.snapshot.schema, state.schema), project.mysql)
        return {project.migrations / "versions" / f"{info.name}.py": revision}
