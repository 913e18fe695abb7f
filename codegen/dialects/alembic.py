"""What Alembic revisions are planned for: not one database but every one Alembic runs on.

Enum types are kept as operations (the revision runs them on PostgreSQL only),
tables are altered in place (Alembic's batch mode rebuilds them on SQLite),
reference cycles are closed with foreign keys added afterwards, an index a
foreign key relies on is dropped only once its replacement exists, and an
AUTO_INCREMENT column of a composite key gets its index first and loses it last
(MySQL refuses otherwise).
"""

from __future__ import annotations

from codegen.dialects import reserved
from codegen.dialects.base import Dialect


class PortableAlembic(Dialect):
    name = "alembic"
    reserved_words = reserved.POSTGRESQL
    native_enums = True
    rebuilds_tables = False
    lazy_foreign_keys = False
    foreign_keys_need_index = True
    autoincrement_needs_leading_index = True

    def __init__(self, project: Dialect) -> None:
        super().__init__()
        self.project = project  # the project's database, whose costs the review header states

    def enum_values_rewrite(self, old: tuple[str, ...], new: tuple[str, ...]) -> str | None:
        return self.project.enum_values_rewrite(old, new)
