"""The review and CI workflow, driven as a team would: real git, real branches, real pre-commit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from codegen.report import Report
from conftest import REPO, Project, make_project

CUSTOMER = """
entity: Customer
fields:
  id: {type: integer, primary_key: true}
  name: string
"""

ORDER = """
entity: Order
fields:
  id: {type: integer, primary_key: true}
  customer_id: {type: integer, references: Customer}
"""


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode == 0 or args[0] == "merge", done.stderr
    return done.stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


def merge_keeping_ours(root: Path, branch: str, *paths: str) -> None:
    """Merge `branch`, keep this side of `paths` (as the README says for the snapshot and codegen.sum)."""
    git(root, "merge", "-q", branch, "-m", "merge")
    git(root, "checkout", "--ours", *paths)
    commit_all(root, f"merge {branch}")


def _repo(root: Path, dialect: str) -> Project:
    project = make_project(root, dialect, {"customer.yaml": CUSTOMER})
    git(project.root, "init", "-q", "-b", "main")
    assert project.run("generate", "-m", "first", env={"SOURCE_DATE_EPOCH": "1767225600"}).exit_code == 0
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "first")
    return project


@pytest.fixture
def repo(tmp_path) -> Project:
    return _repo(tmp_path / "repo", "sqlite")


@pytest.fixture
def pg_repo(tmp_path) -> Project:
    """A PostgreSQL project: generating needs no server."""
    return _repo(tmp_path / "repo", "postgresql")


def test_a_change_without_a_migration_fails_check(repo):
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    result = repo.run("check")
    assert result.exit_code == 1
    assert "the entities differ from migrations/schema.snapshot.json" in result.output
    assert "+ add column customer.email string NULL" in result.output
    assert "codegen generate" in result.output


def test_merged_branches_with_the_same_parent_then_rebase(repo):
    root = repo.root
    git(root, "checkout", "-q", "-b", "feature")
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    assert repo.run("generate", "-m", "add email", env={"SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "email")

    git(root, "checkout", "-q", "main")
    repo.write("entities/invoice.yaml", """
        entity: Invoice
        fields:
          id: {type: integer, primary_key: true}
          customer_id: {type: integer, references: Customer}
        """)
    assert repo.run("generate", "-m", "add invoice", env={"SOURCE_DATE_EPOCH": "1767225650"}).exit_code == 0
    git(root, "add", "-A")
    git(root, "commit", "-qm", "invoice")

    git(root, "merge", "-q", "feature", "-m", "merge")  # the snapshot and codegen.sum conflict
    result = repo.run("check")
    assert result.exit_code == 2 and "merge conflict markers" in result.output and "codegen rebase" in result.output
    git(root, "checkout", "--ours", "migrations/schema.snapshot.json", "migrations/codegen.sum")
    commit_all(root, "merge feature")

    result = repo.run("check")
    assert result.exit_code == 1
    assert "20260101000140_add_email" in result.output and "20260101000050_add_invoice" in result.output
    assert "both have parent 20260101000000" in result.output and "codegen rebase" in result.output

    result = repo.run("rebase", env={"SOURCE_DATE_EPOCH": "1767225800"})
    assert result.exit_code == 0, result.output
    assert "Replaced 20260101000140_add_email with migrations/20260101000320_add_email/ on top of 20260101000050_add_invoice" in result.output
    names = [m.name for m in repo.migrations()]
    assert names == ["20260101000000_first", "20260101000050_add_invoice", "20260101000320_add_email"]
    assert "-- parent:    20260101000050" in repo.latest("up.sql")
    assert "+ add column customer.email" in repo.latest("up.sql")
    result = repo.run("check")
    assert result.exit_code == 0, result.output
    assert repo.run("verify").exit_code == 0


def test_hand_edited_migration_until_rehash(repo):
    up = repo.migrations()[0] / "up.sql"
    up.write_text(up.read_text().replace("CREATE TABLE customer", "CREATE TABLE IF NOT EXISTS customer"))
    result = repo.run("check")
    assert result.exit_code == 1
    assert "20260101000000_first/up.sql was changed after it was generated" in result.output
    assert "codegen rehash" in result.output
    assert repo.run("rehash").exit_code == 0
    assert repo.run("check").exit_code == 0


def test_deleted_migration_is_reported(repo):
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    assert repo.run("generate", "-m", "email", env={"SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    shutil.rmtree(repo.migrations()[0])
    result = repo.run("check")
    assert result.exit_code == 1
    assert "names parent 20260101000000, which does not exist" in result.output
    assert "20260101000000_first/up.sql is listed in codegen.sum but does not exist" in result.output


def test_snapshot_not_from_the_last_migration(repo):
    snapshot = repo.root / "migrations" / "schema.snapshot.json"
    data = json.loads(snapshot.read_text())
    data["migration"] = "20250101000000"
    snapshot.write_text(json.dumps(data))
    result = repo.run("check")
    assert result.exit_code == 1
    assert "the snapshot was produced by migration 20250101000000, but the last migration is 20260101000000_first" in result.output


@pytest.mark.parametrize("engine", ["sqlite", "postgresql", "mysql"])
def test_verify_finds_a_broken_down(engine, tmp_path, request):
    env = {}
    if engine == "postgresql":
        from conftest import require_postgres
        env["CODEGEN_DATABASE_URL"] = require_postgres()
    if engine == "mysql":
        from conftest import require_mysql
        env["CODEGEN_DATABASE_URL"] = require_mysql()
    project = make_project(tmp_path / "p", engine, {"customer.yaml": CUSTOMER})
    assert project.run("generate", "-m", "first", env=env).exit_code == 0
    project.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    assert project.run("generate", "-m", "second", env={**env, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    result = project.run("verify", env=env)
    assert result.exit_code == 0, result.output
    assert "OK: 2 migrations went up and back down" in result.output

    down = project.migrations()[1] / "down.sql"
    down.write_text(down.read_text().replace("DROP COLUMN email", "DROP COLUMN name"))
    result = project.run("verify", env=env)
    assert result.exit_code == 1
    assert "20260101000140_second/down.sql does not undo up.sql" in result.output
    down.write_text(down.read_text().replace("ALTER TABLE", "ALTER TABEL"))
    result = project.run("verify", env=env)
    assert result.exit_code == 1 and "20260101000140_second/down.sql fails" in result.output


def test_json_output_follows_its_schema(pg_repo):
    schema = Report.model_json_schema()
    pg_repo.write("entities/customer.yaml", CUSTOMER.replace("  name: string\n", "  title: string?\n"))
    for args in (["diff", "--format", "json"], ["check", "--format", "json"], ["lint", "--format", "json"]):
        result = pg_repo.run(*args)
        data = json.loads(result.output)
        jsonschema.validate(data, schema)
        assert data["command"] == args[0]
    diff = json.loads(pg_repo.run("diff", "--format", "json").output)
    assert [op["kind"] for op in diff["operations"]] == ["AddColumn", "DropColumn"]
    assert {h["kind"] for h in diff["hazards"]} == {"data loss", "not reversible"}
    assert diff["up_sql"].startswith("-- codegen migration")
    check = json.loads(pg_repo.run("check", "--format", "json").output)
    assert check["ok"] is False and check["problems"][0]["code"] == "entities-changed"
    printed = json.loads(pg_repo.run("schema", "--report").output)
    assert printed == json.loads(json.dumps(schema))


def test_markdown_summary_for_a_pull_request(pg_repo):
    pg_repo.write("entities/customer.yaml", CUSTOMER.replace("  name: string\n", "  title: string?\n"))
    text = pg_repo.run("diff", "--format", "markdown").output
    assert text.startswith("### codegen: 2 schema changes (postgresql)")
    assert "| `-` | drop column customer.name |" in text
    assert ":warning: **data loss**: `customer.name`" in text
    assert "**Likely renames:**" in text and "`renamed_from: name` to field `title`" in text
    assert "```sql" in text


def test_lint_wants_hazards_acknowledged(pg_repo):
    pg_repo.write("entities/customer.yaml", CUSTOMER.replace("  name: string\n", ""))
    result = pg_repo.run("lint")
    assert result.exit_code == 1 and "pending entity changes have hazards" in result.output
    assert pg_repo.run("generate", "-m", "drop name", env={"SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    result = pg_repo.run("check", "--strict")
    assert result.exit_code == 1
    assert "data loss on customer.name is not acknowledged" in result.output
    assert "-- ACK data loss: customer.name" in result.output
    # PostgreSQL's lock lint: DROP COLUMN waits for ACCESS EXCLUSIVE, and nothing sets lock_timeout
    assert "takes ACCESS EXCLUSIVE on customer" in result.output and "-- ACK no lock timeout: customer" in result.output
    up = pg_repo.migrations()[-1] / "up.sql"
    text = up.read_text().replace("-- HAZARD not reversible", "-- ACK data loss: customer.name -- nobody reads it\n"
                                  "-- ACK not reversible: customer.name\n-- ACK no lock timeout: customer\n"
                                  "-- HAZARD not reversible")
    up.write_text(text)
    assert pg_repo.run("lint").exit_code == 0
    assert pg_repo.run("check").exit_code == 1  # the edit is seen ...
    assert pg_repo.run("rehash").exit_code == 0  # ... until the reviewer accepts it
    assert pg_repo.run("check", "--strict").exit_code == 0
    assert pg_repo.run("lint", "--since", "20260101000140").exit_code == 0


def test_output_is_plain_without_a_terminal_and_quiet_is_quiet(repo):
    result = repo.run("check")
    assert "\x1b[" not in result.output
    assert repo.run("-q", "check").output == ""
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    result = repo.run("-q", "generate", "-m", "x", env={"SOURCE_DATE_EPOCH": "1767225700"})
    assert result.output.startswith("Created migrations/") and "+ add column" not in result.output


def test_entity_schema_validates_the_example(tmp_path):
    project = Project(tmp_path)
    assert project.run("init").exit_code == 0
    example = (tmp_path / "entities" / "customer.yaml").read_text()
    assert example.startswith("# yaml-language-server: $schema=../codegen.schema.json\n")
    import yaml
    schema = json.loads((tmp_path / "codegen.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(example), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"entity": "A", "fields": {"x": {"type": "string", "nulable": True}}}, schema)
    assert json.loads(project.run("schema").output) == schema


def test_pre_commit_hook_runs_in_a_sample_repository(tmp_path):
    """`pre-commit try-repo` installs this repository's hook as a user would and runs it."""
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not Path(pre_commit).exists():
        pytest.fail("pre-commit is part of the test extras and must be installed")
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache",
                                                                ".hypothesis", "*.egg-info", "build"))
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-qm", "codegen")
    sample = make_project(tmp_path / "sample", "sqlite", {"customer.yaml": CUSTOMER})
    git(sample.root, "init", "-q", "-b", "main")
    assert sample.run("generate", "-m", "first").exit_code == 0
    git(sample.root, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}

    def hook() -> subprocess.CompletedProcess:
        return subprocess.run([pre_commit, "try-repo", str(source), "codegen-check", "--all-files"],
                              cwd=sample.root, capture_output=True, text=True, env=env)

    ok = hook()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "codegen check" in ok.stdout and "Passed" in ok.stdout
    sample.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    git(sample.root, "add", "-A")
    failed = hook()
    assert failed.returncode == 1
    assert "Failed" in failed.stdout and "the entities differ" in failed.stdout


def test_check_remembers_agreement_and_forgets_it_on_any_change(repo, monkeypatch):
    """A second `check` with nothing changed does not load the entities (cache.py); any edit does."""
    import codegen.pipeline

    assert repo.run("check").exit_code == 0
    cache = repo.root / ".codegen_cache"
    assert (cache / "in-sync").is_file() and (cache / ".gitignore").read_text().strip().endswith("*")
    assert git(repo.root, "status", "--porcelain") == ""  # the cache is never committed

    def no_loading(project, **options):
        raise AssertionError("entities were loaded")

    monkeypatch.setattr(codegen.pipeline, "load_state", no_loading)
    assert repo.run("check").exit_code == 0  # answered from the cache

    repo.write("entities/customer.yaml", CUSTOMER + "  # a comment changes the bytes\n")
    assert isinstance(repo.run("check").exception, AssertionError)  # so the entities are loaded again
    monkeypatch.undo()

    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    assert repo.run("check").exit_code == 1
    assert repo.run("check").exit_code == 1  # a disagreement is never remembered
    assert repo.run("generate", "-m", "email").exit_code == 0
    assert repo.run("check").exit_code == 0

    (repo.root / "migrations" / "schema.snapshot.json").write_text(
        (repo.root / "migrations" / "schema.snapshot.json").read_text().replace('"email"', '"mail"'))
    result = repo.run("check")
    assert result.exit_code == 1 and "customer.email" in result.output  # the snapshot's bytes are an input too


def test_a_first_check_reads_each_entity_file_once(repo, monkeypatch):
    """Without a remembered agreement (a fresh clone, CI) there is nothing to compare a
    fingerprint with: the files are read by the loader alone, and what it read is remembered."""
    import builtins
    import io

    repo.write("entities/order.yaml", ORDER)
    assert repo.run("generate", "-m", "orders").exit_code == 0
    shutil.rmtree(repo.root / ".codegen_cache")
    opened: list[str] = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        if str(file).endswith(".yaml") and "entities" in str(file):
            opened.append(os.path.basename(str(file)))
        return real_open(file, *args, **kwargs)

    for module in (builtins, io):  # pathlib opens files through io.open
        monkeypatch.setattr(module, "open", counting_open)
    assert repo.run("check").exit_code == 0
    assert sorted(opened) == ["customer.yaml", "order.yaml"]
    opened.clear()
    assert repo.run("check").exit_code == 0  # remembered: the files are only digested
    assert sorted(opened) == ["customer.yaml", "order.yaml"]


def test_check_remembers_the_entity_files_as_it_loaded_them(repo, monkeypatch):
    """A file edited while `check` loads the entities was not part of its answer: the next
    check loads them again."""
    import codegen.pipeline

    shutil.rmtree(repo.root / ".codegen_cache")
    keep_parsed = codegen.pipeline.keep_parsed

    def edited_meanwhile(state):
        repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
        keep_parsed(state)

    monkeypatch.setattr(codegen.pipeline, "keep_parsed", edited_meanwhile)
    assert repo.run("check").exit_code == 0  # it loaded the file before the edit
    monkeypatch.undo()
    result = repo.run("check")
    assert result.exit_code == 1 and "+ add column customer.email" in result.output


def test_check_without_the_cache(repo):
    shutil.rmtree(repo.root / ".codegen_cache")  # the fixture's generate wrote one
    assert repo.run("check", env={"CODEGEN_NO_CACHE": "1"}).exit_code == 0
    repo.write("entities/order.yaml", ORDER)
    assert repo.run("generate", "-m", "orders", env={"CODEGEN_NO_CACHE": "1"}).exit_code == 0
    assert not (repo.root / ".codegen_cache").exists()
    (repo.root / ".codegen_cache").write_text("not a folder")  # cannot be written (as in a read-only checkout)
    result = repo.run("check")
    assert result.exit_code == 0 and result.exception is None, result.output
    repo.write("entities/order.yaml", ORDER + "  note: string?\n")
    result = repo.run("generate", "-m", "note")
    assert result.exit_code == 0 and result.exception is None, result.output
    assert (repo.root / ".codegen_cache").read_text() == "not a folder"


def test_generate_parses_only_the_entity_files_that_changed(repo, monkeypatch):
    """Files parsed before come from .codegen_cache/parsed (cache.py), and the migration is the same."""
    import codegen.loader.plain_yaml

    assert (repo.root / ".codegen_cache" / "parsed").is_file()  # written by the first generate
    parsed: list[str] = []
    read_subset = codegen.loader.plain_yaml.read_subset
    monkeypatch.setattr(codegen.loader.plain_yaml, "read_subset", lambda text: parsed.append(text) or read_subset(text))
    repo.write("entities/order.yaml", ORDER)
    without_cache = repo.run("diff", "-m", "orders", env={"CODEGEN_NO_CACHE": "1"})
    assert without_cache.exit_code == 0
    parsed.clear()
    assert repo.run("generate", "-m", "orders").exit_code == 0
    assert [text for text in parsed if "entity:" in text] == [ORDER.lstrip("\n")]  # customer.yaml was not parsed
    assert repo.latest() in without_cache.output

    parsed.clear()
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    result = repo.run("check")
    assert result.exit_code == 1 and "+ add column customer.email" in result.output  # an edit is seen at once
    assert [text for text in parsed if "entity:" in text] == [(CUSTOMER + "  email: string?\n").lstrip("\n")]


def test_a_damaged_or_foreign_parse_cache_is_not_used(repo):
    kept = repo.root / ".codegen_cache" / "parsed"
    whole = kept.read_bytes()
    for damaged in (b"", b"\x00not marshal", whole[: len(whole) // 2]):
        kept.write_bytes(damaged)
        (repo.root / ".codegen_cache" / "in-sync").unlink(missing_ok=True)  # so that check loads the entities
        result = repo.run("check")
        assert result.exit_code == 0 and result.exception is None, result.output
    import marshal

    stamp, entries = marshal.loads(kept.read_bytes())  # check wrote it again, whole
    key = next(iter(entries))
    kept.write_bytes(marshal.dumps(("another codegen", {key: {"entity": "Other", "fields": {"x": "string"}}})))
    (repo.root / ".codegen_cache" / "in-sync").unlink()
    result = repo.run("check")
    assert result.exit_code == 0, result.output  # another version's entries are not taken for this file


def test_bad_input_writes_no_parse_cache(repo):
    (repo.root / ".codegen_cache" / "parsed").unlink()
    repo.write("entities/order.yaml", ORDER.replace("Customer", "Nobody"))
    assert repo.run("generate", "-m", "orders").exit_code == 2
    assert repo.run("diff").exit_code == 2
    assert not (repo.root / ".codegen_cache" / "parsed").exists()
    repo.write("entities/order.yaml", ORDER)
    assert repo.run("diff").exit_code == 0  # diff writes nothing, not even the cache
    assert not (repo.root / ".codegen_cache" / "parsed").exists()


def test_parse_cache_leaves_out_what_marshal_cannot_write():
    import datetime as dt
    import marshal

    from codegen import cache

    content = cache.parsed_content({b"a": {"entity": "A"}, b"b": {"when": dt.date(2026, 1, 1)}})
    assert marshal.loads(content)[1] == {b"a": {"entity": "A"}}


def test_generate_without_a_recorded_sum_hashes_the_existing_files(repo):
    """extended_sum reads the existing migrations only when there is no codegen.sum to extend."""
    (repo.root / "migrations" / "codegen.sum").unlink()
    repo.write("entities/customer.yaml", CUSTOMER + "  email: string?\n")
    assert repo.run("generate", "-m", "email").exit_code == 0
    recorded = (repo.root / "migrations" / "codegen.sum").read_text()
    first = repo.migrations()[0].name
    assert f"{first}/up.sql h1:" in recorded and f"{first}/down.sql h1:" in recorded
    assert repo.run("check").exit_code == 0


LEGACY = """
entities:
  - entity: LegacyUser
    table: legacy_users
    external: true
    fields:
      id: {type: integer, primary_key: true}
  - entity: Note
    fields:
      id: {type: integer, primary_key: true}
      author_id: {type: integer, references: LegacyUser}
"""


@pytest.mark.parametrize("output", ["sql", "alembic"])
def test_verify_with_an_external_table_on_postgresql(tmp_path, output):
    """The scratch database gets the external table from its entity definition; it is not drift."""
    from conftest import require_postgres

    env = {"CODEGEN_DATABASE_URL": require_postgres()}
    project = Project(tmp_path / "p")
    project.root.mkdir()
    assert project.run("init", "--format", output, "--dialect", "postgresql").exit_code == 0
    (project.root / "entities" / "customer.yaml").unlink()
    project.write("entities/notes.yaml", LEGACY)
    assert project.run("generate", "-m", "notes").exit_code == 0
    result = project.run("verify", env=env)
    assert result.exit_code == 0, result.output


def test_verify_of_a_sqlite_project_never_touches_the_named_file(tmp_path):
    project = make_project(tmp_path / "p", "sqlite", {"customer.yaml": CUSTOMER})
    assert project.run("generate").exit_code == 0
    target = tmp_path / "app.db"
    for args, env in ((["verify", "--db", f"sqlite:///{target}"], {}), (["verify"], {"CODEGEN_DATABASE_URL": f"sqlite:///{target}"})):
        result = project.run(*args, env=env)
        assert result.exit_code == 0, result.output
        assert "replayed in a temporary file" in result.output and "OK: 1 migration" in result.output
    assert not target.exists()


def test_verify_evaluates_raw_defaults(tmp_path):
    """SQLite has no now(): the table is created, and then every insert would fail."""
    project = make_project(tmp_path / "p", "sqlite", {"event.yaml": """
        entity: Event
        fields:
          id: {type: integer, primary_key: true}
          at: {type: timestamp, default: {sql: "now()"}}
        """})
    assert project.run("generate").exit_code == 0
    result = project.run("verify")
    assert result.exit_code == 1
    assert "event.at: the default {sql: 'now()'} cannot be evaluated by sqlite: no such function: now" in result.output
    assert "CURRENT_TIMESTAMP" in result.output
