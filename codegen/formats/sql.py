"""`format: sql`: an up and a down SQL file per migration, arranged by the project's `layout:`
(formats/layouts.py; codegen's own: a folder per migration, `<id>_<slug>/up.sql` and `down.sql`)."""

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

        from codegen.formats.layouts import LAYOUTS
        from codegen.history import list_migrations

        up = list(state.up)
        settings = {"table_options": project.mysql} if project.dialect == "mysql" else \
            {"postgresql": project.postgresql} if project.dialect == "postgresql" else {}
        up_sql = render_sql(info, up, project.dialect, "up", state.likely_renames, **settings)
        down_sql = render_sql(info, down_operations(up), project.dialect, "down", **settings)
        layout = LAYOUTS[project.layout]
        before = [m for m in list_migrations(project.migrations, project.layout) if m.id < info.id] \
            if layout.needs_history else []  # the others' names need no history: no second scan of it
        parent = next((m for m in before if m.id == info.parent), None)
        files = layout.files(info, len(before) + 1, parent, up_sql, down_sql)
        return {project.migrations / name: text for name, text in files.items()}
