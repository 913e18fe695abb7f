"""cli: click commands that wire the pipeline; no logic of their own.

Exit statuses (DESIGN.md): 0 success or nothing to do; 1 `check` found a
difference; 2 bad input or usage, with file:line and the fix. A user mistake
never shows a traceback: `UserError` is caught here and nowhere else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from codegen import __version__
from codegen.errors import UserError

EXIT_FINDINGS = 1
EXIT_USAGE = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            for problem in exc.problems:
                click.echo(problem.render(), err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="codegen")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="codegen.yaml to use (default: found in this folder or a parent).")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Turn YAML entity definitions into reviewed database migrations."""
    ctx.obj = config_path


def _project(ctx: click.Context):
    from codegen.config import load_project

    return load_project(ctx.obj, Path.cwd())


@cli.command()
@click.option("--dialect", type=click.Choice(["postgresql", "sqlite"]), default="postgresql", show_default=True)
@click.option("--format", "format_", type=click.Choice(["sql"]), default="sql", show_default=True)
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Project folder (default: the current folder).")
def init(dialect: str, format_: str, folder: Path) -> None:
    """Create codegen.yaml, an example entity and an empty migrations folder."""
    from codegen.scaffold import init_project

    for path in init_project(folder, dialect, format_):
        click.echo(f"created {path}")
    click.echo('next: edit the entities, then run `codegen generate -m "initial"`')


@cli.command()
@click.option("-m", "--message", help="What the migration does; becomes the folder name (add_orders).")
@click.pass_context
def generate(ctx: click.Context, message: str | None) -> None:
    """Write the migration from the snapshot to the current entities, and the new snapshot."""
    from codegen.pipeline import load_state, prepare_migration, write_migration

    state = load_state(_project(ctx))
    if not state.up:
        click.echo("No changes: the entities match the snapshot.")
        return
    planned = prepare_migration(state, message)
    write_migration(planned)
    project = state.project
    folder = project.shown(next(iter(planned.files)).parent)
    click.echo(f"Created {folder}/ (up.sql, down.sql) and updated {project.shown(project.snapshot)}")
    _print_changes(state)
    click.echo(state.summary())


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Exit 1 when the entities differ from the snapshot (run `codegen generate`)."""
    from codegen.pipeline import load_state

    state = load_state(_project(ctx))
    if not state.up:
        click.echo("OK: the entities match the snapshot.")
        return
    project = state.project
    click.echo(f"The entities differ from {project.shown(project.snapshot)} "
               f"({len(state.up)} change{'s' if len(state.up) != 1 else ''}):", err=True)
    _print_changes(state, err=True)
    click.echo('fix: run `codegen generate -m "<what changed>"` and commit the migration', err=True)
    ctx.exit(EXIT_FINDINGS)


@cli.command(name="diff")
@click.option("-m", "--message", help="Message to show in the header, as `generate -m` would.")
@click.pass_context
def diff_command(ctx: click.Context, message: str | None) -> None:
    """Print the up.sql that `generate` would write; write nothing."""
    from codegen.pipeline import load_state, prepare_migration

    state = load_state(_project(ctx))
    if not state.up:
        click.echo("No changes: the entities match the snapshot.")
        return
    planned = prepare_migration(state, message)
    up = next(text for path, text in planned.files.items() if path.name == "up.sql")
    click.echo(up, nl=False)


def _print_changes(state, err: bool = False) -> None:
    for op in state.up:
        click.echo(f"  {op.symbol} {op.describe()}", err=err)
    for hazard in state.hazards:
        click.echo(f"  {hazard.line()}", err=err)
    for note in state.likely_renames:
        click.echo(f"  NOTE {note.hint()}", err=err)


def main() -> None:
    cli(prog_name="codegen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
