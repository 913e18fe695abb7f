"""The differ, asserted on operation types and fields (not SQL), one kind of change per test."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codegen import operations as ops
from codegen.differ import diff, likely_renames
from codegen.errors import UserError
from codegen.loader import load_schema
from codegen.model import Schema


def schema(tmp_path: Path, text: str) -> Schema:
    folder = tmp_path / f"s{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    (folder / "e.yaml").write_text(textwrap.dedent(text))
    return load_schema(folder, 63)


BASE = """
entities:
  - entity: Customer
    fields:
      id: {type: integer, primary_key: true}
      name: {type: string, unique: true}
      status: {type: enum, values: [active, banned], default: active}
  - entity: Invoice
    fields:
      id: {type: integer, primary_key: true}
      customer_id: {type: integer, references: Customer}
"""


def changed(tmp_path, old: str, new: str) -> list[ops.Operation]:
    return diff(schema(tmp_path, old), schema(tmp_path, new))


def kinds(result) -> list[str]:
    return [type(op).__name__ for op in result]


def test_nothing_changed(tmp_path):
    assert changed(tmp_path, BASE, BASE) == []


def test_initial_creates_enums_and_tables(tmp_path):
    result = diff(Schema(), schema(tmp_path, BASE))
    assert kinds(result) == ["CreateEnum", "CreateTable", "CreateTable"]
    assert result[0].enum.name == "customer_status" and result[0].enum.values == ("active", "banned")


def test_add_column_with_backfill(tmp_path):
    result = changed(tmp_path, BASE, BASE.replace("      status:", "      region: {type: string, backfill: EU}\n      status:"))
    assert kinds(result) == ["AddColumn"]
    assert result[0].table == "customer" and result[0].column.name == "region"
    assert result[0].column.backfill == "EU" and ops.fill_value(result[0].column) == "EU"


def test_drop_column_carries_the_old_column(tmp_path):
    result = changed(tmp_path, BASE, BASE.replace("      name: {type: string, unique: true}\n", ""))
    assert kinds(result) == ["DropColumn", "DropConstraint"]
    assert result[0].column.name == "name" and result[0].column.type.kind == "string"
    assert result[1].constraint.name == "uq_customer_name"
    assert {h.kind for h in result[0].hazards()} == {"data loss", "not reversible"}


def test_column_rename_renames_derived_names(tmp_path):
    new = BASE.replace("      name: {type: string, unique: true}", "      full_name: {type: string, unique: true, renamed_from: name}")
    result = changed(tmp_path, BASE, new)
    assert kinds(result) == ["RenameColumn", "RenameConstraint"]
    assert (result[0].old, result[0].new) == ("name", "full_name")
    assert (result[1].old.name, result[1].new.name) == ("uq_customer_name", "uq_customer_full_name")


def test_table_rename_renames_keys_enum_and_references(tmp_path):
    new = BASE.replace("  - entity: Customer\n", "  - entity: Customer\n    table: client\n    renamed_from: customer\n")
    result = changed(tmp_path, BASE, new)
    assert kinds(result)[0] == "RenameTable" and (result[0].old, result[0].new) == ("customer", "client")
    renamed = {(type(op).__name__, op.old.name, op.new.name) for op in result[1:]}
    assert renamed == {
        ("RenameEnum", "customer_status", "client_status"),
        ("RenameConstraint", "pk_customer", "pk_client"),
        ("RenameConstraint", "uq_customer_name", "uq_client_name"),
        ("RenameConstraint", "fk_invoice_customer_id_customer", "fk_invoice_customer_id_client"),
    }


def test_type_widening_re_creates_dependent_foreign_keys(tmp_path):
    new = BASE.replace("id: {type: integer, primary_key: true}", "id: {type: bigint, primary_key: true}", 1).replace(
        "customer_id: {type: integer", "customer_id: {type: bigint")
    result = changed(tmp_path, BASE, new)
    alters = [op for op in result if isinstance(op, ops.AlterColumn)]
    assert {(op.table, op.new.name) for op in alters} == {("customer", "id"), ("invoice", "customer_id")}
    assert all(op.type_changed and not op.nullable_changed for op in alters)
    assert {type(op).__name__ for op in result if getattr(op, "constraint", None) is not None} == {"DropConstraint", "AddConstraint"}
    assert not any(h.kind == "data loss" for op in alters for h in op.hazards())


def test_narrowing_is_a_data_loss_hazard(tmp_path):
    new = BASE.replace("name: {type: string, unique: true}", "name: {type: string, length: 10, unique: true}")
    (op,) = changed(tmp_path, BASE, new)
    assert isinstance(op, ops.AlterColumn)
    assert [h.kind for h in op.hazards()] == ["data loss", "table rewrite"]


def test_enum_value_added_in_place(tmp_path):
    new = BASE.replace("values: [active, banned]", "values: [new, active, paused, banned]")
    (op,) = changed(tmp_path, BASE, new)
    assert isinstance(op, ops.AlterColumn) and op.enum_values_only_added
    assert op.added_enum_values() == (("new", "active", None), ("paused", "banned", None))
    assert op.hazards() == ()


def test_enum_value_removed_is_a_hazard(tmp_path):
    new = BASE.replace("values: [active, banned]", "values: [active]")
    (op,) = changed(tmp_path, BASE, new)
    assert isinstance(op, ops.AlterColumn) and not op.enum_values_only_added
    assert any(h.kind == "data loss" and "banned" in h.detail for h in op.hazards())


def test_nullable_to_not_null_needs_a_value(tmp_path):
    old = BASE.replace("name: {type: string, unique: true}", "name: {type: string, nullable: true}")
    with pytest.raises(UserError, match="becomes NOT NULL"):
        changed(tmp_path, old, BASE.replace("name: {type: string, unique: true}", "name: string"))
    (op,) = changed(tmp_path, old, BASE.replace("name: {type: string, unique: true}", "name: {type: string, backfill: x}"))
    assert isinstance(op, ops.AlterColumn) and op.nullable_changed and op.new.backfill == "x"
    assert [h.kind for h in op.hazards()] == ["long lock"]


def test_index_change_is_drop_and_create_and_rename_is_rename(tmp_path):
    old = BASE.replace("      status:", "      city: {type: string, searchable: true}\n      status:")
    new = BASE.replace("      status:", "      town: {type: string, searchable: true, renamed_from: city}\n      status:")
    result = changed(tmp_path, old, new)
    assert kinds(result) == ["RenameColumn", "RenameIndex"]
    assert (result[1].old.name, result[1].new.name) == ("ix_customer_city", "ix_customer_town")


def test_automatic_fk_index_follows_the_rule(tmp_path):
    new = BASE.replace("customer_id: {type: integer, references: Customer}", "customer_id: {type: integer, references: Customer, index: false}")
    (op,) = changed(tmp_path, BASE, new)
    assert isinstance(op, ops.DropIndex) and op.index.name == "ix_invoice_customer_id"


def test_primary_key_change_re_creates_referencing_foreign_keys(tmp_path):
    old = BASE.replace("      name: {type: string, unique: true}", "      name: {type: string, unique: true}\n      code: {type: integer, unique: true}")
    new = old.replace("      id: {type: integer, primary_key: true}\n      name", "      id: {type: integer, unique: true}\n      name", 1)
    new = new.replace("      code: {type: integer, unique: true}", "      code: {type: integer, primary_key: true}")
    new = new.replace("references: Customer}", "references: Customer.id}")
    result = changed(tmp_path, old, new)
    dropped = {op.constraint.name for op in result if isinstance(op, ops.DropConstraint)}
    added = {op.constraint.name for op in result if isinstance(op, ops.AddConstraint)}
    assert {"pk_customer", "fk_invoice_customer_id_customer"} <= dropped
    assert {"pk_customer", "uq_customer_id", "fk_invoice_customer_id_customer"} <= added


def test_check_and_comment_changes(tmp_path):
    old = BASE.replace("  - entity: Invoice", "    checks:\n      - {name: named, expr: \"name <> ''\"}\n  - entity: Invoice")
    new = old.replace("name <> ''", "length(name) > 1").replace("  - entity: Customer\n", "  - entity: Customer\n    description: people\n")
    result = changed(tmp_path, old, new)
    assert kinds(result) == ["DropConstraint", "AddConstraint", "SetTableComment"]
    assert result[1].constraint.expr == "length(name) > 1"
    assert (result[2].old, result[2].new) == (None, "people")


def test_drop_and_add_of_the_same_type_is_a_likely_rename(tmp_path):
    new = BASE.replace("      name: {type: string, unique: true}", "      title: {type: string, unique: true, backfill: x}")
    result = changed(tmp_path, BASE, new)
    assert "DropColumn" in kinds(result) and "AddColumn" in kinds(result)
    (hint,) = likely_renames(result)
    assert (hint.table, hint.old, hint.new) == ("customer", "name", "title")
    assert "`renamed_from: name` to field `title`" in hint.hint()


def test_rename_hint_already_done_is_ignored(tmp_path):
    renamed = BASE.replace("      name: {type: string, unique: true}", "      title: {type: string, unique: true, renamed_from: name}")
    assert changed(tmp_path, renamed, renamed) == []


def test_not_null_error_suggests_the_rename_it_may_be(tmp_path):
    new = BASE.replace("      name: {type: string, unique: true}", "      title: {type: string, unique: true}")
    with pytest.raises(UserError, match="if `title` replaces `name`, add `renamed_from: name`"):
        changed(tmp_path, BASE, new)
