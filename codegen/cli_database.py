"""The commands that talk to a live database: `migrate`, `rollback`, `status`, `stamp`, `drift`, `import`.

Each connects through runner.commands and reports what happened: progress as it runs, a
summary or `--format json`, exit 1 on problems, a failed migration or drift (cli.py adds them
to the group).
"""

from __future__ import annotations

import sys

import click

from codegen.console import EXIT_FINDINGS, FORMATS, color, project_of, say, show_problem, styled


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
    from codegen.runner.commands import connect
    from codegen.runner.session import Failed, Outcome, Refused

    project = project_of(ctx)
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
            show_problem(finding)
    if found:
        ctx.exit(EXIT_FINDINGS)


def _run_event(ctx: click.Context, shown: bool):
    on_terminal = sys.stdout.isatty()

    def show(event) -> None:
        if not shown:
            return
        if event.kind == "wait":
            say(ctx, f"waiting: {event.message}", err=True)
            return
        line = f"{event.direction:<4} {event.number}/{event.total} {event.migration.name}"
        if event.kind == "start" and on_terminal and not ctx.obj.quiet:
            click.echo(f"{line} ...", nl=False, color=color())
        elif event.kind == "done":
            say(ctx, ("\r" if on_terminal else "") + f"{line} ({event.execution_ms} ms)")
    return show


def _position(status) -> str:
    applied = status.applied
    return f"the database is at {applied[-1].name}" if applied else "no migration is applied"


@click.command()
@_database_options
@click.option("--to", metavar="ID", help="Stop after this migration (id or folder name).")
@click.option("--dry-run", is_flag=True, help="Print the SQL that would run, in order; change nothing.")
@click.pass_context
def migrate(ctx: click.Context, url: str | None, lock_timeout: float, format_: str, to: str | None,
            dry_run: bool) -> None:
    """Apply every pending migration in order, recording each (in its own transaction where the database has
    transactional DDL; MySQL's is marked dirty until its last statement)."""
    from codegen.runner.commands import migrate as run

    def summary(outcome) -> None:
        n = len(outcome.ran)
        if n:
            total = sum(r.execution_ms for r in outcome.ran)
            say(ctx, f"Applied {n} migration{'s' if n != 1 else ''} in {total} ms; {_position(outcome.status)}.", "ok")
        elif not outcome.status.problems:
            say(ctx, f"Nothing to migrate: {_position(outcome.status)}.", "ok")
        if outcome.checked_drift and not outcome.drift:
            say(ctx, "The live schema matches the snapshot.", "ok")

    _run(ctx, "migrate", url, lock_timeout, format_, not dry_run, lambda runner: run(runner, to, dry_run), summary)


@click.command()
@_database_options
@click.option("--steps", type=click.IntRange(min=1), help="How many applied migrations to undo (default 1).")
@click.option("--to", metavar="ID", help="Undo every migration after this one (id, folder name, or `base`).")
@click.option("--dry-run", is_flag=True, help="Print the SQL that would run, in order; change nothing.")
@click.pass_context
def rollback(ctx: click.Context, url: str | None, lock_timeout: float, format_: str, steps: int | None,
             to: str | None, dry_run: bool) -> None:
    """Undo applied migrations, newest first, each down with the removal of its history row."""
    from codegen.runner.commands import rollback as run

    if steps is not None and to is not None:
        raise click.UsageError("give --steps or --to, not both")
    def summary(outcome) -> None:
        n = len(outcome.ran)
        if n:
            say(ctx, f"Rolled back {n} migration{'s' if n != 1 else ''}; {_position(outcome.status)}.", "ok")
        elif not outcome.status.problems:
            say(ctx, f"Nothing to roll back: {_position(outcome.status)}.", "ok")

    _run(ctx, "rollback", url, lock_timeout, format_, not dry_run, lambda runner: run(runner, steps, to, dry_run),
         summary)


@click.command()
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
    say(ctx, f"Applied ({len(status.rows)}):" if status.rows else "Applied: none")
    for row in status.rows:
        mark = "  DIRTY" if row.dirty else ""
        say(ctx, f"  {row.name}  {row.applied_at}  {row.execution_ms} ms  codegen {row.codegen_version}{mark}")
    say(ctx, f"Pending ({len(status.pending)}):" if status.pending else "Pending: none")
    for migration in status.pending:
        say(ctx, f"  {migration.name}")


@click.command()
@_database_options
@click.argument("migration_id", metavar="ID")
@click.pass_context
def stamp(ctx: click.Context, url: str | None, lock_timeout: float, format_: str, migration_id: str) -> None:
    """Record ID and every migration before it as applied, and none after it, running nothing.

    For a database that already holds the schema (adopting one), or after
    finishing or undoing a dirty migration by hand. `base`: nothing applied.
    """
    from codegen.runner.commands import stamp as run

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
            say(ctx, f"recorded {name} as applied")
        for name in removed:
            say(ctx, f"removed {name} from the history")
        say(ctx, f"Stamped: {_position(outcome.status)}.", "ok")

    _run(ctx, "stamp", url, lock_timeout, format_, True, body, summary)


@click.command()
@click.option("--db", "url", envvar="CODEGEN_DATABASE_URL", metavar="URL",
              help="The database (default: $CODEGEN_DATABASE_URL).")
@click.option("--against", type=click.Choice(["snapshot", "entities"]), default="snapshot", show_default=True,
              help="entities: compare with the entity files (a field no migration created) instead of the snapshot.")
@click.option("--format", "format_", type=click.Choice(["text", "json", "sql"]), default="text", show_default=True,
              help="json: the differences for CI; sql: the statements that would bring the database back (run nothing).")
@click.pass_context
def drift(ctx: click.Context, url: str | None, against: str, format_: str) -> None:
    """Exit 1 when the live database differs from the snapshot (or the entities), naming each difference.

    Reads the database's catalog only; changes nothing.
    """
    import json

    from codegen.drift import drift_sql, find_drift

    project = project_of(ctx)
    found = find_drift(project, url, against)
    if format_ == "sql":
        click.echo(drift_sql(project, found), nl=False)
    elif format_ == "json":
        changes = [{"symbol": op.symbol, "change": op.describe(), "hazards": [h.line() for h in op.hazards()]}
                   for op in found.ops]
        click.echo(json.dumps({"against": found.against, "equal": not found.ops, "changes": changes,
                               "notes": [note.hint() for note in found.notes]}, indent=2))
    elif not found.ops:
        say(ctx, f"OK: the database matches {found.against}.", "ok")
    else:
        click.echo(f"The database differs from {found.against}; to match it, the database would need:", err=True)
        for op in found.ops:
            click.echo(f"  {op.symbol} {op.describe()}", err=True)
        click.echo("fix: if the database is right, change the entities and `codegen generate` a migration; if the "
                   "files are right, `codegen drift --format sql` prints the statements that bring the database "
                   "back (review them, then run them or write them into a migration)", err=True)
    for note in found.notes if format_ == "text" else ():
        click.echo(f"note: {note.hint()}", err=True)
    if found.ops:
        ctx.exit(EXIT_FINDINGS)


@click.command(name="import")
@click.option("--db", "url", envvar="CODEGEN_DATABASE_URL", metavar="URL",
              help="The database to adopt (default: $CODEGEN_DATABASE_URL).")
@click.option("--schema", "schema_names", multiple=True, metavar="NAME",
              help="Read this PostgreSQL schema (repeatable) instead of the default one; its entities get `schema: NAME`.")
@click.option("--tables", "patterns", multiple=True, metavar="PATTERN",
              help="Only the tables matching this shell pattern (repeatable), e.g. --tables 'shop_*'.")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default=".", show_default=True,
              help="The project folder: its codegen.yaml, or a new one for the database's dialect.")
@click.pass_context
def import_(ctx: click.Context, url: str | None, schema_names: tuple[str, ...], patterns: tuple[str, ...], folder: str) -> None:
    """Write entity files and a baseline migration from a live database, to adopt it.

    The baseline creates the whole schema on an empty database; the database
    it came from records it as applied with `codegen stamp <baseline id>`.
    """
    from pathlib import Path

    from codegen.errors import UserError
    from codegen.importer import import_database

    if not url:
        raise UserError.at("--db", "no database to import", "pass `--db URL` or set CODEGEN_DATABASE_URL")
    imported = import_database(Path(folder).resolve(), url, schema_names, patterns)
    for path in imported.written:
        say(ctx, f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    for note in imported.notes:
        click.echo(styled("warning:", "hazard") + f" {note.hint()}", err=True, color=color())
    if imported.baseline is None:
        say(ctx, "The database has no tables to import.", "ok")
        return
    migration_id = imported.baseline.split("_")[0]
    say(ctx, f"Created the baseline migration {imported.baseline}: it creates the whole schema on an empty database.", "ok")
    stamp = f"alembic stamp {migration_id}" if imported.format == "alembic" else f"codegen stamp {migration_id} --db URL"
    say(ctx, f"On the database it came from, record it as applied: {stamp}")
