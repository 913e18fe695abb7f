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
from codegen.cli_database import drift, import_, migrate, rollback, stamp, status
from codegen.cli_history import rebase, rehash, relayout, squash
from codegen.console import EXIT_FINDINGS, FORMATS, print_changes, project_of, say, show_problem, written_place
from codegen.errors import UserError

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
        say(ctx, f"created {path}")
    say(ctx, 'next: edit the entities, then run `codegen generate -m "initial"`')


@cli.command()
@click.option("-m", "--message", help="What the migration does; becomes the folder name (add_orders).")
@click.option("--allow-drop-all", is_flag=True, help="Allow a migration that drops every table, or more than half.")
@click.option("--online", is_flag=True, help="PostgreSQL: the non-blocking forms, as `postgresql: {online: true}`.")
@click.pass_context
def generate(ctx: click.Context, message: str | None, allow_drop_all: bool, online: bool) -> None:
    """Write the migration from the snapshot to the current entities, and the new snapshot."""
    from codegen.pipeline import (
        keep_parsed, load_state, prepare_migration, refuse_broken_chain, refuse_mass_drop, write_migration, writing,
    )

    project = _online(project_of(ctx), online)
    with writing(project):  # from reading the snapshot to the last file: two runs cannot both build on it
        state = load_state(project, remember=True)
        if not allow_drop_all:
            refuse_mass_drop(state)
        if state.up:
            refuse_broken_chain(state)
        else:
            keep_parsed(state)
            say(ctx, "No changes: the entities match the snapshot.", "ok")
            return
        planned = prepare_migration(state, message)
        write_migration(planned)
    keep_parsed(state)
    project = state.project
    files = " (up.sql, down.sql)" if project.format == "sql" and project.layout == "codegen" else ""
    click.echo(f"Created {written_place(planned)}{files} and updated {project.shown(project.snapshot)}")
    if not ctx.obj.quiet:
        print_changes(state)
        say(ctx, state.summary())


def _online(project, online: bool):
    """The project with `postgresql: {online: true}` when `--online` says so."""
    if not online:
        return project
    if project.dialect != "postgresql" or project.format != "sql":
        raise UserError.at("--online", f"the online forms are PostgreSQL's, written in the SQL format, and this project "
                           f"is `dialect: {project.dialect}`, `format: {project.format}`", "leave out --online")
    from dataclasses import replace

    return replace(project, postgresql=replace(project.postgresql, online=True))


@cli.command()
@click.option("--format", "format_", type=FORMATS, default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Also fail on hazards nobody acknowledged (as `codegen lint`).")
@click.pass_context
def check(ctx: click.Context, format_: str, strict: bool) -> None:
    """Exit 1 when entities, snapshot, migrations and codegen.sum disagree."""
    from codegen.pipeline import check_state, findings

    state = check_state(project_of(ctx))
    found = findings(state)
    if strict:
        found += _lint(state, since=None)
    if format_ == "json":
        _echo_report("check", state, found)
    elif not found:
        say(ctx, "OK: entities, snapshot and migrations agree.", "ok")
    else:
        for finding in found:
            show_problem(finding)
            if finding.code == "entities-changed":
                print_changes(state, err=True)
    if found:
        ctx.exit(EXIT_FINDINGS)


@cli.command()
@click.option("--since", metavar="ID", help="Only migrations after this id (for projects adopting lint late).")
@click.option("--format", "format_", type=FORMATS, default="text", show_default=True)
@click.option("--locks", is_flag=True, help="PostgreSQL: also list every statement's lock and what it does to the table.")
@click.pass_context
def lint(ctx: click.Context, since: str | None, format_: str, locks: bool) -> None:
    """Exit 1 when a pending or written migration has hazards nobody acknowledged, or (PostgreSQL) a
    statement takes a lock that blocks a busy table.

    A reviewer acknowledges a hazard by adding `-- ACK <kind>: <table>[.<column>]`
    to the migration's up.sql (for `-- HAZARD data loss: customers.nickname: ...`
    that is `-- ACK data loss: customers.nickname`), then runs `codegen rehash`;
    a lock rule the same way, with the rule and subject the finding names.
    """
    from codegen.pipeline import load_state

    state = load_state(project_of(ctx))
    if locks and format_ == "text":
        _print_locks(state, since)
    found = _lint(state, since)
    if format_ == "json":
        _echo_report("lint", state, found)
    elif not found:
        say(ctx, "OK: every hazard is acknowledged.", "ok")
    for finding in found if format_ == "text" else ():
        show_problem(finding)
    if found:
        ctx.exit(EXIT_FINDINGS)


def _print_locks(state, since: str | None) -> None:
    from codegen.dialects import get_dialect
    from codegen.history import list_migrations
    from codegen.integrity import ordered_chain
    from codegen.report import migration_locks, reviewed

    dialect = get_dialect(state.project.dialect)
    for migration in ordered_chain(list_migrations(state.project.migrations, state.project.layout)):
        if since is not None and migration.id <= since:
            continue
        locks, _ = migration_locks(migration, dialect, reviewed(migration, state.project.layout))
        click.echo(state.project.shown(migration.review_file))
        for lock in locks:
            held = f"{lock.lock} on {lock.table}" if lock.lock else "no lock on a table with rows"
            click.echo(f"  {lock.number:>3}  {held}, {lock.effect}: {lock.text}")


def _lint(state, since):
    from codegen.history import list_migrations
    from codegen.integrity import ordered_chain
    from codegen.report import lint_findings

    chain = ordered_chain(list_migrations(state.project.migrations, state.project.layout))
    from codegen.dialects import get_dialect

    return lint_findings(chain, since, state.hazards, state.project.root, get_dialect(state.project.dialect),
                         state.project.layout)


def _echo_report(command: str, state, found, up_sql: str | None = None, markdown: bool = False) -> None:
    from codegen.render import hazards_as_written
    from codegen.report import build_report, to_json, to_markdown

    report = build_report(command, state.project.dialect, list(state.up), list(state.likely_renames), found, up_sql,
                          hazards_as_written(state.project, state.up))
    click.echo(to_markdown(report) if markdown else to_json(report), nl=False)


@cli.command()
@click.option("--db", "url", envvar="CODEGEN_DATABASE_URL",
              help="Server to replay on (a scratch database is created and dropped). SQLite projects always "
                   "replay in a temporary file.")
@click.pass_context
def verify(ctx: click.Context, url: str | None) -> None:
    """Replay every migration up, then down, on a scratch database; exit 1 at the first that breaks."""
    from codegen.dialects import get_dialect
    from codegen.history import list_migrations
    from codegen.integrity import check_chain, ordered_chain
    from codegen.pipeline import load_state
    from codegen.verify import verify as replay

    state = load_state(project_of(ctx))
    project = state.project
    migrations = list_migrations(project.migrations, project.layout)
    chain_problems = check_chain(migrations, state.snapshot.migration, project.shown(project.snapshot))
    for finding in chain_problems:
        show_problem(finding)
    if chain_problems:
        ctx.exit(EXIT_FINDINGS)
    chain = ordered_chain(migrations)
    steps = 2 * len(chain)
    show = sys.stderr.isatty() and steps > 4
    with click.progressbar(length=steps, label="verify", file=sys.stderr) if show else _nullbar() as bar:
        if url and get_dialect(project.dialect).file_database:
            say(ctx, f"note: SQLite migrations are replayed in a temporary file; {url} is not touched", err=True)
        found = replay(state.project, chain, state.snapshot.schema, url, on_step=lambda step: bar.update(1))
    for finding in found:
        show_problem(finding)
    if found:
        ctx.exit(EXIT_FINDINGS)
    say(ctx, f"OK: {len(chain)} migration{'s' if len(chain) != 1 else ''} went up and back down, "
               "matching the snapshot and each earlier state.", "ok")


class _nullbar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        pass


@cli.command()
@click.argument("migration")
@click.option("--down", is_flag=True, help="The SQL of the down migration (downgrade) instead.")
@click.pass_context
def sql(ctx: click.Context, migration: str, down: bool) -> None:
    """Print the SQL MIGRATION (id or name) runs on the configured dialect; Alembic revisions run offline."""
    from codegen.preview import find_migration, migration_sql

    project = project_of(ctx)
    click.echo(migration_sql(project, find_migration(project, migration), down), nl=False)


@cli.command(name="diff")
@click.option("-m", "--message", help="Message to show in the header, as `generate -m` would.")
@click.option("--format", "format_", type=click.Choice(["sql", "json", "markdown"]), default="sql", show_default=True,
              help="sql: the file generate would write first (up.sql, or the Alembic revision); "
                   "json: operations, hazards, likely renames; markdown: a pull-request summary.")
@click.option("--online", is_flag=True, help="PostgreSQL: the non-blocking forms, as `postgresql: {online: true}`.")
@click.pass_context
def diff_command(ctx: click.Context, message: str | None, format_: str, online: bool) -> None:
    """Print what `generate` would write; write nothing."""
    from codegen.formats import get_format
    from codegen.pipeline import load_state, prepare_migration

    state = load_state(_online(project_of(ctx), online))
    up = None
    if state.up:
        planned = prepare_migration(state, message)
        up = get_format(state.project.format).review_text(planned.files)
    if format_ != "sql":
        _echo_report("diff", state, [], up, markdown=format_ == "markdown")
    elif up is None:
        say(ctx, "No changes: the entities match the snapshot.", "ok")
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


for command in (migrate, rollback, status, stamp, drift, import_,  # the commands that run migrations: cli_database.py
                rebase, relayout, squash, rehash):  # those that rewrite history files: cli_history.py
    cli.add_command(command)


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
