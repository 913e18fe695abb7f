"""The format's newer features that Alembic revisions do not write yet: an input error each.

A revision that silently left out a collation, an identity's ALWAYS or an index's
method would give the database another schema than the snapshot claims. Until
the revision templates write them, a project with `format: alembic` is told so at
`generate`, and the SQL format (`format: sql`) writes them all.
"""

from __future__ import annotations

from codegen.errors import Location, Problem

_FIX = "use `format: sql` in codegen.yaml for this project, or leave the feature out (docs/entity-format.md)"
_NEW_KINDS = frozenset(("char", "real", "interval", "inet", "cidr", "macaddr", "tsvector", "xml"))


def features_not_written(schema) -> list[Problem]:
    problems = []
    for table in schema.managed_tables:
        table_at = table.origin or Location(table.entity or table.name)

        def error(what: str, column=None) -> None:
            where = column.origin if column is not None and column.origin is not None else table_at
            problems.append(Problem(where, f"the alembic format does not write {what} yet", _FIX, table.entity,
                                    column.name if column is not None else None))

        for col in table.columns:
            t = col.type
            found = [what for what, used in (
                (f"type `{t.kind}`", t.kind in _NEW_KINDS), ("arrays", t.array), ("`native:` types", t.native),
                ("`collation:`", t.collation), ("`identity: always`", col.identity_always),
                ("generated columns", col.generated is not None)) if used]
            for what in found:
                error(what, col)
        for ix in table.indexes:
            if ix.method or ix.orders or ix.expressions or ix.include:
                error(f"index {ix.name}'s method, orders, expressions or include")
        for fk in table.foreign_keys:
            if fk.deferrable:
                error("deferrable foreign keys", table.column(fk.columns[0]))
    return problems
