"""Which lock each PostgreSQL statement of a migration takes, and the lint rules that follow.

The lock levels are PostgreSQL's documented ones (the "Explicit Locking" chapter
and each ALTER TABLE form's entry); tests/test_online.py takes every statement kind
on a real server and compares the lock pg_locks shows with the one written here.
The rules are those squawk and strong_migrations enforce, each with the fix a
reviewer can apply: codegen writes the safe form itself with
`postgresql: {online: true}`. They fire only on tables the file does not create
(a new table has no rows and no readers), and a reviewer who accepts one adds
`-- ACK <rule>: <subject>` to the file, as for a HAZARD line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"  # blocks every read and write of the table
SHARE = "SHARE"  # blocks writes
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"  # blocks writes
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"  # blocks other DDL and VACUUM; reads and writes go on
ROW_EXCLUSIVE = "ROW EXCLUSIVE"  # what every INSERT/UPDATE/DELETE takes; the rows it writes wait
ACCESS_SHARE = "ACCESS SHARE"  # what every SELECT takes

# What a statement does to the table's rows while it holds its lock.
BRIEF = "catalog only"
SCANS = "scans the table"
BUILDS = "builds an index, reading the table"
REWRITES = "rewrites the table"
WRITES_ROWS = "writes rows"

# Functions whose value differs per row: a column added with one as its default is filled row by
# row, rewriting the table (now() and CURRENT_TIMESTAMP are one value per statement: no rewrite).
_VOLATILE = re.compile(r"\b(?:random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval)\s*\(|"
                       r"\bGENERATED\b", re.IGNORECASE)

_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_QUALIFIED = rf"{_NAME}(?:\.{_NAME})?"


@dataclass(frozen=True)
class StatementLock:
    number: int  # 1-based, among the file's statements
    text: str  # the statement on one line, cut
    table: str | None
    lock: str | None  # None: no lock on a table with rows (a new table, a type, a setting)
    effect: str


@dataclass(frozen=True)
class Broken:
    """A lint rule a statement breaks."""

    rule: str
    subject: str
    statement: StatementLock
    why: str
    fix: str


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


@dataclass
class _File:
    created: set[str]
    lock_timeout: bool = False
    proven_not_null: set[tuple[str, str]] = None  # (table, column) with a validated IS NOT NULL check
    not_null_checks: dict[tuple[str, str], tuple[str, str]] = None  # (table, check) -> (table, column)
    # `table.column`s whose type change rewrites the table, as codegen's header says (its
    # HAZARD table rewrite lines); None for a file without that header: every change may.
    rewrites: set[str] | None = None


_RULES_FIX_ONLINE = "or let codegen write it: `postgresql: {online: true}` in codegen.yaml, then regenerate"


def statement_locks(statements: list[str], rewrites: set[str] | None = None) -> tuple[list[StatementLock], list[Broken]]:
    """Each statement's lock (BEGIN, COMMIT and settings left out), and the rules broken.
    `rewrites`: the columns whose type change rewrites the table, when codegen wrote the file."""
    state = _File(created=set(), proven_not_null=set(), not_null_checks={}, rewrites=rewrites)
    locks: list[StatementLock] = []
    broken: list[Broken] = []
    warned_timeout = False
    for number, code in enumerate(statements, 1):
        flat = " ".join(code.split())
        shown = flat if len(flat) <= 100 else flat[:97] + "..."
        if re.match(r"(?i)(BEGIN|COMMIT|START TRANSACTION|END)\b", flat):
            continue
        if re.match(r"(?i)SET\s+(?:LOCAL\s+|SESSION\s+)?lock_timeout\b", flat):
            state.lock_timeout = not re.search(r"(?i)(=|TO)\s*'?0'?\s*;?$", flat)
            continue
        if re.match(r"(?i)(SET|RESET)\b", flat):
            continue
        table, lock, effect, rules = _classify(flat, state)
        existing = table is not None and table not in state.created
        found = StatementLock(number, shown, table, lock if existing else None, effect)
        locks.append(found)
        if not existing:
            continue
        for rule, subject, why, fix in rules:
            broken.append(Broken(rule, subject, found, why, fix))
        if lock == ACCESS_EXCLUSIVE and not state.lock_timeout and not warned_timeout:
            warned_timeout = True
            broken.append(Broken(
                "no lock timeout", table, found,
                "it waits for every running query on the table to end, and while it waits, every new query on the "
                "table queues behind it",
                "start the file with `SET lock_timeout = '5s';` so that it fails fast instead (then retry), "
                + _RULES_FIX_ONLINE.replace("online: true", "lock_timeout: 5s")))
    return locks, broken


def _classify(flat: str, state: _File) -> tuple[str | None, str | None, str, list[tuple[str, str, str, str]]]:
    """(table, lock, effect, [(rule, subject, why, fix)]) of one statement."""
    m = re.match(rf"(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?({_QUALIFIED})", flat)
    if m:
        state.created.add(_unquote(m[1]))
        return _unquote(m[1]), None, "creates the table", []
    m = re.match(rf"(?i)CREATE\s+(UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?({_NAME})?\s*ON\s+"
                 rf"(?:ONLY\s+)?({_QUALIFIED})", flat)
    if m:
        table = _unquote(m[4])
        if m[2]:
            return table, SHARE_UPDATE_EXCLUSIVE, BUILDS, []
        return table, SHARE, BUILDS, [(
            "non-concurrent index", _unquote(m[3] or table),
            "writes to the table wait until the index is built",
            f"use CREATE {m[1] or ''}INDEX CONCURRENTLY, outside the transaction, " + _RULES_FIX_ONLINE)]
    m = re.match(rf"(?i)DROP\s+INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?({_QUALIFIED})", flat)
    if m:
        name = _unquote(m[2])
        if m[1]:
            return name, SHARE_UPDATE_EXCLUSIVE, BRIEF, []
        return name, ACCESS_EXCLUSIVE, BRIEF, [(
            "non-concurrent index", name,
            "every query on the table waits for the drop, and the drop waits for every running query",
            "use DROP INDEX CONCURRENTLY, outside the transaction, " + _RULES_FIX_ONLINE)]
    m = re.match(rf"(?i)ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?({_QUALIFIED})\s+(.*)$", flat)
    if m:
        return _alter_table(_unquote(m[1]), m[2], state)
    m = re.match(rf"(?i)ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})\s+RENAME", flat)
    if m:
        return _unquote(m[1]), SHARE_UPDATE_EXCLUSIVE, BRIEF, []
    m = re.match(rf"(?i)DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})", flat)
    if m:
        return _unquote(m[1]), ACCESS_EXCLUSIVE, BRIEF, []
    m = re.match(rf"(?i)COMMENT\s+ON\s+(?:TABLE|COLUMN)\s+({_QUALIFIED})", flat)
    if m:
        target = _unquote(m[1].rsplit(".", 1)[0]) if re.match(r"(?i)COMMENT\s+ON\s+COLUMN", flat) else _unquote(m[1])
        return target, SHARE_UPDATE_EXCLUSIVE, BRIEF, []
    m = re.match(rf"(?i)UPDATE\s+(?:ONLY\s+)?({_QUALIFIED})", flat)
    if m:
        return _unquote(m[1]), ROW_EXCLUSIVE, WRITES_ROWS, []
    m = re.match(rf"(?i)SELECT\s+setval\b.*\bFROM\s+({_QUALIFIED})", flat)
    if m:
        return _unquote(m[1]), ACCESS_SHARE, SCANS, []
    m = re.match(r"(?i)DO\s+\$\$.*?\b(ALTER\s+TABLE\s+.*?;)", flat)
    if m:  # a guarded statement (online forms' ADD CONSTRAINT ... USING INDEX)
        return _classify(m[1], state)
    m = re.match(rf"(?i)DO\s+\$\$.*?\bFROM\s+({_QUALIFIED})", flat)
    if m:  # the narrowing guard: it counts the rows that would not fit
        return _unquote(m[1]), ACCESS_SHARE, SCANS, []
    return None, None, "no table lock", []  # types, sequences, blocks without a table


def _alter_table(table: str, action: str, state: _File):
    def rule(name: str, subject: str, why: str, fix: str):
        return [(name, subject, why, fix)]

    m = re.match(rf"(?i)ADD\s+CONSTRAINT\s+({_NAME})\s+(.*)$", action)
    if m:
        name, body = _unquote(m[1]), m[2]
        not_valid = re.search(r"(?i)\bNOT\s+VALID\s*;?$", body) is not None
        if re.match(r"(?i)(UNIQUE|PRIMARY\s+KEY)\s+USING\s+INDEX", body):
            return table, ACCESS_EXCLUSIVE, BRIEF, []
        if re.match(r"(?i)(UNIQUE|PRIMARY\s+KEY)\b", body):
            return table, ACCESS_EXCLUSIVE, BUILDS, rule(
                "non-concurrent index", name, "every query on the table waits while the constraint's index is built",
                f"build a unique index CONCURRENTLY first, then `ALTER TABLE ... ADD CONSTRAINT {m[1]} ... USING INDEX`, "
                + _RULES_FIX_ONLINE)
        check = re.match(rf"(?i)CHECK\s*\(\s*({_NAME})\s+IS\s+NOT\s+NULL\s*\)", body)
        if check:
            state.not_null_checks[(table, name)] = (table, _unquote(check[1]))
        foreign = re.match(r"(?i)FOREIGN\s+KEY\b", body) is not None
        lock = SHARE_ROW_EXCLUSIVE if foreign else ACCESS_EXCLUSIVE
        if not_valid:
            return table, lock, BRIEF, []
        return table, lock, SCANS, rule(
            "constraint without not valid", name,
            "it checks every row while " + ("writes to the table (and the one it references) wait" if foreign
                                            else "every query on the table waits"),
            "add it NOT VALID in the transaction, then `VALIDATE CONSTRAINT` in a statement of its own after COMMIT "
            "(that scan lets reads and writes through), " + _RULES_FIX_ONLINE)
    m = re.match(rf"(?i)VALIDATE\s+CONSTRAINT\s+({_NAME})", action)
    if m:
        proven = state.not_null_checks.get((table, _unquote(m[1])))
        if proven:
            state.proven_not_null.add(proven)
        return table, SHARE_UPDATE_EXCLUSIVE, SCANS, []
    m = re.match(rf"(?i)ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?({_NAME})\s+(.*)$", action)
    if m and not re.match(r"(?i)(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b", m[1]):
        column, rest = _unquote(m[1]), m[2]
        if _VOLATILE.search(rest):
            return table, ACCESS_EXCLUSIVE, REWRITES, rule(
                "volatile default", f"{table}.{column}", "a default that differs per row (or an identity) is "
                "computed for every existing row, rewriting the table while every query on it waits",
                "add the column without a default (or with a constant one), set the default, and fill existing rows "
                "in batches")
        return table, ACCESS_EXCLUSIVE, BRIEF, []
    m = re.match(rf"(?i)ALTER\s+(?:COLUMN\s+)?({_NAME})\s+(?:SET\s+DATA\s+)?TYPE\b", action)
    if m:
        column = _unquote(m[1])
        if state.rewrites is not None and f"{table}.{column}" not in state.rewrites:
            return table, ACCESS_EXCLUSIVE, BRIEF, []  # codegen knows this change needs no rewrite
        return table, ACCESS_EXCLUSIVE, REWRITES, rule(
            "column type change", f"{table}.{column}",
            "PostgreSQL rewrites the table (and its indexes) while every query on it waits, unless the new type "
            "stores the same bytes (varchar(n) to a larger n or to text)",
            "if it is one of those, acknowledge it; otherwise add a column of the new type, write both from the "
            "application, fill it in batches, then switch")
    m = re.match(rf"(?i)ALTER\s+(?:COLUMN\s+)?({_NAME})\s+SET\s+NOT\s+NULL", action)
    if m:
        column = _unquote(m[1])
        if (table, column) in state.proven_not_null:
            return table, ACCESS_EXCLUSIVE, BRIEF, []
        return table, ACCESS_EXCLUSIVE, SCANS, rule(
            "set not null", f"{table}.{column}", "it scans every row while every query on the table waits",
            f"add `CHECK ({m[1]} IS NOT NULL) NOT VALID`, VALIDATE it after COMMIT, then SET NOT NULL (PostgreSQL "
            "then skips the scan) and drop the check, " + _RULES_FIX_ONLINE)
    m = re.match(rf"(?i)RENAME\s+(?:COLUMN\s+)?({_NAME})\s+TO\s+({_NAME})", action)
    if m and m[1].upper() != "CONSTRAINT":
        return table, ACCESS_EXCLUSIVE, BRIEF, rule(
            "rename column", f"{table}.{_unquote(m[1])}",
            "running application code that still uses the old name fails from the moment it commits",
            "deploy code that no longer uses the old name first (or add the new column and copy), then acknowledge")
    if re.match(r"(?i)RENAME\s+TO\b", action):
        return table, ACCESS_EXCLUSIVE, BRIEF, rule(
            "rename table", table, "running application code that still uses the old name fails from the moment "
            "it commits", "deploy code that no longer uses the old name first (a view with the old name can bridge "
            "the deploy), then acknowledge")
    return table, ACCESS_EXCLUSIVE, BRIEF, []  # DROP COLUMN, DROP CONSTRAINT, defaults, DROP NOT NULL, identity
