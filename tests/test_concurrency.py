"""Work shared with a forked child (codegen/concurrency.py): same results, same errors, as one process."""

from __future__ import annotations

import marshal
import os

import pytest

from codegen import concurrency
from codegen.loader import _SHARED_READING_FROM
from codegen.snapshot import read_snapshot

needs_fork = pytest.mark.skipif(not concurrency.can_fork(), reason="one processor or no fork: nothing runs in a child")


@needs_fork
def test_the_second_job_runs_in_a_child_process():
    parent = os.getpid()
    here, there = concurrency.both(os.getpid, os.getpid)
    assert here == parent
    assert there != parent


def test_one_job_at_a_time_when_told(monkeypatch):
    monkeypatch.setenv("CODEGEN_JOBS", "1")
    assert concurrency.both(os.getpid, os.getpid) == (os.getpid(), os.getpid())


@needs_fork
def test_a_job_that_fails_in_the_child_is_done_again_here():
    parent = os.getpid()

    def there():
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return "done here"

    assert concurrency.both(lambda: 1, there) == (1, "done here")


@needs_fork
def test_a_result_that_cannot_be_pickled_is_made_again_here():
    assert concurrency.both(lambda: 1, lambda: lambda: 2)[1]() == 2


@needs_fork
@pytest.mark.parametrize("spill", [True, False], ids=["spill file", "pipe only"])
def test_a_large_result_arrives_whole(monkeypatch, spill):
    """Larger than the pipe, and than the size from which it is spilled to a file (Linux):
    both ways give back exactly what the child made, while this process is still busy."""
    if not spill:
        monkeypatch.setattr(concurrency, "_spill_file", lambda: None)
    parent = os.getpid()
    big = "".join(f"{i:08d}\n" for i in range(400_000))  # 3.6 MB

    def here():
        __import__("time").sleep(0.05)  # the child finishes first and must not be lost waiting
        return 1

    def there():
        return (big if os.getpid() != parent else "made here"), ["small", 2]

    open_files = _open_files()
    assert concurrency.both(here, there) == (1, (big, ["small", 2]))
    assert _open_files() == open_files  # the pipe and the spill file are closed


def _open_files() -> list[str] | None:
    return sorted(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None


@needs_fork
def test_a_spilled_result_cut_short_is_made_again_here(monkeypatch):
    """Whatever goes wrong with the spill file, the caller gets the result of its own run."""
    parent = os.getpid()
    monkeypatch.setattr(concurrency._Child, "_spilled", lambda self, offset, size: b"not a pickle")

    def there():
        return "x" * (1 << 20) if os.getpid() != parent else "made here"

    assert concurrency.both(lambda: 1, there) == (1, "made here")


@needs_fork
def test_an_error_here_stops_the_child_and_is_raised():
    def here():
        raise ValueError("here")

    with pytest.raises(ValueError, match="here"):
        concurrency.both(here, lambda: __import__("time").sleep(30))


@needs_fork
def test_shared_map_gives_each_item_to_one_process():
    parent = os.getpid()
    items = list(range(1000))

    def slow(item):  # long enough that both processes get chunks
        __import__("time").sleep(0.0005)
        return item * 2, os.getpid()

    mine, theirs = concurrency.shared_map(items, slow, slow, chunk=10)
    assert sorted(mine.keys() | theirs.keys()) == items
    assert not mine.keys() & theirs.keys()
    assert mine and theirs
    assert all(value == (i * 2, parent) for i, value in mine.items())
    assert all(value[0] == i * 2 and value[1] != parent for i, value in theirs.items())


@needs_fork
def test_shared_map_does_the_childs_items_here_when_the_child_fails():
    parent = os.getpid()

    def fails_in_child(item):
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return item

    mine, theirs = concurrency.shared_map(list(range(500)), lambda item: item, fails_in_child, chunk=5)
    assert mine == {i: i for i in range(500)} and theirs == {}


@needs_fork
def test_shared_map_makes_what_it_wants_of_the_childs_results_here_as_they_arrive():
    parent = os.getpid()
    arrived_in = set()

    def slow(item):
        __import__("time").sleep(0.0005)
        return item, os.getpid()

    def arrived(item, result):
        arrived_in.add(os.getpid())
        return ("arrived", item, result[0])

    mine, theirs = concurrency.shared_map(list(range(1000)), slow, slow, chunk=10, arrived=arrived)
    assert theirs and arrived_in == {parent}
    assert all(value == ("arrived", i, i) for i, value in theirs.items())
    assert sorted(mine.keys() | theirs.keys()) == list(range(1000))


@needs_fork
def test_shared_map_drops_the_childs_results_when_it_fails_after_sending_some():
    """The child sends some chunks, then fails: every item it had is done again here."""
    parent = os.getpid()
    done_in_child = []
    arrived = []

    def slow(item):
        __import__("time").sleep(0.0005)
        return item

    def fails_late(item):
        done_in_child.append(item)  # the child's own copy of the list
        if len(done_in_child) > 20:
            raise RuntimeError("only in the child, after four chunks")
        return slow(item)

    mine, theirs = concurrency.shared_map(list(range(500)), slow, fails_late, chunk=5,
                                          arrived=lambda item, result: arrived.append(item) or result)
    assert arrived, "the child sent results before it failed"
    assert mine == {i: i for i in range(500)} and theirs == {}
    assert done_in_child == []


def test_shared_map_runs_first_here_before_any_item_here():
    order = []
    mine, theirs = concurrency.shared_map([1, 2, 3], lambda item: order.append(item) or item, lambda item: item,
                                          first=lambda: order.append("first"))
    assert order[0] == "first"
    assert sorted(mine.keys() | theirs.keys()) == [0, 1, 2]


def test_shared_map_with_many_items_uses_larger_chunks():
    items = list(range(200_000))
    mine, theirs = concurrency.shared_map(items, lambda item: item, lambda item: item)
    assert {**mine, **theirs} == dict(enumerate(items))


# -- a project large enough for the loader to share the reading ---------------------------------

def _entity(i: int) -> str:
    ref = f"  parent_id: {{type: integer, nullable: true, references: E{i - 1}}}\n" if i else ""
    return (f"entity: E{i}\ntable: e{i}\nfields:\n  id: {{type: integer, primary_key: true}}\n"
            f"  name: {{type: string, length: 40}}\n  state: {{type: enum, values: [new, done], default: new}}\n"
            f"  note: text?\n  at: {{type: timestamp, default: now}}\n{ref}indexes:\n  - columns: [name]\n")


ANCHORED = """
entity: Anchored
fields:
  id: &key {type: integer, primary_key: true}
  other: {type: integer, unique: true}
"""

MANY = """
entities:
  - entity: First
    fields:
      id: {type: integer, primary_key: true}
  - entity: Second
    fields:
      id: {type: integer, primary_key: true}
      first_id: {type: integer, references: First}
"""


def _large_project(project_factory, dialect: str, extra: dict[str, str] | None = None):
    entities = {f"e{i:04}.yaml": _entity(i) for i in range(_SHARED_READING_FROM + 40)}
    # Files the fast reader steps aside for (an anchor), and an `entities:` list, late in the
    # order: in the child's share of the files.
    entities |= {"zz_anchored.yaml": ANCHORED, "zz_many.yaml": MANY, **(extra or {})}
    return project_factory(dialect, entities)


def test_shared_reading_writes_what_one_process_writes(database, project_factory):
    shared = _large_project(project_factory, database.dialect_name)
    alone = _large_project(project_factory, database.dialect_name)
    assert shared.run("generate", "-m", "big").exit_code == 0
    assert alone.run("generate", "-m", "big", env={"CODEGEN_JOBS": "1"}).exit_code == 0
    assert _written(shared) == _written(alone)
    assert "CREATE TABLE anchored (" in shared.latest()

    schema = read_snapshot(shared.root / "migrations" / "schema.snapshot.json", "snapshot").schema
    assert len(schema.tables) == _SHARED_READING_FROM + 40 + 3
    database.apply(shared.latest("up.sql"))
    database.assert_matches(schema)
    database.apply(shared.latest("down.sql"))
    database.assert_empty()


def _written(project) -> dict[str, object]:
    """The project's files, with the parse cache as the data it holds: its bytes depend on
    which objects the data shared in memory, and so on which process parsed a file."""
    files: dict[str, object] = project.files()
    files[".codegen_cache/parsed"] = marshal.loads(files[".codegen_cache/parsed"])
    return files


@pytest.mark.parametrize("edited", [3, _SHARED_READING_FROM + 40])
def test_shared_reading_with_files_parsed_before_writes_what_one_process_writes(edited, database, project_factory):
    """After a first generate, unchanged files come from the parse cache; the rest are shared out
    when there are enough of them (all of them here) or read in this process (3)."""
    shared = _large_project(project_factory, database.dialect_name)
    alone = _large_project(project_factory, database.dialect_name)
    for project, env in ((shared, {}), (alone, {"CODEGEN_JOBS": "1"})):
        assert project.run("generate", "-m", "big", env=env).exit_code == 0
        for i in range(edited):
            project.write(f"entities/e{i:04}.yaml", _entity(i).replace("indexes:\n", "  added: string?\nindexes:\n"))
        assert project.run("generate", "-m", "more", env=env).exit_code == 0
    assert _written(shared) == _written(alone)
    assert shared.latest().count("ADD COLUMN added") == edited
    database.apply(shared.migrations()[0].joinpath("up.sql").read_text())
    database.apply(shared.latest("up.sql"))
    database.assert_matches(read_snapshot(shared.root / "migrations" / "schema.snapshot.json", "snapshot").schema)


@pytest.mark.parametrize("broken", [
    "entity: Broken\nfields:\n  id: {type: integer, primary_key: true}\n  bad: {type: integer, lenght: 3}\n",
    "entity: Broken\nfields:\n  id: {type: integer, primary_key: true\n",
    b"entity: Broken\nfields:\n  name: caf\xe9\n",
])
def test_a_mistake_in_the_childs_share_is_reported_as_in_one_process(broken, project_factory):
    """zz_broken.yaml sorts last, so the child reads it; the error must not change."""
    shared = _large_project(project_factory, "sqlite")
    alone = _large_project(project_factory, "sqlite")
    for project in (shared, alone):
        path = project.root / "entities" / "zz_broken.yaml"
        path.write_bytes(broken if isinstance(broken, bytes) else broken.encode())
    before = shared.files()
    result = shared.run("generate", "-m", "big")
    expected = alone.run("generate", "-m", "big", env={"CODEGEN_JOBS": "1"})
    assert result.exit_code == expected.exit_code == 2
    assert result.output == expected.output
    assert "entities/zz_broken.yaml:" in result.output
    assert result.exception is None
    assert shared.files() == before


def test_shared_rendering_of_an_alembic_revision_is_what_one_process_writes(project_factory):
    shared = _large_project(project_factory, "postgresql")
    alone = _large_project(project_factory, "postgresql")
    for project in (shared, alone):
        project.write("codegen.yaml", "dialect: postgresql\nformat: alembic\n")
    assert shared.run("generate", "-m", "big").exit_code == 0
    assert alone.run("generate", "-m", "big", env={"CODEGEN_JOBS": "1"}).exit_code == 0
    assert _written(shared) == _written(alone)
    assert any(name.startswith("migrations/versions/") for name in shared.files())
