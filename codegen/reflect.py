"""reflect: a live database read back into the model's `Schema`, the loader's second source.

`read_schema` asks SQLAlchemy's Inspector what the database holds and writes it in the
model's terms: a column's logical type is the one whose spelling on this dialect is what
the database reports (found by trying the dialect's own type table, not a second table),
enums come from PostgreSQL's types, MySQL's ENUM(...) or SQLite's `ck_<enum>_values`
checks. A database keeps less than the entities say (SQLite keeps no primary key name,
PostgreSQL rewrites a check's text, `string` and `text` are both TEXT there), so
`aligned` takes the wanted schema's object wherever the database holds the same thing in
its own terms. What remains differs for real, and the differ says how (`codegen drift`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from codegen.dialects.base import Dialect
from codegen.live import collated, computed_expression, generated_text, index_key, norm_sql, reported_action, reported_type, spelled_action, spelled_default, spelled_type, where_of
from codegen.model import (
    FK_ACTIONS,
    NATIVE_KIND,
    Check,
    Column,
    ColumnType,
    Default,
    ForeignKey,
    Index,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    with_tables,
)
from codegen.naming import reflected

# The order in which logical types are tried for a reported type: the first whose spelling matches
# wins (PostgreSQL's TEXT is `text`, not a `string` without length).
_KINDS = ("integer", "smallint", "bigint", "text", "string", "boolean", "decimal", "float", "date", "time",
          "timestamp", "uuid", "json", "binary", "char", "real", "interval", "inet", "cidr", "macaddr", "tsvector",
          "xml")
_ENUM_CHECK = re.compile(r"^\(?\s*[\"`]?(?P<column>\w+)[\"`]?\s+IN\s*\((?P<values>.*)\)\s*\)?$", re.IGNORECASE | re.DOTALL)
_STRING = re.compile(r"'((?:[^']|'')*)'")


@dataclass(frozen=True)
class Note:
    """Something the database holds that the model says differently, or not at all."""

    subject: str  # `table` or `table.column` (a table in a schema: `sales.orders`)
    found: str
    instead: str

    def about(self, tables: set[str]) -> bool:
        """Whether the note is on one of `tables` or one of their columns."""
        return any(self.subject == t or self.subject.startswith(t + ".") for t in tables)

    def hint(self) -> str:  # a migration header's NOTE lines (render.py) read notes through hint()
        return f"{self.subject}: {self.found}: {self.instead}"


@dataclass(frozen=True)
class Reflected:
    schema: Schema
    notes: tuple[Note, ...]  # types the format lacks (read as the closest), indexes it cannot say


def read_database(dialect: Dialect, url: str, ignore: tuple[str, ...] = (), schema: str | None = None,
                  schemas: tuple[str, ...] = (), default_schema: bool = True) -> Reflected:
    """`read_schema` of the database at `url`, the user's: one that cannot be reached or read, or a
    SQLite file that does not exist (never created here), is exit 2 with the reason."""
    import sqlalchemy as sa

    from codegen.errors import UserError
    from codegen.live import open_engine

    engine = open_engine(dialect, url, poolclass=sa.pool.NullPool)
    try:
        database = engine.url.database
        if dialect.file_database and database and database != ":memory:" and not Path(database).exists():
            raise UserError.at("--db", f"{database} does not exist", "pass the path of the SQLite database file")
        try:
            with engine.connect() as conn:
                return read_schema(conn, dialect, ignore, schema, schemas, default_schema)
        except sa.exc.DBAPIError as exc:
            reason = " ".join(str(exc.orig).split())
            raise UserError.at("--db", f"cannot read {engine.url.render_as_string(hide_password=True)}: {reason}",
                               "check the URL, that the server is running, and that the user may read its catalog") from None
    finally:
        engine.dispose()


def read_schema(conn: Any, dialect: Dialect, ignore: tuple[str, ...] = (), schema: str | None = None,
                schemas: tuple[str, ...] = (), default_schema: bool = True) -> Reflected:
    """The database at `conn` (tables named in `ignore` left out; `schema`: another schema than
    the connection's default) as a `Schema`; the tables of each of `schemas` too, named
    `schema.table` as entities with `schema:` are (`default_schema=False`: only those)."""
    import sqlalchemy as sa

    base = sa.inspect(conn)
    default = schema or base.default_schema_name
    tables, notes = [], []

    def named(name: str, in_schema: str | None) -> str:
        return reflected(name, in_schema, default)

    read = [schema] if default_schema or default in schemas else []
    for namespace in (*read, *(s for s in schemas if s != default)):
        inspector = _InSchema(base, namespace)
        for name in sorted(inspector.get_table_names()):
            if named(name, namespace) in ignore:
                continue
            table, found = _table(inspector, conn, dialect, name, named(name, namespace), named)
            tables.append(table)
            notes += found
        # Never silently gone: what the model has no place for is named, once each.
        notes += [Note(named(view, namespace), "a view", "not read: the entity format has no views")
                  for view in sorted(inspector.get_view_names())]
        notes += [Note(name, f"a {kind}", f"not read: the entity format has no {kind}s")
                  for kind, name in sorted(dialect.objects_beyond_tables(conn, namespace))]
    return Reflected(with_tables(Schema(), tables), tuple(notes))


class _InSchema:
    """The Inspector, asking about one schema (None: the default) in every call."""

    def __init__(self, inspector: Any, schema: str | None) -> None:
        self.inspector, self.schema = inspector, schema

    def __getattr__(self, name: str):
        method = getattr(self.inspector, name)
        return lambda *args, **kwargs: method(*args, schema=self.schema, **kwargs)


def _table(inspector: Any, conn: Any, dialect: Dialect, name: str, model_name: str, named) -> tuple[Table, list[str]]:
    """`model_name`: `name` as the model names it (`sales.orders`); `named(name, schema)` names a
    referenced table or a type so (None: in the default schema)."""
    checks = [ck for ck in inspector.get_check_constraints(name) if not dialect.is_implicit_check(ck)]
    enum_checks = {}
    if dialect.enum_values_check:  # SQLite: an enum is TEXT with a check of its values
        for ck in checks:
            found = _ENUM_CHECK.match(str(ck.get("sqltext", "")))
            if found and (ck.get("name") or "").startswith("ck_") and ck["name"].endswith("_values"):
                values = tuple(v.replace("''", "'") for v in _STRING.findall(found["values"]))
                enum_checks[found["column"]] = (ck["name"][3:-len("_values")], values)
        checks = [ck for ck in checks if _ENUM_CHECK.match(str(ck.get("sqltext", ""))) is None
                  or not (ck.get("name") or "").endswith("_values")]
    columns, notes = [], []
    collations = dialect.column_collations(conn, name, inspector.schema)
    for info in inspector.get_columns(name):
        type_name = (lambda column: lambda: dialect.type_name(conn, name, column, inspector.schema))(info["name"])
        ctype = _column_type(conn, dialect, info, enum_checks.get(info["name"]), type_name, named,
                             collations.get(info["name"]))
        domain = getattr(info["type"], "data_type", None) is not None  # PostgreSQL's DOMAIN
        if ctype is None and dialect.unknown_types_native and not domain:
            ctype = ColumnType(NATIVE_KIND, native=_native_text(conn, info, type_name))  # exactly, as `native:` says it
        elif ctype is None:
            ctype = _closest(conn, dialect, info)
            extra = " (a domain: its own checks are left out)" if domain else ""
            notes.append(Note(f"{model_name}.{info['name']}", f"type {_spelled_live(conn, dialect, info, type_name)}{extra}",
                              f"the format has no such type: read as {ctype.describe()}"))
        raw_default = dialect.reflected_default(info.get("default"))
        computed = info.get("computed")
        columns.append(Column(
            info["name"], ctype, nullable=bool(info["nullable"]),
            default=None if raw_default is None or computed else Default("sql", raw_default),
            autoincrement=dialect.reflected_autoincrement(conn, name, info),
            comment=info.get("comment") if dialect.supports_comments else None,
            identity_always=bool((info.get("identity") or {}).get("always")),
            generated=computed_expression(computed) if computed else None,
            stored=computed.get("persisted") is not False if computed else True))
    pk = inspector.get_pk_constraint(name)
    uniques = inspector.get_unique_constraints(name)
    unique_names = {u["name"] for u in uniques}
    indexes = []
    orders = dialect.index_orders(conn, name, inspector.schema)
    found = inspector.get_indexes(name)
    found += dialect.unreflected_indexes(conn, name, {ix["name"] for ix in found})
    for ix in found:
        if "duplicates_constraint" in ix or ix["name"] in unique_names:
            continue
        index = _index(ix, orders.get(ix["name"]))
        if index is None:
            notes.append(Note(model_name, f"index {ix['name']} with an expression before a column",
                              "left out: the format lists an index's columns before its expressions"))
            continue
        indexes.append(index)
    comment = inspector.get_table_comment(name).get("text") if dialect.supports_comments else None
    return Table(
        model_name, tuple(columns),
        primary_key=PrimaryKey(pk.get("name") or "", tuple(pk["constrained_columns"])) if pk.get("constrained_columns") else None,
        uniques=tuple(UniqueConstraint(u["name"], tuple(u["column_names"])) for u in uniques),
        indexes=tuple(sorted(indexes, key=lambda i: i.name)),
        foreign_keys=tuple(ForeignKey(fk["name"], tuple(fk["constrained_columns"]),
                                      named(fk["referred_table"], fk.get("referred_schema")),
                                      tuple(fk["referred_columns"]), _action(dialect, fk["options"].get("ondelete")),
                                      _action(dialect, fk["options"].get("onupdate")),
                                      bool(fk["options"].get("deferrable")),
                                      str(fk["options"].get("initially", "")).upper() == "DEFERRED")
                           for fk in inspector.get_foreign_keys(name)),
        checks=tuple(Check(ck["name"], str(ck["sqltext"])) for ck in checks),
        comment=comment), notes


def _index(ix: dict, orders: list[str] | None) -> Index | None:
    """An index as the Inspector reports it (`orders`: the dialect's own reading, where SQLAlchemy
    has none); None when an expression comes before a column, which the format cannot say."""
    names = ix["column_names"]
    keys = ix.get("expressions") or names
    width = next((i for i, c in enumerate(names) if c is None), len(names))
    if any(c is not None for c in names[width:]):
        return None
    sorting = ix.get("column_sorting") or {}
    column_orders = [" ".join(sorting.get(k, ())).replace("_", " ") for k in keys[:width]]
    if orders is not None and not sorting and len(orders) == len(names):
        column_orders = orders[:width]
    options = ix.get("dialect_options", {})
    method = options.get("postgresql_using")
    return Index(ix["name"], tuple(names[:width]), bool(ix["unique"]), where_of(ix),
                 method if method != "btree" else None, tuple(column_orders) if any(column_orders) else (),
                 tuple(keys[width:]), tuple(options.get("postgresql_include") or ()))


def _spelled_live(conn: Any, dialect: Dialect, info: dict, type_name=None) -> str:
    """`type_name`: the server's name of the column's type, asked when SQLAlchemy does not know it (xml)."""
    return reported_type(dialect, conn.dialect, info["type"], type_name)


def _column_type(conn: Any, dialect: Dialect, info: dict, enum_check, type_name=None,
                 named=lambda name, schema: name, collation: str | None = None) -> ColumnType | None:
    """`collation`: the column's, where the reflected type does not carry it (SQLite)."""
    sa_type = info["type"]
    items = getattr(sa_type, "item_type", None)  # an ARRAY: of a PostgreSQL enum type, maybe
    enum_type = items if getattr(items, "enums", None) else sa_type
    values = getattr(enum_type, "enums", None)
    if values:  # PostgreSQL's named type (in a schema of its own, maybe), MySQL's ENUM(...)
        enum_name = getattr(enum_type, "name", None)
        enum_name = named(enum_name, getattr(enum_type, "schema", None)) if enum_name else None
        return ColumnType("enum", values=tuple(values), enum_name=enum_name, array=enum_type is items)
    if enum_check is not None:
        enum_name, values = enum_check
        return ColumnType("enum", values=values, enum_name=enum_name)
    spelled = _spelled_live(conn, dialect, info, type_name)
    # the type's own collation, in its own case (PostgreSQL's "en_US"), where the dialect's spelling
    # keeps one (MySQL's JSON is LONGTEXT COLLATE utf8mb4_bin, spelled JSON)
    own = getattr(sa_type, "collation", None) if " COLLATE " in spelled else None
    collation = own or collation
    reported = collated(spelled, collation)
    base = reported.split(" COLLATE ", 1)[0]
    numbers = [int(n) for n in re.findall(r"\d+", base)]
    array = base.endswith("[]") and dialect.arrays
    for kind in _KINDS:
        for candidate in _candidates(kind, numbers):
            candidate = replace(candidate, array=array, collation=collation)
            try:
                if spelled_type(dialect, candidate) == reported:
                    return candidate
            except (KeyError, TypeError):
                continue
    return None


def _native_text(conn: Any, info: dict, type_name) -> str:
    """A type the format has no name for, as the database names it (lower case unless it holds a
    literal or a quoted name: MySQL's SET('a','b'), a COLLATE "C")."""
    import sqlalchemy as sa

    sa_type = info["type"]
    text = type_name() if isinstance(sa_type, sa.types.NullType) else str(sa_type.compile(dialect=conn.dialect))
    return text if "'" in text or '"' in text else text.lower()


def _closest(conn: Any, dialect: Dialect, info: dict) -> ColumnType:
    """The logical type nearest a type the format has no name for: a domain's base type, else by
    SQLAlchemy's generic type it belongs to (CHAR(4) is a string(4)), else text."""
    import sqlalchemy as sa

    sa_type = info["type"]
    base = getattr(sa_type, "data_type", None)  # PostgreSQL's DOMAIN
    if base is not None:
        found = _column_type(conn, dialect, {**info, "type": base}, None)
        if found is not None:
            return found
    if isinstance(sa_type, sa.String) and not isinstance(sa_type, sa.Text) and sa_type.length:
        return ColumnType("string", length=sa_type.length)
    return ColumnType("text")


def _candidates(kind: str, numbers: list[int]) -> list[ColumnType]:
    found = [ColumnType(kind), ColumnType(kind, timezone=True), ColumnType(kind, unsigned=True)]
    if numbers:
        found.append(ColumnType(kind, length=numbers[0]))
        found.append(ColumnType(kind, precision=numbers[0], scale=numbers[1] if len(numbers) > 1 else 0))
    return found


def _action(dialect: Dialect, action: str | None) -> str | None:
    reported = reported_action(dialect, action)
    for name in FK_ACTIONS:
        if name != "no_action" and spelled_action(dialect, name) == reported:
            return name
    return None  # NO ACTION, the database's default


# -- the wanted schema's spelling wherever the database holds the same ---------------------------------

def aligned(live: Schema, want: Schema, dialect: Dialect) -> Schema:
    """`live`, with each table, column and constraint that the database holds just as `want` says
    replaced by `want`'s own object, so that only real differences are left for the differ."""
    wanted = {t.name: t for t in want.tables}
    return with_tables(live, [_aligned_table(t, wanted[t.name], dialect) if t.name in wanted else t
                              for t in live.tables])


def _aligned_table(live: Table, want: Table, dialect: Dialect) -> Table:
    want_columns = {c.name: c for c in want.columns}
    columns = tuple(_aligned_column(c, want_columns[c.name], dialect) if c.name in want_columns else c
                    for c in live.columns)
    if [c.name for c in columns] != [c.name for c in want.columns] and {c.name for c in columns} == set(want_columns):
        order = [c.name for c in want.columns]
        columns = tuple(sorted(columns, key=lambda c: order.index(c.name)))  # the order is not drift
    primary_key = live.primary_key
    if primary_key and want.primary_key and primary_key.columns == want.primary_key.columns:
        primary_key = want.primary_key  # SQLite and MySQL keep no name of their own for it
    uniques, indexes = list(live.uniques), list(live.indexes)
    if dialect.unique_index_is_constraint:  # MySQL: a unique index is reported as a unique constraint
        unique_indexes = {i.name: i for i in want.indexes if i.unique}
        indexes += [Index(u.name, u.columns, True) for u in uniques if u.name in unique_indexes]
        uniques = [u for u in uniques if u.name not in unique_indexes]
    return replace(
        live, columns=columns, primary_key=primary_key,
        uniques=tuple(_same(u, want.uniques, lambda a, b: a.columns == b.columns) for u in uniques),
        indexes=tuple(_same(i, want.indexes, lambda a, b: index_key(a) == index_key(b)) for i in indexes),
        foreign_keys=tuple(_same(f, want.foreign_keys, lambda a, b: _fk_key(a, dialect) == _fk_key(b, dialect))
                           for f in live.foreign_keys),
        checks=tuple(_same(c, want.checks, lambda a, b: _expr(a.expr) == _expr(b.expr)) for c in live.checks),
        comment=live.comment if dialect.supports_comments else want.comment,
        external=want.external, entity=want.entity)


def _same(live, wanted, equal):
    """`wanted`'s object of the same name when `equal` says the database holds just that, else `live`'s.
    Without a name of its own (SQLite's unnamed constraints) the first equal one is the same."""
    if not live.name:
        return next((w for w in wanted if equal(live, w)), live)
    match = next((w for w in wanted if w.name == live.name), None)
    return match if match is not None and equal(live, match) else live


def _aligned_column(live: Column, want: Column, dialect: Dialect) -> Column:
    ctype = live.type
    if want.type.kind == "enum" or ctype.kind == "enum":
        if ctype.kind == want.type.kind == "enum" and ctype.values == want.type.values and (
                not dialect.native_enums or ctype.enum_name == want.type.enum_name):
            ctype = want.type
    elif spelled_type(dialect, ctype) == spelled_type(dialect, want.type):
        ctype = want.type
    default = live.default
    if spelled_default(dialect, want) == norm_sql(
            None if live.default is None else str(live.default.value)):
        default = want.default
    comment = live.comment if dialect.supports_comments else want.comment
    generated, stored = live.generated, live.stored
    if (generated is not None and want.generated is not None and stored == want.stored
            and generated_text(dialect, generated) == generated_text(dialect, want.generated)):
        generated = want.generated  # the server's spelling of the same expression
    return replace(live, type=ctype, default=default, comment=comment, generated=generated, stored=stored)


def _fk_key(fk: ForeignKey, dialect: Dialect) -> tuple:
    return (fk.columns, fk.ref_table, fk.ref_columns, spelled_action(dialect, fk.on_delete),
            spelled_action(dialect, fk.on_update), fk.deferrable, fk.initially_deferred)


def _expr(sql: str) -> str | None:
    """A check's text as PostgreSQL, SQLite and MySQL all give it back: `x = ANY (ARRAY[...])` is
    `x IN (...)`, backquotes and casts go (live.norm_sql)."""
    text = norm_sql(sql.replace("`", "")) or ""
    return re.sub(r"=anyarray\[([^\]]*)\]", r"in\1", text)
