"""Entities in a PostgreSQL schema of their own (`schema:`, issue 20), on a real server.

Each test database is a schema of its own on the shared server (conftest.PostgresDatabase), so
the schema an entity names is `<that schema>_sales`, dropped with it; the pinned SQL reads
`sales`. Every step is generated, then applied up, down and up again: the live schema (the
default one and the entities' schemas) equals the snapshot each time and the rows stay.
"""

from __future__ import annotations

import pytest

from codegen.dialects import get_dialect
from codegen.naming import bare
from codegen.snapshot import read_snapshot

CUSTOMER = """
  - entity: Customer{where}
    fields:
      id: {{type: integer, primary_key: true, autoincrement: true}}
      email: {{type: string, length: 100, unique: true}}
      status: {{type: enum, values: [new, active], default: new}}
"""

ORDER = """
  - entity: Order
    schema: SALES{table}
    fields:
      id: {{type: integer, primary_key: true}}
      customer_id: {{type: integer, references: Customer}}
      state: {{type: enum, values: [open, paid]}}
    indexes:
      - {{columns: [state], where: "state = 'open'"}}
"""

STEPS = {
    # name: entities, a row inserted after the step's first up
    "customer": ("entities:" + CUSTOMER.format(where=""),
                 "INSERT INTO customer (email) VALUES ('a@example.com')"),
    "order in sales": ("entities:" + CUSTOMER.format(where="") + ORDER.format(table=""),
                       "INSERT INTO SALES.\"order\" (id, customer_id, state) VALUES (1, 1, 'open')"),
    "customer moved to sales": (
        "entities:" + CUSTOMER.format(where="\n    schema: SALES\n    renamed_from: public.customer") + ORDER.format(table=""),
        None),
    "order renamed in sales": (
        "entities:" + CUSTOMER.format(where="\n    schema: SALES") + ORDER.format(table="\n    table: purchase\n    renamed_from: order"),
        None),
    "customer back, purchase dropped": ("entities:" + CUSTOMER.format(where="\n    renamed_from: SALES.customer"), None),
}


def _snapshot(project):
    return read_snapshot(project.root / "migrations" / "schema.snapshot.json", "snapshot").schema


def _rows(database, schema) -> dict[str, int]:
    """Rows per table, by the table's name before any rename (a moved table is the same table)."""
    quote = get_dialect("postgresql").quote
    return {ALIASES.get(bare(t.name), bare(t.name)): database.query(f"SELECT count(*) FROM {quote(t.name)}")[0][0]
            for t in schema.tables}


ALIASES = {"purchase": "order"}


@pytest.mark.postgres
def test_tables_in_a_schema_are_created_moved_renamed_and_dropped(postgres_db, project_factory, sql_snapshot):
    sales = f"{postgres_db.schema_name}_sales"
    project = project_factory("postgresql")

    def step(number: int, name: str) -> tuple:
        result = project.run("generate", "-m", name)
        assert result.exit_code == 0, result.output
        up, down = project.latest("up.sql"), project.latest("down.sql")
        assert up.replace(sales, "sales") == sql_snapshot(name=f"{number}-{name}-up")
        assert down.replace(sales, "sales") == sql_snapshot(name=f"{number}-{name}-down")
        assert project.run("check").exit_code == 0
        return lambda: postgres_db.apply(up), lambda: postgres_db.apply(down)

    _walk(postgres_db, project, sales, step)


@pytest.mark.postgres
def test_tables_in_a_schema_through_alembic(postgres_db, tmp_path):
    """The same steps as Alembic revisions, run by Alembic itself."""
    from alembic import command
    from test_alembic import alembic, alembic_project, revisions

    sales = f"{postgres_db.schema_name}_sales"
    project = alembic_project(tmp_path / "alembic", "postgresql")

    def step(number: int, name: str) -> tuple:
        result = project.run("generate", "-m", name, env={"SOURCE_DATE_EPOCH": str(1767225600 + 100 * number)})
        assert result.exit_code == 0, result.output
        ids = revisions(project)

        def run(command_, revision: str):
            with alembic(project, postgres_db) as cfg:
                command_(cfg, revision)

        return (lambda: run(command.upgrade, ids[-1]),
                lambda: run(command.downgrade, ids[-2] if len(ids) > 1 else "base"))

    _walk(postgres_db, project, sales, step, ignore=("alembic_version",))


def _walk(database, project, sales: str, step, ignore: tuple[str, ...] = ()) -> None:
    """Each of STEPS: generated (`step` gives its up and its down), then up, down and up again;
    the live schema is the snapshot's each time and the rows of the tables kept stay."""
    before = None
    for number, (name, (entities, row)) in enumerate(STEPS.items()):
        project.write("entities/shop.yaml", entities.replace("SALES", sales))
        up, down = step(number, name)
        after = _snapshot(project)
        rows = _rows(database, before) if before is not None else {}
        up()
        database.assert_matches(after, ignore=ignore)
        kept = _rows(database, after)
        assert {k: v for k, v in rows.items() if k in kept} == {k: v for k, v in kept.items() if k in rows}, name
        if before is not None:
            down()
            database.assert_matches(before, ignore=ignore)
            assert {k: v for k, v in _rows(database, before).items() if k in kept} == \
                {k: v for k, v in rows.items() if k in kept}, name
            up()
            database.assert_matches(after, ignore=ignore)
            assert _rows(database, after) == kept, name
        if row is not None:
            database.apply(row.replace("SALES", sales))
        before = after
    assert _rows(database, before) == {"customer": 1}
    # the last step dropped the schema with its last table
    assert database.query(f"SELECT count(*) FROM pg_namespace WHERE nspname = '{sales}'") == [(0,)]


@pytest.mark.postgres
def test_migrate_drift_and_verify_read_the_entities_schemas(postgres_db, project_factory):
    """From the CLI: `migrate` applies, `drift` reads the tables in `sales` back and names a change
    made there by hand, `verify` replays the history on a scratch database."""
    sales = f"{postgres_db.schema_name}_sales"
    project = project_factory("postgresql")
    for number, name in enumerate(list(STEPS)[:3]):
        project.write("entities/shop.yaml", STEPS[name][0].replace("SALES", sales))
        assert project.run("generate", "-m", name).exit_code == 0
    db = ("--db", postgres_db.runner_url)
    result = project.run("migrate", *db)
    assert result.exit_code == 0, result.output
    result = project.run("drift", *db)
    assert result.exit_code == 0, result.output
    postgres_db.apply(f'CREATE INDEX ix_by_hand ON {sales}."order" (id)')
    result = project.run("drift", *db)
    assert result.exit_code == 1, result.output
    assert f"drop index ix_by_hand on {sales}.order" in result.output, result.output
    result = project.run("verify", "--db", postgres_db.url)  # a scratch database there, public its default schema
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("dialect", ["sqlite", "mysql"])
def test_a_schema_is_an_input_error_where_the_database_has_none(dialect, project_factory):
    project = project_factory(dialect, entities={"a.yaml": "entity: A\nschema: sales\nfields:\n  id: {type: integer, primary_key: true}\n"})
    before = project.files()
    result = project.run("generate", "-m", "x")
    assert result.exit_code == 2 and result.exception is None, result.output
    assert "entities/a.yaml:1:" in result.output and "has no schemas" in result.output, result.output
    assert "remove `schema:`" in result.output
    assert project.files() == before


@pytest.mark.parametrize(("text", "where", "message"), [
    ("entity: A\nschema: 9sales\nfields:\n  id: {type: integer, primary_key: true}\n", "entities/a.yaml:2:",
     "schema name `9sales` is not a valid identifier"),
    ("entity: A\nschemas: sales\nfields:\n  id: {type: integer, primary_key: true}\n", "entities/a.yaml:2:",
     "did you mean `schema`"),
    ("entity: A\nfields:\n  id: {type: integer, primary_key: true, schema: sales}\n", "entities/a.yaml:3:",
     "`schema` is a key of the entity, beside `entity:`: move it there"),
])
def test_a_wrong_schema_key_names_file_line_and_fix(text, where, message, project_factory):
    project = project_factory("postgresql", entities={"a.yaml": text})
    before = project.files()
    result = project.run("generate", "-m", "x")
    assert result.exit_code == 2 and result.exception is None, result.output
    assert where in result.output and message in result.output, result.output
    assert project.files() == before


def test_the_json_schema_has_the_entity_schema_key(project_factory):
    import json

    import jsonschema

    schema = json.loads(project_factory("postgresql").run("schema").output)
    jsonschema.validate({"entity": "A", "schema": "sales", "fields": {"id": "integer"}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"entity": "A", "schema": 3, "fields": {"id": "integer"}}, schema)


@pytest.mark.postgres
def test_a_table_moved_into_a_new_schema_creates_it_first(postgres_db, project_factory):
    """Found by the state machine: the schema a moved table goes to is created before the move,
    and dropped after it moves back."""
    sales = f"{postgres_db.schema_name}_sales"
    project = project_factory("postgresql")
    project.write("entities/shop.yaml", "entities:" + CUSTOMER.format(where=""))
    assert project.run("generate", "-m", "customer").exit_code == 0
    postgres_db.apply(project.latest("up.sql"))
    project.write("entities/shop.yaml", "entities:" + CUSTOMER.format(
        where=f"\n    schema: {sales}\n    renamed_from: public.customer"))
    assert project.run("generate", "-m", "moved").exit_code == 0
    up, down = project.latest("up.sql"), project.latest("down.sql")
    assert up.index(f"CREATE SCHEMA IF NOT EXISTS {sales};") < up.index(f"ALTER TABLE customer SET SCHEMA {sales};")
    assert down.index("SET SCHEMA %I', " + f"'{sales}.customer'") < down.index(f"DROP SCHEMA {sales};")
    moved = _snapshot(project)
    postgres_db.apply(up)
    postgres_db.assert_matches(moved)
    postgres_db.apply(down)
    assert postgres_db.query(f"SELECT count(*) FROM pg_namespace WHERE nspname = '{sales}'") == [(0,)]


def _online_event_in_sales(postgres_db, project_factory, code: str, rows: str) -> tuple:
    """An online-mode project whose table `event` lives in `<test schema>_sales`, migrated, with
    `rows` inserted: (project, the schema, the `--db` arguments, the entity text)."""
    sales = f"{postgres_db.schema_name}_sales"
    project = project_factory("postgresql")
    project.write("codegen.yaml", "dialect: postgresql\npostgresql: {online: true}\n")
    entity = f"entity: Event\nschema: {sales}\nfields:\n  id: {{type: integer, primary_key: true}}\n  code: {code}\n"
    project.write("entities/event.yaml", entity)
    assert project.run("generate", "-m", "event").exit_code == 0
    db = ("--db", postgres_db.runner_url)
    assert project.run("migrate", *db).exit_code == 0
    postgres_db.apply(f"INSERT INTO {sales}.event (id, code) VALUES {rows}")
    return project, sales, db, entity


@pytest.mark.postgres
def test_a_failed_concurrent_build_in_a_schema_is_dropped_and_built_again(postgres_db, project_factory):
    """Online mode: a unique index built CONCURRENTLY on a table in `sales` fails on duplicates and
    leaves an INVALID index there; the next `migrate` finds it in the table's schema (not the
    default one), drops it and builds it again."""
    project, sales, db, entity = _online_event_in_sales(postgres_db, project_factory, "{type: string, length: 10}",
                                                        "(1, 'a'), (2, 'a')")
    project.write("entities/event.yaml", entity.replace("length: 10}", "length: 10, unique: true}"))
    assert project.run("generate", "-m", "unique code").exit_code == 0
    assert "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_event_code ON " + sales in project.latest("up.sql")
    failed = project.run("migrate", *db)
    assert failed.exit_code == 1, failed.output
    invalid = f"SELECT n.nspname, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid " \
              f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT i.indisvalid AND n.nspname = '{sales}'"
    assert postgres_db.query(invalid) == [(sales, "uq_event_code")]
    postgres_db.apply(f"DELETE FROM {sales}.event WHERE id = 2")
    result = project.run("migrate", *db)
    assert result.exit_code == 0, result.output
    assert postgres_db.query(invalid) == []
    postgres_db.assert_matches(_snapshot(project), ignore=("codegen_migrations",))


@pytest.mark.postgres
def test_two_schemas_may_hold_tables_of_one_name(postgres_db, project_factory):
    """Index and constraint names are unique per schema, as PostgreSQL keeps them: `order` in the
    default schema and in `sales` both get pk_order and ix_order_customer_id."""
    sales = f"{postgres_db.schema_name}_sales"
    order = "entity: {entity}\ntable: order\n{schema}fields:\n  id: {{type: integer, primary_key: true}}\n" \
            "  customer_id: {{type: integer, index: true}}\n"
    project = project_factory("postgresql", entities={
        "order.yaml": order.format(entity="Order", schema=""),
        "sales_order.yaml": order.format(entity="SalesOrder", schema=f"schema: {sales}\n")})
    result = project.run("generate", "-m", "both")
    assert result.exit_code == 0, result.output
    up = project.latest("up.sql")
    assert up.count("CONSTRAINT pk_order PRIMARY KEY") == 2, up
    postgres_db.apply(up)
    postgres_db.assert_matches(_snapshot(project))
    postgres_db.apply(project.latest("down.sql"))
    postgres_db.assert_empty()


@pytest.mark.postgres
def test_online_not_null_on_a_table_in_a_schema(postgres_db, project_factory):
    """Online mode proves NOT NULL with a helper check named after the table without its schema
    (found by the state machine: `codegen_nn_sales.event_code` was a syntax error)."""
    project, _sales, db, entity = _online_event_in_sales(postgres_db, project_factory, "string?", "(1, 'a')")
    project.write("entities/event.yaml", entity.replace("code: string?", "code: {type: string, backfill: none}"))
    assert project.run("generate", "-m", "code required").exit_code == 0
    assert "codegen_nn_event_code" in project.latest("up.sql")
    result = project.run("migrate", *db)
    assert result.exit_code == 0, result.output
    postgres_db.assert_matches(_snapshot(project), ignore=("codegen_migrations",))
    result = project.run("rollback", *db)
    assert result.exit_code == 0, result.output


@pytest.mark.postgres
def test_an_external_table_in_another_schema_is_referenced_and_verified(postgres_db, project_factory):
    """`external: true` with `schema: billing`: referenced as billing.account, never created by
    the migrations; verify makes it (and its schema) on the scratch database to replay against."""
    billing = f"{postgres_db.schema_name}_billing"
    postgres_db.apply(f"CREATE SCHEMA {billing}; CREATE TABLE {billing}.account (id integer PRIMARY KEY)")
    project = project_factory("postgresql", entities={
        "account.yaml": f"entity: Account\nschema: {billing}\nexternal: true\nfields:\n  id: {{type: integer, primary_key: true}}\n",
        "invoice.yaml": "entity: Invoice\nfields:\n  id: {type: integer, primary_key: true}\n  account_id: {type: integer, references: Account}\n"})
    result = project.run("generate", "-m", "invoice")
    assert result.exit_code == 0, result.output
    up = project.latest("up.sql")
    assert f"REFERENCES {billing}.account (id)" in up and "CREATE SCHEMA" not in up, up
    postgres_db.apply(up)
    postgres_db.assert_matches(_snapshot(project))
    result = project.run("verify", "--db", postgres_db.url)
    assert result.exit_code == 0, result.output
    result = project.run("drift", "--db", postgres_db.runner_url)
    assert result.exit_code == 0, result.output
