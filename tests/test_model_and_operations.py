"""Properties of the model and the operations that every later stage relies on."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen import naming, operations as ops
from codegen.differ import diff
from codegen.dialects import get_dialect
from codegen.loader import load_schema
from codegen.model import Check, Column, ColumnType, Default, Enum, ForeignKey, Index, PrimaryKey, Schema, Table, UniqueConstraint
from codegen.planner import plan
from codegen.render import down_operations
from codegen.snapshot import canonical_json
from conftest import EXAMPLES, FIXTURES, fuzz_examples

COL = Column("email", ColumnType("string", length=320), default=Default("literal", "x"))
COL2 = Column("email", ColumnType("text"), nullable=True)
TABLE = Table("customer", (Column("id", ColumnType("integer")), COL), PrimaryKey("pk_customer", ("id",)))
FK = ForeignKey("fk_a_b_id_b", ("b_id",), "b", ("id",), "cascade")

SAMPLES = [
    ops.CreateTable(TABLE), ops.DropTable(TABLE), ops.RenameTable("a", "b"),
    ops.AddColumn("customer", COL), ops.DropColumn("customer", COL), ops.RenameColumn("customer", "a", "b"),
    ops.AlterColumn("customer", COL, COL2), ops.SetTableComment("customer", None, "x"),
    ops.SetColumnComment("customer", "email", "a", None), ops.CreateIndex("customer", Index("ix_c_e", ("email",))),
    ops.DropIndex("customer", Index("ix_c_e", ("email",), unique=True, where="email <> ''")),
    ops.AddConstraint("a", FK), ops.DropConstraint("a", Check("ck_a_x", "x > 0")),
    ops.AddConstraint("customer", UniqueConstraint("uq_customer_email", ("email",))),
    ops.CreateEnum(Enum("customer_status", ("a", "b"), "customer", "status")),
    ops.DropEnum(Enum("customer_status", ("a", "b"), "customer", "status")),
    ops.RenameIndex("customer", Index("ix_c_e", ("email",)), Index("ix_d_e", ("email",))),
    ops.RenameConstraint("a", FK, ForeignKey("fk_x", ("b_id",), "b", ("id",), "cascade")),
    ops.RenameEnum(Enum("a_s", ("x",), "a", "s"), Enum("b_s", ("x",), "b", "s")),
    ops.RebuildTable(TABLE, replace(TABLE, columns=TABLE.columns[:1]),
                     (ops.DropColumn("customer", COL),)),
    ops.ChangeSharedEnum(Enum("st", ("a",), "t", "s"), Enum("st", ("a", "b"), "t", "s"), (ops.AlterColumn(
        "t", Column("s", ColumnType("enum", values=("a",), enum_name="st", shared=True)),
        Column("s", ColumnType("enum", values=("a", "b"), enum_name="st", shared=True))),)),
    ops.CreateSchema("sales"), ops.DropSchema("sales"),
]


def test_every_operation_kind_has_a_sample():
    assert {type(op) for op in SAMPLES} == set(ops.ALL_OPERATIONS)


@pytest.mark.parametrize("op", SAMPLES, ids=lambda op: type(op).__name__)
def test_inverse_of_inverse_is_the_operation(op):
    assert op.inverse().inverse() == op
    assert op.describe()
    assert op.symbol in "+-~"


@pytest.mark.parametrize("folder", [EXAMPLES / "shop" / "entities", *sorted((FIXTURES / "initial").glob("*/entities"))],
                         ids=lambda p: p.parent.name)
def test_snapshot_json_round_trip(folder: Path):
    schema = load_schema(folder, 63)
    assert Schema.from_json(schema.to_json()) == schema
    assert diff(schema, schema) == []


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=30)


def _has_float(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    return isinstance(value, list) and any(_has_float(v) for v in value)


@settings(max_examples=fuzz_examples(300), deadline=None)
@given(JSON_VALUES)
def test_canonical_json_is_json_dumps(value):
    """msgspec writes what json.dumps writes, but for the spelling of some floats (`1e20`, not `1e+20`)."""
    text = canonical_json(value)
    assert json.loads(text) == value
    if not _has_float(value):
        assert text == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("folder", [EXAMPLES / "shop" / "entities", *sorted((FIXTURES / "initial").glob("*/entities"))],
                         ids=lambda p: p.parent.name)
def test_canonical_json_of_snapshots(folder: Path):
    data = {"schema": load_schema(folder, 63).to_json(), "migration": None, "format_version": 1}
    assert canonical_json(data) == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


def test_down_is_the_inverse_of_up():
    schema = load_schema(EXAMPLES / "shop" / "entities", 63)
    up = plan(diff(Schema(), schema), get_dialect("postgresql"))
    down = down_operations(up)
    assert [type(op).__name__ for op in down][:2] == ["DropTable", "DropTable"]
    assert down_operations(down) == up


@pytest.mark.parametrize("name,expected", [
    ("Customer", "customer"), ("OrderItem", "order_item"), ("HTTPLog", "http_log"), ("already_snake", "already_snake"),
])
def test_snake_case(name, expected):
    assert naming.snake_case(name) == expected


def test_long_names_are_cut_stably_and_distinctly():
    a = naming.index("t" * 40, ("column_one", "column_two"), 63)
    b = naming.index("t" * 40, ("column_one", "column_three"), 63)
    assert len(a) == len(b) == 63
    assert a != b
    assert a == naming.index("t" * 40, ("column_one", "column_two"), 63)


@pytest.mark.parametrize("folder", [EXAMPLES / "shop" / "entities", *sorted((FIXTURES / "initial").glob("*/entities"))],
                         ids=lambda p: p.parent.name)
def test_snapshot_text_is_the_canonical_json_of_to_json(folder: Path):
    """Snapshot.to_text writes from the model objects directly; it must equal json.dumps of to_json()."""
    from codegen.snapshot import Snapshot

    schema = load_schema(folder, 63)
    data = {"format_version": 1, "migration": "20260101000000", "dialect": "postgresql", "schema": schema.to_json()}
    expected = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert Snapshot(schema, "20260101000000", "postgresql").to_text() == expected


_COLUMNS = st.builds(
    Column,
    name=st.sampled_from(["id", "name", "flag"]),
    type=st.sampled_from([ColumnType("integer"), ColumnType("boolean"), ColumnType("string", length=50),
                          ColumnType("float")]),
    nullable=st.booleans(),
    default=st.none() | st.builds(Default, kind=st.just("literal"), value=st.sampled_from([1, True, 1.0, 0, False, "1"])),
    autoincrement=st.booleans(),
    comment=st.none() | st.sampled_from(["", "a", "é"]),
)


@settings(max_examples=fuzz_examples(300), deadline=None)
@given(st.lists(st.lists(_COLUMNS, min_size=1, max_size=4, unique_by=lambda c: c.name), min_size=1, max_size=6))
def test_snapshot_round_trip(tables):
    """A snapshot reads back as the schema it was written from: defaults 1, 1.0 and True stay apart."""
    from codegen.snapshot import Snapshot, parse_snapshot

    schema = Schema(tables=tuple(Table(f"t{i}", tuple(columns)) for i, columns in enumerate(tables)))
    snapshot = Snapshot(schema, "1", "postgresql")
    read = parse_snapshot(snapshot.to_text(), "s")
    assert read == snapshot
    for table, again in zip(schema.tables, read.schema.tables):
        assert [type(c.default.value) for c in table.columns if c.default] == [
            type(c.default.value) for c in again.columns if c.default]


@pytest.mark.parametrize("damage, message", [
    (lambda data: data.update(schema=[]), "Expected `object`, got `array` - at `$.schema`"),
    (lambda data: data.update(migration=5), "Expected `str | null`, got `int` - at `$.migration`"),
    (lambda data: data["schema"].update(tables="customer"), "at `$.schema.tables`"),
    (lambda data: data["schema"]["tables"][0].pop("name"), "missing required field `name` - at `$.schema.tables[0]`"),
    (lambda data: data["schema"]["tables"][0]["columns"][0]["type"].update(kind="integr"),
     "Invalid enum value 'integr' - at `$.schema.tables[0].columns[0].type.kind`"),
    (lambda data: data["schema"]["tables"][0]["columns"][0].update(type=None), "at `$.schema.tables[0].columns[0].type`"),
    (lambda data: data.clear(), "missing required field `format_version`"),
    (lambda data: data.update(format_version=9), "unknown snapshot format 9"),
])
def test_a_snapshot_of_the_wrong_shape_is_an_input_error(damage, message, tmp_path: Path):
    """Valid JSON of the wrong shape is a user error naming the file and the fix, never a traceback."""
    from codegen.errors import UserError
    from codegen.snapshot import Snapshot, read_snapshot

    data = json.loads(Snapshot(load_schema(EXAMPLES / "shop" / "entities", 63), "1", "postgresql").to_text())
    damage(data)
    path = tmp_path / "schema.snapshot.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UserError) as raised:
        read_snapshot(path, "migrations/schema.snapshot.json")
    rendered = raised.value.problems[0].render()
    assert message in rendered and "migrations/schema.snapshot.json" in rendered and "fix:" in rendered


def test_new_column_builds_what_the_constructor_builds():
    from codegen.errors import Location
    from codegen.model import Column, Default, new_column, shared_type

    values = ("price", shared_type("decimal", None, 10, 2), True, Default("literal", 1.5), False, "net", "cost", 0, True,
              Location("entities/item.yaml", 3, 5))
    built, expected = new_column(*values), Column(*values)
    assert built == expected and hash(built) == hash(expected)
    assert [getattr(built, f) for f in Column.__slots__] == [getattr(expected, f) for f in Column.__slots__]
    with pytest.raises(AttributeError):
        built.name = "other"  # still frozen


@pytest.mark.parametrize("folder", [EXAMPLES / "shop" / "entities", *sorted((FIXTURES / "initial").glob("*/entities"))],
                         ids=lambda p: p.parent.name)
def test_reading_a_snapshot_takes_the_tables_whose_text_is_known(folder: Path):
    """An unchanged table is the loaded one (not decoded again); a changed one is read from the file."""
    from codegen.snapshot import Snapshot, parse_snapshot, table_texts

    old = load_schema(folder, 63)
    text = Snapshot(old, "20260101000000", "postgresql").to_text()
    new = Schema(tables=(replace(old.tables[0], comment="now with a comment"), *old.tables[1:]))
    read = parse_snapshot(text, "s", dict(zip(table_texts(new.tables), new.tables)))
    assert read == parse_snapshot(text, "s") and read.schema == old
    assert read.schema.tables[0] is not new.tables[0]
    assert all(a is b for a, b in zip(read.schema.tables[1:], new.tables[1:]))
    assert Snapshot(new, "1", "postgresql").to_text(table_texts(new.tables)) == Snapshot(new, "1", "postgresql").to_text()
