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


_HEADER_ID = re.compile(r"^-- id:\s+(?P<id>\d{14})\s*$", re.MULTILINE)
_HEADER_REPLACES = re.compile(r"^-- replaces:\s+(?P<ids>[\d ]+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Migration:
    id: str
    name: str
    # the folder of a SQL migration, the file of an Alembic revision, or a layout's up file
    # (formats/layouts.py; dbmate's one file holds both directions)
    path: Path
    parent: str | None
    down: Path | None = None  # a layout's down file
    # a squash (squash.py): the migrations it stands for, from its header's `-- replaces:`
    replaces: tuple[str, ...] = ()

    @property
    def is_revision(self) -> bool:
        return self.path.suffix == ".py"

    def source(self, direction: str) -> Path:
        """The file that holds `direction`'s SQL (an Alembic revision holds both)."""
        if self.path.is_dir():
            return self.path / f"{direction}.sql"
        return self.down if direction == "down" and self.down is not None else self.path

    def files(self) -> list[Path]:
        if self.path.is_dir():
            return sorted(p for p in self.path.iterdir() if p.is_file())
        found = {self.path, *([self.down] if self.down is not None else [])}
        found |= {p.with_name(p.name + ".conf") for p in found if p.with_name(p.name + ".conf").is_file()}
        return sorted(p for p in found if p.exists())

    def shown_undo(self, folder: Path) -> str:
        """`<name>/down.sql does not undo up.sql` as its files are named in `folder` (the migrations folder)."""
        import os

        up, down = self.source("up"), self.source("down")
        if up == down:  # dbmate: one file
            return f"the down section of {Path(os.path.relpath(up, folder)).as_posix()} does not undo its up section"
        shown = up.name if up.parent == down.parent else Path(os.path.relpath(up, folder)).as_posix()
        return f"{Path(os.path.relpath(down, folder)).as_posix()} does not undo {shown}"

    def shown_source(self, direction: str, folder: Path) -> str:
        """The file of `direction` relative to the migrations folder: `<name>/down.sql`."""
        import os

        return Path(os.path.relpath(self.source(direction), folder)).as_posix()

    @property
    def review_file(self) -> Path:
        """The file whose header lists changes and hazards (and holds ACK lines)."""
        return self.source("up")


def list_migrations(folder: Path, layout: str = "codegen") -> list[Migration]:
    """Migrations in id order (the id is a UTC timestamp, so this is history order): SQL folders
    `<id>_<slug>/` and Alembic revisions `versions/<id>_<slug>.py`, or the files of `layout`."""
    from codegen.formats.layouts import LAYOUTS

    return LAYOUTS[layout].scan(folder)


def scan_folders(folder: Path) -> list[Migration]:
    """The `codegen` layout's folders, and Alembic revisions."""
    found = []
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            match = MIGRATION_DIR.match(entry.name)
            if match and entry.is_dir():
                found.append(Migration(match["id"], entry.name, entry, _parent(entry / "up.sql"),
                                       replaces=header_replaces(entry / "up.sql")))
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
    return header_parent(up_sql)


def _head(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")[:4000]
    except OSError:
        return ""


def header_parent(path: Path) -> str | None:
    """The `-- parent:` of a migration file's header."""
    match = _HEADER_PARENT.search(_head(path))
    return None if not match or match["parent"] == "none" else match["parent"]


def header_replaces(path: Path) -> tuple[str, ...]:
    """The `-- replaces:` ids of a squash's header; () for any other migration."""
    match = _HEADER_REPLACES.search(_head(path))
    return tuple(match["ids"].split()) if match else ()


def header_id(path: Path) -> str | None:
    """The `-- id:` of a migration file's header (a layout whose file names do not hold it)."""
    match = _HEADER_ID.search(_head(path))
    return match["id"] if match else None


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
