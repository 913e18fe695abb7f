"""Machine-readable and pull-request-readable views of `diff`, `check` and `lint`, and the
runner's JSON (`migrate`, `rollback`, `status`, `stamp`).

The JSON shape is a pydantic model, so its JSON Schema (`codegen schema
--report`) is what bots validate against. Markdown is a summary a CI job can
post on a pull request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pydantic import BaseModel

from codegen.differ import LikelyRename
from codegen.history import Migration
from codegen.integrity import Finding
from codegen.operations import Hazard, Operation

REPORT_VERSION = 1


class HazardOut(BaseModel):
    kind: str
    table: str
    column: Optional[str] = None
    detail: str
    line: str


class OperationOut(BaseModel):
    kind: str
    symbol: str
    description: str
    details: list[str]
    hazards: list[HazardOut]


class LikelyRenameOut(BaseModel):
    table: str
    old: str
    new: str
    hint: str


class ProblemOut(BaseModel):
    code: str
    message: str
    fix: str
    files: list[str]


class Report(BaseModel):
    version: int = REPORT_VERSION
    command: str
    dialect: str
    ok: bool
    operations: list[OperationOut]
    hazards: list[HazardOut]
    likely_renames: list[LikelyRenameOut]
    problems: list[ProblemOut]
    up_sql: Optional[str] = None


class MigrationOut(BaseModel):
    id: str
    name: str


class AppliedOut(MigrationOut):
    applied_at: str
    execution_ms: int
    codegen_version: str
    dirty: bool
    failed_statement: Optional[str] = None


class RanOut(MigrationOut):
    direction: str  # "up" | "down"
    execution_ms: int


class RunReport(BaseModel):
    """`migrate`, `rollback`, `status` and `stamp` with `--format json`: the history after the command."""

    version: int = REPORT_VERSION
    command: str
    dialect: str
    ok: bool
    dry_run: bool = False
    applied: list[AppliedOut]
    pending: list[MigrationOut]
    ran: list[RanOut]
    problems: list[ProblemOut]
    drift: list[str]
    sql: Optional[str] = None


def build_run_report(command: str, dialect: str, outcome, problems: list[Finding], dry_run: bool = False) -> RunReport:
    status = outcome.status
    return RunReport(
        command=command, dialect=dialect, ok=not problems and not outcome.drift, dry_run=dry_run,
        applied=[AppliedOut(id=r.id, name=r.name, applied_at=r.applied_at, execution_ms=r.execution_ms,
                            codegen_version=r.codegen_version, dirty=r.dirty, failed_statement=r.failed_statement)
                 for r in status.rows],
        pending=[MigrationOut(id=m.id, name=m.name) for m in status.pending],
        ran=[RanOut(id=r.migration.id, name=r.migration.name, direction=r.direction, execution_ms=r.execution_ms)
             for r in outcome.ran],
        problems=[ProblemOut(code=p.code, message=p.message, fix=p.fix, files=list(p.files)) for p in problems],
        drift=list(outcome.drift), sql=outcome.dry_run_sql)


def _hazard(h: Hazard) -> HazardOut:
    return HazardOut(kind=h.kind, table=h.table, column=h.column, detail=h.detail, line=h.line())


def build_report(command: str, dialect: str, ops: list[Operation], renames: list[LikelyRename],
                 problems: list[Finding], up_sql: str | None = None,
                 hazards: list[tuple[Hazard, ...]] | None = None) -> Report:
    """`hazards`: each operation's, as the files write it (render.hazards_as_written); default op.hazards()."""
    hazards = hazards if hazards is not None else [op.hazards() for op in ops]
    return Report(
        command=command, dialect=dialect, ok=not problems,
        operations=[OperationOut(kind=type(op).__name__, symbol=op.symbol, description=op.describe(),
                                 details=list(op.details()), hazards=[_hazard(h) for h in found])
                    for op, found in zip(ops, hazards)],
        hazards=[_hazard(h) for found in hazards for h in found],
        likely_renames=[LikelyRenameOut(table=r.table, old=r.old, new=r.new, hint=r.hint()) for r in renames],
        problems=[ProblemOut(code=p.code, message=p.message, fix=p.fix, files=list(p.files)) for p in problems],
        up_sql=up_sql,
    )


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def to_markdown(report: Report) -> str:
    if not report.operations:
        return "### codegen: no schema changes\n"
    n = len(report.operations)
    out = [f"### codegen: {n} schema change{'s' if n != 1 else ''} ({report.dialect})", "",
           "| | change |", "| --- | --- |"]
    for op in report.operations:
        out.append(f"| `{op.symbol}` | {_cell(op.description)} |")
        out += [f"| | &nbsp;&nbsp;{_cell(d)} |" for d in op.details]
    out.append("")
    if report.hazards:
        out += ["**Hazards** (acknowledge each with `-- ACK <kind>: <table>[.<column>]` in the migration):", ""]
        out += [f"- :warning: **{h.kind}**: `{h.table}{'.' + h.column if h.column else ''}`: {h.detail}" for h in report.hazards]
        out.append("")
    else:
        out += ["No hazards.", ""]
    if report.likely_renames:
        out += ["**Likely renames:**", ""] + [f"- {r.hint}" for r in report.likely_renames] + [""]
    if report.up_sql:
        out += ["<details><summary>up.sql</summary>", "", "```sql", report.up_sql.rstrip("\n"), "```", "", "</details>", ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# -- lint: hazards nobody acknowledged --------------------------------------------------------------

# SQL headers say `-- HAZARD ...`; revision docstrings say `HAZARD ...`; an ACK is `-- ACK ...` or `# ACK ...`.
_HAZARD = re.compile(r"^(?:-- )?HAZARD (?P<kind>[a-z -]+): (?P<subject>\S+): ", re.MULTILINE)
_ACK = re.compile(r"^[ \t]*(?:--|#) ACK (?P<kind>[a-z -]+): (?P<subject>\S+)[ \t]*(?:(?:--|#).*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Unacknowledged:
    migration: str
    kind: str
    subject: str


@dataclass(frozen=True)
class Reviewed:
    """What the lint reads of one migration, read once: its up text (the review file, or, where
    a layout keeps both directions in one file (dbmate), its up section) and the (kind, subject)
    of every ACK line in the file."""

    up: str
    acked: frozenset[tuple[str, str]]


def reviewed(migration: Migration, layout: str = "codegen") -> Reviewed:
    whole = migration.review_file.read_text(encoding="utf-8")
    if migration.is_revision:
        up = whole
    else:
        from codegen.formats.layouts import LAYOUTS

        up = LAYOUTS[layout].text(migration, "up")
    return Reviewed(up, frozenset((m["kind"], m["subject"]) for m in _ACK.finditer(whole)))


def unacknowledged(migration: Migration, read: Reviewed) -> list[Unacknowledged]:
    """HAZARD lines of the up migration with no matching `-- ACK <kind>: <subject>` line in its file."""
    seen, out = set(), []
    for m in _HAZARD.finditer(read.up):
        key = (m["kind"], m["subject"])
        if key not in read.acked and key not in seen:
            seen.add(key)
            out.append(Unacknowledged(migration.name, *key))
    return out


# What a reviewer should know to accept a hazard that no rewrite of the migration removes,
# for SQL folders (run by `codegen migrate`) and for Alembic revisions.
_RECOVERY = {
    ("non-transactional", ".sql"): ": if a statement fails, the statements before it stay applied and `codegen "
                                   "migrate` marks the migration dirty; recover by running the remaining statements "
                                   "by hand (or undoing those that ran with the matching statements of down.sql), then "
                                   "record the outcome with `codegen stamp <this id>` or `codegen stamp <its parent>`",
    ("non-transactional", ".py"): ": if an operation fails, those before it stay applied and alembic_version still "
                                  "names the revision before; recover by running the rest of upgrade() by hand (`alembic "
                                  "upgrade <this id> --sql` prints it) and `alembic stamp <this id>`, or by undoing "
                                  "what ran (downgrade() has the inverse of each operation)",
}


def migration_locks(migration: Migration, dialect, read: Reviewed) -> tuple[list, list]:
    """The locks of up.sql's statements, and the lint rules they break that no ACK line accepts."""
    from codegen.runner.scripts import parse_script

    path = migration.review_file
    if migration.is_revision:
        return [], []
    text = read.up
    # codegen's own header names every type change that rewrites the table; the others need none
    rewrites = {m["subject"] for m in _HAZARD.finditer(text) if m["kind"] == "table rewrite"} \
        if text.startswith("-- codegen migration") else None
    locks, broken = dialect.statement_locks([s.code for s in parse_script(text, path).statements], rewrites)
    return locks, [b for b in broken if (b.rule, b.subject) not in read.acked]


def lint_findings(chain: list[Migration], since: str | None, pending_hazards: list[Hazard], root: Path,
                  dialect=None, layout: str = "codegen") -> list[Finding]:
    """Hazards nobody acknowledged, pending or written, and, where `dialect` knows its locks
    (PostgreSQL), each statement that breaks a lock rule."""
    found = []
    if pending_hazards:
        found.append(Finding("hazard", "pending entity changes have hazards: " + "; ".join(h.line() for h in pending_hazards),
                             "generate the migration, read its HAZARD lines, and acknowledge each with an ACK line"))
    for migration in chain:
        if since is not None and migration.id <= since:
            continue
        read = reviewed(migration, layout)
        path = migration.review_file
        shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        for item in unacknowledged(migration, read):
            marker = "#" if path.suffix == ".py" else "--"
            recovery = _RECOVERY.get((item.kind, path.suffix), "")
            found.append(Finding(
                "hazard", f"{item.kind} on {item.subject} is not acknowledged{recovery}",
                f"a reviewer who accepts it adds the line `{marker} ACK {item.kind}: {item.subject}` to {path.name}, "
                "then runs `codegen rehash`", (shown,)))
        if dialect is None:
            continue
        for item in migration_locks(migration, dialect, read)[1]:
            statement = item.statement
            found.append(Finding(
                "lock", f"statement {statement.number} takes {statement.lock} on {statement.table} and "
                f"{statement.effect}: {item.rule}: {item.why}\n    statement: {statement.text}",
                f"{item.fix}; or, accepting it, add `-- ACK {item.rule}: {item.subject}` to up.sql and run "
                "`codegen rehash`", (shown,)))
    return found
