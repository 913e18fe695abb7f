"""Properties of the model and the operations that every later stage relies on."""

from __future__ import annotations

import json
from dataclasses import replace
import os
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
from conftest import EXAMPLES, FIXTURES

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
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=30)


@settings(max_examples=int(os.environ.get("CODEGEN_FUZZ_EXAMPLES", "300")), deadline=None)
@given(JSON_VALUES)
def test_canonical_json_is_json_dumps(value):
    """The snapshot writer's fast path must not change a byte of the snapshot."""
    assert canonical_json(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_COLUMNS, min_size=1, max_size=4), min_size=1, max_size=6))
def test_snapshot_text_of_recurring_columns(tables):
    """Columns alike in several tables are written once each (snapshot._column_key): equal
    columns, and columns whose defaults are equal in Python but not in JSON (1, 1.0, True),
    must still read as json.dumps writes them."""
    from codegen.snapshot import Snapshot, table_texts

    schema = Schema(tables=tuple(Table(f"t{i}", tuple(columns)) for i, columns in enumerate(tables)))
    data = {"format_version": 1, "migration": "1", "dialect": "postgresql", "schema": schema.to_json()}
    expected = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    snapshot = Snapshot(schema, "1", "postgresql")
    assert snapshot.to_text() == expected
    texts = table_texts(schema.tables)
    assert snapshot.to_text(dict(zip(map(id, schema.tables), texts))) == expected


SNAPSHOT_SETS = [EXAMPLES / "shop" / "entities", *sorted((FIXTURES / "initial").glob("*/entities"))]


@pytest.mark.parametrize("folder", SNAPSHOT_SETS, ids=lambda p: p.parent.name)
def test_snapshot_text_from_table_texts_is_the_same(folder: Path):
    from codegen.snapshot import Snapshot, table_texts

    snapshot = Snapshot(load_schema(folder, 63), "20260101000000", "postgresql")
    texts = table_texts(snapshot.schema.tables)
    assert snapshot.to_text(dict(zip(map(id, snapshot.schema.tables), texts))) == snapshot.to_text()


@pytest.mark.parametrize("folder", SNAPSHOT_SETS, ids=lambda p: p.parent.name)
def test_reading_a_snapshot_reuses_the_tables_whose_text_is_known(folder: Path, tmp_path: Path):
    """Unchanged tables are taken from `known` (not parsed); a changed one is parsed from the file."""
    from codegen.snapshot import Snapshot, read_snapshot, table_texts

    old = load_schema(folder, 63)
    path = tmp_path / "schema.snapshot.json"
    path.write_text(Snapshot(old, "20260101000000", "postgresql").to_text(), encoding="utf-8")
    changed = old.tables[0]
    new = Schema(tables=(replace(changed, comment="now with a comment"), *old.tables[1:]))
    known = list(zip(table_texts(new.tables), new.tables))

    read = read_snapshot(path, "s", lambda: known)
    assert read == read_snapshot(path, "s")
    assert read.schema == old
    assert read.migration == "20260101000000" and read.dialect == "postgresql"
    assert read.schema.tables[0] is not new.tables[0]  # changed: parsed from the file
    assert all(a is b for a, b in zip(read.schema.tables[1:], new.tables[1:]))  # unchanged: reused


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["keep", "change", "drop", "add before"]), min_size=1, max_size=12))
def test_reading_a_snapshot_reuses_each_unchanged_table_whatever_else_changed(tmp_path_factory, fates):
    """Tables dropped, added between others and changed shift the snapshot's tables against the
    new schema's: every table is still the one with its text when there is one, else parsed."""
    from codegen.snapshot import Snapshot, read_snapshot, table_texts

    def table(name: str, comment: str | None = None) -> Table:
        column = Column("id", ColumnType("integer"))
        return Table(name, (column,), PrimaryKey(f"{name}_pkey", ("id",)), comment=comment)

    old = Schema(tables=tuple(table(f"t{i:02d}") for i in range(len(fates))))
    new_tables = []
    for old_table, fate in zip(old.tables, fates):
        if fate == "add before":
            new_tables.append(table(old_table.name[:-1] + "0a" + old_table.name[-1]))
        if fate == "change":
            new_tables.append(table(old_table.name, "changed"))
        elif fate != "drop":
            new_tables.append(table(old_table.name))
    new = Schema(tables=tuple(sorted(new_tables, key=lambda t: t.name)))
    path = tmp_path_factory.mktemp("snapshot") / "schema.snapshot.json"
    path.write_text(Snapshot(old, "1", "postgresql").to_text(), encoding="utf-8")
    texts = table_texts(new.tables)

    read = read_snapshot(path, "s", lambda: list(zip(texts, new.tables)))
    assert read == read_snapshot(path, "s") and read.schema == old
    reused = {text: t for text, t in zip(texts, new.tables)}
    for got, old_text in zip(read.schema.tables, table_texts(old.tables)):
        if old_text in reused:
            assert got is reused[old_text]
        else:
            assert all(got is not t for t in new.tables)


@pytest.mark.parametrize("damage", [
    lambda text: text.replace('"name": ', '"nam": ', 1),  # a table that is not in `known` and does not load
    lambda text: json.dumps(json.loads(text), indent=4),  # another layout: read whole, as before
    lambda text: text.replace('"format_version": 1', '"format_version": 9'),
])
def test_a_snapshot_off_the_fast_path_reads_as_before(damage, tmp_path: Path):
    from codegen.errors import UserError
    from codegen.snapshot import Snapshot, read_snapshot, table_texts

    schema = load_schema(EXAMPLES / "shop" / "entities", 63)
    path = tmp_path / "schema.snapshot.json"
    path.write_text(damage(Snapshot(schema, "1", "postgresql").to_text()), encoding="utf-8")
    known = list(zip(table_texts(schema.tables), schema.tables))

    def outcome(**kw):
        try:
            return read_snapshot(path, "s", **kw)
        except UserError as exc:
            return [p.render() for p in exc.problems]

    assert outcome(known=lambda: known) == outcome()


def test_new_column_builds_what_the_constructor_builds():
    from codegen.errors import Location
    from codegen.model import Column, Default, new_column, shared_type

    values = ("price", shared_type("decimal", None, 10, 2), True, Default("literal", 1.5), False, "net", "cost", 0,
              Location("entities/item.yaml", 3, 5))
    built, expected = new_column(*values), Column(*values)
    assert built == expected and hash(built) == hash(expected)
    assert [getattr(built, f) for f in Column.__slots__] == [getattr(expected, f) for f in Column.__slots__]
    with pytest.raises(AttributeError):
        built.name = "other"  # still frozen
