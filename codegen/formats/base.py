"""What every output format answers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from codegen.config import Project
    from codegen.dialects.base import Dialect
    from codegen.pipeline import State
    from codegen.render import MigrationInfo


class OutputFormat:
    name: ClassVar[str]
    dialects: ClassVar[tuple[str, ...] | None] = None  # the dialects it can write for; None: every one

    def schema_problems(self, schema, dialect: Dialect) -> list:
        """Input errors for what the entities ask and this format cannot write for `dialect`."""
        return []

    def planning_dialect(self, dialect: Dialect) -> Dialect:
        """What the operations are planned for: the project's database, unless the format runs on several."""
        return dialect

    def render(self, project: Project, info: MigrationInfo, state: State) -> dict[Path, str]:
        """The new files of one migration, by path; the first is the one a reviewer reads."""
        raise NotImplementedError

    def review_text(self, files: dict[Path, str]) -> str:
        """What `codegen diff` prints: the file a reviewer reads first."""
        return next(iter(files.values()))
