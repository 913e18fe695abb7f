"""import: adopting a live database. reflect.py reads it, entity_yaml.py writes it as entity
files, and an ordinary `generate` writes the baseline migration; the notes on what the format
says differently go to the terminal and into the baseline's header.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, replace
from pathlib import Path

from codegen import naming
from codegen.dialects.base import Dialect
from codegen.entity_yaml import entity_files, flow_list
from codegen.model import Schema
from codegen.reflect import Note


def selected(schema: Schema, patterns: tuple[str, ...]) -> Schema:
    if not patterns:
        return schema
    # a table in a schema matches by its name alone (`shop_*`) or with the schema (`sales.shop_*`)
    return replace(schema, tables=tuple(t for t in schema.tables if any(
        fnmatch.fnmatchcase(t.name, p) or fnmatch.fnmatchcase(naming.bare(t.name), p) for p in patterns)))


@dataclass(frozen=True)
class Imported:
    written: tuple[Path, ...]  # the entity files (and codegen.yaml, codegen.schema.json when there was none)
    notes: tuple[Note, ...]
    baseline: str | None  # the baseline migration's name; None when the database has no tables
    format: str = "sql"  # the project's output format: who records the baseline as applied


def import_database(folder: Path, url: str, schema_names: tuple[str, ...], patterns: tuple[str, ...]) -> Imported:
    """Entity files, codegen.yaml when `folder` has none, and the baseline migration for the database at `url`."""
    from codegen.config import CONFIG_NAME, load_project
    from codegen.dialects import DIALECTS, get_dialect
    from codegen.drift import BOOKKEEPING
    from codegen.errors import UserError
    from codegen.pipeline import load_state, prepare_migration, write_migration, writing
    from codegen.reflect import read_database
    from codegen.scaffold import project_files
    from codegen.writer import Change, apply

    config = folder / CONFIG_NAME
    if config.exists():
        project = load_project(config, folder)
        if project.snapshot.exists() or any(project.entities.rglob("*.y*ml")):
            raise UserError.at(project.shown(project.config_file), "this project already has entities or migrations",
                               "import into a new folder: `codegen import --dir NEW_FOLDER` (an import stopped "
                               "after writing the entities, with no snapshot yet, is finished by `codegen generate "
                               "-m baseline`)")
        dialect, entities = get_dialect(project.dialect), project.entities
    else:
        project, dialect, entities = None, _dialect_of(url, DIALECTS), folder / "entities"
    # `--schema`: those schemas instead of the default one, their tables named `schema.table`
    reflected = read_database(dialect, url, BOOKKEEPING, schemas=schema_names, default_schema=not schema_names)
    schema = selected(reflected.schema, patterns)
    left_out = {t.name for t in reflected.schema.tables} - {t.name for t in schema.tables}
    files, notes, enums = entity_files(schema, dialect, tuple(n for n in reflected.notes if not n.about(left_out)),
                                       shared_enums=project is None)
    # The project's files and the entities appear together or not at all (writer.apply): an import
    # killed half-way leaves no entity set that a later `generate` would take for the database.
    created = [] if project is not None else project_files(
        folder, dialect.name, "sql", example=False, enums={name: flow_list(values) for name, values in enums.items()})
    created += [(entities / name, text) for name, text in sorted(files.items())]
    folder.mkdir(parents=True, exist_ok=True)
    apply(Change(created=tuple(created)), folder)
    written = tuple(path for path, _ in created)
    if not schema.tables:
        return Imported(written, tuple(notes), None)
    project = project or load_project(config, folder)
    project.migrations.mkdir(parents=True, exist_ok=True)
    with writing(project):
        state = load_state(project, remember=True)
        if state.snapshot.migration is not None:  # another import got here first
            raise UserError.at(project.shown(project.snapshot), "a baseline was written meanwhile",
                               "keep that one: run one import per folder")
        state = replace(state, likely_renames=tuple(notes))  # the header's NOTE lines
        planned = prepare_migration(state, "baseline")
        write_migration(planned)
    return Imported(written, tuple(notes), planned.info.name, project.format)


def _dialect_of(url: str, dialects) -> Dialect:
    import sqlalchemy as sa

    from codegen.errors import UserError

    for dialect_class in dialects.values():
        dialect = dialect_class()
        try:
            backend = sa.make_url(dialect.engine_url(url)).get_backend_name()
        except sa.exc.ArgumentError:
            break
        if backend in dialect.sqlalchemy_names:
            return dialect
    raise UserError.at("--db", f"cannot tell which database {url!r} is",
                       "pass a postgresql://, sqlite:/// or mysql:// URL")
