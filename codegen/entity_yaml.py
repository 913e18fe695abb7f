"""Entity files for a schema read from a database: the loader's inverse, for `codegen import`.

The entities are written so that the loader reads them back into the schema the database
holds: names kept where the format can say them (`table:`, `schema:`, an index's `name:`, a
foreign key's `name:`), `index: false` where a foreign key has no index, defaults in the
format's words when they spell back to what the database reports, `{sql: ...}` otherwise.
What the format cannot say (a primary key's or a unique constraint's own name, a type it
lacks on SQLite) is written in its closest form and reported, one `reflect.Note` each.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace

from codegen import naming
from codegen.dialects.base import NOW, Dialect
from codegen.live import norm_sql, spelled_default
from codegen.model import Column, Default, ForeignKey, Schema, Table
from codegen.reflect import Note

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Text YAML reads back as the same string when written plain, in block and flow context alike.
_PLAIN_TEXT = re.compile(r"^[A-Za-z][A-Za-z0-9 _./()-]*[A-Za-z0-9_.)]$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def entity_files(schema: Schema, dialect: Dialect, read: tuple[Note, ...] = (), shared_enums: bool = False
                 ) -> tuple[dict[str, str], list[Note], dict[str, tuple[str, ...]]]:
    """One entity file per table, by file name, the notes on what they say differently (`read`:
    reflect's, on what the model could not hold, first), and the enum types several columns use,
    for codegen.yaml `enums:` (`shared_enums`: when the import writes codegen.yaml)."""
    from codegen.render import _environment
    from codegen.resources import template_root

    notes = list(read)
    # named after the table without its schema, unless two tables share that name
    bare_names = Counter(naming.bare(t.name) for t in schema.tables)
    entities = {t.name: _entity_name(naming.bare(t.name) if bare_names[naming.bare(t.name)] == 1 else t.name)
                for t in schema.tables}
    # MySQL and SQLite name indexes per table; the format names them per schema, as PostgreSQL does.
    used = Counter(ix.name for t in schema.tables for ix in t.indexes)
    shared = {name for name, count in used.items() if count > 1}
    # a type one column uses is that column's `enum_type:`; one several use (in the default
    # schema, where shared enums live) is declared once in codegen.yaml `enums:`
    enum_uses = Counter(c.type.enum_name for t in schema.tables for c in t.columns if c.type.kind == "enum")
    enums = {c.type.enum_name: c.type.values for t in schema.tables for c in t.columns
             if shared_enums and dialect.native_enums and c.type.kind == "enum" and enum_uses[c.type.enum_name] > 1
             and "." not in c.type.enum_name}
    template = _environment([template_root() / "import"]).get_template("entity.yaml.j2")
    files = {}
    for table in schema.tables:
        files[f"{table.name}.yaml"] = template.render(
            e=_entity(table, schema, entities, dialect, notes, shared, enum_uses, enums))
    return files, notes, dict(sorted(enums.items()))


def _entity_name(table: str) -> str:
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", table) if part)
    return name if _PLAIN.match(name) else "T" + name


def _entity(table: Table, schema: Schema, entities: dict[str, str], dialect: Dialect, notes: list[Note],
            shared: set[str], enum_uses: Counter, enums: dict) -> dict:
    limit = dialect.max_identifier_length
    name = table.name
    pk = table.primary_key.columns if table.primary_key else ()
    if table.primary_key and table.primary_key.name not in (naming.primary_key(name, limit), "", "PRIMARY"):
        notes.append(Note(name, f"primary key named {table.primary_key.name}",
                          f"the format names it {naming.primary_key(name, limit)}"))
    single_uniques = {u.columns[0] for u in table.uniques if len(u.columns) == 1}
    for u in table.uniques:
        if u.name != naming.unique(name, u.columns, limit):
            notes.append(Note(name, f"unique constraint named {u.name}",
                              f"the format names it {naming.unique(name, u.columns, limit)}"))
    indexed = [i.columns for i in table.indexes] + [u.columns for u in table.uniques] + ([pk] if pk else [])
    field_fks, entity_fks, no_index = {}, [], set()
    for fk in table.foreign_keys:
        if fk.name is None:  # SQLite keeps no name for a foreign key declared without one
            fk = replace(fk, name=naming.foreign_key(name, fk.columns, fk.ref_table, limit))
            notes.append(Note(name, f"a foreign key without a name on ({', '.join(fk.columns)})",
                              f"the format names it {fk.name}"))
        target = schema.table(fk.ref_table)
        if not any(cols[: len(fk.columns)] == fk.columns for cols in indexed):
            no_index |= set(fk.columns)
        generated = naming.foreign_key(name, fk.columns, fk.ref_table, limit)
        if len(fk.columns) == 1 and fk.name == generated and target is not None:
            field_fks[fk.columns[0]] = _reference(fk, target, entities)
        else:
            entity_fks.append(fk)
    fields = []
    for column in table.columns:
        if (column.default is not None and pk == (column.name,) and column.type.kind in ("smallint", "integer", "bigint")
                and dialect.is_sequence_default(str(column.default.value))):
            notes.append(Note(f"{name}.{column.name}", f"a sequence default ({column.default.value})",
                              "written as `autoincrement: true`, an identity column"))
            column = replace(column, default=None, autoincrement=True)
        if column.name in pk and column.nullable:  # SQLite lets a key column hold NULL unless told
            notes.append(Note(f"{name}.{column.name}", "a primary key column that may be NULL",
                              "the format makes every key column NOT NULL"))
            column = replace(column, nullable=False)
        fields.append((_scalar(column.name), _field(column, table, pk, single_uniques, field_fks.get(column.name),
                                           column.name in no_index, dialect, notes, enum_uses, enums)))
    indexes = []
    for ix in table.indexes:
        if _automatic(ix, table, limit):
            continue  # the loader adds it for its foreign key by itself
        keyed = [f"{c} {o}" if o else c for c, o in zip(ix.columns, ix.column_orders)]
        parts = [f"columns: {flow_list(keyed)}"] if keyed else []
        if ix.expressions:
            parts.append(f"expressions: {flow_list(ix.expressions)}")
        generated = naming.index(name, ix.columns, limit, ix.expressions)
        if ix.name in shared:
            notes.append(Note(name, f"index named {ix.name}, as an index of another table is",
                              f"the format names it {generated}"))
        elif ix.name != generated:
            parts.append(f"name: {_scalar(ix.name)}")
        if ix.unique:
            parts.append("unique: true")
        if ix.where:
            parts.append(f"where: {_scalar(_unwrapped(ix.where))}")
        if ix.method:
            parts.append(f"method: {ix.method}")
        if ix.include:
            parts.append(f"include: {flow_list(ix.include)}")
        indexes.append("{" + ", ".join(parts) + "}")
    checks = []
    prefix = f"ck_{naming.bare(name)}_"
    for ck in table.checks:
        short = ck.name[len(prefix):] if ck.name.startswith(prefix) else ck.name
        if naming.check(name, short, limit) != ck.name:
            notes.append(Note(name, f"check named {ck.name}", f"the format names it {naming.check(name, short, limit)}"))
        checks.append(f"{{name: {_scalar(short)}, expr: {_scalar(_unwrapped(ck.expr))}}}")
    return {
        "entity": entities[name],
        "table": naming.bare(name) if naming.snake_case(entities[name]) != naming.bare(name) else None,
        "schema": naming.split(name)[0],
        "description": _scalar(table.comment) if table.comment is not None else None,
        "primary_key": flow_list(pk) if len(pk) > 1 else None,
        "fields": fields,
        "unique": [flow_list(u.columns) for u in table.uniques if len(u.columns) > 1],  # one column: `unique: true`
        "indexes": indexes,
        "foreign_keys": [_foreign_key(fk, schema, entities) for fk in entity_fks],
        "checks": checks,
    }


def _automatic(ix, table: Table, limit: int | None) -> bool:
    """The index the loader gives a foreign key by itself (loader/references.automatic_indexes)."""
    if ix.unique or ix.where or ix.name != naming.index(table.name, ix.columns, limit):
        return False
    if not any(fk.columns == ix.columns for fk in table.foreign_keys):
        return False
    others = [i.columns for i in table.indexes if i is not ix] + [u.columns for u in table.uniques]
    if table.primary_key:
        others.append(table.primary_key.columns)
    return not any(cols[: len(ix.columns)] == ix.columns for cols in others)


def _reference(fk: ForeignKey, target: Table, entities: dict[str, str]) -> list[str]:
    ref = entities[target.name]
    if not (target.primary_key and target.primary_key.columns == fk.ref_columns):
        ref += f".{fk.ref_columns[0]}"
    parts = [f"references: {ref}"]
    parts += [f"{key}: {value}" for key, value in (("on_delete", fk.on_delete), ("on_update", fk.on_update)) if value]
    return parts + _deferrable(fk)


def _deferrable(fk: ForeignKey) -> list[str]:
    if not fk.deferrable:
        return []
    return [f"deferrable: {'initially_deferred' if fk.initially_deferred else 'true'}"]


def _foreign_key(fk: ForeignKey, schema: Schema, entities: dict[str, str]) -> str:
    parts = [f"columns: {flow_list(fk.columns)}", f"references: {entities.get(fk.ref_table, fk.ref_table)}",
             f"ref_columns: {flow_list(fk.ref_columns)}", f"name: {_scalar(fk.name)}"]
    parts += [f"{key}: {value}" for key, value in (("on_delete", fk.on_delete), ("on_update", fk.on_update)) if value]
    return "{" + ", ".join(parts + _deferrable(fk)) + "}"


def _field(column: Column, table: Table, pk: tuple[str, ...], single_uniques: set[str], reference: list[str] | None,
           no_index: bool, dialect: Dialect, notes: list[Note], enum_uses: Counter, enums: dict) -> str:
    t = column.type
    if t.native is not None:
        parts = [f"native: {{{dialect.name}: {_scalar(t.native)}}}"]
    else:
        parts = ["type: array", f"items: {t.kind}"] if t.array else [f"type: {t.kind}"]
    if t.length is not None:
        parts.append(f"length: {t.length}")
    if t.precision is not None:
        parts += [f"precision: {t.precision}", f"scale: {t.scale or 0}"]
    if t.timezone:
        parts.append("timezone: true")
    if t.unsigned:
        parts.append("unsigned: true")
    if t.collation is not None:
        parts.append(f"collation: {_scalar(t.collation)}")
    if t.kind == "enum" and t.enum_name in enums:
        parts.append(f"enum: {t.enum_name}")  # codegen.yaml `enums:` holds its values
    elif t.kind == "enum":
        parts.append(f"values: {flow_list(t.values)}")
        derived = naming.enum_type(table.name, column.name, dialect.max_identifier_length)
        if dialect.native_enums and t.enum_name and t.enum_name != derived:
            if enum_uses[t.enum_name] == 1 and naming.split(t.enum_name)[0] == naming.split(table.name)[0]:
                parts.append(f"enum_type: {naming.bare(t.enum_name)}")
            elif enum_uses[t.enum_name] > 1:  # an import into an existing codegen.yaml, or a type in a schema
                notes.append(Note(f"{table.name}.{column.name}", f"enum type {t.enum_name}, which other columns use too",
                                  f"the format names it {derived}; declare it once in codegen.yaml `enums:` "
                                  "and write `enum: <name>` on each field to keep one type"))
            else:
                notes.append(Note(f"{table.name}.{column.name}", f"enum type {t.enum_name}, in another schema",
                                  f"the format keeps a column's type in its table's schema, named {derived}"))
    if column.nullable:
        parts.append("nullable: true")
    if len(pk) == 1 and pk[0] == column.name:
        parts.append("primary_key: true")
    if column.autoincrement:
        parts.append("autoincrement: true")
        if column.identity_always:
            parts.append("identity: always")
    if column.generated is not None:
        parts.append(f"generated: {_scalar(column.generated)}")
        if not column.stored:
            parts.append("stored: false")
    if column.name in single_uniques:
        parts.append("unique: true")
    default = _default(column, dialect)
    if default is not None and not column.autoincrement:
        parts.append(f"default: {default}")
    parts += reference or []
    if no_index:  # a foreign key on it, field-level or not, and no index: the loader must not add one
        parts.append("index: false")
    if column.comment is not None:
        parts.append(f"comment: {_scalar(column.comment)}")
    shorthand = t.native is None and not t.array and t.collation is None  # `name: text?` says the type only
    if shorthand and (len(parts) == 1 or (len(parts) == 2 and parts[1] == "nullable: true" and _PLAIN.match(t.kind))):
        return t.kind + ("?" if column.nullable else "")
    return "{" + ", ".join(parts) + "}"


def _default(column: Column, dialect: Dialect) -> str | None:
    """The default in the format's words when it spells back to what the database reports."""
    if column.default is None:
        return None
    raw = str(column.default.value)  # as reflect.py read it, dialect.reflected_default already applied
    reported = norm_sql(raw)
    candidates: list[tuple[Default, str]] = []
    if column.type.kind in NOW:
        candidates.append((Default("now"), "now"))
    literal = _literal(raw, column) if not column.type.array else None  # an array's default is `{sql: ...}`
    if literal is not None:
        candidates.append((Default("literal", literal), _scalar(literal) if not isinstance(literal, bool)
                           else ("true" if literal else "false")))
    for default, text in candidates:
        if spelled_default(dialect, replace(column, default=default)) == reported:
            return text
    return f"{{sql: {_scalar(raw)}}}"


def _literal(raw: str, column: Column):
    text = re.sub(r"::[\w .\[\]\"]+$", "", raw.strip())
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if column.type.kind == "boolean":
        return {"true": True, "false": False, "1": True, "0": False, "'1'": True, "'0'": False}.get(text.lower())
    if len(text) >= 2 and text[0] == text[-1] == "'":
        value = text[1:-1].replace("''", "'")
        if column.type.kind in ("smallint", "integer", "bigint", "decimal", "float"):
            return _number(value)
        return value
    return _number(text)


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def _unwrapped(expr: str) -> str:
    """A check or an index predicate as the database gives it back, without the one pair of
    parentheses around it all."""
    text = expr.strip()
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, char in enumerate(text):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and i < len(text) - 1:
                return text
        return text[1:-1].strip()
    return text


def flow_list(items) -> str:
    return "[" + ", ".join(_scalar(i) for i in items) + "]"


def _scalar(value) -> str:
    """A YAML scalar a person would write: plain when YAML reads it back as the same string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if (_PLAIN.match(text) or (_PLAIN_TEXT.match(text) and "  " not in text)) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)
