"""`format: sql`: a folder per migration, `<id>_<slug>/up.sql` and `down.sql`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codegen.formats.base import OutputFormat

if TYPE_CHECKING:
    from codegen.config import Project
    from codegen.pipeline import State
    from codegen.render import MigrationInfo


class SqlFormat(OutputFormat):
    name = "sql"

    def render(self, project: Project, info: MigrationInfo, state: State) -> dict[Path, str]:
        from codegen.render import down_operations, render_sql

        up = list(state.up)
        folder = project.migrations / info.name
        settings = {"table_options": project.mysql} if project.dialect == "mysql" else \
            {"postgresql": project.postgresql} if project.dialect == "postgresql" else {}
        return {folder / "up.sql": render_sql(info, up, project.dialect, "up", state.likely_renames, **settings),
                folder / "down.sql": render_sql(info, down_operations(up), project.dialect, "down", **settings)}
