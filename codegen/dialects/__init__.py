"""dialects: one module per database; this dict is the registry."""

from __future__ import annotations

from codegen.dialects.base import Dialect
from codegen.dialects.mysql import MySQL
from codegen.dialects.postgresql import PostgreSQL
from codegen.dialects.sqlite import SQLite

DIALECTS: dict[str, type[Dialect]] = {"postgresql": PostgreSQL, "sqlite": SQLite, "mysql": MySQL}


def get_dialect(name: str) -> Dialect:
    return DIALECTS[name]()
