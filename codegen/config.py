"""codegen.yaml: where the project's entities, migrations and snapshot live.

Found in the current directory or the nearest parent (like pyproject.toml);
`--config PATH` overrides. Paths in it are relative to the file's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from codegen.errors import UserError, did_you_mean
from codegen.loader.yaml_source import locate, read_yaml

CONFIG_NAME = "codegen.yaml"


# Each setting: its default and the values it may take (None: any text). Checked by
# hand rather than with a pydantic model: every command reads this file, and
# importing pydantic for five keys was a fifth of a cached `check`.
SETTINGS: dict[str, tuple[str | None, tuple[str, ...] | None]] = {
    "entities": ("entities", None),
    "migrations": ("migrations", None),
    "snapshot": (None, None),  # default: <migrations>/schema.snapshot.json
    "dialect": ("postgresql", ("postgresql", "sqlite", "mysql")),
    "format": ("sql", ("sql", "alembic")),
}
# `mysql:` settings: the options of every table a migration creates on MySQL.
MYSQL_OPTIONS = {"engine": "InnoDB", "charset": "utf8mb4", "collation": "utf8mb4_unicode_ci"}
_OPTION_VALUE = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Project:
    root: Path
    config_file: Path
    entities: Path
    migrations: Path
    snapshot: Path
    dialect: str
    format: str
    mysql: dict[str, str] = field(default_factory=lambda: dict(MYSQL_OPTIONS))

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
    mysql = _mysql_options(raw, shown)
    for key in raw:
        if key == "mysql":
            continue
        if key not in SETTINGS:
            where = locate(shown, raw, (key,), at_key=True)
            fix = did_you_mean(str(key), SETTINGS) or f"known keys: {', '.join(SETTINGS)}"
            raise UserError.at(shown, f"unknown setting `{key}`", fix, where.line, where.column)
    cfg = {key: raw.get(key, default) for key, (default, _) in SETTINGS.items()}
    for key, (default, choices) in SETTINGS.items():
        value = cfg[key]
        if value is None and default is None:
            continue
        if choices is not None and value not in choices:
            message = "expected " + ", ".join(f"'{c}'" for c in choices[:-1]) + f" or '{choices[-1]}'"
        elif not isinstance(value, str):
            message = "expected a valid string"
        else:
            continue
        where = locate(shown, raw, (key,))
        raise UserError.at(shown, f"invalid value for `{key}`: {message}", None, where.line, where.column)
    from codegen.dialects import DIALECTS

    if cfg["dialect"] not in DIALECTS:
        where = locate(shown, raw, ("dialect",))
        raise UserError.at(shown, f"dialect `{cfg['dialect']}` is not supported yet",
                           f"use one of: {', '.join(DIALECTS)}", where.line, where.column)
    from codegen.formats import unsupported_pair

    why = unsupported_pair(cfg["format"], cfg["dialect"])
    if why:
        where = locate(shown, raw, ("format",))
        raise UserError.at(shown, why, "use `format: sql` (applied with `codegen migrate`)", where.line, where.column)
    root = config_path.resolve().parent
    migrations = root / cfg["migrations"]
    return Project(
        root=root, config_file=config_path.resolve(), entities=root / cfg["entities"], migrations=migrations,
        snapshot=root / cfg["snapshot"] if cfg["snapshot"] else migrations / "schema.snapshot.json",
        dialect=cfg["dialect"], format=cfg["format"], mysql=mysql,
    )


def _mysql_options(raw: dict, shown: str) -> dict[str, str]:
    given = raw.get("mysql") or {}
    if not isinstance(given, dict):
        where = locate(shown, raw, ("mysql",))
        raise UserError.at(shown, "`mysql:` must be a mapping", "write `mysql: {engine: InnoDB, charset: utf8mb4, "
                           "collation: utf8mb4_unicode_ci}`", where.line, where.column)
    options = dict(MYSQL_OPTIONS)
    for key, value in given.items():
        where = locate(shown, raw, ("mysql", key), at_key=key not in MYSQL_OPTIONS)
        if key not in MYSQL_OPTIONS:
            raise UserError.at(shown, f"unknown setting `mysql.{key}`",
                               did_you_mean(str(key), MYSQL_OPTIONS) or f"known keys: {', '.join(MYSQL_OPTIONS)}",
                               where.line, where.column)
        if not isinstance(value, str) or not _OPTION_VALUE.match(value):
            raise UserError.at(shown, f"invalid value for `mysql.{key}`: expected a name such as "
                               f"`{MYSQL_OPTIONS[key]}`", None, where.line, where.column)
        options[key] = value
    return options
