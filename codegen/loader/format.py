"""The entity file format (ENTITY_FORMAT.md) as pydantic models.

These models check the shape of what a user wrote: which keys exist, which
are required, and the Python type of each value. Meaning (does a reference
resolve, does a default fit its column) is checked later, in `resolve`, where
the whole project is known. The same models give `codegen schema` its JSON
Schema, so editors and the loader agree on the format.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
)

from codegen.model import FK_ACTIONS, INDEX_METHODS

FkAction = Literal[FK_ACTIONS]
IndexMethod = Literal[INDEX_METHODS]
Deferrable = Union[StrictBool, Literal["initially_deferred"]]
Scalar = Union[StrictBool, StrictInt, StrictFloat, StrictStr, None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SqlDefault(_Strict):
    """`default: {sql: "gen_random_uuid()"}`: raw SQL, passed through as written."""

    sql: StrictStr


class NativeSpec(_Strict):
    """`native: {postgresql: "int4range"}`: the column's type text on each dialect named."""

    postgresql: Optional[StrictStr] = None
    mysql: Optional[StrictStr] = None
    sqlite: Optional[StrictStr] = None


class FieldSpec(_Strict):
    type: Optional[StrictStr] = Field(None, description="logical type: integer, string, enum, array, ... "
                                                        "(required unless `native` is given)")
    nullable: StrictBool = False
    primary_key: StrictBool = False
    autoincrement: StrictBool = False
    unique: StrictBool = False
    searchable: StrictBool = Field(False, description="single-column index")
    index: StrictBool = Field(True, description="false: no automatic index for this foreign-key column")
    default: Annotated[
        Union[Annotated[SqlDefault, Tag("sql")], Annotated[Scalar, Tag("literal")]],
        Discriminator(lambda v: "sql" if isinstance(v, dict) else "literal"),
    ] = Field(None, description="literal, `now`, or {sql: ...}")
    references: Optional[StrictStr] = Field(None, description="`Entity` or `Entity.field`")
    on_delete: Optional[FkAction] = None
    on_update: Optional[FkAction] = None
    length: Optional[Annotated[int, Field(gt=0, strict=True)]] = None
    precision: Optional[Annotated[int, Field(gt=0, strict=True)]] = None
    scale: Optional[Annotated[int, Field(ge=0, strict=True)]] = None
    timezone: StrictBool = False
    values: Optional[list[StrictStr]] = None
    comment: Optional[StrictStr] = None
    renamed_from: Optional[StrictStr] = None
    backfill: Scalar = Field(None, description="one-time value for existing rows; never the default")
    unsigned: StrictBool = Field(False, description="integer types: no negative values (MySQL: UNSIGNED; "
                                                    "elsewhere a check ck_<table>_<column>_unsigned)")
    truncate: StrictBool = Field(False, description="this type change may cut (string) or round (decimal, integer) "
                                                    "values that do not fit; without it the migration stops on them")
    items: Optional[StrictStr] = Field(None, description="`type: array`: the logical type of the items (postgresql)")
    native: Optional[NativeSpec] = Field(None, description="the column's type as each dialect spells it; "
                                                           "compared as text")
    identity: Optional[Literal["always", "by_default"]] = Field(
        None, description="with `autoincrement`: `always` refuses values the application gives (postgresql)")
    enum_type: Optional[StrictStr] = Field(None, description="enum: the PostgreSQL type's name "
                                                             "(default <table>_<column>)")
    enum: Optional[StrictStr] = Field(None, description="enum: a shared enum declared in codegen.yaml `enums:`, "
                                                        "instead of `values`")
    generated: Optional[StrictStr] = Field(None, description="a generated column: the SQL expression of its value")
    stored: StrictBool = Field(True, description="generated columns: stored (true) or computed on read (false)")
    deferrable: Deferrable = Field(False, description="with `references`: true or `initially_deferred` (postgresql)")
    collation: Optional[StrictStr] = Field(None, description="string, text, char: the collation's name")


# `name: string` is NOT NULL string; `nickname: string?` is nullable.
FieldShorthand = Annotated[StrictStr, Field(pattern=r"^[a-z]+\??$")]


class IndexSpec(_Strict):
    columns: list[StrictStr] = Field([], description="column names, each may end in `desc`, `asc`, "
                                                     "`nulls first` or `nulls last`: \"created_at desc\"")
    unique: StrictBool = False
    name: Optional[StrictStr] = None
    where: Optional[StrictStr] = Field(None, description="partial index predicate (postgresql, sqlite)")
    method: Optional[IndexMethod] = Field(None, description="postgresql: the index's access method (default btree)")
    expressions: list[StrictStr] = Field([], description="SQL expressions indexed after the columns: "
                                                         "[\"lower(email)\"]")
    include: list[StrictStr] = Field([], description="postgresql: columns stored in the index, not searched by")


class ForeignKeySpec(_Strict):
    """A table-level foreign key, for keys of several columns."""

    columns: list[StrictStr] = Field(min_length=1)
    references: StrictStr = Field(description="the referenced entity")
    ref_columns: Optional[list[StrictStr]] = Field(
        None, description="the referenced fields (default: the entity's primary key), one per column, in order")
    on_delete: Optional[FkAction] = None
    on_update: Optional[FkAction] = None
    name: Optional[StrictStr] = None
    deferrable: Deferrable = Field(False, description="true or `initially_deferred` (postgresql)")


class CheckSpec(_Strict):
    name: StrictStr
    expr: StrictStr


class EntitySpec(_Strict):
    entity: StrictStr
    table: Optional[StrictStr] = None
    schema_: Optional[StrictStr] = Field(None, alias="schema", description="postgresql: the schema the table lives "
                                         "in (default public); created by the first migration that needs it")
    description: Optional[StrictStr] = None
    extends: list[StrictStr] = []
    renamed_from: Optional[StrictStr] = None
    primary_key: Optional[list[StrictStr]] = None
    abstract: StrictBool = False
    external: StrictBool = False
    fields: dict[StrictStr, Annotated[
        Union[Annotated[FieldSpec, Tag("spec")], Annotated[FieldShorthand, Tag("shorthand")]],
        Discriminator(lambda v: "shorthand" if isinstance(v, str) else "spec"),
    ]] = {}
    indexes: list[IndexSpec] = []
    unique: list[list[StrictStr]] = []
    foreign_keys: list[ForeignKeySpec] = []
    checks: list[CheckSpec] = []


class EntityListFile(_Strict):
    """Several entities in one file, under a top-level `entities:` list."""

    entities: list[EntitySpec]


ENTITY_KEYS = tuple(f.alias or name for name, f in EntitySpec.model_fields.items())  # `schema`, not `schema_`
FIELD_KEYS = tuple(FieldSpec.model_fields)
INDEX_KEYS = tuple(IndexSpec.model_fields)
NATIVE_KEYS = tuple(NativeSpec.model_fields)
CHECK_KEYS = tuple(CheckSpec.model_fields)
FOREIGN_KEY_KEYS = tuple(ForeignKeySpec.model_fields)


def json_schema() -> dict:
    """The JSON Schema of one entity file: a single entity or an `entities:` list."""
    single = EntitySpec.model_json_schema()
    many = EntityListFile.model_json_schema()
    defs = {**single.pop("$defs", {}), **many.pop("$defs", {}), "EntitySpec": single}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "codegen entity file",
        "anyOf": [{"$ref": "#/$defs/EntitySpec"}, {"$ref": "#/$defs/EntityListFile"}],
        "$defs": {**defs, "EntityListFile": many},
    }
