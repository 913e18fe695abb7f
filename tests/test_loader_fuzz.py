"""Whatever YAML a user writes, the loader either loads it or raises codegen's own input error."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import fuzz_examples
from codegen.errors import UserError
from codegen.loader import load_schema
from codegen.loader.format import FIELD_KEYS
from codegen.model import LOGICAL_TYPES

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
                    st.text(max_size=12), st.sampled_from([*LOGICAL_TYPES, "now", "string?", "Customer", "Customer.id"]))
keys = st.one_of(st.sampled_from([*FIELD_KEYS, "entity", "fields", "table", "extends", "indexes", "unique",
                                  "checks", "abstract", "external", "primary_key", "entities", "sql", "columns"]),
                 st.text(min_size=1, max_size=8))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=5)), max_leaves=25)

field_spec = st.fixed_dictionaries(
    {"type": st.sampled_from([*LOGICAL_TYPES, "strng"])},
    optional={k: v for k, v in {
        "nullable": st.booleans(), "primary_key": st.booleans(), "unique": st.booleans(),
        "default": scalars, "references": st.sampled_from(["Customer", "Customer.id", "Nope", "Order.x"]),
        "length": st.integers(-1, 400), "precision": st.integers(0, 40), "scale": st.integers(-1, 40),
        "values": st.lists(st.text(max_size=5), max_size=3), "autoincrement": st.booleans(),
        "on_delete": st.sampled_from(["cascade", "set_null", "boom"]), "backfill": scalars,
        "renamed_from": st.text(max_size=6), "timezone": st.booleans(), "searchable": st.booleans(),
    }.items()})
entity = st.fixed_dictionaries(
    {"entity": st.sampled_from(["Customer", "Order", "Base", "bad name"]),
     "fields": st.dictionaries(st.sampled_from(["id", "name", "customer_id", "x-y", "created_at"]),
                               st.one_of(field_spec, st.sampled_from(["string", "integer?", "nope"])), max_size=4)},
    optional={"abstract": st.booleans(), "extends": st.lists(st.sampled_from(["Base", "Customer", "Nope"]), max_size=2),
              "table": st.sampled_from(["customer", "order", "x"]), "primary_key": st.lists(st.sampled_from(["id", "name"]), max_size=2),
              "indexes": st.lists(st.fixed_dictionaries({"columns": st.lists(st.sampled_from(["id", "name", "zz"]), max_size=2)}), max_size=2),
              "checks": st.lists(st.fixed_dictionaries({"name": st.sampled_from(["c", "bad name"]), "expr": st.just("1 = 1")}), max_size=1)})


def _load_text(tmp: Path, texts: list[str]) -> None:
    for old in tmp.glob("*.yaml"):
        old.unlink()
    for i, text in enumerate(texts):
        (tmp / f"e{i}.yaml").write_text(text, encoding="utf-8")
    try:
        load_schema(tmp, 63)
    except UserError as exc:
        rendered = str(exc)
        assert rendered and all(p.location.file for p in exc.problems)


@settings(max_examples=fuzz_examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(values, min_size=1, max_size=3))
def test_arbitrary_yaml_values(tmp_path, docs):
    _load_text(tmp_path, [yaml.safe_dump(d) for d in docs])


@settings(max_examples=fuzz_examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entities=st.lists(entity, min_size=1, max_size=3))
def test_plausible_entities(tmp_path, entities):
    _load_text(tmp_path, [yaml.safe_dump(e, sort_keys=False) for e in entities])


@settings(max_examples=fuzz_examples(300), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entities=st.lists(entity, min_size=1, max_size=2), cut=st.integers(0, 400), junk=st.text(max_size=4))
def test_mutated_text(tmp_path, entities, cut, junk):
    text = yaml.safe_dump({"entities": entities}, sort_keys=False)
    cut = cut % (len(text) + 1)
    _load_text(tmp_path, [text[:cut] + junk + text[cut:]])


def test_entity_files_are_ordered_as_pathlib_orders_them(tmp_path):
    """entity_paths sorts texts, not lists of parts: the order must stay pathlib's."""
    import random

    from codegen.loader import entity_files

    names = ["a", "a-b", "a.b", "a b", "ab", "A", "b", "a_b", "a0", "é"]
    rng = random.Random(6)
    for _ in range(300):
        folder = tmp_path.joinpath(*(rng.choice(names) for _ in range(rng.randint(0, 2))))
        folder.mkdir(parents=True, exist_ok=True)
        folder.joinpath(rng.choice(names) + rng.choice([".yaml", ".yml", ".txt"])).write_text("")
    (tmp_path / ".yaml").write_text("")  # no extension, as os.path.splitext sees it
    found = entity_files(tmp_path)
    expected = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    assert found == expected and len(found) > 50
