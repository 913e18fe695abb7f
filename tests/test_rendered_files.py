"""Whole migration files pinned with syrupy (files under the top-level snapshots/).

A change to these files changes what reviewers read: update them only in a
commit that says why the output changed (`pytest --snapshot-update`).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import EXAMPLES, FIXTURES, without_mysql_unsupported

SETS = {"shop": EXAMPLES / "shop" / "entities", "cycle": FIXTURES / "initial" / "cycle" / "entities",
        "all_types": FIXTURES / "initial" / "all_types" / "entities",
        "reserved_words": FIXTURES / "initial" / "reserved_words" / "entities"}


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql"])
@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("direction", ["up", "down"])
def test_rendered_migration(name, dialect, direction, project_factory, sql_snapshot, tmp_path):
    source = SETS[name]
    if dialect == "mysql":
        source = without_mysql_unsupported(source, tmp_path / "mysql_entities")
    project = project_factory(dialect, copy_from=source)
    assert project.run("generate", "-m", f"create {name}").exit_code == 0
    assert project.latest(f"{direction}.sql") == sql_snapshot


@pytest.mark.parametrize("name", ["enum_remove_and_reorder", "nullability_and_defaults", "rename_table", "widen_types"])
@pytest.mark.parametrize("direction", ["up", "down"])
def test_rendered_mysql_change(name, direction, project_factory, sql_snapshot, tmp_path):
    """MySQL restates a column to change it (MODIFY COLUMN) and commits each statement: the
    files that say so, for a few kinds of change."""
    folder = FIXTURES / "changes" / name
    project = project_factory("mysql", copy_from=without_mysql_unsupported(folder / "before", tmp_path / "before"))
    assert project.run("generate", "-m", "before").exit_code == 0
    shutil.rmtree(project.root / "entities")
    for src in without_mysql_unsupported(folder / "after", tmp_path / "after").glob("*.yaml"):
        project.write(f"entities/{src.name}", src.read_text())
    assert project.run("generate", "-m", name).exit_code == 0
    assert project.latest(f"{direction}.sql") == sql_snapshot
