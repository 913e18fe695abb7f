"""No silent data loss, no unsafe concurrent or interrupted run: each case as a user meets it.

Concurrency and crash tests run real `codegen` processes. Rounds: CODEGEN_RELIABILITY_ROUNDS
(default 10 locally, 30 under CI=true).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codegen import writer
from conftest import Project, make_project
from test_workflow import CUSTOMER, commit_all, git, merge_keeping_ours

ROUNDS = int(os.environ.get("CODEGEN_RELIABILITY_ROUNDS")
             or (30 if os.environ.get("CI", "").lower() == "true" else 10))
CODEGEN = [sys.executable, "-m", "codegen.cli"]

INVOICE = """
entity: Invoice
fields:
  id: {type: integer, primary_key: true}
  customer_id: {type: integer, references: Customer}
"""


def _run(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CODEGEN, *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "CODEGEN_NO_CACHE": "1", **(env or {})})


def _check_codes(root: Path) -> set[str]:
    done = _run(root, "check", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return {p["code"] for p in json.loads(done.stdout)["problems"]}


# -- a missing entities folder, a migration that drops most tables ------------------------------------

def test_a_missing_entities_folder_is_an_input_error(project_factory):
    project = project_factory("sqlite", entities={"customer.yaml": CUSTOMER})
    assert project.run("generate", "-m", "first").exit_code == 0
    project.write("codegen.yaml", "dialect: sqlite\nentities: entites\n")  # a typo
    before = project.files()
    result = project.run("generate", "-m", "oops")
    assert result.exit_code == 2 and result.exception is None
    assert "codegen.yaml" in result.output and "entities folder entites does not exist" in result.output
    assert project.files() == before
    assert project.run("check").exit_code == 2


def test_dropping_most_tables_needs_allow_drop_all(project_factory):
    project = project_factory("sqlite", entities={"customer.yaml": CUSTOMER, "invoice.yaml": INVOICE})
    assert project.run("generate", "-m", "first").exit_code == 0
    (project.root / "entities" / "invoice.yaml").unlink()
    (project.root / "entities" / "customer.yaml").unlink()
    before = project.files()
    result = project.run("generate", "-m", "gone")
    assert result.exit_code == 2 and "would drop 2 of the 2 tables (customer, invoice)" in result.output
    assert "--allow-drop-all" in result.output and project.files() == before
    result = project.run("generate", "-m", "gone", "--allow-drop-all")
    assert result.exit_code == 0 and "DROP TABLE" in project.latest("up.sql")


def test_dropping_one_table_of_two_is_allowed(project_factory):
    project = project_factory("sqlite", entities={"customer.yaml": CUSTOMER, "invoice.yaml": INVOICE,
                                                  "note.yaml": "entity: Note\nfields:\n  id: {type: integer, primary_key: true}\n"})
    assert project.run("generate", "-m", "first").exit_code == 0
    (project.root / "entities" / "note.yaml").unlink()
    assert project.run("generate", "-m", "drop note").exit_code == 0


# -- the chain --------------------------------------------------------------------------------------

def test_generate_refuses_when_the_snapshot_lost_its_link(project_factory):
    """A snapshot naming no migration while migrations exist would start a second history."""
    project = project_factory("sqlite", entities={"customer.yaml": CUSTOMER})
    assert project.run("generate", "-m", "first").exit_code == 0
    snapshot = project.root / "migrations" / "schema.snapshot.json"
    snapshot.write_text(snapshot.read_text().replace('"migration": "20260101000000"', '"migration": null'))
    project.write("entities/invoice.yaml", INVOICE)
    before = project.files()
    result = project.run("generate", "-m", "second")
    assert result.exit_code == 2 and result.exception is None, result.output
    assert "a new migration cannot be added until that is repaired" in result.output
    assert "restore the snapshot" in result.output
    assert project.files() == before


def test_two_branches_with_one_id_are_rebased_not_dropped(tmp_path):
    """Both branches generate with one SOURCE_DATE_EPOCH: one id, one parent. Following the README
    (keep our side, then `codegen rebase`) must keep the other branch's table."""
    from test_workflow import _repo

    repo = _repo(tmp_path / "repo", "sqlite")
    root = repo.root
    same = {"SOURCE_DATE_EPOCH": "1767225700"}
    git(root, "checkout", "-q", "-b", "feature")
    repo.write("entities/invoice.yaml", INVOICE)
    assert repo.run("generate", "-m", "add invoice", env=same).exit_code == 0
    commit_all(root, "invoice")
    git(root, "checkout", "-q", "main")
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    assert repo.run("generate", "-m", "add email", env=same).exit_code == 0
    commit_all(root, "email")

    merge_keeping_ours(root, "feature", "migrations/schema.snapshot.json", "migrations/codegen.sum")

    result = repo.run("check")
    assert result.exit_code == 1
    assert "have the same id 20260101000140" in result.output and "codegen rebase" in result.output

    result = repo.run("rebase", env={"SOURCE_DATE_EPOCH": "1767225800"})
    assert result.exit_code == 0, result.output
    assert "Replaced 20260101000140_add_invoice with migrations/20260101000320_add_invoice/" in result.output
    assert "CREATE TABLE invoice" in repo.latest("up.sql")
    assert [m.name for m in repo.migrations()] == [
        "20260101000000_first", "20260101000140_add_email", "20260101000320_add_invoice"]
    result = repo.run("check")
    assert result.exit_code == 0, result.output
    assert repo.run("verify").exit_code == 0


def test_rebase_refuses_to_drop_a_migration_whose_changes_are_lost(tmp_path):
    """The merge kept our entity file too: the other branch's column is in no entity. Removing its
    migration would hide that; rebase says so and removes nothing."""
    from test_workflow import _repo

    repo = _repo(tmp_path / "repo", "sqlite")
    root = repo.root
    git(root, "checkout", "-q", "-b", "feature")
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    assert repo.run("generate", "-m", "add email", env={"SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    commit_all(root, "email")
    git(root, "checkout", "-q", "main")
    repo.write("entities/customer.yaml", CUSTOMER + "  phone: string?\n")
    assert repo.run("generate", "-m", "add phone", env={"SOURCE_DATE_EPOCH": "1767225650"}).exit_code == 0
    commit_all(root, "phone")
    merge_keeping_ours(root, "feature", "migrations/schema.snapshot.json", "migrations/codegen.sum",
                       "entities/customer.yaml")

    before = repo.files()
    result = repo.run("rebase")
    assert result.exit_code == 2 and result.exception is None, result.output
    assert "20260101000140_add_email's changes are not all in the merged entities" in result.output
    assert "add column customer.email" in result.output and repo.files() == before


# -- concurrent and interrupted runs ------------------------------------------------------------------

@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_concurrent_generates_write_one_migration(tmp_path, dialect):
    """Three `generate` runs at once, ROUNDS times: one writes the migration, the others wait for
    the lock and then find nothing to do. Never two migrations with one id or one parent."""
    for round_ in range(ROUNDS):
        project = make_project(tmp_path / f"r{round_}", dialect, {"customer.yaml": CUSTOMER})
        assert _run(project.root, "generate", "-m", "first").returncode == 0
        project.write("entities/invoice.yaml", INVOICE)
        runs = [subprocess.Popen([*CODEGEN, "generate", "-m", f"run {n}"], cwd=project.root, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={**os.environ, "CODEGEN_NO_CACHE": "1"}) for n in range(3)]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], outputs
        assert sum("No changes" in out for out, _ in outputs) == 2, outputs
        names = [m.name for m in project.migrations()]
        assert len(names) == 2 and len({n[:14] for n in names}) == 2, names
        assert _check_codes(project.root) == set()


def _big_project(root: Path, tables: int) -> Project:
    entities = {f"t{i}.yaml": f"entity: T{i}\nfields:\n  id: {{type: integer, primary_key: true}}\n"
                              + "".join(f"  c{c}: string?\n" for c in range(8)) for i in range(tables)}
    return make_project(root, "postgresql", entities)


def test_a_run_killed_at_any_moment_leaves_the_old_files_or_the_new(tmp_path):
    """SIGKILL during `generate`: at a random moment, as soon as its staging folder appears, or as
    soon as its journal (the commit point) does.
    Afterwards `check` finds either the pending change or the interrupted run, never a
    hand-edited-looking file; the next `generate` finishes or undoes it, and all agree."""
    base = _big_project(tmp_path / "base", 150)
    assert _run(base.root, "generate", "-m", "first").returncode == 0
    start = time.monotonic()
    _run(base.root, "diff")
    duration = time.monotonic() - start
    rng = random.Random(7)
    seen: dict[str, int] = {}
    for round_ in range(ROUNDS):
        root = tmp_path / f"k{round_}"
        subprocess.run(["cp", "-r", str(base.root), str(root)], check=True)
        (root / "entities" / "t3.yaml").write_text((root / "entities" / "t3.yaml").read_text() + "  added: string?\n")
        run = subprocess.Popen([*CODEGEN, "generate", "-m", "added"], cwd=root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "CODEGEN_NO_CACHE": "1"})
        aim = ("staging folder", "journal", "random")[round_ % 3]
        if aim == "random":
            time.sleep(rng.uniform(0, duration * 1.2))
        else:  # the moment the staging folder, or its journal (the commit point), is there
            deadline = time.monotonic() + 30
            while run.poll() is None and time.monotonic() < deadline and not any(
                    (p / "journal.json").exists() if aim == "journal" else True
                    for p in (root / "migrations").iterdir() if p.name.startswith(writer.STAGING_PREFIX)):
                pass
        run.send_signal(signal.SIGKILL)  # does nothing once poll() has seen the process end
        run.wait()
        after_commit = any((p / "journal.json").exists() for p in writer.leftovers(root / "migrations"))
        codes = _check_codes(root)
        assert codes <= {"entities-changed", "interrupted"}, (round_, codes)
        outcome = ("interrupted after the commit point" if after_commit else "interrupted before it") \
            if "interrupted" in codes else ("pending" if codes else "written")
        seen[outcome] = seen.get(outcome, 0) + 1
        again = _run(root, "generate", "-m", "added")
        assert again.returncode == 0, again.stderr
        assert _check_codes(root) == set(), round_
        assert not writer.leftovers(root / "migrations")
        assert len([p for p in (root / "migrations").iterdir() if p.is_dir()]) == 2
    print("outcomes of the kills:", seen)


def test_recovery_finishes_a_run_killed_after_its_commit_point(tmp_path):
    """The journal is written, one move of three is made: recover() makes the other two."""
    root = tmp_path / "migrations"
    root.mkdir()
    (root / "schema.snapshot.json").write_text("old snapshot")
    (root / "codegen.sum").write_text("old sum")
    change = writer.Change(created=((root / "20260101000000_x" / "up.sql", "up"),),
                           replaced=((root / "schema.snapshot.json", "new snapshot"), (root / "codegen.sum", "new sum")))
    staging = root / f"{writer.STAGING_PREFIX}test"
    staging.mkdir()
    moves = writer._stage(staging, change, root)
    (staging / "journal.json").write_text(json.dumps(moves))
    os.replace(*moves[0])  # killed here
    assert writer.recover(root) == [staging]
    assert (root / "20260101000000_x" / "up.sql").read_text() == "up"
    assert (root / "schema.snapshot.json").read_text() == "new snapshot"
    assert (root / "codegen.sum").read_text() == "new sum"
    assert not staging.exists()


def test_recovery_undoes_a_run_killed_before_its_commit_point(tmp_path):
    root = tmp_path / "migrations"
    root.mkdir()
    (root / "schema.snapshot.json").write_text("old snapshot")
    staging = root / f"{writer.STAGING_PREFIX}test"
    staging.mkdir()
    writer._stage(staging, writer.Change(created=((root / "20260101000000_x" / "up.sql", "up"),),
                                         replaced=((root / "schema.snapshot.json", "new"),)), root)
    writer.recover(root)
    assert not staging.exists() and not (root / "20260101000000_x").exists()
    assert (root / "schema.snapshot.json").read_text() == "old snapshot"


# -- narrowing a column on PostgreSQL ---------------------------------------------------------------

CODE = "entity: Item\nfields:\n  id: {type: integer, primary_key: true}\n  code: {type: string, length: 20}\n" \
       "  price: {type: decimal, precision: 10, scale: 3}\n"
NARROWER = {
    "code": ("code: {type: string, length: 20}", "code: {type: string, length: 5%s}", "SELECT code FROM item ORDER BY id",
             "SELECT character_maximum_length FROM information_schema.columns WHERE column_name = 'code'"),
    "price": ("scale: 3}", "scale: 1%s}", "SELECT CAST(price AS TEXT) FROM item ORDER BY id",
              "SELECT numeric_scale FROM information_schema.columns WHERE column_name = 'price'"),
}
THIS_SCHEMA = {"postgresql": "current_schema()", "mysql": "DATABASE()"}


@pytest.fixture(params=["postgresql", "mysql"])
def server_db(request):
    """The databases whose narrowing cast or MODIFY would cut values without an error (SQLite
    keeps every value whatever the type)."""
    from conftest import DATABASE_FIXTURES

    return request.getfixturevalue(DATABASE_FIXTURES[request.param])


def _narrowed(db, project_factory, column: str, truncate: str) -> tuple[Project, str]:
    old, new, _rows, _type = NARROWER[column]
    project = project_factory(db.dialect_name, entities={"item.yaml": CODE})
    assert project.run("generate", "-m", "first").exit_code == 0
    db.apply(project.latest("up.sql"))
    db.apply("INSERT INTO item (id, code, price) VALUES (1, 'LONGVALUE12', 1.236), (2, 'ok', 2.5);")
    project.write("entities/item.yaml", CODE.replace(old, new % truncate))
    assert project.run("generate", "-m", "narrow").exit_code == 0
    return project, project.latest("up.sql")


@pytest.mark.parametrize("column", sorted(NARROWER))
def test_narrowing_stops_before_changing_anything(server_db, project_factory, column):
    """`string(20)` -> `string(5)` and a decimal's scale 3 -> 1 would cut or round silently: the
    migration raises, naming the rows, and leaves the table as it was."""
    _old, _new, rows, type_query = NARROWER[column]
    type_query += f" AND table_name = 'item' AND table_schema = {THIS_SCHEMA[server_db.dialect_name]}"
    project, up = _narrowed(server_db, project_factory, column, "")
    assert f"-- HAZARD data loss: item.{column}:" in up and "the migration stops before changing anything" in up
    before = server_db.query(rows), server_db.query(type_query)
    with pytest.raises(Exception, match=rf"1 row\(s\) of item\.{column} do not fit"):
        server_db.apply(up)
    assert (server_db.query(rows), server_db.query(type_query)) == before


@pytest.mark.parametrize("column, kept", [("code", [("LONGV",), ("ok",)]), ("price", [("1.2",), ("2.5",)])])
def test_narrowing_with_truncate_cuts_as_asked(server_db, project_factory, column, kept):
    _old, _new, rows, _type = NARROWER[column]
    project, up = _narrowed(server_db, project_factory, column, ", truncate: true")
    assert "values that do not fit are cut or rounded (`truncate: true`)" in up and "DO $$" not in up
    server_db.apply(up)
    assert server_db.query(rows) == kept
    from codegen.snapshot import read_snapshot

    server_db.assert_matches(read_snapshot(project.root / "migrations" / "schema.snapshot.json", "s").schema)


@pytest.mark.postgres
@pytest.mark.parametrize("truncate", [False, True], ids=["guarded", "truncate"])
def test_narrowing_an_arrays_items_is_guarded_too(postgres_db, project_factory, truncate):
    """`text[]` -> `string(3)[]` casts each item, cutting it silently: the guard looks inside the
    array; `truncate: true` cuts as asked."""
    entity = "entity: Item\nfields:\n  id: {type: integer, primary_key: true}\n  tags: {type: array, items: text}\n"
    project = project_factory("postgresql", entities={"item.yaml": entity})
    assert project.run("generate", "-m", "first").exit_code == 0
    postgres_db.apply(project.latest("up.sql"))
    postgres_db.apply("INSERT INTO item (id, tags) VALUES (1, ARRAY['abc', 'abcdef']), (2, ARRAY['ok'])")
    narrowed = "items: string, length: 3" + (", truncate: true" if truncate else "")
    project.write("entities/item.yaml", entity.replace("items: text", narrowed))
    assert project.run("generate", "-m", "narrow").exit_code == 0
    up = project.latest("up.sql")
    rows = "SELECT id, tags FROM item ORDER BY id"
    if not truncate:
        assert "the migration stops before changing anything" in up
        with pytest.raises(Exception, match=r"1 row\(s\) of item\.tags do not fit"):
            postgres_db.apply(up)
        assert postgres_db.query(rows) == [(1, ["abc", "abcdef"]), (2, ["ok"])]
        return
    postgres_db.apply(up)
    assert postgres_db.query(rows) == [(1, ["abc", "abc"]), (2, ["ok"])]
    from codegen.snapshot import read_snapshot

    postgres_db.assert_matches(read_snapshot(project.root / "migrations" / "schema.snapshot.json", "s").schema)
