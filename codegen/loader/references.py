"""`references:` resolved to foreign keys, and the indexes the generator adds for them."""

from __future__ import annotations

from codegen import naming
from codegen.errors import did_you_mean
from codegen.loader.entities import Field, Report, SourceEntity, check_identifier, field_at
from codegen.model import (
    ColumnType,
    ForeignKey,
    Index,
    Table,
)


def resolve_references(report: Report, ent: SourceEntity, fields_: list[Field], table: Table,
                        tables: dict[str, Table], by_name: dict[str, SourceEntity],
                        max_len: int | None) -> tuple[ForeignKey, ...]:
    fks = []
    for f in fields_:
        ref = f.spec.references
        if ref is None:
            continue

        def err(message: str, fix: str | None, key: str = "references") -> None:
            report.error(field_at(f, key), message, fix, ent.spec.entity, f.name)

        target_entity, _, target_field = ref.partition(".")
        target, missing = _target(target_entity, tables, by_name)
        if target is None:
            if missing:
                err(*missing)
            continue
        if target_field:
            ref_col = target.column(target_field)
            if ref_col is None:
                err(f"`{target_entity}` has no field `{target_field}`",
                    did_you_mean(target_field, [c.name for c in target.columns]) or "name one of its fields")
                continue
        else:
            pk = target.primary_key
            if pk is None:
                err(f"`{target_entity}` has no primary key to reference", f"write `references: {target_entity}.<field>`")
                continue
            if len(pk.columns) != 1:
                err(f"`{target_entity}` has a composite primary key ({', '.join(pk.columns)}); one column cannot reference it",
                    f"declare a table-level key: `foreign_keys: [{{columns: [...], references: {target_entity}}}]`, "
                    f"or reference a single unique field: `references: {target_entity}.<field>`")
                continue
            ref_col = target.column(pk.columns[0])
            if ref_col is None:
                continue
        single_keys = {pk.columns for pk in [target.primary_key] if pk} | {u.columns for u in target.uniques} | {
            i.columns for i in target.indexes if i.unique and i.where is None}
        if (ref_col.name,) not in single_keys:
            err(f"`{target_entity}.{ref_col.name}` is neither the primary key nor unique, so it cannot be referenced",
                f"add `unique: true` to `{target_entity}.{ref_col.name}`")
            continue
        own = table.column(f.name)
        if own is None:
            continue
        if _comparable(own.type) != _comparable(ref_col.type):
            err(f"type {own.type.describe()} does not match `{target_entity}.{ref_col.name}` ({ref_col.type.describe()})",
                f"declare `type: {ref_col.type.kind}`" + (f", `length: {ref_col.type.length}`" if ref_col.type.length else ""),
                "type")
            continue
        if f.spec.on_delete == "set_null" and not f.spec.nullable:
            err("`on_delete: set_null` on a NOT NULL column", "make the column nullable or pick another action", "on_delete")
        fks.append(ForeignKey(
            naming.foreign_key(table.name, (f.name,), target.name, max_len), (f.name,), target.name, (ref_col.name,),
            f.spec.on_delete, f.spec.on_update, bool(f.spec.deferrable), f.spec.deferrable == "initially_deferred",
        ))
    return tuple(fks)


def resolve_table_foreign_keys(report: Report, ent: SourceEntity, table: Table, tables: dict[str, Table],
                               by_name: dict[str, SourceEntity], max_len: int | None) -> tuple[ForeignKey, ...]:
    """The entity's `foreign_keys:` list: keys of several columns (or one), checked as `references` is."""
    fks = []
    for i, spec in enumerate(ent.spec.foreign_keys):
        def err(message: str, fix: str | None, *key) -> None:
            report.error(ent.at("foreign_keys", i, *key), message, fix, ent.spec.entity)

        columns = tuple(spec.columns)
        missing = [c for c in columns if table.column(c) is None]
        for c in missing:
            err(f"unknown column `{c}`", did_you_mean(c, [col.name for col in table.columns]) or "name one of the entity's fields",
                "columns", columns.index(c))
        target, missing_target = _target(spec.references, tables, by_name)
        if target is None:
            if missing_target:
                err(*missing_target, "references")
            continue
        if spec.ref_columns is None and target.primary_key is None:
            err(f"`{spec.references}` has no primary key to reference", "list the referenced fields in `ref_columns:`", "references")
            continue
        ref_columns = tuple(spec.ref_columns) if spec.ref_columns is not None else target.primary_key.columns
        unknown = [c for c in ref_columns if target.column(c) is None]
        for c in unknown:
            err(f"`{spec.references}` has no field `{c}`", did_you_mean(c, [col.name for col in target.columns]) or "name one of its fields",
                "ref_columns")
        if missing or unknown:
            continue
        if len(ref_columns) != len(columns):
            err(f"{len(columns)} column(s) cannot reference {len(ref_columns)} ({', '.join(ref_columns)})",
                "list one referenced field per column, in the same order", "ref_columns" if spec.ref_columns else "columns")
            continue
        keys = {frozenset(k.columns) for k in [target.primary_key, *target.uniques] if k} | {
            frozenset(ix.columns) for ix in target.indexes if ix.unique and ix.where is None}
        if frozenset(ref_columns) not in keys:
            err(f"`{spec.references}` ({', '.join(ref_columns)}) is neither its primary key nor unique, so it cannot be referenced",
                f"add `unique: [[{', '.join(ref_columns)}]]` to `{spec.references}`", "references")
            continue
        mismatched = [(own, ref) for own, ref in zip(columns, ref_columns)
                      if _comparable(table.column(own).type) != _comparable(target.column(ref).type)]
        for own, ref in mismatched:
            err(f"`{own}` ({table.column(own).type.describe()}) does not match `{spec.references}.{ref}` "
                f"({target.column(ref).type.describe()})", f"give `{own}` the type of `{spec.references}.{ref}`",
                "columns", columns.index(own))
        if mismatched:
            continue
        if spec.on_delete == "set_null" and not all(table.column(c).nullable for c in columns):
            err("`on_delete: set_null` needs every column nullable", "make the columns nullable or pick another action",
                "on_delete")
        if spec.name and not check_identifier(report, ent.at("foreign_keys", i, "name"), spec.name, "foreign key name",
                                              max_len, ent.spec.entity, None):
            continue
        name = spec.name or naming.foreign_key(table.name, columns, target.name, max_len)
        fks.append(ForeignKey(name, columns, target.name, ref_columns, spec.on_delete, spec.on_update,
                              bool(spec.deferrable), spec.deferrable == "initially_deferred"))
    return tuple(fks)


def _target(entity: str, tables: dict[str, Table], by_name: dict[str, SourceEntity]
            ) -> tuple[Table | None, tuple[str, str] | None]:
    """The referenced entity's table; else the problem and its fix, or None when the entity's own
    problems (its table could not be built) were reported already."""
    table = tables.get(entity)
    if table is not None:
        return table, None
    if entity in by_name and by_name[entity].spec.abstract:
        return None, (f"`{entity}` is abstract and has no table to reference", "reference a concrete entity")
    if entity not in by_name:
        return None, (f"`references` names unknown entity `{entity}`",
                      did_you_mean(entity, by_name) or "define that entity or fix the name")
    return None, None


def _comparable(ctype: ColumnType) -> tuple:
    return (ctype.kind, ctype.length, ctype.precision, ctype.scale, ctype.timezone, ctype.values)


def automatic_indexes(table: Table, fks: tuple[ForeignKey, ...], fields_: list[Field],
                       max_len: int | None) -> tuple[Index, ...]:
    """A foreign key's columns get an index unless an existing key or index already leads with them."""
    if not fks:
        return ()
    opted_out = {f.name for f in fields_ if not f.spec.index}
    leading = [c.columns for c in table.uniques] + [i.columns for i in table.indexes]
    if table.primary_key:
        leading.append(table.primary_key.columns)
    added = []
    for fk in fks:
        if set(fk.columns) & opted_out:
            continue
        if any(cols[: len(fk.columns)] == fk.columns for cols in leading):
            continue
        added.append(Index(naming.index(table.name, fk.columns, max_len), fk.columns))
        leading.append(fk.columns)
    return tuple(added)
