"""The fast entity-file reader answers exactly what PyYAML answers, or steps aside.

`plain_yaml.read_subset` either returns PyYAML's own result for a text or
NOT_PLAIN (then the loader uses PyYAML). A wrong answer would silently change
a schema, so it is compared with PyYAML on generated documents: block and flow
collections, indentless lists, comments, CRLF, and scalars YAML 1.1 types
(`yes`, `~`, `0o7`, `1_000`, dates, `.inf`), plus random edits of those texts.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import fuzz_examples
from codegen.loader.plain_yaml import NOT_PLAIN, read_subset

EXAMPLES = fuzz_examples(300)
ROOT = Path(__file__).resolve().parent.parent

SCALARS = [
    "a", "name", "string", "string?", "integer", "50", "-3", "+4", "0", "007", "0o17", "0x1F", "1_000", "1.5", "1e3",
    "6.02e+23", ".inf", "-.Inf", ".nan", "~", "null", "Null", "true", "True", "yes", "No", "on", "OFF", "y", "n",
    "2024-01-31", "2024-01-31 10:20:30", "2001-12-14t21:59:43.10-05:00", "12:30", "1:20:30", "now", "now()",
    "gen_random_uuid()", "a b", "a  b", "a - b", "x=y", "<<", "=", "a#b", "a #b", "a: b", "a:b", "-a", "- a", "-",
    "?a", "? a", "&a", "*a", "!a", "!!str 1", "|", ">", "@a", "`a", "%a", "'q'", "\"q\"", "'it''s'", "\"a\\tb\"",
    "\"\"", "''", "[]", "{}", "[a, b]", "{a: 1}", "{a: [1, 2]}", "[a,b]", "{a:1}", "{a: }", "[a, , b]", "[a, b, ]",
    "{a: 1, a: 2}", "{a}", "[a: b]", "é", "naïve", "a\u00a0b", "/path", "t_1.x", "CamelCase", "_x", "1.2.3",
]
KEYS = ["a", "b", "name", "type", "fields", "yes", "on", "1", "1.5", "~", "null", "x_y", "a.b", "a-b", "a b", "'q'", "a:b"]


COMMON = ["a", "string", "string?", "50", "true", "no", "~", "now()", "a b", "'q'", "[a, b]", "{type: string, length: 50}"]


def _scalar() -> st.SearchStrategy[str]:
    return st.sampled_from(COMMON) | st.sampled_from(SCALARS)


@st.composite
def _block(draw, indent: int = 0, depth: int = 0) -> str:
    pad = " " * indent
    kind = draw(st.sampled_from(["map", "seq"] if depth < 3 else ["map"]))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        nested = depth < 3 and draw(st.booleans())
        step = draw(st.sampled_from([2, 4, 1]))
        if kind == "map":
            key = draw(st.sampled_from(KEYS))
            if nested:
                lines.append(f"{pad}{key}:")
                if draw(st.booleans()):
                    lines.append(draw(_block(indent + step, depth + 1)).rstrip("\n"))
                else:  # an indentless list, or nothing (null)
                    lines.append(draw(_block(indent, depth + 1)).rstrip("\n") if draw(st.booleans()) else "")
            else:
                lines.append(f"{pad}{key}:{draw(st.sampled_from([' ', '  ', '']))}{draw(_scalar())}")
        else:
            if nested:
                lines.append(f"{pad}-" + draw(st.sampled_from(["", " " + draw(st.sampled_from(KEYS)) + ": " + draw(_scalar()) + "\n" + " " * (indent + 2) + draw(st.sampled_from(KEYS)) + ": x"])))
                if draw(st.booleans()):
                    lines.append(draw(_block(indent + step, depth + 1)).rstrip("\n"))
            else:
                lines.append(f"{pad}- {draw(_scalar())}")
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["# comment", "  # indented comment", "", "   "])))
        if draw(st.integers(0, 8)) == 0:
            lines[-1] += draw(st.sampled_from([" # trailing", "#x", "  ", " \r"]))
    return "\n".join(lines) + "\n"


@st.composite
def _document(draw) -> str:
    text = draw(_block())
    edits = draw(st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(
        [" ", "\n", "-", ":", "#", "'", '"', "{", "}", "[", "]", ",", "\t", "  ", "a", "\r\n", "\ufeff", "\x07"])), max_size=3))
    for where, what in edits:
        where %= len(text) + 1
        text = text[:where] + what + text[where:]
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (True is not 1 here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(k1, k2) and same(a[k1], b[k2]) for k1, k2 in zip(a, b))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


def check(text: str) -> bool:
    """True when the fast reader answered (and then it must match PyYAML)."""
    answer = read_subset(text)
    if answer is NOT_PLAIN:
        return False
    expected = yaml.load(text, Loader=yaml.CSafeLoader)  # must not raise: the fast reader accepted it
    assert same(answer, expected), (text, answer, expected)
    return True


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(_document())
def test_plain_reader_agrees_with_pyyaml(text: str) -> None:
    check(text)


def test_generated_documents_are_mostly_answered_fast() -> None:
    """Guards the test above against passing because the reader always steps aside."""
    answered: list[bool] = []

    @settings(max_examples=fuzz_examples(200), deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(_block())
    def run(text: str) -> None:
        answered.append(check(text))

    run()
    assert sum(answered) > len(answered) * 0.1, (sum(answered), len(answered))


def test_every_entity_file_in_the_repository() -> None:
    files = [*ROOT.glob("examples/**/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml")]
    answered = sum(check(p.read_text(encoding="utf-8")) for p in files)
    assert answered >= len(files) * 0.8, answered


def test_outside_the_subset() -> None:
    for text in ["a: &x 1\nb: *x\n", "a: |\n  text\n", "a: 1\na: 2\n", "a: !!str 1\n", "a:\n\tb: 1\n", "a: 'x''y'\n",
                 "a: b\n  c\n", "- - a\n", "a: {b: 1\n", "--- \na: 1\n", "? a\n: b\n", "a: \"x\\ny\"\n"]:
        assert read_subset(text) is NOT_PLAIN, text


def test_yaml_1_1_scalars() -> None:
    assert read_subset("a: yes\nb: ~\nc: 0o17\nd: 1_000\ne: [on, 1.5]\nf: 2024-01-31\ng: 'yes'\n") == yaml.safe_load(
        "a: yes\nb: ~\nc: 0o17\nd: 1_000\ne: [on, 1.5]\nf: 2024-01-31\ng: 'yes'\n")
    assert read_subset("") is None and read_subset("# only a comment\n") is None


def test_parse_hands_what_the_subset_does_not_read_to_pyyaml() -> None:
    from codegen.loader.plain_yaml import parse

    assert parse("a: &x 1\nb: *x\n", "f.yaml") == {"a": 1, "b": 1}  # anchors: outside the subset
    assert parse("entity: A\nfields: {id: integer}\n", "f.yaml") == {"entity": "A", "fields": {"id": "integer"}}


@pytest.mark.parametrize("text", ["a: " + "[" * 990 + "]" * 990 + "\n", "a: " + "[" * 5000 + "]" * 5000 + "\n", "a: " + "{b: " * 5000 + "1" + "}" * 5000 + "\n"])
def test_yaml_nested_too_deeply_is_an_input_error(text: str) -> None:
    """Flow collections nested thousands deep exhaust Python's stack: a clear error, not a traceback."""
    from codegen.errors import UserError
    from codegen.loader.plain_yaml import parse

    with pytest.raises(UserError) as raised:
        parse(text, "entities/deep.yaml")
    rendered = raised.value.problems[0].render()
    assert rendered.startswith("entities/deep.yaml") and "nest" in rendered and "fix:" in rendered
