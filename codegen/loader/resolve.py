"""From validated entity specs to a resolved, dialect-free `Schema`.

Here the whole project is known, so this is where meaning is checked:
`extends` is merged, shorthands are expanded, references find their target
column, generated names are given, and every mistake is reported with the
file, line and column it came from. Errors are collected rather than raised
one by one, so a user fixes a file in one pass.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from codegen import naming
from codegen.naming import DEFAULT_SCHEMA
from codegen.errors import UserError, did_you_mean
from codegen.loader.columns import build_column
from codegen.loader.entities import (
    Field,
    Report,
    SourceEntity,
    check_identifier,
    field_at,
)
from codegen.loader.references import automatic_indexes, resolve_references, resolve_table_foreign_keys
from codegen.loader.specs import FieldDef
from codegen.model import (
    INTEGER_KINDS,
    Check,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    with_tables,
)


def resolve(entities: list[SourceEntity], max_identifier_length: int | None, names_fold_case: bool = False,
            unsigned_check: Callable[[str], str | None] | None = None, dialect=None,
            shared_enums: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> Schema:
    """Build the schema, or raise one UserError listing every problem found. `names_fold_case`:
    the database takes `Name` and `name` for one name (SQLite, MySQL). `unsigned_check`: the
    dialect's check for `unsigned: true` (returning None where the type itself is UNSIGNED).
    `dialect`: the project's (dialects/), for `native:` and the index AUTO_INCREMENT needs."""
    report = Report()
    report.dialect = dialect.name if dialect is not None else None
    report.identity_index = dialect is not None and dialect.autoincrement_needs_leading_index
    report.shared_enums = dict(shared_enums)
    report.enum_types = dialect is not None and dialect.native_enums
    probe = unsigned_check("x") if unsigned_check is not None else None
    report.unsigned_check = unsigned_check if probe is not None else None
    by_name: dict[str, SourceEntity] = {}
    for ent in entities:
        name = ent.spec.entity
        check_identifier(report, ent.at("entity"), name, "entity name", None, name, None)
        if name in by_name:
            first = by_name[name].at("entity")
            report.error(ent.at("entity"), f"duplicate entity `{name}` (also defined at {first})",
                         "rename one of them or delete the copy", name)
            continue
        by_name[name] = ent

    merged = {name: _merge_fields(report, ent, by_name) for name, ent in by_name.items()}

    tables: dict[str, tuple[SourceEntity, Table]] = {}
    for name in sorted(by_name):
        ent = by_name[name]
        if ent.spec.abstract:
            continue
        table = _build_table(report, ent, merged[name], max_identifier_length)
        if table is None:
            continue
        if table.name in tables:
            other = tables[table.name][0]
            report.error(ent.at("table") if ent.spec.table else ent.at("entity"),
                         f"duplicate table name `{table.name}` (entity `{other.spec.entity}` at {other.at('entity')} uses it too)",
                         "give one of the entities another `table:`", name)
            continue
        tables[table.name] = (ent, table)

    table_of_entity = {ent.spec.entity: table for ent, table in tables.values()}
    resolved = []
    for ent, table in tables.values():
        fields_ = merged[ent.spec.entity]
        fks = resolve_references(report, ent, fields_, table, table_of_entity, by_name, max_identifier_length)
        fks += resolve_table_foreign_keys(report, ent, table, table_of_entity, by_name, max_identifier_length)
        resolved.append(_completed(table, fks, automatic_indexes(table, fks, fields_, max_identifier_length)))

    _check_unique_names(report, [(tables[t.name][0], t) for t in resolved])
    if names_fold_case:
        _check_folded_names(report, resolved)
    if report.problems:
        raise UserError(report.problems)  # the CLI prints every UserError's problems by file and line
    return with_tables(Schema(), resolved)


# -- extends ---------------------------------------------------------------------------

def _merge_fields(report: Report, ent: SourceEntity, by_name: dict[str, SourceEntity]) -> list[Field]:
    """Own fields first, then each parent's (recursively), an own field overriding a parent's."""
    result: dict[str, Field] = {}
    _visit(report, by_name, result, ent, (ent.spec.entity,))
    return list(result.values())


def _visit(report: Report, by_name: dict[str, SourceEntity], result: dict[str, Field],
           current: SourceEntity, chain: tuple[str, ...]) -> None:
    # A module-level function, not a closure calling itself: such a closure is a reference
    # cycle, and with the CLI's garbage collector paused it kept every entity's pydantic
    # models alive to the end of the run (about 100 MB at 10,000 tables).
    for fname, spec in current.spec.fields.items():
        if fname not in result:
            result[fname] = Field(fname, _expand(spec), current)
    for i, parent_name in enumerate(current.spec.extends):
        where = current.at("extends", i)
        parent = by_name.get(parent_name)
        if parent is None:
            report.error(where, f"`extends` names unknown entity `{parent_name}`",
                         did_you_mean(parent_name, by_name) or "define it as an abstract entity",
                         current.spec.entity)
        elif parent_name in chain:
            report.error(where, f"`extends` cycle: {' -> '.join(chain + (parent_name,))}",
                         "remove one of the `extends` entries", current.spec.entity)
        elif not parent.spec.abstract:
            report.error(where, f"`{parent_name}` is not abstract, so it cannot be extended",
                         f"add `abstract: true` to `{parent_name}`, or copy the fields you need",
                         current.spec.entity)
        else:
            _visit(report, by_name, result, parent, chain + (parent_name,))


def _expand(spec: FieldDef | str) -> FieldDef:
    return FieldDef.shorthand(spec) if isinstance(spec, str) else spec


# -- one table -------------------------------------------------------------------------


def _build_table(report: Report, ent: SourceEntity, fields_: list[Field], max_len: int | None) -> Table | None:
    spec = ent.spec
    name = spec.table or naming.snake_case(spec.entity)
    where_table = ent.at("table") if spec.table else ent.at("entity")
    if not check_identifier(report, where_table, name, "table name", max_len, spec.entity, None):
        return None
    if spec.schema is not None and spec.schema != DEFAULT_SCHEMA:
        if not check_identifier(report, ent.at("schema"), spec.schema, "schema name", max_len, spec.entity, None):
            return None
        name = naming.qualified(spec.schema, name)
    renamed_from = None
    if spec.renamed_from is not None:
        old_schema, old_name = naming.split(spec.renamed_from)
        if old_schema is not None:
            check_identifier(report, ent.at("renamed_from"), old_schema, "renamed_from schema", max_len, spec.entity, None)
        check_identifier(report, ent.at("renamed_from"), old_name, "renamed_from", max_len, spec.entity, None)
        # `renamed_from: old` is in the entity's own schema; `other.old` names another (`public.old`: the default)
        renamed_from = naming.qualified(naming.split(name)[0] if old_schema is None else old_schema, old_name)
        renamed_from = naming.bare(renamed_from) if old_schema == DEFAULT_SCHEMA else renamed_from
    if not fields_:
        report.error(ent.at("entity"), "entity has no fields", "add a `fields:` mapping", spec.entity)
        return None

    # One pass over the fields for the columns and the keys that flag a field; the checks of
    # those flags below report in the order they always have (a pass each was a
    # tenth of resolution).
    columns, pk_names, autoincrements, flagged = [], [], [], []
    for f in fields_:
        col = build_column(report, f, name, max_len)
        if col is not None:
            columns.append(col)
        field_spec = f.spec
        if field_spec.primary_key:
            pk_names.append(f.name)
        if field_spec.autoincrement:
            autoincrements.append(f)
        if field_spec.unique or field_spec.searchable:
            flagged.append(f)
    column_names = {f.name for f in fields_}

    def check_columns(cols: list[str], path: tuple[Any, ...]) -> bool:
        ok = True
        for i, col in enumerate(cols):
            if col not in column_names:
                report.error(ent.at(*path, i), f"unknown column `{col}`",
                             did_you_mean(col, column_names) or "name one of the entity's fields", spec.entity)
                ok = False
        if len(set(cols)) != len(cols):
            report.error(ent.at(*path), "a column is listed twice", "list each column once", spec.entity)
            ok = False
        return ok

    pk_fields = tuple(pk_names)
    primary_key = None
    if spec.primary_key is not None:
        if pk_fields and tuple(spec.primary_key) != pk_fields:
            report.error(ent.at("primary_key"), "the primary key is given both by `primary_key:` and by fields, differently",
                         "keep one of the two", spec.entity)
        elif check_columns(spec.primary_key, ("primary_key",)):
            primary_key = PrimaryKey(naming.primary_key(name, max_len), tuple(spec.primary_key))
    elif pk_fields:
        primary_key = PrimaryKey(naming.primary_key(name, max_len), pk_fields)
    if primary_key:
        for f in fields_:
            if f.name in primary_key.columns and f.spec.nullable:
                report.error(field_at(f, "nullable"), "a primary key column cannot be nullable",
                             "remove `nullable: true` (or `?`)", spec.entity, f.name)
    for f in autoincrements:  # in a key of several columns: dialects/features.py says where that is allowed
        if f.spec.type not in INTEGER_KINDS or not primary_key or f.name not in primary_key.columns:
            report.error(field_at(f, "autoincrement"),
                         "`autoincrement` needs an integer column of the primary key",
                         "make this field (smallint, integer or bigint) a primary key column, or drop "
                         "`autoincrement`", spec.entity, f.name)
        if "default" in f.spec.given:
            report.error(field_at(f, "default"), "an `autoincrement` column cannot also have a `default`",
                         "remove the `default`: the database generates the value", spec.entity, f.name)

    uniques: list[UniqueConstraint] = []
    indexes: list[Index] = []
    for f in flagged:
        if f.spec.unique:
            uniques.append(UniqueConstraint(naming.unique(name, (f.name,), max_len), (f.name,)))
        if f.spec.searchable and not f.spec.unique:  # the unique constraint's index serves the searches
            indexes.append(Index(naming.index(name, (f.name,), max_len), (f.name,)))
    owners = _owners(ent, fields_)
    for owner, i, cols in _inherited(owners, "unique"):
        if check_columns(cols, ("unique", i)) if owner is ent else True:
            uniques.append(UniqueConstraint(naming.unique(name, tuple(cols), max_len), tuple(cols)))
    for owner, i, ix in _inherited(owners, "indexes"):
        if owner is not ent or check_columns([_key_column(c) for c in ix.columns], ("indexes", i, "columns")):
            ix_name = ix.name or naming.index(name, tuple(_key_column(c) for c in ix.columns), max_len,
                                              tuple(ix.expressions))
            if ix.name:
                check_identifier(report, owner.at("indexes", i, "name"), ix.name, "index name", max_len, spec.entity, None)
            indexes.append(_index(report, owner, i, ix, ix_name, column_names, spec.entity))
    if report.identity_index and primary_key:
        for f in autoincrements:  # MySQL: an AUTO_INCREMENT column must lead an index
            if f.name in primary_key.columns[1:] and not any(ix.columns[:1] == (f.name,) for ix in indexes):
                indexes.append(Index(naming.index(name, (f.name,), max_len), (f.name,)))
    checks = []
    for owner, i, ck in _inherited(owners, "checks"):
        if check_identifier(report, owner.at("checks", i, "name"), ck.name, "check name", None, spec.entity, None):
            checks.append(Check(naming.check(name, ck.name, max_len), ck.expr))
    if report.unsigned_check is not None:
        checks += [Check(naming.check(name, f"{f.name}_unsigned", max_len), report.unsigned_check(f.name))
                   for f in fields_ if f.spec.unsigned and f.spec.type in INTEGER_KINDS]

    return Table(
        name=name, columns=tuple(columns), primary_key=primary_key, uniques=tuple(_dedupe(uniques)),
        indexes=tuple(_dedupe(indexes)), checks=tuple(checks), comment=spec.description,
        external=spec.external, entity=spec.entity, renamed_from=renamed_from,
        origin=ent.at("renamed_from") if spec.renamed_from else ent.at("entity"),
    )


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for item in items:
        if item.name not in seen:
            seen.add(item.name)
            out.append(item)
    return out


def _owners(ent: SourceEntity, fields_: list[Field]) -> list[SourceEntity]:
    """The entity, then the abstract parents it has fields from."""
    owners: list[SourceEntity] = [ent]
    for f in fields_:
        if f.owner is not ent and f.owner not in owners:
            owners.append(f.owner)
    return owners


def _inherited(owners: list[SourceEntity], key: str) -> list[tuple[SourceEntity, int, Any]]:
    """`indexes`, `unique` or `checks` of each owner, in order."""
    return [(owner, i, item) for owner in owners for i, item in enumerate(getattr(owner.spec, key))]


def _completed(table: Table, fks: tuple[ForeignKey, ...], indexes: tuple[Index, ...]) -> Table:
    """`table` with its foreign keys and automatic indexes: built once, by position
    (`dataclasses.replace` twice per table was a tenth of resolution)."""
    if not fks and not indexes:
        return table
    return Table(table.name, table.columns, table.primary_key, table.uniques, table.indexes + indexes, fks,
                 table.checks, table.comment, table.external, table.entity, table.renamed_from, table.origin)


def _check_unique_names(report: Report, tables: list[tuple[SourceEntity, Table]]) -> None:
    """Index and constraint names share one namespace per schema in PostgreSQL: keep them unique everywhere."""
    seen: dict[str, str] = {}
    shared = {c.type.enum_name for _, t in tables if not t.external for c in t.columns if c.type.shared}
    for ent, table in tables:
        if table.external:
            continue
        # Only enum columns have an enum_name (build_column): one pass, not a test for an enum first.
        # A shared enum's type is one, whichever columns use it (codegen.yaml `enums:`).
        names = [*table.constraint_names, *(i.name for i in table.indexes),
                 *[c.type.enum_name for c in table.columns if c.type.enum_name and not c.type.shared]]
        schema = naming.split(table.name)[0]
        for name in names:  # in the table's schema (`schema:`); an enum type's name says its schema already
            name = name if "." in name else naming.qualified(schema, name)
            if name in seen and seen[name] != table.name:
                report.error(ent.at("entity"), f"the name `{name}` is used in tables `{seen[name]}` and `{table.name}`",
                             "give one of them an explicit `name:`", ent.spec.entity)
            elif name in seen:
                report.error(ent.at("entity"), f"the name `{name}` is used twice in table `{table.name}`",
                             "give one of them an explicit `name:`", ent.spec.entity)
            elif name in shared:
                report.error(ent.at("entity"), f"the name `{name}` is both a shared enum and a name in table "
                             f"`{table.name}`", "rename one of them", ent.spec.entity)
            seen[name] = table.name


def _check_folded_names(report: Report, tables: list[Table]) -> None:
    """Names that differ only in case are one name to a database that folds case: the migration
    could never apply, so both places are named."""
    def clashes(items, what: str, entity_of) -> None:
        seen: dict[str, object] = {}
        for item in items:
            first = seen.setdefault(item.name.lower(), item)
            if first is not item:
                report.error(item.origin, f"{what} `{item.name}` and `{first.name}` (at {first.origin}) differ only in "
                             "case: this database takes them for one name", "rename one of them", entity_of(item))

    clashes(tables, "table", lambda t: t.entity)
    for table in tables:
        clashes(table.columns, f"in table `{table.name}`, column", lambda c, t=table: t.entity)


_KEY_ORDER = re.compile(r"(asc|desc)?\s*(nulls\s+(first|last))?")


def _key_column(written: str) -> str:
    """The column of an index's `columns` item: `created_at desc` -> `created_at`."""
    return written.split(None, 1)[0] if written.strip() else written


def _index(report: Report, owner: SourceEntity, i: int, ix: Any, name: str, column_names: set[str],
           entity: str) -> Index:
    """One `indexes:` item: each column's order (`desc`, `nulls last`) checked and spelled one way."""
    columns, orders = [], []
    for k, written in enumerate(ix.columns):
        column, _, order = written.strip().partition(" ")
        order = " ".join(order.lower().split())
        if not _KEY_ORDER.fullmatch(order):
            report.error(owner.at("indexes", i, "columns", k), f"`{written}`: unknown order `{order}`",
                         "write the column, then `asc` or `desc`, then `nulls first` or `nulls last`", entity)
        columns.append(column)
        orders.append(order)
    if not ix.columns and not ix.expressions:
        report.error(owner.at("indexes", i), "an index without `columns` or `expressions`",
                     "list the columns it covers, or the expressions it indexes", entity)
    for k, expr in enumerate(ix.expressions):
        if not expr.strip() or ";" in expr:
            report.error(owner.at("indexes", i, "expressions", k), f"`{expr}` is not an expression",
                         "write one SQL expression, e.g. lower(email)", entity)
    for k, column in enumerate(ix.include):
        if column not in column_names:
            report.error(owner.at("indexes", i, "include", k), f"unknown column `{column}`",
                         did_you_mean(column, column_names) or "name one of the entity's fields", entity)
    return Index(name, tuple(columns), ix.unique, ix.where, ix.method if ix.method != "btree" else None,
                 tuple(orders) if any(orders) else (), tuple(e.strip() for e in ix.expressions), tuple(ix.include))
