"""`layout:`: the files each runner reads, applied by that runner itself where it installs here.

dbmate (npm `dbmate`), postgrator (npm `postgrator-cli`) and yoyo (PyPI
`yoyo-migrations`) run the generated files up and down on PostgreSQL (dbmate and
yoyo on SQLite too); `.ci/run` installs them and exports CODEGEN_TEST_DBMATE and
CODEGEN_TEST_POSTGRATOR (yoyo comes with the test extra). golang-migrate and
Flyway cannot be installed here (Go modules, Maven): their files are checked
against each tool's documented naming and parsing rules, written down below with
the documentation they follow, and applied the way that documentation says the
tool applies them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    FIXTURES,
    PostgresDatabase,
    SQLiteDatabase,
    make_project,
    require_postgres,
)

from codegen.formats.layouts import LAYOUTS
from codegen.snapshot import read_snapshot

ONLINE = FIXTURES / "online"  # two steps: account and event, then every kind of change to event
LAYOUT_NAMES = sorted(LAYOUTS)


def _tool(variable: str, name: str) -> str:
    path = os.environ.get(variable) or shutil.which(name)
    if path:
        return path
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {name} is missing: set {variable} (.ci/run installs it)")
    pytest.skip(f"{name} is not installed: set {variable} to run this test")


def _project(root: Path, layout: str, dialect: str = "postgresql"):
    project = make_project(root, dialect, copy_from=ONLINE / "before")
    project.write("codegen.yaml", f"dialect: {dialect}\nlayout: {layout}\n")
    assert project.run("generate", "-m", "before").exit_code == 0
    shutil.rmtree(project.root / "entities")
    for src in (ONLINE / "after").glob("*.yaml"):  # with a check every dialect reads
        project.write(f"entities/{src.name}", src.read_text().replace("code ~ '^c[0-9]+$'", "length(code) > 1"))
    result = project.run("generate", "-m", "after", env={"SOURCE_DATE_EPOCH": "1767225660"})
    assert result.exit_code == 0, result.output
    return project


def _folder(project, layout: str) -> Path:
    return project.root / LAYOUTS[layout].folder


def _snapshot(project, layout: str):
    return read_snapshot(_folder(project, layout) / "schema.snapshot.json", "snapshot").schema


# -- the files, by each tool's rules ----------------------------------------------------------------

# golang-migrate, source/parse.go (DefaultParse): `^([0-9]+)_(.*)\.(down|up)\.(.*)$`; the version is
# a uint; each file is sent to the database as it is (database/postgres: one Exec, unless
# x-multi-statement), so codegen's own BEGIN/COMMIT stay.
GOLANG_MIGRATE = re.compile(r"^([0-9]+)_(.*)\.(down|up)\.(.*)$")
# Flyway, "Migrations" documentation: versioned `V<version>__<description>.sql`, undo
# `U<version>__<description>.sql`; the version is digits separated by `.` or `_`; a description's
# `_` reads as a space; each migration runs in a transaction Flyway opens (PostgreSQL), unless its
# script configuration says executeInTransaction=false.
FLYWAY = re.compile(r"^(V|U)([0-9]+(?:[._][0-9]+)*)__([A-Za-z0-9_]+)\.sql$")
# dbmate README, "Creating Migrations": `<version>_<name>.sql`, sections `-- migrate:up` and
# `-- migrate:down`, each run in a transaction unless the directive says `transaction:false`.
DBMATE = re.compile(r"^([0-9]+)_[^/]*\.sql$")
# yoyo, "Migration files": a migration's id is its file name without `.sql`; the rollback is
# `<id>.rollback.sql`; `-- depends: <id> ...` names the migrations it needs.
YOYO = re.compile(r"^(.+?)(\.rollback)?\.sql$")
# postgrator README: `<version>.(do|undo).<description>.sql` with an integer version.
POSTGRATOR = re.compile(r"^([0-9]+)\.(do|undo)\.(.+)\.sql$")


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_each_layout_writes_the_files_its_tool_reads(layout, tmp_path):
    project = _project(tmp_path / "p", layout)
    folder = _folder(project, layout)
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".sql", ".conf") or p.is_dir())
    ours = [n for n in names if n not in ("codegen.sum",)]
    if layout == "codegen":
        assert ours == ["20260101000000_before", "20260101000100_after"]
    elif layout == "golang-migrate":
        assert ours == ["20260101000000_before.down.sql", "20260101000000_before.up.sql",
                        "20260101000100_after.down.sql", "20260101000100_after.up.sql"]
        assert all(GOLANG_MIGRATE.match(n) for n in ours)
        assert "\nBEGIN;\n" in (folder / ours[3]).read_text()
    elif layout == "flyway":
        assert ours == ["U20260101000000__before.sql", "U20260101000100__after.sql",
                        "V20260101000000__before.sql", "V20260101000100__after.sql"]
        assert all(FLYWAY.match(n) for n in ours)
        text = (folder / "V20260101000100__after.sql").read_text()
        assert "\nBEGIN;\n" not in text and "\nCOMMIT;" not in text  # Flyway's own transaction
    elif layout == "dbmate":
        assert ours == ["20260101000000_before.sql", "20260101000100_after.sql"]
        text = (folder / ours[1]).read_text()
        assert all(DBMATE.match(n) for n in ours)
        assert text.startswith("-- migrate:up\n") and "\n-- migrate:down\n" in text and "\nBEGIN;" not in text
    elif layout == "yoyo":
        assert ours == ["20260101000000_before.rollback.sql", "20260101000000_before.sql",
                        "20260101000100_after.rollback.sql", "20260101000100_after.sql"]
        text = (folder / "20260101000100_after.sql").read_text()
        assert text.startswith("-- depends: 20260101000000_before\n") and "\nBEGIN;" not in text
        assert not (folder / "20260101000000_before.sql").read_text().startswith("-- depends")
    else:
        assert ours == ["1.do.before.sql", "1.undo.before.sql", "2.do.after.sql", "2.undo.after.sql"]
        assert all(POSTGRATOR.match(n) for n in ours)
        assert "-- id:        20260101000100" in (folder / "2.do.after.sql").read_text()
    # The header is in the file a reviewer reads, and codegen's own checks pass.
    check = project.run("check")
    assert check.exit_code == 0, check.output
    assert "HAZARD" in project.run("sql", "20260101000100").output
    assert project.run("lint").exit_code == 1  # the plain forms' hazards, unacknowledged
    assert project.run("rehash").exit_code == 0 and project.run("check").exit_code == 0
    project.write("entities/tag.yaml", "entity: Tag\nfields:\n  id: {type: integer, primary_key: true}\n")
    diff = project.run("diff", "-m", "tag")
    assert diff.exit_code == 0 and "CREATE TABLE tag" in diff.output


def test_a_layout_with_alembic_or_online_is_an_input_error(tmp_path):
    project = make_project(tmp_path / "p", "postgresql", copy_from=ONLINE / "before")
    project.write("codegen.yaml", "dialect: postgresql\nformat: alembic\nlayout: dbmate\n")
    result = project.run("generate")
    assert result.exit_code == 2 and "codegen.yaml:3" in result.output and "Alembic" in result.output
    project.write("codegen.yaml", "dialect: postgresql\nlayout: yoyo\npostgresql: {online: true}\n")
    result = project.run("generate")
    assert result.exit_code == 2 and "online" in result.output
    project.write("codegen.yaml", "dialect: postgresql\nlayout: liquibase\n")
    result = project.run("generate")
    assert result.exit_code == 2 and "'postgrator'" in result.output
    assert not (project.root / "migrations").exists()


# -- codegen's own commands on every layout -----------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_codegen_migrate_and_verify_work_on_every_layout(layout, dialect, tmp_path):
    project = _project(tmp_path / "p", layout, dialect)
    if dialect == "postgresql":
        db = PostgresDatabase(require_postgres())
        db.create()
    else:
        db = SQLiteDatabase(tmp_path / "app.db")
    try:
        for args in (("migrate",), ("rollback", "--to", "base"), ("migrate",), ("status",)):
            result = project.run(*args, "--db", db.runner_url)
            assert result.exit_code == 0, f"{args}: {result.output}"
        db.assert_matches(_snapshot(project, layout), ignore=("codegen_migrations",))
        verify = project.run("verify", "--db", db.runner_url if dialect == "sqlite" else require_postgres())
        assert verify.exit_code == 0, verify.output
        assert project.run("drift", "--db", db.runner_url).exit_code == 0
    finally:
        if dialect == "postgresql":
            db.drop()


# -- the tools themselves --------------------------------------------------------------------------

def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def _tool_commands(layout: str, dialect: str, db, folder: Path) -> tuple[list[str], list[str], dict]:
    """(up all, down all, environment) for `layout`'s tool on `db`."""
    if layout == "dbmate":
        dbmate = _tool("CODEGEN_TEST_DBMATE", "dbmate")
        if dialect == "postgresql":
            url = db.url.replace("postgresql://", "postgres://") + f"?sslmode=disable&search_path={db.schema_name}"
        else:
            url = f"sqlite:{db.path}"
        base = [dbmate, "--url", url, "--migrations-dir", str(folder), "--no-dump-schema"]
        # `rollback` undoes one migration: twice for the two
        return [*base, "up"], [*base, "rollback"], {}
    if layout == "yoyo":
        yoyo = str(Path(sys.executable).parent / "yoyo")
        url = (db.url.replace("postgresql://", "postgresql+psycopg://") + f"?options=-csearch_path%3D{db.schema_name}"
               if dialect == "postgresql" else f"sqlite:///{db.path}")
        base = ["--batch", "--no-config-file", "--database", url, str(folder)]
        return [yoyo, "apply", *base], [yoyo, "rollback", "--all", *base], {}
    postgrator = _tool("CODEGEN_TEST_POSTGRATOR", "postgrator")
    base = [postgrator, "--no-config", "--driver", "pg", "--host", "127.0.0.1", "--port", "5432",
            "--database", "codegen_test", "--username", "codegen_test", "--password", "codegen_test",
            "--migration-pattern", f"{folder}/*.sql", "--schema-table", f"{db.schema_name}.schemaversion"]
    return [*base, "max"], [*base, "0"], {"PGOPTIONS": f"-c search_path={db.schema_name}"}


TOOL_CASES = [("dbmate", "postgresql"), ("dbmate", "sqlite"), ("yoyo", "postgresql"), ("yoyo", "sqlite"),
              ("postgrator", "postgresql")]


@pytest.mark.parametrize("layout, dialect", TOOL_CASES, ids=[f"{l}-{d}" for l, d in TOOL_CASES])
def test_the_tool_applies_the_files_up_and_down(layout, dialect, tmp_path):
    project = _project(tmp_path / "p", layout, dialect)
    folder = _folder(project, layout)
    if dialect == "postgresql":
        db = PostgresDatabase(require_postgres())
        db.create()
    else:
        db = SQLiteDatabase(tmp_path / "app.db")
    bookkeeping = ("codegen_migrations", *LAYOUTS[layout].bookkeeping)
    up, down, env = _tool_commands(layout, dialect, db, folder)
    try:
        _run(up, project.root, env)
        db.assert_matches(_snapshot(project, layout), ignore=bookkeeping)
        db.apply("INSERT INTO account (id, name) VALUES (1, 'a');"
                 "INSERT INTO event (account_id, amount, note, code, region) VALUES (1, 5, 'n', 'c1', 'eu')")
        for _ in range(2 if layout == "dbmate" else 1):
            _run(down, project.root, env)
        db.assert_empty(ignore=bookkeeping)
        _run(up, project.root, env)
        db.assert_matches(_snapshot(project, layout), ignore=bookkeeping)
        # codegen's drift agrees with the tool: nothing is missing, the tool's tables are not drift
        drift = project.run("drift", "--db", db.runner_url)
        assert drift.exit_code == 0, drift.output
    finally:
        if dialect == "postgresql":
            db.drop()


@pytest.mark.parametrize("layout", ["golang-migrate", "flyway"])
def test_the_documented_rules_apply_the_uninstallable_tools_files(layout, tmp_path):
    """What golang-migrate and Flyway do with these files, by their documentation (above): every
    up file in version order, each as one request (golang-migrate) or inside a transaction the
    tool opens (Flyway); then the down (undo) files newest first."""
    project = _project(tmp_path / "p", layout)
    folder = _folder(project, layout)
    pattern = GOLANG_MIGRATE if layout == "golang-migrate" else FLYWAY
    files = sorted((p for p in folder.iterdir() if pattern.match(p.name)), key=lambda p: int(pattern.match(p.name)[2 if layout == "flyway" else 1]))
    ups = [p for p in files if (pattern.match(p.name)[3] == "up" if layout == "golang-migrate" else p.name[0] == "V")]
    downs = [p for p in files if p not in ups][::-1]
    db = PostgresDatabase(require_postgres())
    db.create()

    def send(path: Path) -> None:
        text = path.read_text()
        db.apply(text if layout == "golang-migrate" else f"BEGIN;\n{text}\nCOMMIT;")

    try:
        for path in ups:
            send(path)
        db.assert_matches(_snapshot(project, layout))
        for path in downs:
            send(path)
        db.assert_empty()
    finally:
        db.drop()


@pytest.mark.parametrize("layout", ["dbmate", "golang-migrate", "flyway", "postgrator"])
def test_rebase_replaces_a_layouts_files(layout, tmp_path):
    """Two branches each add a migration on the same parent; after the merge, `rebase` removes every
    file of the moved one (both directions, Flyway's .conf) and writes it again on top."""
    from test_workflow import commit_all, git

    project = _project(tmp_path / "p", layout, "sqlite")
    root = project.root
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "start")
    git(root, "checkout", "-q", "-b", "feature")
    project.write("entities/note.yaml", "entity: Note\nfields:\n  id: {type: integer, primary_key: true}\n")
    assert project.run("generate", "-m", "add note", env={"SOURCE_DATE_EPOCH": "1767225900"}).exit_code == 0
    commit_all(root, "note")
    git(root, "checkout", "-q", "main")
    project.write("entities/tag.yaml", "entity: Tag\nfields:\n  id: {type: integer, primary_key: true}\n")
    assert project.run("generate", "-m", "add tag", env={"SOURCE_DATE_EPOCH": "1767225800"}).exit_code == 0
    commit_all(root, "tag")
    folder = LAYOUTS[layout].folder
    git(root, "merge", "-q", "feature", "-m", "merge")
    git(root, "checkout", "--ours", f"{folder}/schema.snapshot.json", f"{folder}/codegen.sum")
    commit_all(root, "merge")
    result = project.run("rebase", env={"SOURCE_DATE_EPOCH": "1767226000"})
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (root / folder).iterdir() if "note" in p.name)
    # the old files (id 20260101000500) are gone; postgrator's names hold its chain number instead
    assert names and all("20260101000500" not in n for n in names), names
    assert all("20260101000640" in n for n in names) if layout != "postgrator" else names == [
        "4.do.add_note.sql", "4.undo.add_note.sql"], names
    check = project.run("check")
    assert check.exit_code == 0, check.output
    db = SQLiteDatabase(tmp_path / "app.db")
    assert project.run("migrate", "--db", db.runner_url).exit_code == 0
    db.assert_matches(_snapshot(project, layout), ignore=("codegen_migrations",))


def test_relayout_moves_a_project_with_history_and_its_database_stays_up_to_date(tmp_path):
    """codegen -> every layout -> codegen gives back the same bytes; a database migrated before
    the move is up to date after it (the recorded checksums still hold), and each layout's files
    pass `check`."""
    project = _project(tmp_path / "p", "codegen", "sqlite")
    before = {p: b for p, b in project.files().items() if p.startswith("migrations/")}
    db = SQLiteDatabase(tmp_path / "app.db")
    assert project.run("migrate", "--db", db.runner_url).exit_code == 0
    for layout in ("dbmate", "golang-migrate", "flyway", "yoyo", "postgrator", "codegen"):
        result = project.run("relayout", layout)
        assert result.exit_code == 0, result.output
        assert f"layout: {layout}" in (project.root / "codegen.yaml").read_text()
        assert project.run("check").exit_code == 0, (layout, project.run("check").output)
        status = project.run("status", "--db", db.runner_url)
        assert status.exit_code == 0 and "Pending: none" in status.output, (layout, status.output)
    after = {p: b for p, b in project.files().items() if p.startswith("migrations/")}
    assert after == before
    assert not any((project.root / "db" / "migrations").glob("*.sql"))
    assert project.run("relayout", "codegen").exit_code == 2  # already there


@pytest.mark.parametrize("layout", ["dbmate"])
def test_the_tool_takes_a_squash_as_applied_where_its_history_says_so(layout, tmp_path):
    """dbmate tracks versions only: the squash keeps the last replaced id, so a database that applied
    the old files is up to date, and a new one gets the squash. (postgrator checks the MD5 of applied
    files, Flyway their checksum, and yoyo knows migrations by name: docs/layouts.md says what each
    needs after a squash.)"""
    project = _project(tmp_path / "p", layout)
    folder = _folder(project, layout)
    old, fresh = PostgresDatabase(require_postgres()), PostgresDatabase(require_postgres())
    old.create()
    fresh.create()
    try:
        up, _, env = _tool_commands(layout, "postgresql", old, folder)
        _run(up, project.root, env)
        result = project.run("squash")
        assert result.exit_code == 0, result.output
        _run(up, project.root, env)  # nothing to run
        old.assert_matches(_snapshot(project, layout), ignore=("codegen_migrations", *LAYOUTS[layout].bookkeeping))
        up, _, env = _tool_commands(layout, "postgresql", fresh, folder)
        _run(up, project.root, env)
        fresh.assert_matches(_snapshot(project, layout), ignore=("codegen_migrations", *LAYOUTS[layout].bookkeeping))
    finally:
        old.drop()
        fresh.drop()
