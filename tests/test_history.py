"""A history of several migrations goes up to the end and back down to empty, on both engines.

Steps (tests/fixtures/history): create two tables; rename a table and a
column, add an enum value, close a reference cycle; remove an enum value,
make a column NOT NULL with a backfill, widen a type; break the cycle and
drop a table. Every step keeps the rows, so the way down restores them.
"""

from __future__ import annotations

import shutil

from codegen.snapshot import read_snapshot
from conftest import FIXTURES

STEPS = sorted(p for p in (FIXTURES / "history").iterdir() if p.is_dir())
ROWS = """
INSERT INTO author (name) VALUES ('Ann');
INSERT INTO author (name, nickname) VALUES ('Bob', 'bobby');
INSERT INTO book (title, genre, author_id) VALUES ('Odes', 'fiction', 1);
INSERT INTO book (title, author_id) VALUES ('Tales', 2);
INSERT INTO tag (id, label) VALUES (1, 'classic');
"""


def test_history_up_to_the_end_and_down_to_empty(database, project_factory):
    project = project_factory(database.dialect_name)
    schemas = []
    for number, step in enumerate(STEPS):
        shutil.rmtree(project.root / "entities", ignore_errors=True)
        project.write("entities/entities.yaml", (step / "entities.yaml").read_text())
        result = project.run("generate", "-m", step.name, env={"SOURCE_DATE_EPOCH": str(1767225600 + number)})
        assert result.exit_code == 0, result.output
        schemas.append(read_snapshot(project.root / "migrations" / "schema.snapshot.json", "s").schema)
    migrations = project.migrations()
    assert [m.name.split("_", 1)[1] for m in migrations] == [s.name for s in STEPS]
    for parent, child in zip(migrations, migrations[1:]):
        assert f"-- parent:    {parent.name.split('_')[0]}" in (child / "up.sql").read_text()

    for number, (migration, schema) in enumerate(zip(migrations, schemas)):
        database.apply((migration / "up.sql").read_text())
        database.assert_matches(schema)
        if number == 0:
            database.apply(ROWS)

    assert database.query("SELECT p.headline, p.genre, p.writer, a.nickname FROM publication p "
                          "JOIN author a ON a.id = p.author_id ORDER BY p.id") == [
        ("Odes", "fiction", "unknown", "anonymous"), ("Tales", "fiction", "unknown", "bobby")]

    for number in reversed(range(len(migrations))):
        database.apply((migrations[number] / "down.sql").read_text())
        if number:
            database.assert_matches(schemas[number - 1])
            assert database.query("SELECT count(*) FROM " + ("book" if number == 1 else "publication")) == [(2,)]
    database.assert_empty()
