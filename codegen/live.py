"""Compare a live database with the model, through SQLAlchemy's Inspector.

Both sides are brought to one plain, normalized shape (`LiveSchema`): what
the model says the database should hold once a dialect has spelled it, and
what the database reports. Equal shapes mean the migrations did what the
snapshot claims. Used by the test suite now and by `verify` later; SQLAlchemy
is imported only here, only when a database is involved.
"""

from __future__ import annotations

import re
from typing import Any

from codegen.dialects.base import Dialect
from codegen.model import Schema
from codegen.naming import listed, reflected

LiveSchema = dict[str, Any]  # {"tables": {name: {...}}, "enums": {name: [values]}}


def expected(schema: Schema, dialect: Dialect) -> LiveSchema:
    """What `schema` looks like in a database of `dialect`, in the normalized shape."""
    tables = {}
    for t in schema.managed_tables:
        columns = {
            c.name: {
                "type": spelled_type(dialect, c.type),
                "nullable": c.nullable,
                "default": spelled_default(dialect, c),
                "identity": _identity(c.autoincrement, c.identity_always) if dialect.identity_columns else None,
                "generated": (generated_text(dialect, c.generated), c.stored) if c.generated is not None else None,
            }
            for c in t.columns
        }
        checks = {ck.name for ck in t.checks}
        if dialect.enum_values_check:
            checks |= {dialect.enum_check_name(c.type.enum_name) for c in t.columns if c.type.kind == "enum"}  # type: ignore[attr-defined]
        tables[t.name] = {
            "columns": columns,
            "primary_key": list(t.primary_key.columns) if t.primary_key else [],
            "foreign_keys": sorted(
                (fk.name, list(fk.columns), fk.ref_table, list(fk.ref_columns),
                 spelled_action(dialect, fk.on_delete), spelled_action(dialect, fk.on_update),
                 _deferral(fk.deferrable, fk.initially_deferred))
                for fk in t.foreign_keys),
            "uniques": sorted([(u.name, list(u.columns)) for u in t.uniques] + [
                (i.name, list(i.columns)) for i in t.indexes if i.unique and dialect.unique_index_is_constraint]),
            "indexes": sorted((i.name, *index_key(i)) for i in t.indexes
                              if not (i.unique and dialect.unique_index_is_constraint)),
            "checks": sorted(checks),
        }
        if dialect.supports_comments:
            tables[t.name]["comment"] = t.comment
            tables[t.name]["column_comments"] = {c.name: c.comment for c in t.columns if c.comment is not None}
    enums = {e.name: list(e.values) for e in schema.enums} if dialect.native_enums else {}
    return {"tables": tables, "enums": enums}


def open_engine(dialect: Dialect, url: str, **options: Any) -> Any:
    """A SQLAlchemy engine for a URL the user gave. A URL SQLAlchemy cannot read, one that names
    another kind of database, or a driver that is not installed is the user's to fix (exit 2)."""
    import sqlalchemy as sa

    from codegen.errors import UserError

    try:
        engine = sa.create_engine(dialect.engine_url(url), **options)
    except (ImportError, sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        extra = f"install the driver: pip install 'codegen[{dialect.driver_extra}]', and pass" if dialect.driver_extra \
            else "pass"
        raise UserError.at("--db", f"cannot use {url!r}: {exc}", f"{extra} a {dialect.name}:// URL") from None
    if engine.dialect.name not in dialect.sqlalchemy_names:
        engine.dispose()
        raise UserError.at("--db", f"{url!r} is a {engine.dialect.name} database, but codegen.yaml says "
                           f"`dialect: {dialect.name}`", f"pass a {dialect.name}:// URL")
    return engine


def reflect(engine: Any, dialect: Dialect, schema: str | None = None, ignore: tuple[str, ...] = (),
            schemas: tuple[str, ...] = ()) -> LiveSchema:
    """The live database in the normalized shape; tables named in `ignore` are left out.

    `schema` is the default one (None: the connection's); the tables of each of `schemas`
    (entities' `schema:`) are read too, named `schema.table` as the model names them."""
    import sqlalchemy as sa

    inspector = sa.inspect(engine)
    default = schema or inspector.default_schema_name

    def named(name: str, in_schema: str | None) -> str:
        return reflected(name, in_schema, default)

    tables, enums = {}, {}
    for namespace in (schema, *(s for s in schemas if s != default)):
        for name in sorted(inspector.get_table_names(schema=namespace)):
            if named(name, namespace) not in ignore:
                tables[named(name, namespace)] = _reflect_table(inspector, engine, dialect, name, namespace, named)
        if dialect.native_enums:
            enums.update({named(e["name"], namespace): list(e["labels"])
                          for e in inspector.get_enums(schema=namespace or inspector.default_schema_name)})
    return {"tables": tables, "enums": enums}


def _reflect_table(inspector, engine, dialect: Dialect, name: str, schema: str | None, named) -> dict[str, Any]:
    columns = {}
    collations = dialect.column_collations(engine, name, schema)
    for col in inspector.get_columns(name, schema=schema):
        columns[col["name"]] = {
            "type": collated(reported_type(dialect, engine.dialect, col["type"],
                                           lambda: dialect.type_name(engine, name, col["name"], schema)),
                             collations.get(col["name"])),
            "nullable": bool(col["nullable"]),
            "default": norm_sql(dialect.reflected_default(col["default"])),
            "identity": _identity(col.get("identity") is not None, (col.get("identity") or {}).get("always"))
            if dialect.identity_columns else None,
            "generated": _reported_generated(dialect, col.get("computed")),
        }
    pk = inspector.get_pk_constraint(name, schema=schema)
    uniques = inspector.get_unique_constraints(name, schema=schema)
    orders = dialect.index_orders(engine, name, schema)
    unique_names = {u["name"] for u in uniques}
    table: dict[str, Any] = {
        "columns": columns,
        "primary_key": list(pk.get("constrained_columns") or []),
        "foreign_keys": sorted(
            (fk["name"], list(fk["constrained_columns"]),
             named(fk["referred_table"], fk.get("referred_schema")), list(fk["referred_columns"]),
             reported_action(dialect, fk["options"].get("ondelete")),
             reported_action(dialect, fk["options"].get("onupdate")),
             _deferral(bool(fk["options"].get("deferrable")),
                       str(fk["options"].get("initially", "")).upper() == "DEFERRED"))
            for fk in inspector.get_foreign_keys(name, schema=schema)),
        "uniques": sorted((u["name"], list(u["column_names"])) for u in uniques),
        "indexes": sorted(
            (ix["name"], *_reported_keys(ix, orders.get(ix["name"])), bool(ix["unique"]), norm_sql(where_of(ix)),
             _reported_method(ix), list(ix.get("dialect_options", {}).get("postgresql_include") or []))
            for ix in _all_indexes(inspector, engine, dialect, name, schema)
            # a unique constraint's own index (MySQL reports each unique constraint as both)
            if "duplicates_constraint" not in ix and ix["name"] not in unique_names),
        "checks": sorted(ck["name"] for ck in inspector.get_check_constraints(name, schema=schema)
                         if not dialect.is_implicit_check(ck)),
    }
    if dialect.supports_comments:
        table["comment"] = inspector.get_table_comment(name, schema=schema).get("text")
        table["column_comments"] = {
            c["name"]: c["comment"] for c in inspector.get_columns(name, schema=schema) if c.get("comment") is not None}
    return table


def differences(want: LiveSchema, have: LiveSchema) -> list[str]:
    """Readable lines, one per place where the live database and the model disagree."""
    out: list[str] = []
    _walk(want, have, "", out)
    return out


def _walk(want: Any, have: Any, path: str, out: list[str]) -> None:
    if isinstance(want, dict) and isinstance(have, dict):
        for key in sorted(set(want) | set(have)):
            where = f"{path}.{key}" if path else str(key)
            if key not in have:
                out.append(f"{where}: missing in the database (expected {want[key]!r})")
            elif key not in want:
                out.append(f"{where}: in the database but not in the model ({have[key]!r})")
            else:
                _walk(want[key], have[key], where, out)
    elif want != have:
        out.append(f"{path}: expected {want!r}, found {have!r}")


def _all_indexes(inspector, engine, dialect: Dialect, table: str, schema: str | None) -> list[dict]:
    indexes = inspector.get_indexes(table, schema=schema)
    return indexes + dialect.unreflected_indexes(engine, table, {ix["name"] for ix in indexes})


def _identity(autoincrement: bool, always: bool | None) -> str | bool:
    return ("always" if always else "by default") if autoincrement else False


def _deferral(deferrable: bool, initially_deferred: bool) -> str:
    return "initially deferred" if initially_deferred else "deferrable" if deferrable else "immediate"


def generated_text(dialect: Dialect, sql: str | None) -> str | None:
    """A generated column's expression in the form both sides are compared in."""
    # MariaDB keeps its own rewrite of the expression (lower -> lcase): there only presence and storage compare
    return norm_sql(sql) if dialect.generated_text_kept else "generated"


def _reported_generated(dialect: Dialect, computed: dict | None) -> tuple[str | None, bool] | None:
    if computed is None:
        return None
    return generated_text(dialect, computed_expression(computed)), computed.get("persisted") is not False


def computed_expression(computed: dict) -> str:
    """A generated column's expression as SQLAlchemy reports it, cut where its parentheses close.

    On SQLite SQLAlchemy finds it in the table's CREATE TABLE text with a greedy pattern, which
    runs on to the last parenthesis of the text when another column follows (one added later,
    with a CHECK): `id * 2) STORED, c5 TEXT CHECK (c5 IN ('a'`.
    """
    return ", ".join(listed("(" + str(computed.get("sqltext") or "")))


def _norm_order(order: str) -> str:
    """An index key's order as the database keeps it: ASC NULLS LAST and DESC NULLS FIRST are the defaults."""
    words = order.lower().split()
    descending = "desc" in words
    nulls = words[-1] if "nulls" in words else None
    if nulls == ("first" if descending else "last"):
        nulls = None
    return " ".join((["desc"] if descending else []) + ([f"nulls {nulls}"] if nulls else []))


def index_key(ix) -> tuple:
    """What the database keeps of a model's index, in the normalized form (the name aside)."""
    return ([*ix.columns, *(norm_sql(e) for e in ix.expressions)],
            [_norm_order(o) for o in ix.column_orders] + [""] * len(ix.expressions),
            bool(ix.unique), norm_sql(ix.where), ix.method, list(ix.include))


def _reported_keys(ix: dict, orders: list[str] | None) -> tuple[list[str], list[str]]:
    """`orders`: the dialect's own reading (index_orders), where SQLAlchemy has no column_sorting."""
    raw = ix.get("expressions") or ix["column_names"]
    keys = [c if c is not None else norm_sql(e) for c, e in zip(ix["column_names"], raw)]
    if orders is not None and "column_sorting" not in ix and len(orders) == len(keys):
        return keys, orders
    sorting = ix.get("column_sorting") or {}
    return keys, [_norm_order(" ".join(sorting.get(k, ())).replace("_", " ")) for k in raw]


def _reported_method(ix: dict) -> str | None:
    method = ix.get("dialect_options", {}).get("postgresql_using")
    return None if method in (None, "btree") else method


def where_of(ix: dict) -> Any:
    options = ix.get("dialect_options", {})
    clause = options.get("postgresql_where", options.get("sqlite_where"))
    return None if clause is None else str(clause)


# Each pair: how the model's object reads once the dialect spelled it, and how the database
# reports it, in one normalized form (verify, drift and import compare the two).

def spelled_type(dialect: Dialect, ctype) -> str:
    return norm_type(dialect.expected_type(dialect.type_sql(ctype)))


def reported_type(dialect: Dialect, sa_dialect: Any, sa_type: Any, type_name=None) -> str:
    """`type_name`: asks the database for the type's name, for a type SQLAlchemy does not know (xml)."""
    import sqlalchemy as sa

    if isinstance(sa_type, sa.types.NullType) and type_name is not None:
        return dialect.reflected_type(norm_type(type_name()))
    return dialect.reflected_type(norm_type(str(sa_type.compile(dialect=sa_dialect))))


def collated(reported: str, collation: str | None) -> str:
    """A reported type with the collation the dialect read apart from it (SQLite's)."""
    return f"{reported} COLLATE {norm_type(collation)}" if collation and " COLLATE " not in reported else reported


def spelled_default(dialect: Dialect, column) -> str | None:
    return norm_sql(dialect.expected_default(dialect.default_sql(column)))


def spelled_action(dialect: Dialect, action: str | None) -> str:
    return dialect.reflected_fk_action(norm_action(dialect.fk_action(action)))


def reported_action(dialect: Dialect, action: str | None) -> str:
    return dialect.reflected_fk_action(norm_action(action))


def norm_type(sql: str) -> str:
    sql = sql.upper().replace('"', "")
    sql = re.sub(r"\b\w+\.(?=\w)", "", sql)  # schema-qualified enum names
    sql = sql.replace(" WITHOUT TIME ZONE", "")
    return " ".join(sql.split())


def norm_sql(sql: str | None) -> str | None:
    """Loose form of a default or predicate: casts, parentheses, case and spaces removed."""
    if sql is None:
        return None
    text = str(sql).lower()
    text = re.sub(r"::[\w.]+(\s+(varying|precision))?(\s+with(out)?\s+time\s+zone)?(\[\])?", "", text)
    text = re.sub(r"'(-?\d+(\.\d+)?)'", r"\1", text)  # PostgreSQL shows some numbers quoted: '-3'::integer
    text = re.sub(r"[()\s\"`]", "", text)
    return text


def norm_action(action: str | None) -> str:
    return (action or "NO ACTION").upper()
