"""A down migration that cannot restore what it must fails loudly on both engines, leaving the database as it was."""

from __future__ import annotations

import pytest

from codegen.dialects import get_dialect


def test_down_fails_instead_of_orphaning_rows(database, project_factory):
    project = project_factory(database.dialect_name, entities={"e.yaml": """
        entities:
          - entity: Parent
            fields:
              id: {type: integer, primary_key: true}
          - entity: Child
            fields:
              id: {type: integer, primary_key: true}
              parent_id: {type: integer, references: Parent}
        """})
    assert project.run("generate").exit_code == 0
    database.apply(project.latest("up.sql"))
    database.apply("INSERT INTO parent (id) VALUES (1); INSERT INTO child (id, parent_id) VALUES (1, 1);")
    project.write("entities/e.yaml", """
        entity: Child
        fields:
          id: {type: integer, primary_key: true}
        """)
    assert project.run("generate").exit_code == 0
    assert "HAZARD not reversible: parent" in project.latest("up.sql")
    database.apply(project.latest("up.sql"))
    # Down brings `parent` back empty and `parent_id` back with a placeholder: no parent row matches.
    with pytest.raises(Exception, match="(?i)foreign key|references a missing parent"):
        database.apply(project.latest("down.sql"))
    assert database.query("SELECT count(*) FROM child") == [(1,)]
    if get_dialect(database.dialect_name).transactional_ddl:
        assert [t for t in database.live()["tables"]] == ["child"]
    else:  # MySQL: the statements before the failing one stay applied, as the header warns
        assert "HAZARD non-transactional:" in project.latest("down.sql")
        assert [t for t in database.live()["tables"]] == ["child", "parent"]
