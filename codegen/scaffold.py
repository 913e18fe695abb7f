"""`codegen init`: the files a new project starts from, rendered from templates/init."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

import json

from codegen.config import CONFIG_NAME
from codegen.dialects import get_dialect
from codegen.loader.format import json_schema
from codegen.errors import UserError
from codegen.resources import template_root
from codegen.writer import Change, apply


SCHEMA_NAME = "codegen.schema.json"


def init_project(folder: Path, dialect: str, format_: str) -> list[Path]:
    """Write codegen.yaml, entities/customer.yaml and migrations/; refuse to touch an existing project."""
    created = project_files(folder, dialect, format_, example=True)
    folder.mkdir(parents=True, exist_ok=True)
    apply(Change(created=tuple(created)), folder)
    migrations = folder / "migrations" / ("versions" if format_ == "alembic" else "")
    migrations.mkdir(parents=True, exist_ok=True)
    return [path for path, _ in created] + [migrations]


def project_files(folder: Path, dialect: str, format_: str, example: bool,
                  enums: dict[str, str] | None = None) -> list[tuple[Path, str]]:
    """The files of a new project, by path (`example`: with init's commented example entity), for
    `init`, and for `import`, which writes them together with the entities of a database (`enums`:
    the shared enum types it found, name -> its values as a YAML flow list)."""
    config = folder / CONFIG_NAME
    if config.exists():
        raise UserError.at(str(config), "a codegen project already exists here",
                           "edit the existing codegen.yaml, or run `codegen init --dir NEW_FOLDER`")
    from codegen.formats import unsupported_pair

    why = unsupported_pair(format_, dialect)
    if why:
        raise UserError.at("--format", why, "use `--format sql` (applied with `codegen migrate`)")
    env = Environment(loader=FileSystemLoader(str(template_root() / "init")), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True)
    customer = folder / "entities" / "customer.yaml"
    schema_file = folder / SCHEMA_NAME
    created = [(config, env.get_template("codegen.yaml.j2").render(dialect=dialect, format=format_, enums=enums))]
    if not schema_file.exists():
        # Editors with the YAML language server validate and complete entity files against it.
        created.append((schema_file, json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"))
    if example and not customer.exists():
        created.append((customer, env.get_template("customer.yaml.j2").render(schema=f"../{SCHEMA_NAME}", dialect=dialect)))
    if format_ == "alembic":
        created += _alembic_files(folder, dialect)
    return created


def _alembic_files(folder: Path, dialect: str) -> list[tuple[Path, str]]:
    """A working Alembic script directory: alembic.ini at the top, env.py and the script template."""
    root = template_root() / "alembic" / "project"
    env = Environment(loader=FileSystemLoader(str(root)), undefined=StrictUndefined, keep_trailing_newline=True)
    return [
        (folder / "alembic.ini", env.get_template("alembic.ini.j2").render(url=get_dialect(dialect).example_url)),
        (folder / "migrations" / "env.py", (root / "env.py").read_text(encoding="utf-8")),
        (folder / "migrations" / "script.py.mako", (root / "script.py.mako").read_text(encoding="utf-8")),
    ]
