"""cli: click commands that wire the pipeline; no logic of their own.

Exit statuses (DESIGN.md): 0 success or nothing to do; 1 `check` found a
difference; 2 bad input or usage, with file:line and the fix. A user mistake
never shows a traceback: `UserError` is caught here and nowhere else.

This module imports click and little else, so that `codegen --help` answers
at once: what a command needs is imported when the command runs.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass

import click

from codegen import __version__

EXIT_FINDINGS = 1
EXIT_USAGE = 2
MAX_PROBLEMS_SHOWN = 50  # as compilers stop listing: the first ones usually explain the rest
# The registries' keys (dialects/, formats/), written here so that `--help` imports neither;
# tests/test_cli.py holds them equal.
DIALECT_NAMES = ("postgresql", "sqlite", "mysql")
FORMAT_NAMES = ("sql", "alembic")

class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        from codegen.errors import UserError

        try:
            return super().invoke(ctx)
        except UserError as exc:
            problems = sorted(exc.problems, key=lambda p: (p.location.file, p.location.line or 0, p.location.column or 0))
            for problem in problems[:MAX_PROBLEMS_SHOWN]:
                click.echo(problem.render(), err=True)
            if len(problems) > MAX_PROBLEMS_SHOWN:
                click.echo(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems: fix these first", err=True)
            ctx.exit(exc.exit_status)


@dataclass(frozen=True)
class Options:
    config_path: str | None
    quiet: bool
    verbose: bool


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codegen")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="codegen.yaml to use (default: found in this folder or a parent).")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and what was written.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the changes a SQLite rebuild stands for.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, quiet: bool, verbose: bool) -> None:
    """Turn YAML entity definitions into reviewed database migrations."""
    ctx.obj = Options(config_path, quiet, verbose)


def _project(ctx: click.Context):
    from pathlib import Path

    from codegen.config import load_project

    config_path = ctx.obj.config_path
    return load_project(None if config_path is None else Path(config_path), Path.cwd())


# -- output: short, coloured on a terminal, plain otherwise (NO_COLOR respected) --------------------

_STYLES = {"ok": {"fg": "green"}, "problem": {"fg": "red", "bold": True}, "hazard": {"fg": "yellow"},
           "+": {"fg": "green"}, "-": {"fg": "red"}, "~": {"fg": "cyan"}, "note": {"fg": "magenta"}}


def _color() -> bool | None:
    return False if "NO_COLOR" in os.environ else None  # None: click decides by isatty


def _styled(text: str, kind: str) -> str:
    return click.style(text, **_STYLES.get(kind, {}))


def _say(ctx: click.Context, text: str, kind: str = "info", err: bool = False) -> None:
    if ctx.obj is not None and ctx.obj.quiet and kind in ("ok", "info"):
        return
    click.echo(_styled(text, kind), err=err, color=_color())


def _problem(finding) -> None:
    click.echo(_styled("problem:", "problem") + " " + finding.render(), err=True, color=_color())


@cli.command()
@click.option("--dialect", type=click.Choice(DIALECT_NAMES), default="postgresql", show_default=True)
@click.option("--format", "format_", type=click.Choice(FORMAT_NAMES), default="sql", show_default=True,
              help="alembic: revision scripts, with alembic.ini, env.py and versions/ set up.")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=".",
              help="Project folder (default: the current folder).")
def init(dialect: str, format_: str, folder: str) -> None:
    """Create codegen.yaml, an example entity and an empty migrations folder."""
    from pathlib import Path

    from codegen.scaffold import init_project

    ctx = click.get_current_context()
    for path in init_project(Path(folder), dialect, format_):
        _say(ctx, f"created {path}")
    _say(ctx, 'next: edit the entities, then run `codegen generate -m "initial"`')


@cli.command()
@click.option("-m", "--message", help="What the migration does; becomes the folder name (add_orders).")
@click.option("--allow-drop-all", is_flag=True, help="Allow a migration that drops every table, or more than half.")
@click.pass_context
def generate(ctx: click.Context, message: str | None, allow_drop_all: bool) -> None:
    """Write the migration from the snapshot to the current entities, and the new snapshot."""
    from codegen.pipeline import (
        keep_parsed, load_state, prepare_migration, refuse_broken_chain, refuse_mass_drop, write_migration, writing,
    )

    project = _project(ctx)
    with writing(project):  # from reading the snapshot to the last file: two runs cannot both build on it
        state = load_state(project, remember=True)
        if not allow_drop_all:
            refuse_mass_drop(state)
        if state.up:
            refuse_broken_chain(state)
        else:
            keep_parsed(state)
            _say(ctx, "No changes: the entities match the snapshot.", "ok")
            return
        planned = prepare_migration(state, message)
        write_migration(planned)
    keep_parsed(state)
    project = state.project
    files = " (up.sql, down.sql)" if project.format == "sql" else ""
    click.echo(f"Created {_written(planned)}{files} and updated {project.shown(project.snapshot)}")
    if not ctx.obj.quiet:
        _print_changes(state)
        _say(ctx, state.summary())


def _written(planned) -> str:
    """Where a new migration is, as the user sees it: the folder of its SQL files, or the revision file."""
    project = planned.state.project
    first = next(iter(planned.files))
    return f"{project.shown(first.parent)}/" if project.format == "sql" else project.shown(first)


FORMATS = click.Choice(["text", "json"])


@cli.command()
@click.option("--format", "format_", type=FORMATS, default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Also fail on hazards nobody acknowledged (as `codegen lint`).")
@click.pass_context
def check(ctx: click.Context, format_: str, strict: bool) -> None:
    """Exit 1 when entities, snapshot, migrations and codegen.sum disagree."""
    from codegen.pipeline import check_state, findings

    state = check_state(_project(ctx))
    found = findings(state)
    if strict:
        found += _lint(state, since=None)
    if format_ == "json":
        _echo_report("check", state, found)
    elif not found:
        _say(ctx, "OK: entities, snapshot and migrations agree.", "ok")
    else:
        for finding in found:
            _problem(finding)
            if finding.code == "entities-changed":
                _print_changes(state, err=True)
    if found:
        ctx.exit(EXIT_FINDINGS)


@cli.command()
@click.option("--since", metavar="ID", help="Only migrations after this id (for projects adopting lint late).")
@click.option("--format", "format_", type=FORMATS, default="text", show_default=True)
@click.pass_context
def lint(ctx: click.Context, since: str | None, format_: str) -> None:
    """Exit 1 when a pending or written migration has hazards nobody acknowledged.

    A reviewer acknowledges a hazard by adding `-- ACK <kind>: <table>[.<column>]`
    to the migration's up.sql (for `-- HAZARD data loss: customers.nickname: ...`
    that is `-- ACK data loss: customers.nickname`), then runs `codegen rehash`.
    """
    from codegen.pipeline import load_state

    state = load_state(_project(ctx))
    found = _lint(state, since)
    if format_ == "json":
        _echo_report("lint", state, found)
    elif not found:
        _say(ctx, "OK: every hazard is acknowledged.", "ok")
    for finding in found if format_ == "text" else ():
        _problem(finding)
    if found:
        ctx.exit(EXIT_FINDINGS)


def _lint(state, since):
    from codegen.history import list_migrations
    from codegen.integrity import ordered_chain
    from codegen.report import lint_findings

    chain = ordered_chain(list_migrations(state.project.migrations))
    return lint_findings(chain, since, list(state.up), state.project.root)


def _echo_report(command: str, state, found, up_sql: str | None = None, markdown: bool = False) -> None:
    from codegen.report import build_report, to_json, to_markdown

    report = build_report(command, state.project.dialect, list(state.up), list(state.likely_renames), found, up_sql)
    click.echo(to_markdown(report) if markdown else to_json(report), nl=False)


@cli.command()
@click.option("--db", "url", envvar="CODEGEN_DATABASE_URL",
              help="Server to replay on (a scratch database is created and dropped). SQLite projects always "
                   "replay in a temporary file.")
@click.pass_context
def verify(ctx: click.Context, url: str | None) -> None:
    """Replay every migration up, then down, on a scratch database; exit 1 at the first that breaks."""
    from codegen.history import list_migrations
    from codegen.integrity import check_chain, ordered_chain
    from codegen.pipeline import load_state
    from codegen.dialects import get_dialect
    from codegen.verify import verify as replay

    state = load_state(_project(ctx))
    project = state.project
    migrations = list_migrations(project.migrations)
    chain_problems = check_chain(migrations, state.snapshot.migration, project.shown(project.snapshot))
    for finding in chain_problems:
        _problem(finding)
    if chain_problems:
        ctx.exit(EXIT_FINDINGS)
    chain = ordered_chain(migrations)
    steps = 2 * len(chain)
    show = sys.stderr.isatty() and steps > 4
    with click.progressbar(length=steps, label="verify", file=sys.stderr) if show else _nullbar() as bar:
        if url and get_dialect(project.dialect).file_database:
            _say(ctx, f"note: SQLite migrations are replayed in a temporary file; {url} is not touched", err=True)
        found = replay(state.project, chain, state.snapshot.schema, url, on_step=lambda step: bar.update(1))
    for finding in found:
        _problem(finding)
    if found:
        ctx.exit(EXIT_FINDINGS)
    _say(ctx, f"OK: {len(chain)} migration{'s' if len(chain) != 1 else ''} went up and back down, "
               "matching the snapshot and each earlier state.", "ok")


# -- the runner: migrate, rollback, status, stamp -----------------------------------------------

def _database_options(command):
    command = click.option("--format", "format_", type=FORMATS, default="text", show_default=True,
                           help="json: the history after the command, for CI.")(command)
    command = click.option("--lock-timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
                           metavar="SECONDS", help="How long to wait for another runner on the same database.")(command)
    return click.option("--db", "url", envvar="CODEGEN_DATABASE_URL", metavar="URL",
                        help="The database (default: $CODEGEN_DATABASE_URL).")(command)


def _run(ctx: click.Context, command: str, url: str | None, lock_timeout: float, format_: str, writes: bool, body,
         print_text=None):
    """Connect, run `body(runner)` -> Outcome, and report it (`print_text(outcome)` in text); exit 1
    on problems, a failed migration or drift."""
    from codegen.runner.session import Failed, Outcome, Refused, connect

    project = _project(ctx)
    shown = format_ == "text"
    found: list = []
    with connect(project, url, lock_timeout, _run_event(ctx, shown), writes) as runner:
        try:
            outcome = body(runner)
        except Refused as exc:
            outcome, found = Outcome(exc.status), list(exc.status.problems)
        except Failed as exc:
            outcome, found = Outcome(runner.status(), exc.ran), [exc.finding]
    if outcome.drift:
        from codegen.integrity import Finding

        found.append(Finding(
            "drift", f"after migrating, the database differs from {project.shown(project.snapshot)}: "
            + "; ".join(outcome.drift[:5]) + (" ..." if len(outcome.drift) > 5 else ""),
            "someone changed the database by hand, or a migration was edited: compare with `codegen verify`, "
            "then fix the database or write a migration that does; nothing was undone", (project.shown(project.snapshot),)))
    if format_ == "json":
        from codegen.report import build_run_report

        report = build_run_report(command, project.dialect, outcome, found, dry_run=outcome.dry_run_sql is not None)
        click.echo(report.model_dump_json(indent=2))
    else:
        if outcome.dry_run_sql is not None:
            click.echo(outcome.dry_run_sql, nl=False)
        elif print_text is not None:
            print_text(outcome)
        for finding in found:
            _problem(finding)
    if found:
        ctx.exit(EXIT_FINDINGS)


def _run_event(ctx: click.Context, shown: bool):
    on_terminal = sys.stdout.isatty()

    def show(event) -> None:
        if not shown:
            return
        if event.kind == "wait":
            _say(ctx, f"waiting: {event.message}", err=True)
            return
        line = f"{event.direction:<4} {event.number}/{event.total} {event.migration.name}"
        if event.kind == "start" and on_terminal and not ctx.obj.quiet:
            click.echo(f"{line} ...", nl=False, color=_color())
        elif event.kind == "done":
            _say(ctx, ("\r" if on_terminal else "") + f"{line} ({event.execution_ms} ms)")
    return show


def _position(status) -> str:
    applied = status.applied
    return f"the database is at {applied[-1].name}" if applied else "no migration is applied"


@cli.command()
@_database_options
@click.option("--to", metavar="ID", help="Stop after this migration (id or folder name).")
@click.option("--dry-run", is_flag=True, help="Print the SQL that would run, in order; change nothing.")
@click.pass_context
def migrate(ctx: click.Context, url: str | None, lock_timeout: float, format_: str, to: str | None,
            dry_run: bool) -> None:
    """Apply every pending migration in order, recording each (in its own transaction where the database has
    transactional DDL; MySQL's is marked dirty until its last statement)."""
    from codegen.runner.session import migrate as run

    def summary(outcome) -> None:
        n = len(outcome.ran)
        if n:
            total = sum(r.execution_ms for r in outcome.ran)
            _say(ctx, f"Applied {n} migration{'s' if n != 1 else ''} in {total} ms; {_position(outcome.status)}.", "ok")
        elif not outcome.status.problems:
            _say(ctx, f"Nothing to migrate: {_position(outcome.status)}.", "ok")
        if outcome.checked_drift and not outcome.drift:
            _say(ctx, "The live schema matches the snapshot.", "ok")

    _run(ctx, "migrate", url, lock_timeout, format_, not dry_run, lambda runner: run(runner, to, dry_run), summary)


@cli.command()
@_database_options
@click.option("--steps", type=click.IntRange(min=1), help="How many applied migrations to undo (default 1).")
@click.option("--to", metavar="ID", help="Undo every migration after this one (id, folder name, or `base`).")
@click.option("--dry-run", is_flag=True, help="Print the SQL that would run, in order; change nothing.")
@click.pass_context
def rollback(ctx: click.Context, url: str | None, lock_timeout: float, format_: str, steps: int | None,
             to: str | None, dry_run: bool) -> None:
    """Undo applied migrations, newest first, each down with the removal of its history row."""
    from codegen.runner.session import rollback as run

    if steps is not None and to is not None:
        raise click.UsageError("give --steps or --to, not both")
    def summary(outcome) -> None:
        n = len(outcome.ran)
        if n:
            _say(ctx, f"Rolled back {n} migration{'s' if n != 1 else ''}; {_position(outcome.status)}.", "ok")
        elif not outcome.status.problems:
            _say(ctx, f"Nothing to roll back: {_position(outcome.status)}.", "ok")

    _run(ctx, "rollback", url, lock_timeout, format_, not dry_run, lambda runner: run(runner, steps, to, dry_run),
         summary)


@cli.command()
@_database_options
@click.pass_context
def status(ctx: click.Context, url: str | None, lock_timeout: float, format_: str) -> None:
    """List applied and pending migrations; exit 1 when the history and the files disagree."""
    from codegen.runner.session import Outcome, Refused

    def look(runner):
        found = runner.status()
        if found.problems:
            raise Refused(found)
        return Outcome(found)

    _run(ctx, "status", url, lock_timeout, format_, False, look, lambda outcome: _print_status(ctx, outcome.status))


def _print_status(ctx: click.Context, status) -> None:
    _say(ctx, f"Applied ({len(status.rows)}):" if status.rows else "Applied: none")
    for row in status.rows:
        mark = "  DIRTY" if row.dirty else ""
        _say(ctx, f"  {row.name}  {row.applied_at}  {row.execution_ms} ms  codegen {row.codegen_version}{mark}")
    _say(ctx, f"Pending ({len(status.pending)}):" if status.pending else "Pending: none")
    for migration in status.pending:
        _say(ctx, f"  {migration.name}")


@cli.command()
@_database_options
@click.argument("migration_id", metavar="ID")
@click.pass_context
def stamp(ctx: click.Context, url: str | None, lock_timeout: float, format_: str, migration_id: str) -> None:
    """Record ID and every migration before it as applied, and none after it, running nothing.

    For a database that already holds the schema (adopting one), or after
    finishing or undoing a dirty migration by hand. `base`: nothing applied.
    """
    from codegen.runner.session import stamp as run

    changed: list = []

    def body(runner):
        outcome, recorded, removed = run(runner, migration_id)
        changed.extend([recorded, removed])
        return outcome

    def summary(outcome) -> None:
        if not changed:
            return
        recorded, removed = changed
        for name in recorded:
            _say(ctx, f"recorded {name} as applied")
        for name in removed:
            _say(ctx, f"removed {name} from the history")
        _say(ctx, f"Stamped: {_position(outcome.status)}.", "ok")

    _run(ctx, "stamp", url, lock_timeout, format_, True, body, summary)


class _nullbar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


@cli.command()
@click.argument("migration", required=False)
@click.pass_context
def rebase(ctx: click.Context, migration: str | None) -> None:
    """After a merge, regenerate the later of two migrations with the same parent on top of the other.

    MIGRATION (id or folder name) picks which one to regenerate instead.
    """
    from codegen.rebase import plan_rebase, write_rebase

    from codegen.pipeline import writing

    project = _project(ctx)
    with writing(project):
        planned = plan_rebase(project, migration)
        write_rebase(project, planned)
    moved = ", ".join(m.name for m in planned.moved)
    if planned.planned is None:
        click.echo(f"Removed {moved}: {planned.onto.name} already holds all its changes.")
        return
    click.echo(f"Replaced {moved} with {_written(planned.planned)} on top of {planned.onto.name}")
    if not ctx.obj.quiet:
        _print_changes(planned.planned.state)


@cli.command()
@click.argument("migration")
@click.option("--down", is_flag=True, help="The SQL of the down migration (downgrade) instead.")
@click.pass_context
def sql(ctx: click.Context, migration: str, down: bool) -> None:
    """Print the SQL MIGRATION (id or name) runs on the configured dialect; Alembic revisions run offline."""
    from codegen.preview import find_migration, migration_sql

    project = _project(ctx)
    click.echo(migration_sql(project, find_migration(project, migration), down), nl=False)


@cli.command()
@click.pass_context
def rehash(ctx: click.Context) -> None:
    """Accept the migration files as they are: rewrite migrations/codegen.sum."""
    from codegen.pipeline import rehash as rewrite

    project = _project(ctx)
    _say(ctx, f"wrote {project.shown(rewrite(project))}")


@cli.command(name="diff")
@click.option("-m", "--message", help="Message to show in the header, as `generate -m` would.")
@click.option("--format", "format_", type=click.Choice(["sql", "json", "markdown"]), default="sql", show_default=True,
              help="sql: the file generate would write first (up.sql, or the Alembic revision); "
                   "json: operations, hazards, likely renames; markdown: a pull-request summary.")
@click.pass_context
def diff_command(ctx: click.Context, message: str | None, format_: str) -> None:
    """Print what `generate` would write; write nothing."""
    from codegen.formats import get_format
    from codegen.pipeline import load_state, prepare_migration

    state = load_state(_project(ctx))
    up = None
    if state.up:
        planned = prepare_migration(state, message)
        up = get_format(state.project.format).review_text(planned.files)
    if format_ != "sql":
        _echo_report("diff", state, [], up, markdown=format_ == "markdown")
    elif up is None:
        _say(ctx, "No changes: the entities match the snapshot.", "ok")
    else:
        click.echo(up, nl=False)


@cli.command()
@click.option("--report", is_flag=True, help="The schema of `--format json` output instead of the entity format.")
def schema(report: bool) -> None:
    """Print the JSON Schema of entity files (for editors), or of the JSON reports."""
    import json

    if report:
        from codegen.report import Report

        click.echo(json.dumps(Report.model_json_schema(), indent=2, sort_keys=True))
    else:
        from codegen.loader.format import json_schema

        click.echo(json.dumps(json_schema(), indent=2, sort_keys=True))


def _print_changes(state, err: bool = False) -> None:
    verbose = click.get_current_context().obj.verbose
    for op in state.up:
        click.echo(f"  {_styled(op.symbol, op.symbol)} {op.describe()}", err=err, color=_color())
        for line in op.details() if verbose else ():
            click.echo(f"      {line}", err=err, color=_color())
    for hazard in state.hazards:
        click.echo("  " + _styled(hazard.line(), "hazard"), err=err, color=_color())
    for note in state.likely_renames:
        click.echo("  " + _styled(f"NOTE {note.hint()}", "note"), err=err, color=_color())


def main() -> None:
    # A short-lived process that builds millions of small objects and no garbage cycles
    # worth collecting: the cyclic collector would rescan them over and over (27 s -> 17 s
    # for 10,000 tables). Reference counting still frees everything as usual.
    gc.disable()
    try:
        cli(prog_name="codegen")
        status = 0
    except SystemExit as exc:  # how click ends every run, with the exit status
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    # Everything is written and closed: ending here skips the interpreter's teardown, which
    # frees every object one by one (a tenth of a `check` at 1,000 tables).
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`codegen diff | head`) or stream
            pass
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
