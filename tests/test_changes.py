"""Every kind of change, as fixture folders `before/` and `after/`, on real SQLite and PostgreSQL.

For each: create `before` and insert rows (`rows.sql`); generate the change;
apply up -> the live schema equals `after` and the rows read as `expect.sql`
says; apply down -> the live schema equals `before` and every table that both
sides keep still has its rows; finally the entities and the snapshot agree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegen.snapshot import read_snapshot
from conftest import FIXTURES

CHANGES = sorted(p.name for p in (FIXTURES / "changes").iterdir() if p.is_dir())


def _expectations(folder: Path) -> tuple[str, list[str]]:
    lines = (folder / "expect.sql").read_text().splitlines()
    query = " ".join(line for line in lines if not line.startswith("--"))
    rows = [line[3:] for line in lines if line.startswith("-- ")]
    return query, rows


def _rows(database, query: str) -> list[str]:
    def text(value):
        return "None" if value is None else str(value)
    return ["|".join(text(v) for v in row) for row in database.query(query)]


def _use(project, folder: Path) -> None:
    shutil.rmtree(project.root / "entities", ignore_errors=True)
    for src in folder.glob("*.yaml"):
        project.write(f"entities/{src.name}", src.read_text())


def _snapshot(project):
    return read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema


@pytest.mark.parametrize("name", CHANGES)
def test_change_round_trip(name, database, project_factory):
    folder = FIXTURES / "changes" / name
    project = project_factory(database.dialect_name)
    _use(project, folder / "before")
    result = project.run("generate", "-m", "before")
    assert result.exit_code == 0, result.output
    before = _snapshot(project)
    database.apply(project.latest("up.sql"))
    database.apply((folder / "rows.sql").read_text())

    _use(project, folder / "after")
    result = project.run("generate", "-m", name)
    assert result.exit_code == 0, result.output
    assert "No changes" not in result.output
    after = _snapshot(project)
    up, down = project.latest("up.sql"), project.latest("down.sql")

    kept = [t.name for t in before.managed_tables if after.table(t.name) is not None]
    database.apply(up)
    database.assert_matches(after)
    query, expected_rows = _expectations(folder)
    assert _rows(database, query) == expected_rows
    counts = {t: database.query(f'SELECT count(*) FROM "{t}"') for t in kept}

    database.apply(down)
    database.assert_matches(before)
    for table, count in counts.items():
        assert database.query(f'SELECT count(*) FROM "{table}"') == count, f"rows of {table} lost by down"

    assert project.run("check").exit_code == 0  # diff(after, after) is empty
    database.apply(up)  # and up runs again after down
    database.assert_matches(after)
