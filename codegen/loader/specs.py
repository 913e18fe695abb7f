"""The entity format as validated, in plain objects: what `resolve` reads.

The pydantic models in format.py define the format (and `codegen schema`'s JSON
Schema) and word every error. Importing pydantic and building its models was a
fifth of a `generate` at 1,000 tables, and validating with them a seventh at
10,000, so the shapes entity files are nearly always written in are
checked here first, by hand: `entity(data)` returns the definition when it is
sure pydantic would accept `data` as it is, and None otherwise. Then, and only
then, the pydantic models decide (`from_model` turns their result into the same
plain objects). tests/test_specs.py holds this module to the models: the same
defaults, and for generated data, None or exactly what pydantic builds.
"""

from __future__ import annotations

import re
from typing import Any

from codegen.model import FK_ACTIONS, INDEX_METHODS

_SHORTHAND = re.compile(r"[a-z]+\??")
_SCALARS = (bool, int, float, str, type(None))


class Definition:
    """Attributes named as the format's keys: those written in the instance, the defaults
    in the class (lists that were not written are empty tuples). `given` is the keys written.
    """

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    @property
    def given(self):
        return self.__dict__.keys()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class SqlDefaultDef(Definition):
    sql: str


class FieldDef(Definition):
    nullable = primary_key = autoincrement = unique = searchable = timezone = truncate = unsigned = False
    deferrable = False
    index = stored = True
    type = default = references = on_delete = on_update = length = precision = scale = values = comment = None
    renamed_from = backfill = items = native = identity = enum_type = generated = collation = enum = None

    @classmethod
    def shorthand(cls, written: str) -> "FieldDef":
        """`name: string` or `nickname: string?`."""
        return cls({"type": written.rstrip("?"), "nullable": written.endswith("?")})


class IndexDef(Definition):
    unique = False
    name = where = method = None
    columns = expressions = include = ()


class ForeignKeyDef(Definition):
    columns: list[str]
    references: str
    ref_columns = on_delete = on_update = name = None
    deferrable = False


class CheckDef(Definition):
    name: str
    expr: str


class EntityDef(Definition):
    entity: str
    table = schema = description = renamed_from = primary_key = None
    abstract = external = False
    extends = indexes = unique = checks = foreign_keys = ()
    fields: dict = {}  # noqa: RUF012 - never changed


def defaults(definition: type[Definition]) -> dict[str, Any]:
    """The values a definition has for the keys not written."""
    return {k: v for cls in reversed(definition.__mro__) for k, v in vars(cls).items()
            if not k.startswith("_") and not callable(v) and not isinstance(v, (property, classmethod))}


# -- the fast path: True only for values pydantic's strict models take as they are -----------------

def _str(v: Any) -> bool:
    return type(v) is str


def _str_or_none(v: Any) -> bool:
    return v is None or type(v) is str


def _bool(v: Any) -> bool:
    return type(v) is bool


def _strings(v: Any) -> bool:
    return type(v) is list and all(type(item) is str for item in v)


def _strings_or_none(v: Any) -> bool:
    return v is None or _strings(v)


def _scalar(v: Any) -> bool:
    return type(v) in _SCALARS


def _positive(v: Any) -> bool:
    return v is None or (type(v) is int and v > 0)


def _action(v: Any) -> bool:
    return v is None or (type(v) is str and v in FK_ACTIONS)


def _deferrable(v: Any) -> bool:
    return type(v) is bool or v == "initially_deferred"


_FIELD_CHECKS = {
    "type": _str, "nullable": _bool, "primary_key": _bool, "autoincrement": _bool, "unique": _bool,
    "searchable": _bool, "index": _bool, "references": _str_or_none, "on_delete": _action, "on_update": _action,
    "length": _positive, "precision": _positive, "scale": lambda v: v is None or (type(v) is int and v >= 0),
    "timezone": _bool, "values": _strings_or_none, "comment": _str_or_none, "renamed_from": _str_or_none,
    "backfill": _scalar, "truncate": _bool, "unsigned": _bool, "items": _str_or_none,
    "identity": lambda v: v is None or v in ("always", "by_default"), "enum_type": _str_or_none,
    "generated": _str_or_none, "stored": _bool, "deferrable": _deferrable, "collation": _str_or_none,
    "enum": _str_or_none,
}  # `native:` is left to pydantic
_FOREIGN_KEY_CHECKS = {"columns": lambda v: _strings(v) and len(v) > 0, "references": _str,
                       "ref_columns": lambda v: v is None or (_strings(v) and len(v) > 0), "on_delete": _action,
                       "on_update": _action, "name": _str_or_none, "deferrable": _deferrable}
_INDEX_CHECKS = {"columns": _strings, "unique": _bool, "name": _str_or_none, "where": _str_or_none,
                 "method": lambda v: v is None or (type(v) is str and v in INDEX_METHODS), "expressions": _strings,
                 "include": _strings}
_ENTITY_CHECKS = {
    "entity": _str, "table": _str_or_none, "schema": _str_or_none, "description": _str_or_none, "extends": _strings,
    "renamed_from": _str_or_none, "primary_key": _strings_or_none, "abstract": _bool, "external": _bool,
}


def _checked(data: dict, checks: dict, required: tuple[str, ...]) -> bool:
    for key, value in data.items():
        check = checks.get(key)
        if check is None or not check(value):
            return False
    return all(key in data for key in required)


def _field(data: Any) -> FieldDef | str | None:
    if type(data) is str:
        return data if _SHORTHAND.fullmatch(data) else None
    if type(data) is not dict or "type" not in data:
        return None
    values = data
    for key, value in data.items():
        if key == "default":
            if type(value) is dict:  # {sql: ...}, and nothing else
                if value.keys() != {"sql"} or type(value["sql"]) is not str:
                    return None
                values = {**data, "default": SqlDefaultDef(value)}
            elif not _scalar(value):
                return None
        else:
            check = _FIELD_CHECKS.get(key)
            if check is None or not check(value):
                return None
    return FieldDef(values)


def _fields(written: Any) -> dict[str, FieldDef | str] | None:
    if type(written) is not dict:
        return None
    fields = {}
    for name, field in written.items():
        built = _field(field)
        if built is None or type(name) is not str:
            return None
        fields[name] = built
    return fields


def _listed(items: Any, cls: type[Definition], checks: dict, required: tuple[str, ...]) -> list | None:
    if type(items) is not list:
        return None
    built = []
    for item in items:
        if type(item) is not dict or not _checked(item, checks, required):
            return None
        built.append(cls(item))
    return built


def entity(data: Any) -> EntityDef | None:
    """The entity in `data`, when pydantic's EntitySpec would surely accept it unchanged; else None."""
    if type(data) is not dict:
        return None
    values = {}
    for key, value in data.items():
        check = _ENTITY_CHECKS.get(key)
        if check is not None:
            if not check(value):
                return None
            values[key] = value
            continue
        if key == "fields":
            built = _fields(value)
        elif key == "indexes":
            built = _listed(value, IndexDef, _INDEX_CHECKS, ())
        elif key == "checks":
            built = _listed(value, CheckDef, {"name": _str, "expr": _str}, ("name", "expr"))
        elif key == "foreign_keys":
            built = _listed(value, ForeignKeyDef, _FOREIGN_KEY_CHECKS, ("columns", "references"))
        elif key == "unique":
            built = value if type(value) is list and all(_strings(item) for item in value) else None
        else:
            return None
        if built is None:
            return None
        values[key] = built
    if "entity" not in values:
        return None
    return EntityDef(values)


# -- pydantic's result, in the same objects ----------------------------------------------------------

def from_model(model: Any) -> EntityDef:
    """An EntitySpec validated by pydantic (format.py), as the fast path would have built it."""
    def written(obj: Any) -> dict[str, Any]:
        return {field.alias or name: getattr(obj, name) for name, field in type(obj).model_fields.items()
                if name in obj.model_fields_set}

    values = written(model)
    if "fields" in values:
        fields = {}
        for name, field in model.fields.items():
            if not isinstance(field, str):
                field = FieldDef(written(field))
                if hasattr(field.default, "sql"):  # format.SqlDefault
                    field.default = SqlDefaultDef(written(field.default))
                if field.native is not None:  # format.NativeSpec
                    field.native = written(field.native)
            fields[name] = field
        values["fields"] = fields
    if "indexes" in values:
        values["indexes"] = [IndexDef(written(ix)) for ix in model.indexes]
    if "checks" in values:
        values["checks"] = [CheckDef(written(ck)) for ck in model.checks]
    if "foreign_keys" in values:
        values["foreign_keys"] = [ForeignKeyDef(written(fk)) for fk in model.foreign_keys]
    return EntityDef(values)
