"""PostgreSQL's online forms: the same change, written so that a busy table keeps serving.

A migration becomes a transaction that takes only brief locks, then statements
that each run on their own, after COMMIT: the ones that scan or build on a
table with rows, under a lock that lets reads and writes through
(SHARE UPDATE EXCLUSIVE), or that cannot run in a transaction at all
(CREATE INDEX CONCURRENTLY). Every such statement may run twice: the runner
runs them all again when one failed or the process was killed.

| change on a table with rows | transaction                  | after COMMIT, each on its own            |
| index                       |                              | CREATE INDEX CONCURRENTLY IF NOT EXISTS  |
| drop index                  |                              | DROP INDEX CONCURRENTLY IF EXISTS        |
| foreign key, check          | ADD CONSTRAINT ... NOT VALID | VALIDATE CONSTRAINT                      |
| unique constraint           |                              | unique index CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX |
| NOT NULL                    |                              | fill NULLs, a helper CHECK (c IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL (no scan), drop the helper |

Tables the migration creates have no rows and keep the plain forms, as do those
it drops. A unique constraint that a foreign key of the same migration points at
is built in the transaction, because the foreign key needs it there.
"""

from __future__ import annotations

from dataclasses import replace

from codegen.model import Check, ForeignKey, Index, UniqueConstraint
from codegen.naming import bare, fit
from codegen.operations import (
    AddColumn,
    AddConstraint,
    AlterColumn,
    CreateIndex,
    CreateTable,
    DropConstraint,
    DropIndex,
    DropTable,
    Operation,
    fill_value,
)
from codegen.operations.online import (
    AttachIndex,
    FillNulls,
    SetNotNull,
    ValidateConstraint,
)


def online_parts(ops: list[Operation], quote, max_identifier_length: int) -> tuple[list[Operation], list[Operation]]:
    created = {op.table.name for op in ops if isinstance(op, CreateTable)}
    dropped = {op.table.name for op in ops if isinstance(op, DropTable)}
    referenced = {(op.constraint.ref_table, op.constraint.ref_columns) for op in ops
                  if isinstance(op, AddConstraint) and isinstance(op.constraint, ForeignKey)}
    first: list[Operation] = []
    after: list[Operation] = []

    def not_null(table: str, column) -> None:
        """The NOT NULL of `column`, proven by a validated check so that SET NOT NULL skips its scan."""
        # The NULLs are filled before the check exists: a NOT VALID check still holds every row
        # an UPDATE writes, and would fail the fill (and the application's updates) on them.
        helper = Check(fit(f"codegen_nn_{bare(table)}_{column.name}", max_identifier_length), f"{quote(column.name)} IS NOT NULL")
        after.extend((FillNulls(table, column), DropConstraint(table, helper, if_exists=True),
                      AddConstraint(table, helper, not_valid=True), ValidateConstraint(table, helper),
                      SetNotNull(table, column), DropConstraint(table, helper, if_exists=True)))

    for op in ops:
        table = getattr(op, "table", None)
        if not isinstance(table, str) or table in created:
            first.append(op)
        elif isinstance(op, CreateIndex):
            after.append(replace(op, concurrently=True))
        elif isinstance(op, DropIndex):
            (first if table in dropped else after).append(replace(op, concurrently=table not in dropped))
        elif isinstance(op, AddConstraint) and isinstance(op.constraint, (ForeignKey, Check)):
            first.append(replace(op, not_valid=True))
            after.append(ValidateConstraint(table, op.constraint))
        elif (isinstance(op, AddConstraint) and isinstance(op.constraint, UniqueConstraint)
              and (table, op.constraint.columns) not in referenced):
            index = Index(op.constraint.name, op.constraint.columns, unique=True)
            after.extend((CreateIndex(table, index, concurrently=True), AttachIndex(table, op.constraint)))
        elif isinstance(op, AlterColumn) and op.nullable_changed and not op.new.nullable:
            rest = replace(op, new=replace(op.new, nullable=True))
            if rest.type_changed or rest.default_changed or rest.old.autoincrement != rest.new.autoincrement:
                first.append(rest)
            not_null(table, op.new)
        elif (isinstance(op, AddColumn) and not op.column.nullable and op.column.default is None
              and fill_value(op.column) is not None):
            first.append(replace(op, column=replace(op.column, nullable=True, backfill=None)))
            not_null(table, op.column)
        else:
            first.append(op)
    return first, after
