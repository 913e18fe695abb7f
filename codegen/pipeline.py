"""The data path of DESIGN.md, wired end to end for the commands.

loader + snapshot -> differ -> planner -> renderer -> writer. Nothing here
prints or exits: the CLI decides how results are shown, tests call these
functions directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from codegen import __version__, cache
from codegen.config import Project
from codegen.errors import UserError

# The stages are imported by the functions that use them: a `check` answered from
# the cache needs none of them.
if TYPE_CHECKING:
    from codegen.differ import LikelyRename
    from codegen.integrity import Finding
    from codegen.model import Schema
    from codegen.operations import Hazard, Operation
    from codegen.render import MigrationInfo
    from codegen.snapshot import Snapshot


@dataclass(frozen=True)
class State:
    """The two schemas `generate` compares, and the operations between them."""

    project: Project
    snapshot: Snapshot
    schema: Schema  # from the entity files
    up: tuple[Operation, ...]  # planned for the project's dialect
    likely_renames: tuple[LikelyRename, ...] = ()
    # Each table of `schema` as the snapshot stores it (snapshot.table_texts), when made while loading.
    table_texts: tuple[bytes, ...] | None = field(default=None, repr=False, compare=False)
    # The parsed entity files for the project's cache, when they changed (`keep_parsed`).
    parsed_cache: bytes | None = field(default=None, repr=False, compare=False)
    # Each entity file as loaded: its path as shown and the digest of its bytes (ParsedFiles.digests).
    entity_digests: tuple[tuple[str, bytes], ...] = field(default=(), repr=False, compare=False)

    @property
    def hazards(self) -> list[Hazard]:
        from codegen.render import hazards_as_written

        return [h for found in hazards_as_written(self.project, self.up) for h in found]

    def summary(self) -> str:
        """`2 tables, 14 columns, 5 indexes created`: the counts a developer checks at a glance."""
        from codegen.operations import AddColumn, CreateIndex, CreateTable

        created = [op.table for op in self.up if isinstance(op, CreateTable)]
        counts = {
            ("table", "tables"): len(created),
            ("column", "columns"): sum(len(t.columns) for t in created) + sum(isinstance(op, AddColumn) for op in self.up),
            ("index", "indexes"): sum(len(t.indexes) for t in created) + sum(isinstance(op, CreateIndex) for op in self.up),
        }
        parts = [f"{n} {one if n == 1 else many}" for (one, many), n in counts.items() if n]
        return (", ".join(parts) + " created") if parts else f"{len(self.up)} changes"


@dataclass(frozen=True)
class PlannedMigration:
    info: MigrationInfo
    files: dict[Path, str]  # new files
    snapshot_text: str
    state: State


def load_state(project: Project, remember: bool = False) -> State:
    """The project's entities against its snapshot. `remember`: the parsed entity files are
    made ready for the project's cache (cache.py, `keep_parsed`), for the next run
    (`generate` and `check` do; `diff` writes nothing)."""
    from codegen.snapshot import read_snapshot, table_texts

    schema, parsed_cache, digests = _load_entities(project, remember)
    # A table of the snapshot with the same text as one just loaded is that table: it is not
    # decoded, and the differ sees at once that it did not change.
    texts = table_texts(schema.tables)
    found = read_snapshot(project.snapshot, project.shown(project.snapshot), dict(zip(texts, schema.tables)))
    if found.dialect is not None and found.dialect != project.dialect:
        raise UserError.at(
            project.shown(project.snapshot),
            f"the snapshot was made for {found.dialect}, but {project.shown(project.config_file)} says {project.dialect}",
            f"set `dialect: {found.dialect}` again; a project's migrations are written for one dialect")
    return replace(_compared(project, found, schema), table_texts=tuple(texts), parsed_cache=parsed_cache,
                   entity_digests=digests)


def state_against(project: Project, snapshot: Snapshot) -> State:
    """The entity files against `snapshot`: loaded, compared, and planned for the project's output format."""
    schema, _cache, digests = _load_entities(project, remember=False)
    return replace(_compared(project, snapshot, schema), entity_digests=digests)


def _load_entities(project: Project, remember: bool) -> tuple[Schema, bytes | None, tuple[tuple[str, bytes], ...]]:
    """The entities' schema, the parse cache's new content (when `remember` and it changed),
    and each entity file's path as shown with the digest of its bytes."""
    from codegen.dialects import get_dialect
    from codegen.loader import ParsedFiles, load_schema

    if not project.entities.is_dir():
        raise UserError.at(project.shown(project.config_file),
                           f"the entities folder {project.shown(project.entities)} does not exist",
                           "fix `entities:` in codegen.yaml, or create the folder (codegen never reads a missing "
                           "folder as \"no entities\": that would drop every table)")
    parsed = ParsedFiles(cache.recall_parsed(project))
    dialect = get_dialect(project.dialect)
    schema = load_schema(project.entities, dialect.max_identifier_length, display_root=project.root, parsed=parsed,
                         names_fold_case=dialect.names_fold_case, unsigned_check=dialect.unsigned_check_sql,
                         dialect=dialect, shared_enums=project.enums)
    from codegen.formats import get_format

    unsupported = dialect.schema_problems(schema) + get_format(project.format).schema_problems(schema, dialect)
    if unsupported:
        raise UserError(unsupported)
    parsed_cache = cache.parsed_content(parsed.seen) if remember and parsed.changed() else None
    return schema, parsed_cache, tuple(parsed.digests)


def state_between(project: Project, snapshot: Snapshot, schema: Schema) -> State:
    """`schema` against `snapshot`, planned for the project's output format (squash: from nothing)."""
    return _compared(project, snapshot, schema)


def _compared(project: Project, snapshot: Snapshot, schema: Schema) -> State:
    old = snapshot.schema.tables
    if len(old) == len(schema.tables) and all(a is b for a, b in zip(old, schema.tables)):
        # Every table of the snapshot is one just loaded (read_snapshot matched each by its text):
        # nothing changed, and the differ is not even imported.
        return State(project, snapshot, schema, ())
    from codegen.dialects import get_dialect
    from codegen.differ import compare, likely_renames
    from codegen.formats import get_format
    from codegen.planner import plan

    comparison = compare(snapshot.schema, schema)
    target = get_format(project.format).planning_dialect(get_dialect(project.dialect))
    up = plan(comparison.ops, target, comparison.renamed_old, schema)
    return State(project, snapshot, schema, tuple(up), tuple(likely_renames(comparison.ops)))


@contextlib.contextmanager
def writing(project: Project) -> Iterator[None]:
    """Hold the project's lock for a whole command that writes, after finishing or undoing
    whatever an interrupted run left (writer.recover)."""
    from codegen.writer import locked, recover

    with locked(project.migrations):
        recover(project.migrations)
        yield


def refuse_broken_chain(state: State) -> None:
    """A new migration names the snapshot's migration as its parent: when that link is lost or
    forked, the migration would start a second history. UserError with each problem's fix."""
    from codegen.errors import Location, Problem
    from codegen.history import list_migrations
    from codegen.integrity import check_chain

    project = state.project
    found = check_chain(list_migrations(project.migrations, project.layout), state.snapshot.migration, project.shown(project.snapshot))
    if found:
        raise UserError([Problem(Location(f.files[0] if f.files else project.shown(project.migrations)),
                                 f"{f.message}; a new migration cannot be added until that is repaired", f.fix)
                         for f in found])


def refuse_mass_drop(state: State) -> None:
    """A migration that drops every table, or more than half of them, is nearly always a mistake
    (an entities folder moved, a file deleted by accident): UserError unless the user said so."""
    from codegen.operations import DropTable

    existing = len(state.snapshot.schema.managed_tables)
    dropped = sorted(op.table.name for op in state.up if isinstance(op, DropTable))
    if dropped and (len(dropped) == existing or len(dropped) * 2 > existing):
        project = state.project
        shown = ", ".join(dropped[:5]) + (f" and {len(dropped) - 5} more" if len(dropped) > 5 else "")
        raise UserError.at(project.shown(project.entities),
                           f"this migration would drop {len(dropped)} of the {existing} tables ({shown})",
                           "check that the entity files are where codegen.yaml's `entities:` says; if dropping "
                           "them is what you want, run `codegen generate --allow-drop-all`")


def keep_parsed(state: State) -> None:
    """Write the parsed entity files to the project's cache, once the command has succeeded:
    bad input leaves nothing behind."""
    if state.parsed_cache is not None:
        cache.remember_parsed(state.project, state.parsed_cache)


def check_state(project: Project) -> State:
    """What `check` compares: remembered as in sync when no input changed since (cache.py), else loaded.

    When remembered, the schemas themselves are not loaded (`schema` and the
    snapshot's schema are left empty): all `check` needs is that nothing is
    pending and which migration the snapshot came from.
    """
    from codegen.loader import file_digests

    snapshot = _snapshot_bytes(project)
    known = cache.recall(project)
    if known is not None and known.fingerprint == cache.fingerprint(
            project, file_digests(project.entities, project.root), snapshot):
        from codegen.model import Schema
        from codegen.snapshot import Snapshot

        return State(project, Snapshot(Schema(), known.migration, known.dialect), Schema(), ())
    state = load_state(project, remember=True)
    if not state.up:  # a check that finds a difference writes nothing
        keep_parsed(state)
        # Remembered for the entity files as they were loaded, and the snapshot when it did not
        # change while they were: a file changed since is read differently by the next check.
        if _snapshot_bytes(project) == snapshot:
            cache.remember(project, cache.fingerprint(project, list(state.entity_digests), snapshot),
                           state.snapshot.migration, state.snapshot.dialect)
    return state


def _snapshot_bytes(project: Project) -> bytes | None:
    return project.snapshot.read_bytes() if project.snapshot.is_file() else None


def creation_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that builds can be reproduced byte for byte."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise UserError.at("SOURCE_DATE_EPOCH", f"`{epoch}` is not a Unix timestamp",
                           "set it to whole seconds since 1970, e.g. `SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`") from None


def prepare_migration(state: State, message: str | None) -> PlannedMigration:
    """Render the migration for `state.up` (which must not be empty) without writing anything."""
    from codegen.formats import get_format
    from codegen.history import list_migrations, new_migration_id, slugify
    from codegen.render import MigrationInfo
    from codegen.snapshot import Snapshot

    project = state.project
    created = creation_time()
    existing = list_migrations(project.migrations, project.layout)
    migration_id = new_migration_id(created, [m.id for m in existing])
    text = message or ("initial" if state.snapshot.migration is None else "changes")
    name = f"{migration_id}_{slugify(text)}"
    info = MigrationInfo(
        id=migration_id, name=name, parent=state.snapshot.migration, message=text,
        created=created.strftime("%Y-%m-%dT%H:%M:%SZ"), generator=__version__,
    )
    files = get_format(project.format).render(project, info, state)
    snapshot_text = Snapshot(state.schema, migration_id, project.dialect).to_text(state.table_texts)
    return PlannedMigration(info, files, snapshot_text, state)


def write_migration(planned: PlannedMigration) -> None:
    from codegen.history import list_migrations
    from codegen.integrity import SUM_NAME, extended_sum, sum_key, tracked_files
    from codegen.writer import Change, apply

    project = planned.state.project

    def existing() -> dict[str, bytes]:
        return tracked_files(list_migrations(project.migrations, project.layout), project.migrations, project.snapshot)

    encoded = {path: text.encode() for path, text in planned.files.items()}  # once, for the sum and the files
    snapshot = planned.snapshot_text.encode()
    new = {sum_key(path, project.migrations): data for path, data in encoded.items()}
    new[sum_key(project.snapshot, project.migrations)] = snapshot
    checksums = extended_sum(project.migrations, existing, new)
    apply(Change(created=tuple(sorted(encoded.items())),
                 replaced=((project.snapshot, snapshot), (project.migrations / SUM_NAME, checksums))),
          project.migrations)


def findings(state: State) -> list[Finding]:
    """Everything `check` reports: pending entity changes, then chain and checksum problems."""
    from codegen.history import list_migrations
    from codegen.integrity import Finding, tracked_files

    project = state.project
    found = interrupted_runs(project)
    if state.up:
        listed = "; ".join(op.describe() for op in state.up[:10])
        more = f"; and {len(state.up) - 10} more" if len(state.up) > 10 else ""
        found.append(Finding("entities-changed",
                             f"the entities differ from {project.shown(project.snapshot)} ({len(state.up)} change"
                             f"{'s' if len(state.up) != 1 else ''}): {listed}{more}",
                             'run `codegen generate -m "<what changed>"` and commit the migration',
                             (project.shown(project.entities),)))
    migrations = list_migrations(project.migrations, project.layout)
    files = tracked_files(migrations, project.migrations, project.snapshot)
    return found + history_findings(project, migrations, state.snapshot.migration, files)


def interrupted_runs(project: Project) -> list[Finding]:
    """What an interrupted codegen run left: its files may be half written."""
    from codegen.integrity import Finding
    from codegen.writer import leftovers

    return [Finding("interrupted", f"an interrupted codegen run left {project.shown(path)}: its files may be half written",
                    "run `codegen generate`: it first finishes or undoes the interrupted run", (project.shown(path),))
            for path in leftovers(project.migrations)]


def history_findings(project: Project, migrations: list, snapshot_migration: str | None,
                     files: dict[str, bytes]) -> list[Finding]:
    """A broken or forked chain, and files that differ from codegen.sum (`files`: integrity.tracked_files)."""
    from codegen.integrity import check_chain, check_sum

    found = check_chain(migrations, snapshot_migration, project.shown(project.snapshot))
    return found + [replace(f, files=tuple(project.shown(project.migrations / p) for p in f.files))
                    for f in check_sum(project.migrations, files)]


def rehash(project: Project) -> Path:
    """Accept the migration files as they are now: rewrite codegen.sum."""
    from codegen.history import list_migrations
    from codegen.integrity import SUM_NAME, sum_text, tracked_files
    from codegen.writer import Change, apply

    path = project.migrations / SUM_NAME
    with writing(project):
        files = tracked_files(list_migrations(project.migrations, project.layout), project.migrations, project.snapshot)
        apply(Change(created=(), replaced=((path, sum_text(files)),)), project.migrations)
    return path
