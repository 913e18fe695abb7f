"""What Alembic revisions are planned for: not one database but every one Alembic runs on.

Enum types are kept as operations (the revision runs them on PostgreSQL only),
tables are altered in place (Alembic's batch mode rebuilds them on SQLite),
and reference cycles are closed with foreign keys added afterwards.
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
