"""Whole migration files pinned with syrupy (files under the top-level snapshots/).

A change to these files changes what reviewers read: update them only in a
commit that says why the output changed (`pytest --snapshot-update`).
"""

from __future__ import annotations

import pytest

from conftest import EXAMPLES, FIXTURES

SETS = {"shop": EXAMPLES / "shop" / "entities", "cycle": FIXTURES / "initial" / "cycle" / "entities",
        "all_types": FIXTURES / "initial" / "all_types" / "entities",
        "reserved_words": FIXTURES / "initial" / "reserved_words" / "entities"}


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
@pytest.mark.parametrize("name", sorted(SETS))
@pytest.mark.parametrize("direction", ["up", "down"])
def test_rendered_migration(name, dialect, direction, project_factory, sql_snapshot):
    project = project_factory(dialect, copy_from=SETS[name])
    assert project.run("generate", "-m", f"create {name}").exit_code == 0
    assert project.latest(f"{direction}.sql") == sql_snapshot
