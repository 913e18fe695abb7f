"""codegen.yaml: where the project's entities, migrations and snapshot live.

Found in the current directory or the nearest parent (like pyproject.toml);
`--config PATH` overrides. Paths in it are relative to the file's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from codegen.errors import UserError
from codegen.loader.resolve import did_you_mean
from codegen.loader.yaml_source import locate, read_yaml

CONFIG_NAME = "codegen.yaml"
SUPPORTED_DIALECTS = ("postgresql", "sqlite")


class ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    entities: str = "entities"
    migrations: str = "migrations"
    snapshot: Optional[str] = None  # default: <migrations>/schema.snapshot.json
    dialect: Literal["postgresql", "sqlite", "mysql"] = "postgresql"
    format: Literal["sql", "alembic"] = "sql"


@dataclass(frozen=True)
class Project:
    root: Path
    config_file: Path
    entities: Path
    migrations: Path
    snapshot: Path
    dialect: str
    format: str

    def shown(self, path: Path) -> str:
        """A path as the user should read it: relative to the project when possible."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def find_config(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_project(config_path: Path | None, cwd: Path) -> Project:
    if config_path is None:
        config_path = find_config(cwd.resolve())
        if config_path is None:
            raise UserError.at(str(cwd), f"no {CONFIG_NAME} here or in any parent folder",
                               "run `codegen init` to create one, or pass `--config PATH`")
    elif not config_path.is_file():
        raise UserError.at(str(config_path), "config file not found", "check the `--config` path")
    shown = str(config_path)
    raw = read_yaml(config_path.read_text(encoding="utf-8"), shown) or {}
    if not isinstance(raw, dict):
        raise UserError.at(shown, "codegen.yaml must be a mapping of settings", "write `dialect: postgresql` and so on",
                           line=1, column=1)
    try:
        cfg = ConfigFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = err["loc"][0] if err["loc"] else None
        if err["type"] == "extra_forbidden":
            where = locate(shown, raw, (key,), at_key=True)
            fix = did_you_mean(str(key), ConfigFile.model_fields) or f"known keys: {', '.join(ConfigFile.model_fields)}"
            raise UserError.at(shown, f"unknown setting `{key}`", fix, where.line, where.column) from None
        where = locate(shown, raw, (key,) if key else ())
        message = err["msg"].replace("Input should be", "expected")
        raise UserError.at(shown, f"invalid value for `{key}`: {message}", None, where.line, where.column) from None
    if cfg.dialect not in SUPPORTED_DIALECTS:
        where = locate(shown, raw, ("dialect",))
        raise UserError.at(shown, f"dialect `{cfg.dialect}` is not supported yet",
                           f"use one of: {', '.join(SUPPORTED_DIALECTS)}", where.line, where.column)
    root = config_path.resolve().parent
    migrations = root / cfg.migrations
    return Project(
        root=root, config_file=config_path.resolve(), entities=root / cfg.entities, migrations=migrations,
        snapshot=root / cfg.snapshot if cfg.snapshot else migrations / "schema.snapshot.json",
        dialect=cfg.dialect, format=cfg.format,
    )
