"""`layout:` in codegen.yaml: the files of the SQL format arranged for the runner a team already has.

Each layout writes exactly the files that tool reads, named by its rules, so
that its own CLI applies them unchanged; codegen's header, the snapshot and
`codegen.sum` stay (the header as comments, which every tool skips). Reading
them back, every layout gives codegen the same text per direction that the
`codegen` layout's up.sql and down.sql hold, so `check`, `lint`, `verify`,
`sql` and `migrate` work alike on all of them.

The tools that run each migration in a transaction of their own (dbmate, Flyway,
yoyo) get the file without codegen's BEGIN and COMMIT, which stay as comments
(`-- BEGIN (...)`) that reading turns back into BEGIN, with COMMIT at the end; a file with
statements that must stand outside any transaction (SQLite's PRAGMA
foreign_keys) keeps its own and asks the tool not to add one, where the tool
can be asked. The rules each layout follows, with the documentation they come
from, are in docs/layouts.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from codegen.history import Migration, header_id, header_parent, header_replaces

# How a wrapping tool's file keeps codegen's transaction lines.
_KEPT_BEGIN = re.compile(r"^-- BEGIN \(in the runner's own transaction, to the end of the file\)$", re.MULTILINE)
_BEGIN_LINE = re.compile(r"^BEGIN;$", re.MULTILINE)
_COMMIT_LINE = re.compile(r"^COMMIT;$", re.MULTILINE)
_OUTSIDE = re.compile(r"^PRAGMA ", re.MULTILINE)  # a statement that only works outside a transaction


class Layout:
    name: ClassVar[str]
    folder: ClassVar[str] = "migrations"  # the migrations folder when codegen.yaml names none
    wraps: ClassVar[bool] = False  # the tool runs each migration in a transaction of its own
    bookkeeping: ClassVar[tuple[str, ...]] = ()  # the tables the tool keeps its history in (drift ignores them)
    command: ClassVar[str] = ""  # how the tool applies the files (docs, messages)
    needs_history: ClassVar[bool] = False  # files() reads `number` and `parent` (else they may be dummies)

    def files(self, info, number: int, parent: Migration | None, up: str, down: str) -> dict[str, str]:
        """The new files, by name relative to the migrations folder; `number` is the migration's
        place in the chain, from 1."""
        raise NotImplementedError

    def scan(self, folder: Path) -> list[Migration]:
        raise NotImplementedError

    def text(self, migration: Migration, direction: str) -> str:
        """`direction`'s SQL as codegen runs it (its own BEGIN and COMMIT restored)."""
        return self._restored(migration.source(direction).read_text(encoding="utf-8"))

    # -- the transaction lines of a tool that adds its own ------------------------------------

    def _for_tool(self, sql: str) -> tuple[str, bool]:
        """`sql` as the tool should run it, and whether the tool must add no transaction of its own."""
        if not self.wraps or not _BEGIN_LINE.search(sql):
            return sql, False
        if _OUTSIDE.search(sql):
            return sql, True
        # COMMIT is left out rather than kept as a comment: a file that ends in a comment is an
        # empty last statement to yoyo. Nothing follows it in these files.
        sql = _BEGIN_LINE.sub("-- BEGIN (in the runner's own transaction, to the end of the file)", sql, count=1)
        return _COMMIT_LINE.sub("", sql, count=1).rstrip() + "\n", False

    def _restored(self, sql: str) -> str:
        if not self.wraps or not _KEPT_BEGIN.search(sql):
            return sql
        return _KEPT_BEGIN.sub("BEGIN;", sql, count=1).rstrip() + "\n\nCOMMIT;\n"


def _scan_files(folder: Path, pattern: re.Pattern, down_of) -> list[Migration]:
    """Migrations whose up file matches `pattern` (groups `id` and `slug`, or `n` and `slug` with
    the id read from the header); `down_of(up_path)` is the down file's path."""
    found = []
    if not folder.is_dir():
        return found
    for entry in sorted(folder.iterdir()):
        match = pattern.match(entry.name)
        if not match or not entry.is_file():
            continue
        migration_id = match.groupdict().get("id") or header_id(entry)
        if migration_id is None:
            continue
        name = f"{migration_id}_{match['slug']}"
        found.append(Migration(migration_id, name, entry, header_parent(entry), down=down_of(entry),
                               replaces=header_replaces(entry)))
    return sorted(found, key=lambda m: m.id)


class CodegenLayout(Layout):
    """codegen's own: a folder per migration, `<id>_<slug>/up.sql` and `down.sql`."""

    name = "codegen"

    def files(self, info, number, parent, up, down):
        return {f"{info.name}/up.sql": up, f"{info.name}/down.sql": down}

    def scan(self, folder: Path) -> list[Migration]:
        from codegen.history import scan_folders

        return scan_folders(folder)

    def text(self, migration: Migration, direction: str) -> str:
        return migration.source(direction).read_text(encoding="utf-8")


class GolangMigrate(Layout):
    """`<version>_<title>.up.sql` and `.down.sql`; the version is codegen's id. golang-migrate sends
    each file as it is, so it keeps codegen's BEGIN and COMMIT."""

    name = "golang-migrate"
    bookkeeping = ("schema_migrations",)
    command = "migrate -path migrations -database $DATABASE_URL up"
    _UP = re.compile(r"^(?P<id>\d{14})_(?P<slug>[a-z0-9_]+)\.up\.sql$")

    def files(self, info, number, parent, up, down):
        return {f"{info.name}.up.sql": up, f"{info.name}.down.sql": down}

    def scan(self, folder):
        return _scan_files(folder, self._UP, lambda up: up.with_name(up.name[: -len(".up.sql")] + ".down.sql"))


class Dbmate(Layout):
    """`db/migrations/<version>_<name>.sql`, one file: `-- migrate:up` and `-- migrate:down`
    sections. dbmate runs each section in a transaction unless it says `transaction:false`."""

    name = "dbmate"
    folder = "db/migrations"
    wraps = True
    bookkeeping = ("schema_migrations",)
    command = "dbmate --no-dump-schema up"
    _FILE = re.compile(r"^(?P<id>\d{14})_(?P<slug>[a-z0-9_]+)\.sql$")
    _SECTION = re.compile(r"^-- migrate:(?P<direction>up|down)\b.*$", re.MULTILINE)

    def files(self, info, number, parent, up, down):
        parts = []
        for direction, sql in (("up", up), ("down", down)):
            text, alone = self._for_tool(sql)
            parts.append(f"-- migrate:{direction}{' transaction:false' if alone else ''}\n{text.rstrip()}\n")
        return {f"{info.name}.sql": "\n".join(parts)}

    def scan(self, folder):
        return _scan_files(folder, self._FILE, lambda up: up)

    def text(self, migration, direction):
        whole = migration.source(direction).read_text(encoding="utf-8")
        marks = {m["direction"]: m for m in self._SECTION.finditer(whole)}
        if direction not in marks:
            return ""
        start = marks[direction].end() + 1
        ends = [m.start() for m in marks.values() if m.start() > marks[direction].start()]
        return self._restored(whole[start: min(ends) if ends else len(whole)].rstrip() + "\n")


class Flyway(Layout):
    """`V<version>__<description>.sql` and the undo `U<version>__<description>.sql`; the version is
    codegen's id. Flyway runs each in a transaction of its own; a file that must not be gets the
    script configuration beside it (`<file>.conf`: executeInTransaction=false)."""

    name = "flyway"
    wraps = True
    bookkeeping = ("flyway_schema_history",)
    command = "flyway -locations=filesystem:migrations migrate"
    _UP = re.compile(r"^V(?P<id>\d{14})__(?P<slug>[a-z0-9_]+)\.sql$")

    def files(self, info, number, parent, up, down):
        slug = info.name[15:]
        out = {}
        for prefix, sql in (("V", up), ("U", down)):
            text, alone = self._for_tool(sql)
            name = f"{prefix}{info.id}__{slug}.sql"
            out[name] = text
            if alone:
                out[name + ".conf"] = "executeInTransaction=false\n"
        return out

    def scan(self, folder):
        return _scan_files(folder, self._UP, lambda up: up.with_name("U" + up.name[1:]))


class Yoyo(Layout):
    """`<id>_<slug>.sql` and `<id>_<slug>.rollback.sql` (yoyo's migration id is the file name without
    `.sql`), `-- depends: <parent>`. yoyo runs each in a transaction unless it says
    `-- transactional: false`."""

    name = "yoyo"
    wraps = True
    needs_history = True  # -- depends: <parent>
    bookkeeping = ("_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock")
    command = "yoyo apply --batch --database $DATABASE_URL migrations"
    _UP = re.compile(r"^(?P<id>\d{14})_(?P<slug>[a-z0-9_]+)\.sql$")

    def files(self, info, number, parent, up, down):
        # yoyo reads its directives from the migration file only: a rollback that must run outside
        # a transaction makes the whole migration non-transactional, each file keeping its own.
        depends = f"-- depends: {parent.name}\n" if parent is not None else ""
        (up_text, up_alone), (down_text, down_alone) = self._for_tool(up), self._for_tool(down)
        if up_alone or down_alone:
            return {f"{info.name}.sql": depends + "-- transactional: false\n" + up,
                    f"{info.name}.rollback.sql": down}
        return {f"{info.name}.sql": depends + up_text, f"{info.name}.rollback.sql": down_text}

    _DIRECTIVES = re.compile(r"\A(?:-- (?:depends|transactional): [^\n]*\n)+")

    def scan(self, folder):
        return _scan_files(folder, self._UP, lambda up: up.with_name(up.name[: -len(".sql")] + ".rollback.sql"))

    def text(self, migration, direction):
        whole = migration.source(direction).read_text(encoding="utf-8")
        return self._restored(self._DIRECTIVES.sub("", whole, count=1))


class Postgrator(Layout):
    """`<n>.do.<slug>.sql` and `<n>.undo.<slug>.sql`: postgrator's versions are integers, so n is the
    migration's place in the chain (its parent's n + 1), fixed when it is written; codegen's id is
    in the header. postgrator sends each file as it is."""

    name = "postgrator"
    needs_history = True  # <parent's n + 1>
    bookkeeping = ("schemaversion",)
    command = "postgrator --migration-pattern 'migrations/*.sql' --driver pg ..."
    _UP = re.compile(r"^(?P<n>\d+)\.do\.(?P<slug>[a-z0-9_]+)\.sql$")

    def files(self, info, number, parent, up, down):
        # one more than its parent's: a rebased migration takes the place after the one it now follows
        if parent is not None:
            number = int(self._UP.match(parent.path.name)["n"]) + 1
        slug = info.name[15:]
        return {f"{number}.do.{slug}.sql": up, f"{number}.undo.{slug}.sql": down}

    def scan(self, folder):
        return _scan_files(folder, self._UP, lambda up: up.with_name(up.name.replace(".do.", ".undo.", 1)))


LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (
    CodegenLayout(), Dbmate(), GolangMigrate(), Flyway(), Yoyo(), Postgrator())}


def migration_text(project, migration: Migration, direction: str) -> str:
    """`direction`'s SQL of a SQL-format migration of `project`, as codegen runs it."""
    return LAYOUTS[project.layout].text(migration, direction)
