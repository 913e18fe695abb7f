"""Renames from `renamed_from` hints, and the old schema as it reads after them.

Renames run first in a migration, so every later operation names tables and
columns by their new names. `renamed_old` is the snapshot with those renames
applied everywhere a name is used (columns of keys and indexes, index
expressions and predicates, checks, generated columns, foreign key targets), as
the database itself rewrites them on a rename: a rename alone then changes
nothing else, and the down migration never recreates an object that still names
a column by its old name. Names of indexes, constraints and enum types are left
as they were, so that the comparators see them change and rename them too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from codegen.model import Schema, Table, with_tables
from codegen.naming import rename_identifiers
from codegen.operations import Operation, RenameColumn, RenameTable


@dataclass(frozen=True)
class Renames:
    tables: dict[str, str]  # old name -> new name
    columns: dict[str, dict[str, str]]  # new table name -> {old column -> new column}
    ops: tuple[Operation, ...]


def find_renames(old: Schema, new: Schema) -> Renames:
    old_tables = {t.name: t for t in old.managed_tables}
    tables: dict[str, str] = {}
    ops: list[Operation] = []
    for t in sorted(new.managed_tables, key=lambda t: t.name):
        if t.renamed_from and t.renamed_from in old_tables and t.name not in old_tables:
            tables[t.renamed_from] = t.name
            ops.append(RenameTable(t.renamed_from, t.name))
    back = {v: k for k, v in tables.items()}
    columns: dict[str, dict[str, str]] = {}
    for t in sorted(new.managed_tables, key=lambda t: t.name):
        before = old_tables.get(back.get(t.name, t.name))
        if before is None:
            continue
        old_cols = {c.name for c in before.columns}
        for col in t.columns:
            if col.renamed_from and col.renamed_from in old_cols and col.name not in old_cols:
                columns.setdefault(t.name, {})[col.renamed_from] = col.name
                ops.append(RenameColumn(t.name, col.renamed_from, col.name))
    return Renames(tables, columns, tuple(ops))


def renamed_old(old: Schema, renames: Renames) -> Schema:
    def table_name(name: str) -> str:
        return renames.tables.get(name, name)

    def rename_table(t: Table) -> Table:
        name = table_name(t.name)
        cols = renames.columns.get(name, {})

        def c(names: tuple[str, ...], in_table: str = name) -> tuple[str, ...]:
            mapping = renames.columns.get(in_table, {})
            return tuple(mapping.get(n, n) for n in names)

        return replace(
            t, name=name,
            columns=tuple(replace(col, name=cols.get(col.name, col.name), generated=rename_identifiers(col.generated, cols))
                          for col in t.columns),
            primary_key=replace(t.primary_key, columns=c(t.primary_key.columns)) if t.primary_key else None,
            uniques=tuple(replace(u, columns=c(u.columns)) for u in t.uniques),
            indexes=tuple(replace(i, columns=c(i.columns), include=c(i.include), where=rename_identifiers(i.where, cols),
                                  expressions=tuple(rename_identifiers(e, cols) for e in i.expressions))
                          for i in t.indexes),
            checks=tuple(replace(ck, expr=rename_identifiers(ck.expr, cols)) for ck in t.checks),
            foreign_keys=tuple(replace(fk, columns=c(fk.columns), ref_table=table_name(fk.ref_table),
                                       ref_columns=c(fk.ref_columns, table_name(fk.ref_table)))
                               for fk in t.foreign_keys),
        )

    if not renames.tables and not renames.columns:
        return old
    return with_tables(old, [rename_table(t) for t in old.tables])
