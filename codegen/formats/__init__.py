"""formats: how a migration is laid out on disk; this dict is the registry.

A format turns a planned migration into files (SQL folders, or Alembic
revisions) and says which of them a reviewer reads first. The dialect says
how the database spells things (dialects/); the format only arranges them.
"""

from __future__ import annotations

from codegen.formats.alembic import AlembicFormat
from codegen.formats.base import OutputFormat
from codegen.formats.sql import SqlFormat

FORMATS: dict[str, OutputFormat] = {"sql": SqlFormat(), "alembic": AlembicFormat()}


def get_format(name: str) -> OutputFormat:
    return FORMATS[name]


def unsupported_pair(format_name: str, dialect_name: str) -> str | None:
    """Why `format_name` cannot be used with `dialect_name`, or None when it can."""
    supported = FORMATS[format_name].dialects
    if supported is None or dialect_name in supported:
        return None
    return (f"`format: {format_name}` is not available for `dialect: {dialect_name}` yet "
            f"(it is for {', '.join(supported)})")
