"""Every input error of ENTITY_FORMAT.md: exit 2, file:line:column, the fix, nothing written, no traceback."""

from __future__ import annotations

import pytest

GOOD_CUSTOMER = """
entity: Customer
fields:
  id: {type: integer, primary_key: true}
  name: string
"""

# name -> (entity files, expected "file:line:column", fragments the message must contain)
CASES = {
    "unsigned on a string": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              code: {type: string, unsigned: true}
            """},
        "entities/a.yaml:4:34", ["`unsigned` does not apply to type `string`", "smallint, integer, bigint"]),
    "unknown key with hint": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true, nulable: true}
            """},
        "entities/a.yaml:3:42", ["unknown key `nulable`", "did you mean `nullable`?", "A.id"]),
    "unknown entity key": (
        {"a.yaml": """
            entity: A
            tabel: a
            fields:
              id: {type: integer, primary_key: true}
            """},
        "entities/a.yaml:2:1", ["unknown key `tabel`", "did you mean `table`?"]),
    "unknown type": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              name: {type: strng}
            """},
        "entities/a.yaml:4:16", ["unknown type `strng`", "did you mean `string`?"]),
    "unknown shorthand type": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              name: strin?
            """},
        "entities/a.yaml:4:9", ["unknown type `strin`", "did you mean `string`?"]),
    "duplicate entity": (
        {"a.yaml": GOOD_CUSTOMER, "b.yaml": GOOD_CUSTOMER},
        "entities/b.yaml:1:9", ["duplicate entity `Customer`", "entities/a.yaml:1:9"]),
    "duplicate table": (
        {"a.yaml": GOOD_CUSTOMER, "b.yaml": """
            entity: Client
            table: customer
            fields:
              id: {type: integer, primary_key: true}
            """},
        "entities/a.yaml:1:9", ["duplicate table name `customer`", "entity `Client` at entities/b.yaml:1:9"]),
    "duplicate column (duplicate YAML key)": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              name: string
              name: string?
            """},
        "entities/a.yaml:5:3", ["duplicate key `name`", "first given at line 4"]),
    "duplicate key in a field mapping": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true, type: bigint}
            """},
        "entities/a.yaml:3:42", ["duplicate key `type`"]),
    "reference to unknown entity": (
        {"a.yaml": GOOD_CUSTOMER, "b.yaml": """
            entity: Order
            fields:
              id: {type: integer, primary_key: true}
              customer_id: {type: integer, references: Custmer}
            """},
        "entities/b.yaml:4:44", ["unknown entity `Custmer`", "did you mean `Customer`?", "Order.customer_id"]),
    "reference to unknown field": (
        {"a.yaml": GOOD_CUSTOMER, "b.yaml": """
            entity: Order
            fields:
              id: {type: integer, primary_key: true}
              customer_id: {type: integer, references: Customer.idd}
            """},
        "entities/b.yaml:4:44", ["has no field `idd`", "did you mean `id`?"]),
    "reference type differs": (
        {"a.yaml": GOOD_CUSTOMER, "b.yaml": """
            entity: Order
            fields:
              id: {type: integer, primary_key: true}
              customer_id: {type: bigint, references: Customer}
            """},
        "entities/b.yaml:4:23", ["type bigint does not match `Customer.id` (integer)", "type: integer"]),
    "composite key referenced by one column": (
        {"a.yaml": """
            entity: Pair
            primary_key: [a, b]
            fields:
              a: integer
              b: integer
            """, "b.yaml": """
            entity: Use
            fields:
              id: {type: integer, primary_key: true}
              pair_a: {type: integer, references: Pair}
            """},
        "entities/b.yaml:4:39", ["composite primary key (a, b)", "one column cannot reference it"]),
    "extends cycle": (
        {"a.yaml": """
            entities:
              - {entity: A, abstract: true, extends: [B], fields: {x: string}}
              - {entity: B, abstract: true, extends: [A], fields: {y: string}}
              - {entity: C, extends: [A], fields: {id: {type: integer, primary_key: true}}}
            """},
        "entities/a.yaml:", ["`extends` cycle"]),
    "extends a non-abstract entity": (
        {"a.yaml": GOOD_CUSTOMER, "b.yaml": """
            entity: Vip
            extends: [Customer]
            fields:
              level: integer
            """},
        "entities/b.yaml:2:11", ["`Customer` is not abstract", "abstract: true"]),
    "invalid identifier": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              first-name: string
            """},
        "entities/a.yaml:4:", ["column name `first-name` is not a valid identifier"]),
    "identifier too long for postgresql": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              a_column_name_that_is_much_longer_than_the_sixty_three_characters_allowed: string
            """},
        "entities/a.yaml:4:", ["is 73 characters; the dialect allows 63"]),
    "enum without values": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              state: {type: enum}
            """},
        "entities/a.yaml:4:", ["enum without values", "values: [a, b]"]),
    "decimal scale above precision": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              amount: {type: decimal, precision: 4, scale: 6}
            """},
        "entities/a.yaml:4:48", ["scale 6 is greater than precision 4"]),
    "default of the wrong type": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              count: {type: integer, default: "many"}
            """},
        "entities/a.yaml:4:35", ["default 'many' does not fit type integer", "whole number"]),
    "enum default not among the values": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              state: {type: enum, values: [up, down], default: maybe}
            """},
        "entities/a.yaml:4:52", ["default 'maybe' does not fit", "up, down"]),
    "yaml boolean where text is meant": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              state: {type: enum, values: [on, off]}
            """},
        "entities/a.yaml:4:32", ["YAML reads yes/no/on/off", "quote the value"]),
    "yaml syntax error": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true
              name: string
            """},
        "entities/a.yaml:4:", ["invalid YAML"]),
    "missing type": (
        {"a.yaml": """
            entity: A
            fields:
              id: {primary_key: true}
            """},
        "entities/a.yaml:3:7", ["the field has no `type`"]),
    "missing entity key": (
        {"a.yaml": """
            fields:
              id: {type: integer, primary_key: true}
            """},
        "entities/a.yaml:1:1", ["missing required key `entity`"]),
    "wrong value type": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              name: {type: string, length: "20"}
            """},
        "entities/a.yaml:4:32", ["invalid value for `length`"]),
    "on_delete without references": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              b: {type: integer, on_delete: cascade}
            """},
        "entities/a.yaml:4:33", ["`on_delete` without `references`"]),
    "unknown on_delete action": (
        {"a.yaml": GOOD_CUSTOMER, "b.yaml": """
            entity: B
            fields:
              id: {type: integer, primary_key: true}
              c: {type: integer, references: Customer, on_delete: explode}
            """},
        "entities/b.yaml:4:55", ["invalid value for `on_delete`", "cascade"]),
    "infinite default": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              ratio: {type: float, default: .inf}
            """},
        "entities/a.yaml:4:", ["default inf does not fit type float", "finite number"]),
    "flow YAML nested too deeply": (
        {"a.yaml": "entity: A\nfields: " + "[" * 990 + "]" * 990 + "\n"},
        "entities/a.yaml", ["nested too deeply"]),
    "index on an unknown column": (
        {"a.yaml": """
            entity: A
            fields:
              id: {type: integer, primary_key: true}
              name: string
            indexes:
              - columns: [nam]
            """},
        "entities/a.yaml:6:15", ["unknown column `nam`", "did you mean `name`?"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_input_error(case, project_factory):
    files, where, fragments = CASES[case]
    project = project_factory("postgresql", entities=files)
    before = project.files()
    result = project.run("generate", "-m", "x")
    assert result.exit_code == 2, result.output
    assert result.exception is None, "a user error must not raise"
    assert "Traceback" not in result.output
    assert where in result.output, result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    assert "fix:" in result.output or "did you mean" in result.output
    assert project.files() == before, "nothing may be written on bad input"


def test_several_problems_are_reported_at_once(project_factory):
    project = project_factory("sqlite", entities={"a.yaml": """
        entity: A
        fields:
          id: {type: integer, primary_key: true}
          b: {type: strng}
          c: {type: integer, default: "x"}
        """})
    result = project.run("check")
    assert result.exit_code == 2
    assert "entities/a.yaml:4:" in result.output and "entities/a.yaml:5:" in result.output


def test_every_problem_in_every_file_is_reported_sorted_and_capped(project_factory):
    """As a compiler does: all files' mistakes in one run, by file and line, at most 50 printed."""
    files = {f"e{i:02d}.yaml": f"entity: E{i}\nfields:\n  id: {{type: integr}}\n  n: {{type: strng}}\n"
             for i in range(30)}
    project = project_factory("sqlite", entities=files)
    result = project.run("check")
    assert result.exit_code == 2 and result.exception is None
    places = [line.split(": error:")[0] for line in result.output.splitlines() if ": error:" in line]
    assert len(places) == 50 and "and 10 more problems" in result.output
    assert places[:3] == ["entities/e00.yaml:3:14", "entities/e00.yaml:4:13", "entities/e01.yaml:3:14"]


def _generated(project_factory, text: str):
    project = project_factory("sqlite", entities={"a.yaml": text})
    assert project.run("generate").exit_code == 0
    return project


def test_not_null_column_added_without_default_or_backfill(project_factory):
    project = _generated(project_factory, GOOD_CUSTOMER)
    project.write("entities/a.yaml", GOOD_CUSTOMER + "  region: string\n")
    before = project.files()
    result = project.run("generate")
    assert result.exit_code == 2
    assert "entities/a.yaml:5:11" in result.output
    assert "NOT NULL column `region` is added to existing table `customer`" in result.output
    assert "backfill" in result.output
    assert project.files() == before


def test_renamed_from_naming_nothing_is_an_error(project_factory):
    project = _generated(project_factory, GOOD_CUSTOMER)
    project.write("entities/a.yaml", GOOD_CUSTOMER.replace("name: string", "full_name: {type: string, renamed_from: nme}"))
    before = project.files()
    result = project.run("generate")
    assert result.exit_code == 2
    assert "entities/a.yaml:4:" in result.output and "no column `nme` in table `customer`" in result.output
    assert project.files() == before


def test_table_renamed_from_naming_nothing_is_an_error(project_factory):
    project = _generated(project_factory, GOOD_CUSTOMER)
    project.write("entities/a.yaml", GOOD_CUSTOMER.replace("entity: Customer", "entity: Client\nrenamed_from: custmer"))
    result = project.run("generate")
    assert result.exit_code == 2
    assert "entities/a.yaml:2:15" in result.output and "the snapshot has no table `custmer`" in result.output


def test_an_entity_file_that_cannot_be_read(project_factory, monkeypatch):
    """An unreadable file (permissions) is named, with a fix, by generate and by a check that
    remembered an agreement: no traceback."""
    import builtins
    import io

    project = _generated(project_factory, GOOD_CUSTOMER)
    assert project.run("check").exit_code == 0  # remembered now: the next check only digests the files
    real_open = builtins.open

    def refusing_open(file, *args, **kwargs):
        if str(file).endswith("a.yaml"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    for module in (builtins, io):
        monkeypatch.setattr(module, "open", refusing_open)
    for command in ("check", "generate"):
        result = project.run(command)
        assert result.exit_code == 2 and result.exception is None, result.output
        assert "entities/a.yaml: error: cannot be read (Permission denied)" in result.output
        assert "make the file readable" in result.output


def test_missing_config_is_a_usage_error(tmp_path):
    from conftest import Project

    result = Project(tmp_path).run("generate")
    assert result.exit_code == 2
    assert "no codegen.yaml" in result.output and "codegen init" in result.output


def test_bad_config_key(project_factory):
    project = project_factory("sqlite")
    project.write("codegen.yaml", "dialect: sqlite\nmigration: migs\n")
    result = project.run("check")
    assert result.exit_code == 2
    assert "codegen.yaml:2:1" in result.output and "did you mean `migrations`?" in result.output


def test_no_traceback_from_the_installed_command(project_factory):
    """The real entry point (a subprocess, as in a shell) prints the message, not a traceback."""
    import subprocess
    import sys

    project = project_factory("sqlite", entities={"a.yaml": "entity: A\nfields: [oops\n"})
    proc = subprocess.run([sys.executable, "-m", "codegen", "generate"], cwd=project.root,
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "entities/a.yaml:" in proc.stderr and "invalid YAML" in proc.stderr


@pytest.mark.parametrize("files, fragment", [
    ({"a.yaml": "entity: A\nfields:\n  id: {type: integer, primary_key: true}\n  Name: string\n  name: string?\n"},
     "entities/a.yaml:5:9: error: A: in table `a`, column `name` and `Name` (at entities/a.yaml:4:9) differ only in case"),
    ({"a.yaml": "entity: Foo\ntable: Foo\nfields:\n  id: {type: integer, primary_key: true}\n",
      "b.yaml": "entity: Bar\ntable: foo\nfields:\n  id: {type: integer, primary_key: true}\n"},
     "entities/a.yaml:1:9: error: Foo: table `Foo` and `foo` (at entities/b.yaml:1:9) differ only in case"),
])
def test_names_that_differ_only_in_case_on_sqlite(files, fragment, project_factory):
    """SQLite folds case: such a migration could never apply. PostgreSQL quotes them apart."""
    project = project_factory("sqlite", entities=files)
    before = project.files()
    result = project.run("generate")
    assert result.exit_code == 2 and fragment in result.output, result.output
    assert project.files() == before
    project.write("codegen.yaml", "dialect: postgresql\n")
    assert project.run("generate").exit_code == 0


WAREHOUSE = """
entity: Warehouse
primary_key: [region, code]
fields:
  region: {type: string, length: 8}
  code: integer
"""


@pytest.mark.parametrize("shipment, where, fragment", [
    ("foreign_keys:\n  - {columns: [region, cod], references: Warehouse}\n", "entities/s.yaml:7:24", "unknown column `cod`"),
    ("foreign_keys:\n  - {columns: [region], references: Warehouse}\n", "entities/s.yaml:7:15",
     "1 column(s) cannot reference 2 (region, code)"),
    ("foreign_keys:\n  - {columns: [region, code], references: Warehous}\n", "entities/s.yaml:7:43",
     "`references` names unknown entity `Warehous`"),
    ("foreign_keys:\n  - {columns: [code, region], references: Warehouse}\n", "entities/s.yaml:7:16",
     "`code` (integer) does not match `Warehouse.region` (string(8))"),
    ("foreign_keys:\n  - {columns: [region, code], references: Warehouse, on_delete: set_null}\n", "entities/s.yaml:7:",
     "`on_delete: set_null` needs every column nullable"),
    ("foreign_keys:\n  - {columns: [region, code], refrences: Warehouse}\n", "entities/s.yaml:7:",
     "unknown key `refrences`"),
])
def test_composite_foreign_key_errors(shipment, where, fragment, project_factory):
    base = "entity: Shipment\nfields:\n  id: {type: integer, primary_key: true}\n  region: {type: string, length: 8}\n" \
           "  code: integer\n"
    project = project_factory("postgresql", entities={"w.yaml": WAREHOUSE, "s.yaml": base + shipment})
    result = project.run("generate")
    assert result.exit_code == 2 and result.exception is None, result.output
    assert where in result.output and fragment in result.output, result.output


def test_one_column_referencing_a_composite_key_points_at_foreign_keys(project_factory):
    project = project_factory("postgresql", entities={"w.yaml": WAREHOUSE, "s.yaml": """
        entity: Shipment
        fields:
          id: {type: integer, primary_key: true}
          region: {type: string, length: 8, references: Warehouse}
        """})
    result = project.run("generate")
    assert result.exit_code == 2 and "foreign_keys: [{columns: [...], references: Warehouse}]" in result.output
