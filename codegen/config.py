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
    "layout": ("codegen", ("codegen", "dbmate", "golang-migrate", "flyway", "yoyo", "postgrator")),
}
# `mysql:` settings: the options of every table a migration creates on MySQL.
MYSQL_OPTIONS = {"engine": "InnoDB", "charset": "utf8mb4", "collation": "utf8mb4_unicode_ci"}
_OPTION_VALUE = re.compile(r"^[A-Za-z0-9_]+$")
# `postgresql:` settings: zero-downtime output (docs/online.md). A timeout is PostgreSQL's own
# spelling (`5s`, `500ms`, `2min`; `0` for none), written into `SET lock_timeout = '...'`.
_TIMEOUT = re.compile(r"^[0-9]+(?:us|ms|s|min|h|d)?$")


@dataclass(frozen=True)
class PostgresOptions:
    online: bool = False
    lock_timeout: str = "5s"  # a DDL that waits longer for its lock fails, rather than queue every query behind it
    # None: the online default, 0 (no limit): an online migration's long steps (a concurrent
    # build, VALIDATE) block nobody, and a limit would cancel them half-way on a big table.
    statement_timeout: str | None = None
    timeouts_given: bool = False  # lock_timeout or statement_timeout written in codegen.yaml

    @property
    def sets_timeouts(self) -> bool:
        """Whether migrations start with SET lock_timeout and SET statement_timeout."""
        return self.online or self.timeouts_given

    @property
    def settings(self) -> tuple[tuple[str, str], ...]:
        if not self.sets_timeouts:
            return ()
        return (("lock_timeout", self.lock_timeout), ("statement_timeout", self.statement_timeout or "0"))


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
    postgresql: PostgresOptions = PostgresOptions()
    layout: str = "codegen"  # formats/layouts.py
    # `enums:`, enum types fields share by name (`{type: enum, enum: <name>}`), values in order
    enums: tuple[tuple[str, tuple[str, ...]], ...] = ()

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
    enums = _shared_enums(raw, shown)
    for key in raw:
        if key in ("mysql", "postgresql", "enums"):
            continue
        if key not in SETTINGS:
            where = locate(shown, raw, (key,), at_key=True)
            known = (*SETTINGS, "mysql", "postgresql", "enums")
            fix = did_you_mean(str(key), known) or f"known keys: {', '.join(known)}"
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
    postgresql = _postgres_options(raw, shown, cfg["dialect"], cfg["format"])
    _check_layout(raw, shown, cfg, postgresql)
    root = config_path.resolve().parent
    from codegen.formats.layouts import LAYOUTS

    migrations = root / (raw.get("migrations") or LAYOUTS[cfg["layout"]].folder)
    return Project(
        root=root, config_file=config_path.resolve(), entities=root / cfg["entities"], migrations=migrations,
        snapshot=root / cfg["snapshot"] if cfg["snapshot"] else migrations / "schema.snapshot.json",
        dialect=cfg["dialect"], format=cfg["format"], mysql=mysql, postgresql=postgresql, layout=cfg["layout"],
        enums=enums,
    )


def _check_layout(raw: dict, shown: str, cfg: dict, postgresql: PostgresOptions) -> None:
    if cfg["layout"] == "codegen":
        return
    where = locate(shown, raw, ("layout",))
    if cfg["format"] != "sql":
        raise UserError.at(shown, f"`layout: {cfg['layout']}` arranges SQL files, and this project writes Alembic "
                           "revisions", "remove `layout:`, or use `format: sql`", where.line, where.column)
    if postgresql.online:
        raise UserError.at(shown, f"`postgresql: {{online: true}}` writes statements that must run one at a time after "
                           f"COMMIT, which {cfg['layout']} cannot run (it sends a file as one request)",
                           "use `layout: codegen` (run by `codegen migrate`) for online migrations, or leave out "
                           "`online`", where.line, where.column)


_ENUM_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _shared_enums(raw: dict, shown: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    given = raw.get("enums")
    if given is None:
        return ()
    example = "write `enums: {order_status: [pending, paid, shipped]}`"
    if not isinstance(given, dict):
        where = locate(shown, raw, ("enums",))
        raise UserError.at(shown, "`enums:` must be a mapping of names to lists of values", example,
                           where.line, where.column)
    found = []
    for name, values in given.items():
        where = locate(shown, raw, ("enums", name), at_key=True)
        if not isinstance(name, str) or not _ENUM_NAME.match(name):
            raise UserError.at(shown, f"enum name `{name}` is not a valid identifier",
                               "use lowercase letters, digits and underscores, not starting with a digit",
                               where.line, where.column)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise UserError.at(shown, f"enum `{name}` needs a list of text values", example, where.line, where.column)
        if len(set(values)) != len(values):
            raise UserError.at(shown, f"enum `{name}` lists a value twice", "list each value once",
                               where.line, where.column)
        found.append((name, tuple(values)))
    return tuple(sorted(found))


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


def _postgres_options(raw: dict, shown: str, dialect: str, format_: str) -> PostgresOptions:
    given = raw.get("postgresql")
    if given is None:
        return PostgresOptions()
    where = locate(shown, raw, ("postgresql",))
    example = "write `postgresql: {online: true, lock_timeout: 5s}`"
    if not isinstance(given, dict):
        raise UserError.at(shown, "`postgresql:` must be a mapping", example, where.line, where.column)
    if dialect != "postgresql":
        raise UserError.at(shown, f"`postgresql:` settings apply to PostgreSQL projects, and this one is `dialect: {dialect}`",
                           "remove them, or set `dialect: postgresql`", where.line, where.column)
    if format_ != "sql":
        raise UserError.at(shown, "`postgresql:` settings shape the SQL format's files, and this project writes Alembic "
                           "revisions", "remove them (use `op.create_index(..., postgresql_concurrently=True)` inside "
                           "`op.get_context().autocommit_block()` by hand), or use `format: sql`", where.line, where.column)
    known = ("online", "lock_timeout", "statement_timeout")
    options = {}
    for key, value in given.items():
        at = locate(shown, raw, ("postgresql", key), at_key=key not in known)
        if key not in known:
            raise UserError.at(shown, f"unknown setting `postgresql.{key}`",
                               did_you_mean(str(key), known) or f"known keys: {', '.join(known)}", at.line, at.column)
        if key == "online":
            if not isinstance(value, bool):
                raise UserError.at(shown, "invalid value for `postgresql.online`: expected true or false", None,
                                   at.line, at.column)
        else:
            value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            if not isinstance(value, str) or not _TIMEOUT.match(value.strip()):
                raise UserError.at(shown, f"invalid value for `postgresql.{key}`: expected a duration such as `5s`, "
                                   "`500ms` or `2min` (`0`: no limit)", None, at.line, at.column)
            value = value.strip()
        options[key] = value
    timeouts_given = "lock_timeout" in options or "statement_timeout" in options
    return PostgresOptions(**options, timeouts_given=timeouts_given)
