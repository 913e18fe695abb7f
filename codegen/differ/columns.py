"""Columns: added, dropped, renamed (hint only), altered, comments."""

from __future__ import annotations

from dataclasses import replace

from codegen.differ.common import by_name, differences
from codegen.model import Table
from codegen.operations import AddColumn, AlterColumn, DropColumn, Operation, RenameColumn, SetColumnComment


def diff_columns(old: Table, new: Table) -> tuple[list[Operation], Table]:
    """The column ops, and `old` as it stands after the renames (for the other comparators)."""
    old_cols, new_cols = by_name(old.columns), by_name(new.columns)
    ops: list[Operation] = []
    renamed = {}
    for name in sorted(new_cols):
        hint = new_cols[name].renamed_from
        if hint and hint in old_cols and name not in old_cols:
            ops.append(RenameColumn(new.name, hint, name))
            renamed[hint] = name
            old_cols[name] = replace(old_cols.pop(hint), name=name)
    removed, added, common = differences(old_cols, new_cols)
    ops += [DropColumn(new.name, old_cols[n]) for n in removed]
    ops += [AddColumn(new.name, new_cols[n]) for n in added]
    for name in common:
        before, after = old_cols[name], new_cols[name]
        if (before.type, before.nullable, before.default, before.autoincrement) != (
                after.type, after.nullable, after.default, after.autoincrement):
            ops.append(AlterColumn(new.name, replace(before, comment=after.comment), after))
        if before.comment != after.comment:
            ops.append(SetColumnComment(new.name, name, before.comment, after.comment))
    if renamed:
        old = replace(old, columns=tuple(replace(c, name=renamed.get(c.name, c.name)) for c in old.columns),
                      **_renamed_in_keys(old, renamed))
    return ops, old


def _renamed_in_keys(table: Table, renamed: dict[str, str]) -> dict:
    """Constraints and indexes of `table` with renamed columns followed (names unchanged)."""
    def cols(columns):
        return tuple(renamed.get(c, c) for c in columns)
    return dict(
        primary_key=replace(table.primary_key, columns=cols(table.primary_key.columns)) if table.primary_key else None,
        uniques=tuple(replace(u, columns=cols(u.columns)) for u in table.uniques),
        indexes=tuple(replace(i, columns=cols(i.columns)) for i in table.indexes),
        foreign_keys=tuple(replace(f, columns=cols(f.columns)) for f in table.foreign_keys),
    )
