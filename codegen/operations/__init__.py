"""One small immutable class per kind of schema change.

Every operation carries the whole old object it replaces or removes (taken
from the snapshot), so `inverse()` never has to guess: the down migration is
`[op.inverse() for op in reversed(up)]`, one truth for both directions, and
`op.inverse().inverse() == op` for every operation.

Operations also describe themselves for the review header (`describe()`,
`symbol`) and name their own hazards, so the header is built from the
operations rather than by scanning the SQL afterwards.
"""

from __future__ import annotations

from codegen.operations.base import (
    DATA_LOSS, LONG_LOCK, NOT_REVERSIBLE, TABLE_REWRITE, Constraint, Hazard, Operation,
)
from codegen.operations.columns import AddColumn, AlterColumn, DropColumn, RenameColumn, SetColumnComment
from codegen.operations.constraints import (
    AddConstraint, ChangeSharedEnum, CreateEnum, CreateIndex, DropConstraint, DropEnum, DropIndex, RenameConstraint, RenameEnum,
    RenameIndex,
)
from codegen.operations.tables import (
    CopiedColumn, CreateSchema, CreateTable, DropSchema, DropTable, RebuildTable, RenameTable, SetTableComment,
)
from codegen.operations.values import fill_value, placeholder, rewrite_free, widens

ALL_OPERATIONS = (
    CreateTable, DropTable, RenameTable, AddColumn, DropColumn, RenameColumn, AlterColumn,
    SetTableComment, SetColumnComment, CreateIndex, DropIndex, AddConstraint, DropConstraint,
    CreateEnum, DropEnum, RenameIndex, RenameConstraint, RenameEnum, RebuildTable, ChangeSharedEnum,
    CreateSchema, DropSchema,
)

__all__ = [
    "ALL_OPERATIONS", "DATA_LOSS", "LONG_LOCK", "NOT_REVERSIBLE", "TABLE_REWRITE", "Constraint", "Hazard", "Operation",
    *(op.__name__ for op in ALL_OPERATIONS), "CopiedColumn", "fill_value", "placeholder", "rewrite_free", "widens",
]
