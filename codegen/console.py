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
