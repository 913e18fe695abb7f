"""The migrations already written: their ids, names and parents, read from their headers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

MIGRATION_DIR = re.compile(r"^(?P<id>\d{14})_(?P<slug>[a-z0-9_]+)$")
REVISION_FILE = re.compile(r"^(?P<id>\d{14})_(?P<slug>[a-z0-9_]+)\.py$")
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(?:'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\"|None)\s*$", re.MULTILINE)
_HEADER_PARENT = re.compile(r"^-- parent:\s+(?P<parent>\S+)\s*$", re.MULTILINE)
ID_FORMAT = "%Y%m%d%H%M%S"


@dataclass(frozen=True)
class Migration:
    id: str
    name: str
    path: Path  # the folder of a SQL migration, the file of an Alembic revision
    parent: str | None

    def files(self) -> list[Path]:
        return sorted(p for p in self.path.iterdir() if p.is_file()) if self.path.is_dir() else [self.path]

    @property
    def review_file(self) -> Path:
        """The file whose header lists changes and hazards (and holds ACK lines)."""
        return self.path / "up.sql" if self.path.is_dir() else self.path


def list_migrations(folder: Path) -> list[Migration]:
    """Migrations in id order (the id is a UTC timestamp, so this is history order): SQL folders
    `<id>_<slug>/` and Alembic revisions `versions/<id>_<slug>.py`."""
    found = []
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            match = MIGRATION_DIR.match(entry.name)
            if match and entry.is_dir():
                found.append(Migration(match["id"], entry.name, entry, _parent(entry / "up.sql")))
    versions = folder / "versions"
    if versions.is_dir():
        for entry in sorted(versions.iterdir()):
            match = REVISION_FILE.match(entry.name)
            if match and entry.is_file():
                found.append(Migration(match["id"], entry.name[:-3], entry, _down_revision(entry)))
    return sorted(found, key=lambda m: m.id)


def _down_revision(path: Path) -> str | None:
    match = _DOWN_REVISION.search(path.read_text(encoding="utf-8"))
    return (match["single"] or match["double"]) if match else None


def _parent(up_sql: Path) -> str | None:
    try:
        head = up_sql.read_text(encoding="utf-8")[:4000]
    except OSError:
        return None
    match = _HEADER_PARENT.search(head)
    return None if not match or match["parent"] == "none" else match["parent"]


def slugify(message: str) -> str:
    """`"Add orders!"` -> `add_orders`: safe in a file name on every system."""
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    return slug[:60].rstrip("_") or "migration"


def new_migration_id(now: dt.datetime, existing: list[str]) -> str:
    """A UTC timestamp id, moved past the newest existing id so ids always grow."""
    candidate = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if existing:
        latest = dt.datetime.strptime(max(existing), ID_FORMAT)
        if candidate <= latest:
            candidate = latest + dt.timedelta(seconds=1)
    return candidate.strftime(ID_FORMAT)
