"""The commands that rewrite history files: `rebase`, `relayout`, `squash`, `rehash`.

Each takes the project's write lock through the module that does the work
(rebase.py, relayout.py, squash.py, pipeline.rehash) and says what changed;
cli.py adds them to the group.
"""

from __future__ import annotations

import click

from codegen.console import print_changes, project_of, say, written_place

# The registry's names (formats/layouts.py), spelled out so that `--help` imports no more than
# click: tests/test_cli.py checks that they agree, as for cli.DIALECT_NAMES.
LAYOUT_NAMES = ("codegen", "dbmate", "golang-migrate", "flyway", "yoyo", "postgrator")


@click.command()
@click.argument("migration", required=False)
@click.pass_context
def rebase(ctx: click.Context, migration: str | None) -> None:
    """After a merge, regenerate the later of two migrations with the same parent on top of the other.

    MIGRATION (id or folder name) picks which one to regenerate instead.
    """
    from codegen.pipeline import writing
    from codegen.rebase import plan_rebase, write_rebase

    project = project_of(ctx)
    with writing(project):
        planned = plan_rebase(project, migration)
        write_rebase(project, planned)
    moved = ", ".join(m.name for m in planned.moved)
    if planned.planned is None:
        click.echo(f"Removed {moved}: {planned.onto.name} already holds all its changes.")
        return
    click.echo(f"Replaced {moved} with {written_place(planned.planned)} on top of {planned.onto.name}")
    if not ctx.obj.quiet:
        print_changes(planned.planned.state)


@click.command()
@click.argument("layout", type=click.Choice(LAYOUT_NAMES))
@click.pass_context
def relayout(ctx: click.Context, layout: str) -> None:
    """Move every migration to LAYOUT's files and set `layout:` in codegen.yaml, in one change."""
    from codegen.loader.yaml_source import read_yaml
    from codegen.relayout import relayout as rewrite

    project = project_of(ctx)
    text = project.config_file.read_text(encoding="utf-8")
    raw = read_yaml(text, project.shown(project.config_file)) or {}
    folder, moved = rewrite(project, layout, text, migrations_given=bool(raw.get("migrations")))
    say(ctx, f"Moved {moved} migration{'s' if moved != 1 else ''} to `layout: {layout}` in {project.shown(folder)}; "
             f"codegen.yaml says so")


@click.command()
@click.option("--to", metavar="ID", help="The last migration to replace (default: all of them).")
@click.option("-m", "--message", help="What the squash is called (default: squashed).")
@click.pass_context
def squash(ctx: click.Context, to: str | None, message: str | None) -> None:
    """Replace the migrations up to ID with one that creates the same schema; databases that applied
    them all are up to date with it."""
    from codegen.squash import squash as rewrite

    project = project_of(ctx)
    name, count = rewrite(project, to, message)
    say(ctx, f"Replaced {count} migrations with {name}; the snapshot is unchanged")


@click.command()
@click.pass_context
def rehash(ctx: click.Context) -> None:
    """Accept the migration files as they are: rewrite migrations/codegen.sum."""
    from codegen.pipeline import rehash as rewrite

    project = project_of(ctx)
    say(ctx, f"wrote {project.shown(rewrite(project))}")
