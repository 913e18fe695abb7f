"""Which of the format's features a database lacks: one input error for each use of one.

The loader builds the same model for every dialect; what a dialect cannot hold
is named here, from the capability flags of its class (dialects/base.py), so a
project learns it at `generate`, with the file and the fix, never from the
database half-way through a migration.
"""

from __future__ import annotations

from codegen.errors import Location, Problem
from codegen.naming import mentions


def unsupported_features(dialect, schema) -> list[Problem]:
    problems: list[Problem] = []
    name = _DISPLAY.get(dialect.name, dialect.name)
    for table in schema.managed_tables:
        table_at = table.origin or Location(table.entity or table.name)

        def error(message: str, fix: str, column=None) -> None:
            where = column.origin if column is not None and column.origin is not None else table_at
            problems.append(Problem(where, message, fix, table.entity, column.name if column is not None else None))

        if "." in table.name and not dialect.schemas:
            error(f"{name} has no schemas here: table {table.name} names one",
                  "remove `schema:` (with MySQL, a schema is a database: point the project's URL at it)")
        for col in table.columns:
            ctype = col.type
            if ctype.native is not None:
                continue
            if ctype.kind in dialect.missing_types:
                error(f"{name} has no `{ctype.kind}` type", dialect.missing_types[ctype.kind], col)
            if ctype.array and not dialect.arrays:
                error(f"{name} has no array columns", "use `type: json` to keep a list in one column, or a table of "
                      "its own", col)
            key = table.primary_key.columns if table.primary_key else ()
            if col.autoincrement and len(key) > 1 and not dialect.identity_in_composite_key:
                error(f"{name} numbers rows itself only in a primary key of one column",
                      "make this column the only primary key column (and the others a `unique:` key), or drop "
                      "`autoincrement`", col)
            if col.identity_always and not dialect.identity_always:
                error(f"{name} has no GENERATED ALWAYS identity columns", "remove `identity: always` (the column "
                      "still numbers rows itself)", col)
            if col.generated is not None and not col.nullable and not dialect.generated_not_null:
                error("MariaDB refuses NOT NULL on a generated column", "add `nullable: true` (the value is "
                      "still computed for every row)", col)
            if col.generated is not None and not dialect.generated_reads_autoincrement and any(
                    other.autoincrement and mentions(col.generated, other.name) for other in table.columns):
                error(f"{name} refuses a generated column that reads an AUTO_INCREMENT column",
                      "compute the value in the application, or from other columns", col)
            if col.generated is not None and not col.stored and not dialect.virtual_columns:
                error(f"{name} has only stored generated columns", "remove `stored: false`", col)
        for ix in table.indexes:
            if (ix.method is not None or ix.include) and not dialect.index_methods:
                key = "method" if ix.method is not None else "include"
                error(f"index {ix.name} has `{key}:`, which only PostgreSQL has", f"remove `{key}:`")
            if any("nulls" in order for order in ix.orders) and not dialect.index_nulls_order:
                error(f"index {ix.name} orders NULLs; {name} indexes take only `asc` or `desc`",
                      "remove `nulls first` / `nulls last` from its columns")
            if ix.expressions and not dialect.expression_indexes:
                error(f"index {ix.name} has `expressions:`; {name} indexes only columns",
                      "add a generated column holding the expression (`generated:`) and index that column")
        for fk in table.foreign_keys:
            if fk.deferrable and not dialect.deferrable_constraints:
                error(f"foreign key {fk.name} is `deferrable`, which only PostgreSQL has here",
                      "remove `deferrable:` (the key is then checked at each statement)", table.column(fk.columns[0]))
    return problems


_DISPLAY = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "mysql": "MySQL"}
