"""`codegen_migrations`: which migrations a database holds, written in the same transaction as each.

Declared with SQLAlchemy Core, so that every dialect spells its own types and
quotes its own names. One row per applied migration: `dirty` is set while a
migration that cannot run in one transaction is part-way through, and stays
set (with the statement that failed) when it stops there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

HISTORY_TABLE = "codegen_migrations"

_metadata = sa.MetaData()
history = sa.Table(
    HISTORY_TABLE, _metadata,
    sa.Column("id", sa.String(14), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("checksum", sa.String(64), nullable=False),  # SHA-256 of up.sql, hex
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("execution_ms", sa.Integer, nullable=False),
    sa.Column("codegen_version", sa.String(32), nullable=False),
    sa.Column("dirty", sa.Boolean, nullable=False),
    sa.Column("failed_statement", sa.Text, nullable=True),
)


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    checksum: str
    applied_at: str
    execution_ms: int
    codegen_version: str
    dirty: bool
    failed_statement: str | None


def checksum(up_sql: bytes) -> str:
    return hashlib.sha256(up_sql).hexdigest()


def create(conn: sa.Connection) -> None:
    """Create the table unless it exists; the caller holds the runner's lock or a write transaction."""
    conn.execute(sa.schema.CreateTable(history, if_not_exists=True))


def exists(conn: sa.Connection) -> bool:
    return sa.inspect(conn).has_table(HISTORY_TABLE)


def rows(conn: sa.Connection) -> list[Row]:
    if not exists(conn):
        return []
    result = conn.execute(sa.select(history).order_by(history.c.id))
    return [Row(r.id, r.name, r.checksum, _when(r.applied_at), r.execution_ms, r.codegen_version, bool(r.dirty),
                r.failed_statement) for r in result]


def is_recorded(conn: sa.Connection, migration_id: str) -> bool:
    return conn.execute(sa.select(history.c.id).where(history.c.id == migration_id)).first() is not None


def record(conn: sa.Connection, migration_id: str, name: str, sum_: str, version: str, *,
           execution_ms: int = 0, dirty: bool = False, failed_statement: str | None = None) -> None:
    conn.execute(history.insert().values(
        id=migration_id, name=name, checksum=sum_, applied_at=dt.datetime.now(dt.timezone.utc),
        execution_ms=execution_ms, codegen_version=version, dirty=dirty, failed_statement=failed_statement))


def finish(conn: sa.Connection, migration_id: str, execution_ms: int) -> None:
    conn.execute(history.update().where(history.c.id == migration_id).values(
        dirty=False, failed_statement=None, execution_ms=execution_ms, applied_at=dt.datetime.now(dt.timezone.utc)))


def mark_dirty(conn: sa.Connection, migration_id: str, failed: str | None) -> None:
    conn.execute(history.update().where(history.c.id == migration_id).values(dirty=True, failed_statement=failed))


def delete(conn: sa.Connection, migration_id: str, *also: str) -> None:
    """Remove the row of `migration_id`, and of the migrations a squash replaced (`also`)."""
    conn.execute(history.delete().where(history.c.id.in_((migration_id, *also))))


def _when(value: object) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # SQLite keeps no zone: what was written was UTC
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)
