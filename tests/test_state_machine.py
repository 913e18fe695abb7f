"""Random schemas under random sequences of changes, migrated on real databases with rows present.

Hypothesis drives a model of the entity files and of the rows in every table.
Each change rewrites the YAML, runs `codegen generate`, applies up.sql and
checks the live schema against the snapshot and the rows against the model;
then applies down.sql (the previous schema must come back) and up.sql again
(schema and rows as after the first up).

Examples per engine: 200 in CI (CI=true), 20 otherwise (conftest.fuzz_examples);
CODEGEN_STATEFUL_EXAMPLES=N sets the count: `CODEGEN_STATEFUL_EXAMPLES=2000 pytest
tests/test_state_machine.py` is the longer profile.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from conftest import (
    MySQLDatabase,
    PostgresDatabase,
    Project,
    SQLiteDatabase,
    fuzz_examples,
    require_mysql,
    require_postgres,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from codegen.snapshot import read_snapshot

EXAMPLES = int(os.environ.get("CODEGEN_STATEFUL_EXAMPLES") or fuzz_examples(200))
STEPS = int(os.environ.get("CODEGEN_STATEFUL_STEPS", "6"))

KINDS = ("integer", "bigint", "string", "text", "boolean", "enum", "real")
WIDER = {"integer": "bigint", "string": "text", "real": "float"}
POSTGRES_KINDS = ("inet", "array")  # array: of text
COLLATIONS = {"postgresql": "C", "mysql": "utf8mb4_bin", "sqlite": "NOCASE"}


@dataclass
class Col:
    kind: str
    nullable: bool = True
    length: int | None = None
    values: list[str] = field(default_factory=list)
    default: object = None
    unique: bool = False
    references: str | None = None  # entity name; always a nullable integer column
    comment: str | None = None
    renamed_from: str | None = None
    backfill: object = None
    distinct: bool = True  # every row holds a different value (or NULL): a unique constraint may be added
    generated: str | None = None  # `id * k`: the value is id times k
    collation: str | None = None
    deferrable: bool = False

    def spec(self) -> dict:
        out: dict = {"type": self.kind} if self.kind != "array" else {"type": "array", "items": "text"}
        if self.nullable:
            out["nullable"] = True
        if self.length is not None:
            out["length"] = self.length
        if self.values:
            out["values"] = list(self.values)
        if self.default is not None:
            out["default"] = self.default
        if self.unique:
            out["unique"] = True
        if self.references:
            out["references"] = self.references
            out["on_delete"] = "set_null"
        if self.comment:
            out["comment"] = self.comment
        if self.renamed_from:
            out["renamed_from"] = self.renamed_from
        if self.backfill is not None:
            out["backfill"] = self.backfill
        if self.generated is not None:
            out["generated"] = self.generated
        if self.collation is not None:
            out["collation"] = self.collation
        if self.deferrable:
            out["deferrable"] = True
        return out


@dataclass
class Tbl:
    entity: str
    table: str
    cols: dict[str, Col]
    indexes: list[tuple[str, ...]] = field(default_factory=list)
    # indexes with the newer keys: name -> {"columns": [...], "method"/"expressions"/"include": ...}
    fancy: dict[str, dict] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)  # check name -> column it keeps >= 0
    description: str | None = None
    renamed_from: str | None = None
    rows: list[dict] = field(default_factory=list)
    schema: str | None = None  # PostgreSQL: `<test schema>_s` (moved there and back), else the default

    @property
    def quoted(self) -> str:
        return f'"{self.schema}"."{self.table}"' if self.schema else f'"{self.table}"'

    def spec(self) -> dict:
        fields = {"id": {"type": "integer", "primary_key": True}}
        fields.update({name: col.spec() for name, col in self.cols.items()})
        out: dict = {"entity": self.entity, "table": self.table, "fields": fields}
        if self.schema:
            out["schema"] = self.schema
        if self.description:
            out["description"] = self.description
        if self.renamed_from:
            out["renamed_from"] = self.renamed_from
        if self.indexes or self.fancy:
            out["indexes"] = [{"columns": list(cols)} for cols in self.indexes]
            out["indexes"] += [{"name": name, **ix} for name, ix in sorted(self.fancy.items())]
        if self.checks:
            out["checks"] = [{"name": n, "expr": f"{c} >= 0"} for n, c in sorted(self.checks.items())]
        return out


def _index_words(ix: dict) -> set[str]:
    words = [*ix.get("columns", []), *ix.get("expressions", []), *ix.get("include", [])]
    return {w for text in words for w in re.findall(r"\w+", text)}


def _renamed_in_index(ix: dict, old: str, new: str) -> dict:
    def rename(text: str) -> str:
        return re.sub(rf"\b{old}\b", new, text)
    return {key: [rename(v) for v in value] if isinstance(value, list) else value for key, value in ix.items()}


def _plain(col: Col) -> bool:
    """A column whose value the rules may set: not a reference, not generated, not an array."""
    return not col.references and col.generated is None and col.kind != "array"


def _value(col: Col, n: int) -> object:
    if col.references:
        return None
    return {"integer": n, "bigint": n, "string": f"s{n}", "text": f"t{n}", "boolean": n % 2 == 0,
            "enum": col.values[0] if col.values else None, "real": n, "float": n, "inet": f"10.0.0.{n % 250}",
            "array": [f"a{n}"]}[col.kind]


class MigrationMachine(RuleBasedStateMachine):
    """One project and one empty database per example; `database_factory` is set by the subclass."""

    database_factory = None

    # The kinds a unique constraint or an index may cover (MySQL: not TEXT, which needs a length).
    key_kinds: tuple[str, ...] = ("integer", "string", "text")
    kinds: tuple[str, ...] = KINDS  # what add_column draws from
    index_methods = False  # PostgreSQL: method, include
    expression_indexes = True  # not MySQL (MariaDB)
    deferrable = False  # PostgreSQL
    schemas = False  # PostgreSQL: entities' `schema:`

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="codegen-sm-"))
        self.project = Project(self.folder)
        self.project.write("codegen.yaml", f"dialect: {self.dialect}\n{self.config_extra}")
        self.db = type(self).database_factory(self.folder)
        self.tables: dict[str, Tbl] = {}
        self.counter = itertools.count(1)
        self.previous = None  # schema before the last migration
        self.epoch = 1767225600

    dialect = "sqlite"
    config_extra = ""  # more of codegen.yaml

    def teardown(self):
        self.db.close_engine()
        drop = getattr(self.db, "drop", None)
        if drop:
            drop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------

    def name(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def write_entities(self) -> None:
        shutil.rmtree(self.folder / "entities", ignore_errors=True)
        for t in self.tables.values():
            self.project.write(f"entities/{t.entity.lower()}.yaml", yaml.safe_dump(t.spec(), sort_keys=False))

    def migrate(self) -> None:
        """Generate, then up / down / up, checking schema and rows after each."""
        self.write_entities()
        self.epoch += 1
        result = self.project.run("generate", "-m", "step", env={"SOURCE_DATE_EPOCH": str(self.epoch)})
        assert result.exit_code == 0 and result.exception is None, result.output
        # hints are one-shot: the next state of the files no longer needs them
        for t in self.tables.values():
            t.renamed_from = None
            for col in t.cols.values():
                col.renamed_from = None
                col.backfill = None
        if "No changes" in result.output:
            return
        schema = read_snapshot(self.folder / "migrations" / "schema.snapshot.json", "snapshot").schema
        up, down = self.project.latest("up.sql"), self.project.latest("down.sql")
        self.db.apply(up)
        self.db.assert_matches(schema)
        self.check_rows()
        self.db.apply(down)
        if self.previous is not None:
            self.db.assert_matches(self.previous)
        else:
            self.db.assert_empty()
        self.db.apply(up)
        self.db.assert_matches(schema)
        self.check_rows()
        self.previous = schema

    def check_rows(self) -> None:
        for t in self.tables.values():
            cols = ["id", *t.cols]
            quoted = ", ".join(f'"{c}"' for c in cols)
            live = self.db.query(f'SELECT {quoted} FROM {t.quoted} ORDER BY id')
            want = [tuple(_norm(_expected(t, row, c)) for c in cols) for row in t.rows]
            assert [tuple(_norm(v) for v in row) for row in live] == want, f"rows of {t.table}"

    def tables_with(self, predicate) -> list[Tbl]:
        return [t for t in self.tables.values() if predicate(t)]

    # -- rules -----------------------------------------------------------------------------

    @initialize(n=st.integers(1, 3))
    def start(self, n):
        for _ in range(n):
            self._new_table(None)
        self.migrate()

    def _new_table(self, parent: str | None) -> Tbl:
        entity = self.name("E")
        cols = {self.name("c"): Col("string", nullable=False, default="x", distinct=False, comment="made with the table"),
                self.name("c"): Col("enum", values=["a", "b"], default="a", nullable=False, distinct=False)}
        if parent:
            cols[self.name("c")] = Col("integer", references=parent)
        t = Tbl(entity, entity.lower() + "_t", cols)
        self.tables[entity] = t
        return t

    @rule(data=st.data())
    def add_table(self, data):
        parent = data.draw(st.sampled_from([None, *self.tables])) if self.tables else None
        self._new_table(parent)
        self.migrate()

    @precondition(lambda self: len(self.tables) > 1)
    @rule(data=st.data())
    def drop_table(self, data):
        referenced = {c.references for t in self.tables.values() for c in t.cols.values() if c.references}
        choices = [e for e in self.tables if e not in referenced]
        if not choices:
            return
        del self.tables[data.draw(st.sampled_from(choices))]
        self.migrate()

    @precondition(lambda self: self.tables)
    @rule(data=st.data())
    def rename_table(self, data):
        t = self.tables[data.draw(st.sampled_from(sorted(self.tables)))]
        t.renamed_from, t.table = t.table, self.name("r") + "_t"
        self.migrate()

    @precondition(lambda self: self.schemas and self.tables)
    @rule(data=st.data())
    def move_schema(self, data):
        """The table moves to a schema of its own (created with it) or back to the default one."""
        t = self.tables[data.draw(st.sampled_from(sorted(self.tables)))]
        t.renamed_from = f"{t.schema or 'public'}.{t.table}"
        t.schema = None if t.schema else f"{self.db.schema_name}_s"
        self.migrate()

    @precondition(lambda self: self.tables)
    @rule(data=st.data(), mode=st.sampled_from(["nullable", "default", "backfill"]))
    def add_column(self, data, mode):
        kind = data.draw(st.sampled_from(self.kinds))
        if kind == "array":
            mode = "nullable"  # an array default or backfill is `{sql: ...}`, which the row model does not follow
        t = self.tables[data.draw(st.sampled_from(sorted(self.tables)))]
        col = Col(kind, values=["a", "b", "c"] if kind == "enum" else [],
                  comment=data.draw(st.sampled_from([None, "added later", "it's noted"])))
        probe = _value(col, 7)
        if mode == "default":
            col.nullable, col.default = False, probe
        elif mode == "backfill":
            col.nullable, col.backfill = False, probe
        fill = None if mode == "nullable" else probe
        col.distinct = fill is None or len(t.rows) < 2
        name = self.name("c")
        t.cols[name] = col
        for row in t.rows:
            row[name] = fill
        self.migrate()

    @precondition(lambda self: any(t.cols for t in self.tables.values()))
    @rule(data=st.data())
    def drop_column(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: t.cols)))
        name = data.draw(st.sampled_from(sorted(t.cols)))
        del t.cols[name]
        t.indexes = [ix for ix in t.indexes if name not in ix]
        t.fancy = {n: ix for n, ix in t.fancy.items() if name not in _index_words(ix)}
        t.checks = {n: c for n, c in t.checks.items() if c != name}
        for row in t.rows:
            row.pop(name, None)
        self.migrate()

    @precondition(lambda self: any(t.cols for t in self.tables.values()))
    @rule(data=st.data())
    def rename_column(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: t.cols)))
        old = data.draw(st.sampled_from(sorted(t.cols)))
        new = self.name("c")
        t.cols = {(new if k == old else k): v for k, v in t.cols.items()}
        t.cols[new].renamed_from = old
        t.indexes = [tuple(new if c == old else c for c in ix) for ix in t.indexes]
        t.fancy = {n: _renamed_in_index(ix, old, new) for n, ix in t.fancy.items()}
        t.checks = {n: (new if c == old else c) for n, c in t.checks.items()}
        for row in t.rows:
            if old in row:  # a generated column's value is not in the row model
                row[new] = row.pop(old)
        self.migrate()

    @precondition(lambda self: any(c.kind in WIDER and _plain(c) for t in self.tables.values() for c in t.cols.values()))
    @rule(data=st.data())
    def widen_type(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(c.kind in WIDER and _plain(c) for c in t.cols.values()))))
        name = data.draw(st.sampled_from(sorted(n for n, c in t.cols.items() if c.kind in WIDER and _plain(c))))
        col = t.cols[name]
        keyed = col.unique or any(name in ix for ix in t.indexes)
        if WIDER[col.kind] not in self.key_kinds + ("bigint",) and keyed:
            return  # MySQL cannot index the wider type (TEXT) without a length
        if col.kind == "string" and col.length is None and data.draw(st.booleans()):
            col.length = 200  # string -> string(200), the values are short
        else:
            col.kind, col.length = WIDER[col.kind], None
        self.migrate()

    @precondition(lambda self: any(t.cols for t in self.tables.values()))
    @rule(data=st.data())
    def toggle_nullable(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(_plain(c) for c in t.cols.values()))))
        name = data.draw(st.sampled_from(sorted(n for n, c in t.cols.items() if _plain(c))))
        col = t.cols[name]
        if col.nullable:
            col.nullable = False
            if col.default is None:
                col.backfill = _value(col, 3)
            fill = col.backfill if col.backfill is not None else col.default
            for row in t.rows:
                if row.get(name) is None:
                    row[name] = fill
                    col.distinct = col.distinct and len(t.rows) < 2
        else:
            col.nullable = True
        self.migrate()

    @precondition(lambda self: any(t.cols for t in self.tables.values()))
    @rule(data=st.data(), drop=st.booleans())
    def change_default(self, data, drop):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(_plain(c) for c in t.cols.values()))))
        name = data.draw(st.sampled_from(sorted(n for n, c in t.cols.items() if _plain(c))))
        col = t.cols[name]
        if drop and col.nullable:
            col.default = None
        else:
            col.default = _value(col, 5 if col.default != _value(col, 5) else 6)
        self.migrate()

    @precondition(lambda self: any(t.cols for t in self.tables.values()))
    @rule(data=st.data())
    def toggle_index(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: t.cols)))
        if t.indexes and data.draw(st.booleans()):
            t.indexes.pop(0)
        else:
            indexable = sorted(n for n, c in t.cols.items() if c.kind in self.key_kinds + ("bigint", "boolean", "enum"))
            if not indexable:
                return
            cols = tuple(data.draw(st.lists(st.sampled_from(indexable), min_size=1, max_size=2, unique=True)))
            if cols in t.indexes or not all(cols):
                return
            t.indexes.append(cols)
        self.migrate()

    @precondition(lambda self: any(c.distinct and c.kind in self.key_kinds and not c.references
                                   for t in self.tables.values() for c in t.cols.values()))
    @rule(data=st.data())
    def toggle_unique(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(
            c.distinct and c.kind in self.key_kinds and not c.references for c in t.cols.values()))))
        name = data.draw(st.sampled_from(sorted(n for n, c in t.cols.items()
                                                if c.distinct and c.kind in self.key_kinds and not c.references)))
        t.cols[name].unique = not t.cols[name].unique
        self.migrate()

    @precondition(lambda self: any(c.kind in ("integer", "bigint") and not c.references
                                   for t in self.tables.values() for c in t.cols.values()))
    @rule(data=st.data())
    def toggle_check(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(
            c.kind in ("integer", "bigint") and not c.references for c in t.cols.values()))))
        if t.checks and data.draw(st.booleans()):
            t.checks.pop(sorted(t.checks)[0])
        else:
            name = data.draw(st.sampled_from(sorted(n for n, c in t.cols.items()
                                                    if c.kind in ("integer", "bigint") and not c.references)))
            t.checks[self.name("k")] = name
        self.migrate()

    @precondition(lambda self: any(c.kind == "enum" for t in self.tables.values() for c in t.cols.values()))
    @rule(data=st.data(), how=st.sampled_from(["add", "remove", "reorder"]))
    def change_enum(self, data, how):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(c.kind == "enum" for c in t.cols.values()))))
        name = data.draw(st.sampled_from(sorted(n for n, c in t.cols.items() if c.kind == "enum")))
        col = t.cols[name]
        used = {row.get(name) for row in t.rows} | {col.default}
        if how == "add":
            col.values.insert(data.draw(st.integers(0, len(col.values))), self.name("v"))
        elif how == "remove":
            unused = [v for v in col.values if v not in used]
            if not unused or len(col.values) < 2:
                return
            col.values.remove(data.draw(st.sampled_from(unused)))
        else:
            shuffled = data.draw(st.permutations(col.values))
            if list(shuffled) == col.values:
                return
            col.values = list(shuffled)
        self.migrate()

    @precondition(lambda self: len(self.tables) > 1)
    @rule(data=st.data())
    def toggle_reference(self, data):
        t = self.tables[data.draw(st.sampled_from(sorted(self.tables)))]
        refs = [n for n, c in t.cols.items() if c.references]
        if refs and data.draw(st.booleans()):
            t.cols[refs[0]].references = None  # the column stays, the foreign key goes
            t.cols[refs[0]].deferrable = False
            t.cols[refs[0]].distinct = False
        else:
            name = self.name("c")
            t.cols[name] = Col("integer", references=data.draw(st.sampled_from(sorted(self.tables))))
            for row in t.rows:
                row[name] = None
        self.migrate()

    @precondition(lambda self: self.tables)
    @rule(data=st.data())
    def comment(self, data):
        t = self.tables[data.draw(st.sampled_from(sorted(self.tables)))]
        t.description = None if t.description else f"table {t.entity}'s rows"
        self.migrate()

    @precondition(lambda self: self.tables)
    @rule(data=st.data())
    def toggle_generated(self, data):
        """A generated column (id * k) appears, or its expression changes."""
        t = self.tables[data.draw(st.sampled_from(sorted(self.tables)))]
        generated = sorted(n for n, c in t.cols.items() if c.generated is not None)
        if generated and data.draw(st.booleans()):
            col = t.cols[data.draw(st.sampled_from(generated))]
            col.generated = f"id * {int(col.generated.split('*')[1]) + 1}"
        else:
            t.cols[self.name("g")] = Col("integer", generated="id * 2", distinct=False)
        self.migrate()

    @precondition(lambda self: any(t.cols for t in self.tables.values()))
    @rule(data=st.data())
    def toggle_index_feature(self, data):
        """An index with a descending key, an expression, a method or INCLUDE comes or goes."""
        t = data.draw(st.sampled_from(self.tables_with(lambda t: t.cols)))
        if t.fancy and data.draw(st.booleans()):
            t.fancy.pop(sorted(t.fancy)[0])
            self.migrate()
            return
        indexable = sorted(n for n, c in t.cols.items() if c.kind in self.key_kinds + ("bigint", "boolean", "enum"))
        texts = sorted(n for n, c in t.cols.items() if c.kind in ("string", "text") and c.generated is None)
        choices = ["desc"] + (["method", "include"] if self.index_methods else []) + (
            ["expression"] if self.expression_indexes and texts else [])
        how = data.draw(st.sampled_from(choices))
        if how == "expression":
            ix = {"expressions": [f"lower({data.draw(st.sampled_from(texts))})"]}
        elif not indexable:
            return
        else:
            column = data.draw(st.sampled_from(indexable))
            ix = {"columns": [f"{column} desc"]} if how == "desc" else {"columns": [column]}
            if how == "method":  # brin has operator classes for numbers and text, not for enum types
                brin = t.cols[column].kind in ("integer", "bigint", "string", "text")
                ix["method"] = data.draw(st.sampled_from(["hash", "brin"] if brin else ["hash"]))
            elif how == "include":
                ix["include"] = ["id"]
        t.fancy[self.name("fx_")] = ix
        self.migrate()

    @precondition(lambda self: any(c.kind in ("string", "text") and _plain(c)
                                   for t in self.tables.values() for c in t.cols.values()))
    @rule(data=st.data())
    def toggle_collation(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(
            c.kind in ("string", "text") and _plain(c) for c in t.cols.values()))))
        col = t.cols[data.draw(st.sampled_from(sorted(n for n, c in t.cols.items()
                                                       if c.kind in ("string", "text") and _plain(c))))]
        col.collation = None if col.collation else COLLATIONS[self.dialect]
        self.migrate()

    @precondition(lambda self: self.deferrable and any(c.references for t in self.tables.values()
                                                       for c in t.cols.values()))
    @rule(data=st.data())
    def toggle_deferrable(self, data):
        t = data.draw(st.sampled_from(self.tables_with(lambda t: any(c.references for c in t.cols.values()))))
        col = t.cols[data.draw(st.sampled_from(sorted(n for n, c in t.cols.items() if c.references)))]
        col.deferrable = not col.deferrable
        self.migrate()

    @precondition(lambda self: self.tables)
    @rule(data=st.data())
    def insert_row(self, data):
        """Rows arrive between migrations, as in production."""
        t = self.tables[data.draw(st.sampled_from(sorted(self.tables)))]
        n = next(self.counter)
        row = {"id": n}
        for name, col in t.cols.items():
            if col.generated is not None:
                continue  # the database computes it (check_rows knows how)
            value = _value(col, n)
            if col.references:
                parent = self.tables.get(col.references)
                ids = [r["id"] for r in parent.rows] if parent else []
                value = data.draw(st.sampled_from([None, *ids]))
            row[name] = value
        cols = list(row)
        values = ", ".join(self.db_literal(row[c]) for c in cols)
        self.db.apply(f'INSERT INTO {t.quoted} ({", ".join(chr(34) + c + chr(34) for c in cols)}) VALUES ({values});')
        t.rows.append(row)

    def db_literal(self, value) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE") if self.dialect == "postgresql" else str(int(value))
        if isinstance(value, int):
            return str(value)
        if isinstance(value, list):
            return "ARRAY[" + ", ".join(self.db_literal(v) for v in value) + "]"
        return "'" + str(value).replace("'", "''") + "'"

    @invariant()
    def nothing_pending(self):
        """After every step the entities and the snapshot agree."""
        if self.tables:
            self.write_entities()
            result = self.project.run("check")
            assert result.exit_code == 0, result.output


def _expected(t: Tbl, row: dict, name: str) -> object:
    col = t.cols.get(name)
    if col is not None and col.generated is not None:
        return row["id"] * int(col.generated.split("*")[1])
    return row.get(name)


def _norm(value):
    if isinstance(value, bool):
        return int(value)
    if type(value).__name__ in ("IPv4Address", "IPv4Interface"):
        return str(value)
    return value


# -- one machine per engine -----------------------------------------------------------------------

class SQLiteMachine(MigrationMachine):
    dialect = "sqlite"
    database_factory = staticmethod(lambda folder: SQLiteDatabase(folder / "db.sqlite"))


class PostgresMachine(MigrationMachine):
    dialect = "postgresql"
    kinds = KINDS + POSTGRES_KINDS
    index_methods = True
    deferrable = True
    schemas = True

    @staticmethod
    def database_factory(folder):
        db = PostgresDatabase(require_postgres())
        db.create()
        return db


class OnlinePostgresMachine(MigrationMachine):
    """The same changes in PostgreSQL's online forms: concurrent index builds after COMMIT,
    constraints NOT VALID then validated, NOT NULL through a validated check. (Not a subclass of
    PostgresMachine: hypothesis's settings, applied to that class, would be inherited.)"""

    dialect = "postgresql"
    config_extra = "postgresql: {online: true}\n"
    kinds = KINDS + POSTGRES_KINDS
    index_methods = True
    deferrable = True
    schemas = True
    database_factory = staticmethod(PostgresMachine.database_factory)


_SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                     suppress_health_check=list(HealthCheck))


class MySQLMachine(MigrationMachine):
    dialect = "mysql"
    key_kinds = ("integer", "string")
    expression_indexes = False

    @staticmethod
    def database_factory(folder):
        db = MySQLDatabase(require_mysql())
        db.create()
        return db


def test_random_changes_on_sqlite():
    _SETTINGS(SQLiteMachine).TestCase().runTest()


@pytest.mark.postgres
def test_random_changes_on_postgresql():
    require_postgres()
    _SETTINGS(PostgresMachine).TestCase().runTest()


@pytest.mark.postgres
def test_random_changes_on_postgresql_online():
    require_postgres()
    settings(_SETTINGS, max_examples=max(10, EXAMPLES // 4))(OnlinePostgresMachine).TestCase().runTest()


def test_random_changes_on_mysql():
    require_mysql()
    _SETTINGS(MySQLMachine).TestCase().runTest()
