"""Input errors that only show when the entities meet the snapshot.

A `renamed_from` must name something the snapshot has (or be already done);
a NOT NULL column added to an existing table needs a value for the rows
already there. Both are the user's to fix, so they are reported with the
YAML position, never turned into a silent drop + create.
"""

from __future__ import annotations

from codegen.errors import Location, Problem, UserError
from codegen.model import Column, Schema, Table


def check_against_snapshot(old: Schema, new: Schema, values_needed: bool = True) -> None:
    problems: list[Problem] = []
    old_tables = {t.name: t for t in old.managed_tables}
    new_names = {t.name for t in new.tables}
    for table in new.managed_tables:
        before = old_tables.get(table.name)
        hint = table.renamed_from
        if before is None and hint:
            if hint not in old_tables:
                problems.append(_problem(table.origin, table.entity, None,
                                         f"`renamed_from: {hint}`: the snapshot has no table `{hint}` (nor `{table.name}`)",
                                         "remove `renamed_from`, or name the table as it was in the last migration"))
                continue
            if hint in new_names:
                problems.append(_problem(table.origin, table.entity, None,
                                         f"`renamed_from: {hint}`, but a table `{hint}` is still defined",
                                         f"remove the other entity with `table: {hint}`, or drop the hint"))
                continue
            before = old_tables[hint]
        if before is table:  # the snapshot's table is this one (snapshot.read_snapshot reuses unchanged tables)
            continue
        problems += _column_problems(before, table, values_needed)
    if problems:
        raise UserError(problems)


def _column_problems(before: Table | None, table: Table, values_needed: bool) -> list[Problem]:
    problems = []
    old_cols = {c.name: c for c in before.columns} if before else {}
    for col in table.columns:
        existed = col.name in old_cols or (col.renamed_from in old_cols and col.renamed_from is not None)
        if col.renamed_from and col.name not in old_cols:
            if col.renamed_from not in old_cols:
                where = f"table `{before.name}`" if before else "the snapshot (the table is new)"
                problems.append(_problem(col.origin, table.entity, col.name,
                                         f"`renamed_from: {col.renamed_from}`: no column `{col.renamed_from}` in {where}",
                                         "remove `renamed_from`, or name the column as it was in the last migration"))
                continue
            if table.column(col.renamed_from) is not None:
                problems.append(_problem(col.origin, table.entity, col.name,
                                         f"`renamed_from: {col.renamed_from}`, but `{col.renamed_from}` is still a field",
                                         "remove the old field, or drop the hint"))
                continue
        if values_needed and before is not None and not existed and _needs_value(col):
            fix = "add `backfill: <value>` (fills existing rows once), a `default`, or make it nullable"
            new_names = {c.name for c in table.columns}
            gone = [c.name for c in before.columns if c.name not in new_names and c.type == col.type]
            if gone:
                fix += f"; or, if `{col.name}` replaces `{gone[0]}`, add `renamed_from: {gone[0]}` (keeps the values)"
            problems.append(_problem(col.origin, table.entity, col.name,
                                     f"NOT NULL column `{col.name}` is added to existing table `{table.name}` "
                                     "with neither `default` nor `backfill`", fix))
        if values_needed and before is not None and existed:
            old = old_cols.get(col.name) or old_cols[col.renamed_from]  # type: ignore[index]
            if old.nullable and not col.nullable and _needs_value(col):
                problems.append(_problem(col.origin, table.entity, col.name,
                                         f"column `{col.name}` becomes NOT NULL, but existing NULLs have no value",
                                         "add `backfill: <value>` to fill them once, or a `default`"))
    return problems


def _needs_value(col: Column) -> bool:
    return not col.nullable and col.default is None and col.backfill is None and not col.autoincrement


def _problem(origin: Location | None, entity: str | None, field: str | None, message: str, fix: str) -> Problem:
    return Problem(origin or Location("<entities>"), message, fix, entity, field)
