"""From validated entity specs to a resolved, dialect-free `Schema`.

Here the whole project is known, so this is where meaning is checked:
`extends` is merged, shorthands are expanded, references find their target
column, generated names are given, and every mistake is reported with the
file, line and column it came from. Errors are collected rather than raised
one by one, so a user fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from codegen import naming
from codegen.errors import Location, Problem, UserError, did_you_mean
from codegen.loader.specs import EntityDef, FieldDef
from codegen.loader.yaml_source import Document
from codegen.model import (
    INTEGER_KINDS, LOGICAL_TYPES, Check, Column, ColumnType, Default, ForeignKey, Index, PrimaryKey, Schema,
    Table, UniqueConstraint, new_column, shared_type, with_tables,
)

_TIME_KINDS = ("timestamp", "date", "time")
_KNOWN_TYPES = frozenset(LOGICAL_TYPES)


@dataclass(frozen=True, slots=True)
class SourceEntity:
    """One entity as written, with what is needed to point back at it."""

    spec: EntityDef
    file: str
    doc: Document  # the whole file
    path: tuple[Any, ...]  # where the entity sits in the file's data: () or ("entities", i)

    def at(self, *path: Any, at_key: bool = False) -> Location:
        return self.doc.locate(self.path + path, at_key=at_key)


class _Field:
    """A field after `extends` is merged; `owner` is the entity that wrote it.

    A plain class: one is made per column, and a frozen dataclass took three times
    as long to build (issue 6)."""

    __slots__ = ("name", "spec", "owner")

    def __init__(self, name: str, spec: FieldDef, owner: SourceEntity) -> None:
        self.name, self.spec, self.owner = name, spec, owner


@dataclass
class _Report:
    problems: list[Problem] = field(default_factory=list)
    # Names already matched against naming.IDENTIFIER: most column names recur across tables.
    identifiers: set[str] = field(default_factory=set)
    # What a field's spec makes of a column besides its name and origin, by the spec's written
    # keys and values, for specs that raised no problem: most fields of a large project are
    # written alike (`{type: string, length: 50}`), and building each was most of resolution.
    columns: dict[tuple, tuple] = field(default_factory=dict)

    def error(self, where: Location, message: str, fix: str | None = None,
              entity: str | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(where, message, fix, entity, field))


class TableBuilder:
    """Builds the table of each entity that stands alone (no `extends`, not abstract) as soon
    as its file is read: in a large project the loader does that between the files a forked
    child parses, rather than all of them after the last file (issue 6). `resolve` takes
    these tables, with the problems found building them, where it would build them itself.
    """

    def __init__(self, max_identifier_length: int | None) -> None:
        self.max_identifier_length = max_identifier_length
        self.report = _Report()  # its caches are shared; its problems are taken per entity
        # By id of the entity, which each entry holds: no other entity can have that id meanwhile.
        self.built: dict[int, tuple[SourceEntity, list[_Field], Table | None, list[Problem]]] = {}

    def add(self, ent: SourceEntity) -> None:
        spec = ent.spec
        if spec.extends or spec.abstract:
            return  # needs the other entities: resolve builds it
        fields_ = _merge_fields(self.report, ent, {})
        table = _build_table(self.report, ent, fields_, self.max_identifier_length)
        self.built[id(ent)] = ent, fields_, table, self.report.problems
        self.report.problems = []


def resolve(entities: list[SourceEntity], max_identifier_length: int | None,
            built: TableBuilder | None = None) -> Schema:
    """Build the schema, or raise one UserError listing every problem found.

    `built`: the tables of some of `entities`, built as they were read, for the same
    `max_identifier_length`."""
    report = _Report() if built is None else replace(built.report, problems=[])
    prebuilt = built.built if built is not None else {}
    by_name: dict[str, SourceEntity] = {}
    for ent in entities:
        name = ent.spec.entity
        _check_identifier(report, ent.at("entity"), name, "entity name", None, name, None)
        if name in by_name:
            first = by_name[name].at("entity")
            report.error(ent.at("entity"), f"duplicate entity `{name}` (also defined at {first})",
                         "rename one of them or delete the copy", name)
            continue
        by_name[name] = ent

    merged = {name: prebuilt[id(ent)][1] if id(ent) in prebuilt else _merge_fields(report, ent, by_name)
              for name, ent in by_name.items()}

    tables: dict[str, tuple[SourceEntity, Table]] = {}
    for name in sorted(by_name):
        ent = by_name[name]
        if ent.spec.abstract:
            continue
        if id(ent) in prebuilt:
            _ent, _fields, table, problems = prebuilt[id(ent)]
            report.problems.extend(problems)
        else:
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
        fks = _resolve_references(report, ent, fields_, table, table_of_entity, by_name, max_identifier_length)
        resolved.append(_completed(table, fks, _automatic_indexes(table, fks, fields_, max_identifier_length)))

    _check_unique_names(report, [(tables[t.name][0], t) for t in resolved])
    if report.problems:
        raise UserError(sorted(report.problems, key=lambda p: (p.location.file, p.location.line or 0,
                                                                p.location.column or 0)))
    return with_tables(Schema(), resolved)


# -- extends ---------------------------------------------------------------------------

def _merge_fields(report: _Report, ent: SourceEntity, by_name: dict[str, SourceEntity]) -> list[_Field]:
    """Own fields first, then each parent's (recursively), an own field overriding a parent's."""
    result: dict[str, _Field] = {}
    _visit(report, by_name, result, ent, (ent.spec.entity,))
    return list(result.values())


def _visit(report: _Report, by_name: dict[str, SourceEntity], result: dict[str, _Field],
           current: SourceEntity, chain: tuple[str, ...]) -> None:
    # A module-level function, not a closure calling itself: such a closure is a reference
    # cycle, and with the CLI's garbage collector paused it kept every entity's pydantic
    # models alive to the end of the run (about 100 MB at 10,000 tables).
    for fname, spec in current.spec.fields.items():
        if fname not in result:
            result[fname] = _Field(fname, _expand(spec), current)
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

def _check_identifier(report: _Report, where: Location, name: str, what: str, max_len: int | None,
                      entity: str | None, fieldname: str | None) -> bool:
    if name not in report.identifiers:
        if not naming.IDENTIFIER.match(name):
            report.error(where, f"{what} `{name}` is not a valid identifier",
                         "use letters, digits and underscores, not starting with a digit", entity, fieldname)
            return False
        report.identifiers.add(name)
    if max_len is not None and len(name) > max_len:
        report.error(where, f"{what} `{name}` is {len(name)} characters; the dialect allows {max_len}",
                     "choose a shorter name", entity, fieldname)
        return False
    return True


def _build_table(report: _Report, ent: SourceEntity, fields_: list[_Field], max_len: int | None) -> Table | None:
    spec = ent.spec
    name = spec.table or naming.snake_case(spec.entity)
    where_table = ent.at("table") if spec.table else ent.at("entity")
    if not _check_identifier(report, where_table, name, "table name", max_len, spec.entity, None):
        return None
    if spec.renamed_from is not None:
        _check_identifier(report, ent.at("renamed_from"), spec.renamed_from, "renamed_from", max_len, spec.entity, None)
    if not fields_:
        report.error(ent.at("entity"), "entity has no fields", "add a `fields:` mapping", spec.entity)
        return None

    # One pass over the fields for the columns and the keys that flag a field; the checks of
    # those flags below report in the order they always have (issue 6: a pass each was a
    # tenth of resolution).
    columns, pk_names, autoincrements, flagged = [], [], [], []
    for f in fields_:
        col = _build_column(report, f, name, max_len)
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
                report.error(_field_at(f, "nullable"), "a primary key column cannot be nullable",
                             "remove `nullable: true` (or `?`)", spec.entity, f.name)
    for f in autoincrements:
        if f.spec.type not in INTEGER_KINDS or not primary_key or primary_key.columns != (f.name,):
            report.error(_field_at(f, "autoincrement"),
                         "`autoincrement` needs a single-column integer/bigint primary key",
                         "make this field the only primary key column, or drop `autoincrement`", spec.entity, f.name)
        if "default" in f.spec.given:
            report.error(_field_at(f, "default"), "an `autoincrement` column cannot also have a `default`",
                         "remove the `default`: the database generates the value", spec.entity, f.name)

    uniques: list[UniqueConstraint] = []
    indexes: list[Index] = []
    for f in flagged:
        if f.spec.unique:
            uniques.append(UniqueConstraint(naming.unique(name, (f.name,), max_len), (f.name,)))
        if f.spec.searchable:
            indexes.append(Index(naming.index(name, (f.name,), max_len), (f.name,)))
    owners = _owners(ent, fields_)
    for owner, i, cols in _inherited(owners, "unique"):
        if check_columns(cols, ("unique", i)) if owner is ent else True:
            uniques.append(UniqueConstraint(naming.unique(name, tuple(cols), max_len), tuple(cols)))
    for owner, i, ix in _inherited(owners, "indexes"):
        if owner is not ent or check_columns(ix.columns, ("indexes", i, "columns")):
            ix_name = ix.name or naming.index(name, tuple(ix.columns), max_len)
            if ix.name:
                _check_identifier(report, owner.at("indexes", i, "name"), ix.name, "index name", max_len, spec.entity, None)
            indexes.append(Index(ix_name, tuple(ix.columns), ix.unique, ix.where))
    checks = []
    for owner, i, ck in _inherited(owners, "checks"):
        if _check_identifier(report, owner.at("checks", i, "name"), ck.name, "check name", None, spec.entity, None):
            checks.append(Check(naming.check(name, ck.name, max_len), ck.expr))

    return Table(
        name=name, columns=tuple(columns), primary_key=primary_key, uniques=tuple(_dedupe(uniques)),
        indexes=tuple(_dedupe(indexes)), checks=tuple(checks), comment=spec.description,
        external=spec.external, entity=spec.entity, renamed_from=spec.renamed_from,
        origin=ent.at("renamed_from") if spec.renamed_from else ent.at("entity"),
    )


def _dedupe(items: list) -> list:
    seen, out = set(), []
    for item in items:
        if item.name not in seen:
            seen.add(item.name)
            out.append(item)
    return out


def _owners(ent: SourceEntity, fields_: list[_Field]) -> list[SourceEntity]:
    """The entity, then the abstract parents it has fields from."""
    owners: list[SourceEntity] = [ent]
    for f in fields_:
        if f.owner is not ent and f.owner not in owners:
            owners.append(f.owner)
    return owners


def _inherited(owners: list[SourceEntity], key: str) -> list[tuple[SourceEntity, int, Any]]:
    """`indexes`, `unique` or `checks` of each owner, in order."""
    return [(owner, i, item) for owner in owners for i, item in enumerate(getattr(owner.spec, key))]


def _field_at(f: _Field, *key: str) -> Location:
    """The field's `key:` when written out, else the field (`name: string?` has no `nullable:`)."""
    return _FieldLocation(f.owner.doc, f.owner.path, f.name, key)


class _FieldLocation(Location):
    """A field's place, found when first asked for. Every column keeps one as its origin, so
    it is one small object (a Location with a closure took 300 bytes more, 30 MB at 10,000
    tables; a Location with a separate finder object, a tenth of resolution) and holds the
    document, not the entity, whose pydantic models are freed after resolution."""

    __slots__ = ("_doc", "_entity_path", "_name", "_key")

    def __init__(self, doc: Document, entity_path: tuple[Any, ...], name: str, key: tuple[str, ...]):
        self.file, self._line, self._column, self._find = doc.file, None, None, None
        self._doc, self._entity_path, self._name, self._key = doc, entity_path, name, key

    def _found(self) -> None:
        doc = self._doc
        if doc is None:
            return
        path = self._entity_path + ("fields", self._name)
        raw_field = doc.marked()
        for part in path:
            raw_field = raw_field.get(part) if isinstance(raw_field, dict) else (
                raw_field[part] if isinstance(raw_field, list) else None)
        written = bool(self._key) and isinstance(raw_field, dict) and self._key[0] in raw_field
        self._line, self._column = doc.position(path + self._key if written else path)
        self._doc = None


def _build_column(report: _Report, f: _Field, table: str, max_len: int | None) -> Column | None:
    spec = f.spec
    name = f.name
    here = _field_at(f)
    if not _check_identifier(report, here, name, "column name", max_len, f.owner.spec.entity, name):
        return None
    written = spec.__dict__
    if "default" in written or "backfill" in written:
        key = known = None  # scalars of any type: 1 and 1.0 are equal keys but not equal SQL
    else:
        try:
            key = tuple(written.items())  # validated values: each key's type is fixed
            known = report.columns.get(key)
        except TypeError:  # a list: enum values
            key = known = None
    if known is not None:
        return new_column(name, *known, here)
    problems = len(report.problems)
    column = _built_column(report, f, table, max_len, here)
    if (column is not None and key is not None and len(report.problems) == problems
            and column.type.kind != "enum" and column.renamed_from is None):
        report.columns[key] = (column.type, column.nullable, column.default, column.autoincrement, column.comment,
                               None, column.backfill)
    return column


def _built_column(report: _Report, f: _Field, table: str, max_len: int | None, here: Location) -> Column | None:
    spec = f.spec
    kind = spec.type
    if kind not in _KNOWN_TYPES:
        _column_error(report, f, "type", f"unknown type `{kind}`",
                      did_you_mean(kind, LOGICAL_TYPES) or f"use one of: {', '.join(LOGICAL_TYPES)}")
        return None
    given = spec.given & _CHECKED_KEYS  # most columns give none of these (issue 6)
    if given:
        _check_column_keys(report, f, kind, given, max_len)
    values: tuple[str, ...] = ()
    enum_name = None
    if kind == "enum":
        values = tuple(spec.values or ())
        if not values:
            _column_error(report, f, "values" if "values" in given else "type", "enum without values",
                          "list the allowed values: `values: [a, b]`")
            return None
        if len(set(values)) != len(values):
            _column_error(report, f, "values", "an enum value is listed twice", "list each value once")
        enum_name = naming.enum_type(table, f.name, max_len)
    ctype = shared_type(kind, spec.length, spec.precision, spec.scale if spec.precision is not None else None,
                         spec.timezone, values, enum_name)
    default = backfill = None
    if "default" in given:
        default = _default(spec.default, ctype, spec.nullable,
                           lambda message, fix: _column_error(report, f, "default", message, fix))
    if "backfill" in given:
        if spec.backfill is None:
            _column_error(report, f, "backfill", "`backfill: null` fills nothing", "give the value existing rows should get")
        elif _literal_problem(spec.backfill, ctype):
            _column_error(report, f, "backfill", f"backfill {spec.backfill!r} does not fit type {ctype.describe()}",
                          _literal_problem(spec.backfill, ctype))
        else:
            backfill = spec.backfill

    return new_column(f.name, ctype, spec.nullable, default, spec.autoincrement, spec.comment, spec.renamed_from,
                  backfill, _field_at(f, "renamed_from") if spec.renamed_from else here)


def _check_column_keys(report: _Report, f: _Field, kind: str, given: set[str], max_len: int | None) -> None:
    """The keys that only some types take, and the ones that need another key."""
    spec = f.spec
    if "renamed_from" in given and spec.renamed_from is not None:
        _check_identifier(report, _field_at(f, "renamed_from"), spec.renamed_from, "renamed_from", max_len,
                          f.owner.spec.entity, f.name)
    if not given.isdisjoint(_NOT_FOR[kind]):  # nearly always disjoint: `length` on a string
        for key, kinds in _ONLY_FOR.items():
            if key in given and kind not in kinds:
                _column_error(report, f, key, f"`{key}` does not apply to type `{kind}`",
                              f"remove `{key}` (it is for {', '.join(kinds)})")
    if kind == "decimal":
        if spec.scale is not None and spec.precision is None:
            _column_error(report, f, "scale", "`scale` without `precision`", "add `precision:` (total digits)")
        if spec.precision is not None and spec.scale is not None and spec.scale > spec.precision:
            _column_error(report, f, "scale", f"scale {spec.scale} is greater than precision {spec.precision}",
                          "make `scale` at most `precision`")
    for key in ("on_delete", "on_update"):
        if key in given and spec.references is None:
            _column_error(report, f, key, f"`{key}` without `references`", "add `references: Entity` or remove it")


def _column_error(report: _Report, f: _Field, key: str | None, message: str, fix: str | None) -> None:
    report.error(_field_at(f, key) if key else _field_at(f), message, fix, f.owner.spec.entity, f.name)


_ONLY_FOR = {  # keys that apply to some logical types only
    "length": ("string", "binary"), "precision": ("decimal",), "scale": ("decimal",),
    "timezone": ("timestamp", "time"), "values": ("enum",),
}
_NOT_FOR = {kind: frozenset(key for key, kinds in _ONLY_FOR.items() if kind not in kinds) for kind in LOGICAL_TYPES}
_CHECKED_KEYS = frozenset({*_ONLY_FOR, "renamed_from", "on_delete", "on_update", "default", "backfill"})


def _default(value: Any, ctype: ColumnType, nullable: bool, err) -> Default | None:
    if hasattr(value, "sql"):
        if not value.sql.strip():
            err("empty `sql:` default", "write the SQL expression, e.g. {sql: \"gen_random_uuid()\"}")
            return None
        return Default("sql", value.sql)
    if value is None:
        if not nullable:
            err("`default: null` on a NOT NULL column", "remove the default, or make the column nullable")
        return None
    if value == "now" and ctype.kind in _TIME_KINDS:
        return Default("now")
    problem = _literal_problem(value, ctype)
    if problem:
        err(f"default {value!r} does not fit type {ctype.describe()}", problem)
        return None
    return Default("literal", value)


def _literal_problem(value: Any, ctype: ColumnType) -> str | None:
    """Why a literal cannot be stored in a column of this type, or None when it can."""
    kind = ctype.kind
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in INTEGER_KINDS:
        return None if isinstance(value, int) and not isinstance(value, bool) else "use a whole number"
    if kind in ("decimal", "float"):
        return None if is_number else "use a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "use true or false"
    if not isinstance(value, str):
        return "use a quoted string" if kind != "binary" else "binary defaults need `{sql: ...}`"
    if kind in ("string", "text"):
        if ctype.length is not None and len(value) > ctype.length:
            return f"the value is longer than length {ctype.length}"
        return None
    if kind == "enum":
        return None if value in ctype.values else f"use one of the enum values: {', '.join(ctype.values)}"
    if kind == "uuid":
        try:
            uuid.UUID(value)
            return None
        except ValueError:
            return "use a UUID such as 00000000-0000-0000-0000-000000000000, or {sql: \"gen_random_uuid()\"}"
    if kind in _TIME_KINDS:
        parse = {"date": dt.date.fromisoformat, "time": dt.time.fromisoformat, "timestamp": dt.datetime.fromisoformat}[kind]
        try:
            parse(value)
            return None
        except ValueError:
            return "use an ISO 8601 value (2024-01-31, 12:00:00, 2024-01-31T12:00:00) or `now`"
    if kind == "json":
        try:
            json.loads(value)
            return None
        except ValueError:
            return "use JSON text in a string, e.g. '{}' or '[]'"
    return "binary defaults need `{sql: ...}`"


# -- references --------------------------------------------------------------------------

def _resolve_references(report: _Report, ent: SourceEntity, fields_: list[_Field], table: Table,
                        tables: dict[str, Table], by_name: dict[str, SourceEntity],
                        max_len: int | None) -> tuple[ForeignKey, ...]:
    fks = []
    for f in fields_:
        ref = f.spec.references
        if ref is None:
            continue

        def err(message: str, fix: str | None, key: str = "references") -> None:
            report.error(_field_at(f, key), message, fix, ent.spec.entity, f.name)

        target_entity, _, target_field = ref.partition(".")
        target = tables.get(target_entity)
        if target is None:
            if target_entity in by_name and by_name[target_entity].spec.abstract:
                err(f"`{target_entity}` is abstract and has no table to reference", "reference a concrete entity")
            elif target_entity not in by_name:
                err(f"`references` names unknown entity `{target_entity}`",
                    did_you_mean(target_entity, by_name) or "define that entity or fix the name")
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
                    f"reference a single unique field: `references: {target_entity}.<field>`")
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
            f.spec.on_delete, f.spec.on_update,
        ))
    return tuple(fks)


def _comparable(ctype: ColumnType) -> tuple:
    return (ctype.kind, ctype.length, ctype.precision, ctype.scale, ctype.timezone, ctype.values)


def _automatic_indexes(table: Table, fks: tuple[ForeignKey, ...], fields_: list[_Field],
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


def _completed(table: Table, fks: tuple[ForeignKey, ...], indexes: tuple[Index, ...]) -> Table:
    """`table` with its foreign keys and automatic indexes: built once, by position
    (`dataclasses.replace` twice per table was a tenth of resolution, issue 6)."""
    if not fks and not indexes:
        return table
    return Table(table.name, table.columns, table.primary_key, table.uniques, table.indexes + indexes, fks,
                 table.checks, table.comment, table.external, table.entity, table.renamed_from, table.origin)


def _check_unique_names(report: _Report, tables: list[tuple[SourceEntity, Table]]) -> None:
    """Index and constraint names share one namespace per schema in PostgreSQL: keep them unique everywhere."""
    seen: dict[str, str] = {}
    for ent, table in tables:
        if table.external:
            continue
        # Only enum columns have an enum_name (_build_column): one pass, not a test for an enum first.
        names = [*table.constraint_names, *(i.name for i in table.indexes),
                 *[c.type.enum_name for c in table.columns if c.type.enum_name]]
        for name in names:
            if name in seen and seen[name] != table.name:
                report.error(ent.at("entity"), f"the name `{name}` is used in tables `{seen[name]}` and `{table.name}`",
                             "give one of them an explicit `name:`", ent.spec.entity)
            elif name in seen:
                report.error(ent.at("entity"), f"the name `{name}` is used twice in table `{table.name}`",
                             "give one of them an explicit `name:`", ent.spec.entity)
            seen[name] = table.name
