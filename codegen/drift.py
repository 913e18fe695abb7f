"""drift: the differ run on (live database, snapshot), or (live database, entities).

The live side is read by reflect.py into the model; what differs is said in the differ's
own operations, planned for the project's dialect: the changes that would bring the
database to the files. Nothing runs on the database but reading its catalog.
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen.config import Project
from codegen.errors import UserError
from codegen.model import Schema
from codegen.operations import Operation
from codegen.runner.history_table import HISTORY_TABLE

TARGETS = ("snapshot", "entities")
# Tables the runners keep for themselves (codegen's, Alembic's), never part of a project's schema.
BOOKKEEPING = (HISTORY_TABLE, "alembic_version")


@dataclass(frozen=True)
class Drift:
    against: str  # what the database is compared with, as shown: migrations/schema.snapshot.json, entities/
    ops: tuple[Operation, ...]  # planned for the project's dialect: what brings the database to `against`
    notes: tuple  # reflect.Note: what the model could not hold, compared in its closest form or not at all


def find_drift(project: Project, url: str | None, target: str) -> Drift:
    from codegen.dialects import get_dialect
    from codegen.differ import compare
    from codegen.planner import plan
    from codegen.reflect import aligned, read_database

    dialect = get_dialect(project.dialect)
    if not url:
        raise UserError.at("--db", "no database to compare", f"pass `--db {dialect.example_url}` or set CODEGEN_DATABASE_URL")
    want, against = _wanted(project, target)
    from codegen.formats.layouts import LAYOUTS

    ignore = (*BOOKKEEPING, *LAYOUTS[project.layout].bookkeeping, *(t.name for t in want.tables if t.external))
    reflected = read_database(dialect, url, ignore, schemas=want.schema_names)
    comparison = compare(aligned(reflected.schema, want, dialect), want, values_needed=False)
    ops = plan(comparison.ops, dialect, comparison.renamed_old, want)
    return Drift(against, tuple(ops), reflected.notes)


def _wanted(project: Project, target: str) -> tuple[Schema, str]:
    if target == "entities":
        from codegen.pipeline import load_state

        return load_state(project).schema, project.shown(project.entities) + "/"
    from codegen.snapshot import read_snapshot

    shown = project.shown(project.snapshot)
    if not project.snapshot.is_file():
        raise UserError.at(shown, "there is no snapshot to compare with",
                           "run `codegen generate` first, or compare with the entities: `--against entities`")
    return read_snapshot(project.snapshot, shown).schema, shown


def drift_sql(project: Project, drift: Drift) -> str:
    """The statements that would bring the database to `drift.against`, with the usual header."""
    from codegen import __version__
    from codegen.pipeline import creation_time
    from codegen.render import MigrationInfo, render_sql

    created = creation_time()
    info = MigrationInfo(created.strftime("%Y%m%d%H%M%S"), "drift", None,
                         f"bring the database back to {drift.against} (codegen drift; review before running)",
                         created.strftime("%Y-%m-%dT%H:%M:%SZ"), __version__)
    options = {"table_options": project.mysql} if project.dialect == "mysql" else {}
    return render_sql(info, list(drift.ops), project.dialect, "up", **options)
