"""What the CLI prints, and how it finds the project: shared by cli.py and cli_database.py.

Output is short, coloured on a terminal and plain otherwise (NO_COLOR respected);
`-q` leaves only problems and what was written.
"""

from __future__ import annotations

import os

import click

EXIT_FINDINGS = 1
FORMATS = click.Choice(["text", "json"])


def project_of(ctx: click.Context):
    """The project of this invocation: `--config`, or codegen.yaml found from the current folder."""
    from pathlib import Path

    from codegen.config import load_project

    config_path = ctx.obj.config_path
    return load_project(None if config_path is None else Path(config_path), Path.cwd())


STYLES = {"ok": {"fg": "green"}, "problem": {"fg": "red", "bold": True}, "hazard": {"fg": "yellow"},
           "+": {"fg": "green"}, "-": {"fg": "red"}, "~": {"fg": "cyan"}, "note": {"fg": "magenta"}}


def color() -> bool | None:
    return False if "NO_COLOR" in os.environ else None  # None: click decides by isatty


def styled(text: str, kind: str) -> str:
    return click.style(text, **STYLES.get(kind, {}))


def say(ctx: click.Context, text: str, kind: str = "info", err: bool = False) -> None:
    if ctx.obj is not None and ctx.obj.quiet and kind in ("ok", "info"):
        return
    click.echo(styled(text, kind), err=err, color=color())


def show_problem(finding) -> None:
    click.echo(styled("problem:", "problem") + " " + finding.render(), err=True, color=color())


def written_place(planned) -> str:
    """Where a new migration is, as the user sees it: the folder of its SQL files, the revision file,
    or a layout's files."""
    project = planned.state.project
    first = next(iter(planned.files))
    if project.format == "sql" and project.layout == "codegen":
        return f"{project.shown(first.parent)}/"
    return ", ".join(project.shown(path) for path in planned.files)


def print_changes(state, err: bool = False) -> None:
    """The changes of a new migration, one per line, with their hazards and likely renames."""
    verbose = click.get_current_context().obj.verbose
    for op in state.up:
        click.echo(f"  {styled(op.symbol, op.symbol)} {op.describe()}", err=err, color=color())
        for line in op.details() if verbose else ():
            click.echo(f"      {line}", err=err, color=color())
    for hazard in state.hazards:
        click.echo("  " + styled(hazard.line(), "hazard"), err=err, color=color())
    for note in state.likely_renames:
        click.echo("  " + styled(f"NOTE {note.hint()}", "note"), err=err, color=color())
