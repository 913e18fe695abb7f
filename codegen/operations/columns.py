"""Operations on one column: added, dropped, renamed, altered, commented."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

from codegen.model import INTEGER_KINDS, Column, Index
from codegen.operations.base import DATA_LOSS, LONG_LOCK, NOT_REVERSIBLE, TABLE_REWRITE, Hazard, Operation
from codegen.operations.values import fill_value, rewrite_free, widens

ENUM_TYPE_REBUILT = "the enum type is rebuilt and the column cast to it"
TYPE_REWRITTEN = "changing the type rewrites the table under an exclusive lock"

@dataclass(frozen=True)
class AddColumn(Operation):
    table: str
    column: Column
    symbol: ClassVar[str] = "+"

    def inverse(self) -> "DropColumn":
        return DropColumn(self.table, self.column)

    def describe(self) -> str:
        null = "NULL" if self.column.nullable else "NOT NULL"
        text = f"add column {self.table}.{self.column.name} {self.column.type.describe()} {null}"
        if self.column.generated is not None:
            text += f" generated as ({self.column.generated})" + ("" if self.column.stored else " virtual")
        fill = fill_value(self.column)
        if fill is not None and self.column.default is None:
            text += f" (existing rows get {fill!r})"
        return text

    def hazards(self) -> tuple[Hazard, ...]:
        if self.column.default is not None and self.column.default.kind == "sql":
            return (Hazard(TABLE_REWRITE, self.table, self.column.name,
                           "a volatile SQL default is computed for every existing row"),)
        return ()


@dataclass(frozen=True)
class DropColumn(Operation):
    table: str
    column: Column
    symbol: ClassVar[str] = "-"

    def inverse(self) -> AddColumn:
        return AddColumn(self.table, self.column)

    def describe(self) -> str:
        return f"drop column {self.table}.{self.column.name}"

    def hazards(self) -> tuple[Hazard, ...]:
        if self.column.generated is not None:
            return ()  # its values are computed from the other columns: adding it back brings them back
        return (Hazard(DATA_LOSS, self.table, self.column.name, "the column and its values are deleted"),
                Hazard(NOT_REVERSIBLE, self.table, self.column.name, "undoing this brings the column back empty"))


@dataclass(frozen=True)
class RenameColumn(Operation):
    table: str
    old: str
    new: str

    def inverse(self) -> "RenameColumn":
        return RenameColumn(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"rename column {self.table}.{self.old} to {self.new}"


@dataclass(frozen=True)
class AlterColumn(Operation):
    """Any change of one column's type, nullability or default, old and new side by side."""

    table: str
    old: Column
    new: Column
    # Partial indexes whose predicate names this enum column: PostgreSQL cannot keep them while
    # the enum type is rebuilt, so the rebuild drops and re-creates them; adding values in
    # place leaves them alone (differ/dependents.py).
    partial_indexes: tuple[Index, ...] = ()
    # Why changing the enum values rewrites the table on the planned database, up and down
    # (None: in place), from the dialect's enum_values_rewrite; unplanned, as on PostgreSQL.
    enum_rewrite: tuple[str | None, str | None] | None = field(default=None, compare=False)
    # The same for any other type change, from the dialect's type_change_rewrite; unplanned:
    # rewrite_free's answer, with TYPE_REWRITTEN.
    type_rewrite: tuple[str | None, str | None] | None = field(default=None, compare=False)

    def inverse(self) -> "AlterColumn":
        return AlterColumn(self.table, self.new, self.old, self.partial_indexes,
                           self.enum_rewrite[::-1] if self.enum_rewrite else None,
                           self.type_rewrite[::-1] if self.type_rewrite else None)

    @property
    def type_changed(self) -> bool:
        return self.old.type != self.new.type

    @property
    def generated_changed(self) -> bool:
        """No database changes a generated column's expression in place (PostgreSQL 15, MariaDB):
        the column is dropped and added again, its values computed anew."""
        return (self.old.generated, self.old.stored) != (self.new.generated, self.new.stored)

    @property
    def identity_changed(self) -> bool:
        return self.old.identity_always != self.new.identity_always

    @property
    def nullable_changed(self) -> bool:
        return self.old.nullable != self.new.nullable

    @property
    def default_changed(self) -> bool:
        return self.old.default != self.new.default

    def describe(self) -> str:
        parts = []
        if self.generated_changed:
            parts.append(f"generated {self.old.generated or 'none'} -> {self.new.generated or 'none'}"
                         + ("" if self.new.stored else " (virtual)"))
        if self.type_changed:
            parts.append(f"type {self.old.type.describe()} -> {self.new.type.describe()}")
        if self.nullable_changed:
            parts.append("NOT NULL -> NULL" if self.new.nullable else "NULL -> NOT NULL")
        if self.default_changed:
            old = self.old.default.describe() if self.old.default else "none"
            new = self.new.default.describe() if self.new.default else "none"
            parts.append(f"default {old} -> {new}")
        if self.old.autoincrement != self.new.autoincrement:
            parts.append("autoincrement " + ("on" if self.new.autoincrement else "off"))
        elif self.identity_changed:
            parts.append("identity " + ("always" if self.new.identity_always else "by default"))
        return f"alter column {self.table}.{self.new.name}: {', '.join(parts)}"

    @property
    def enum_values_changed(self) -> bool:
        return self.old.type.kind == self.new.type.kind == "enum" and self.old.type.values != self.new.type.values

    @property
    def enum_values_only_added(self) -> bool:
        """New values inserted, none removed or moved: PostgreSQL can `ADD VALUE` in place."""
        old, new = self.old.type.values, self.new.type.values
        kept = [v for v in new if v in old]
        return self.enum_values_changed and kept == list(old)

    def added_enum_values(self) -> tuple[tuple[str, str | None, str | None], ...]:
        """(value, the old value it goes before, the old value it goes after), in list order."""
        old, new = self.old.type.values, self.new.type.values
        out = []
        for i, value in enumerate(new):
            if value in old:
                continue
            before = next((v for v in new[i + 1:] if v in old), None)
            after = next((v for v in reversed(new[:i]) if v in old or any(v == a for a, _, _ in out)), None)
            out.append((value, before, after if before is None else None))
        return tuple(out)

    @property
    def enum_in_place(self) -> bool:
        """Values only added, and the default not one of them: PostgreSQL adds them to the type
        itself, so nothing that uses the column has to be re-created."""
        return self.enum_values_only_added and not self.default_uses_added_value

    @property
    def default_uses_added_value(self) -> bool:
        added = {v for v, _, _ in self.added_enum_values()}
        return self.new.default is not None and self.new.default.value in added

    @property
    def narrowing(self) -> str | None:
        """How a PostgreSQL cast to the new type would change values without an error, if it would:
        "length" (text cut to the new length), "scale" (decimals rounded), "fraction" (rounded to
        a whole number). A value too large for the new type fails the cast instead. An array's
        items are cast one by one, so they narrow as a column of the item type would."""
        old, new = self.old.type, self.new.type
        if old.array != new.array or old.native is not None or new.native is not None:
            return None  # the database's own cast decides
        old, new = replace(old, array=False), replace(new, array=False)
        if new.kind in ("string", "char") and new.length is not None and old.kind in ("string", "text", "char") and (
                old.length is None or old.length > new.length):
            return "length"
        if new.kind == "decimal" and new.precision is not None and (old.kind == "float" or (
                old.kind == "decimal" and (old.precision is None or (old.scale or 0) > (new.scale or 0)))):
            return "scale"
        if new.kind in INTEGER_KINDS and old.kind in ("decimal", "float"):
            return "fraction"
        return None

    def hazards(self) -> tuple[Hazard, ...]:
        found = []
        col = self.new.name
        if self.generated_changed:
            if self.old.generated is None:
                return (Hazard(DATA_LOSS, self.table, col, "the stored values are replaced by the computed ones, "
                               "and down cannot bring them back"),)
            return ()  # computed from the other columns: nothing stored is lost
        change = f"{self.old.type.describe()} -> {self.new.type.describe()}"
        if self.type_changed and self.narrowing and self.new.truncate:
            found.append(Hazard(DATA_LOSS, self.table, col, f"{change}: values that do not fit are cut or rounded "
                                "(`truncate: true`), and down cannot bring them back"))
        elif self.type_changed and self.narrowing:
            found.append(Hazard(DATA_LOSS, self.table, col, f"{change}: the migration stops before changing anything "
                                "when a row holds a value that does not fit, and says how many; `truncate: true` on "
                                "the field cuts them instead"))
        if self.type_changed:
            if self.enum_values_changed:
                removed = [v for v in self.old.type.values if v not in self.new.type.values]
                if removed:
                    found.append(Hazard(DATA_LOSS, self.table, col,
                                        f"enum values {', '.join(removed)} are removed: rows holding them make the migration fail"))
                if self.enum_rewrite is not None:
                    rewrite = self.enum_rewrite[0]
                else:
                    rewrite = None if self.enum_values_only_added else ENUM_TYPE_REBUILT
                if rewrite:
                    found.append(Hazard(TABLE_REWRITE, self.table, col, rewrite))
            else:
                if not self.narrowing and not widens(self.old.type, self.new.type):
                    found.append(Hazard(DATA_LOSS, self.table, col,
                                        f"{change} may truncate values or fail on rows that do not convert"))
                if self.type_rewrite is not None:
                    rewrite = self.type_rewrite[0]
                else:
                    rewrite = None if rewrite_free(self.old.type, self.new.type) else TYPE_REWRITTEN
                if rewrite:
                    found.append(Hazard(TABLE_REWRITE, self.table, col, rewrite))
        if self.nullable_changed and not self.new.nullable:
            found.append(Hazard(LONG_LOCK, self.table, col, "SET NOT NULL scans the whole table under an exclusive lock"))
        return tuple(found)



@dataclass(frozen=True)
class SetColumnComment(Operation):
    table: str
    column: str
    old: str | None
    new: str | None
    # The whole column as it stands after this op: MySQL sets a comment only by restating it.
    definition: Column | None = field(default=None, compare=False)

    def inverse(self) -> "SetColumnComment":
        definition = replace(self.definition, comment=self.old) if self.definition is not None else None
        return SetColumnComment(self.table, self.column, self.new, self.old, definition)

    def describe(self) -> str:
        verb = "set" if self.new else "remove"
        return f"{verb} comment on column {self.table}.{self.column}"
