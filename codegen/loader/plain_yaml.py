"""`parse(text, file)`: YAML as PyYAML reads it, fast for the plain YAML most entity files are.

PyYAML spends about 0.3 ms on a ten-field entity file even with libyaml: its
C parser hands every token to Python as an event object with two position
marks, and construction runs in Python. At 10,000 entity files that is most
of a `codegen generate`; this reader takes a quarter of the time.

Entity files are nearly always block mappings and lists of short plain or
simply quoted scalars, with one-line flow collections (`{type: string}`,
`[a, b]`). The subset reader reads exactly that, line by line, and gives up
on anything else (anchors, tags, block scalars, escapes, multi-line scalars,
odd indentation, duplicate keys, ...); `parse` then hands the text to PyYAML
(yaml_source.read_yaml, libyaml's C parser when present), which also words
the error and its position.

Whenever the subset reader answers, the answer equals PyYAML's `safe_load` of
the same text: each distinct plain scalar is typed by PyYAML's own resolver
and constructor (so `yes`, `1_000`, `0o7`, `~` and `.inf` mean what YAML 1.1
says), and tests/test_plain_yaml.py compares the two on generated documents.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from codegen.loader.yaml_source import read_yaml

__all__ = ["parse"]


def parse(text: str, file: str) -> Any:
    """The data of one YAML document; UserError (with its position) when it is not valid YAML.

    >>> parse("entity: Customer\nfields: {id: integer}\n", "customer.yaml")
    {'entity': 'Customer', 'fields': {'id': 'integer'}}
    """
    try:
        data = read_subset(text)
    except RecursionError:  # nesting deeper than Python's stack: PyYAML reports it
        data = NOT_PLAIN
    return read_yaml(text, file) if data is NOT_PLAIN else data


class _NotPlain:
    """The subset reader's "outside the subset"."""

    __slots__ = ()


NOT_PLAIN = _NotPlain()

# A plain scalar this reader accepts: no indicator first, no `:`, `#`, `,`,
# quote, bracket or backslash anywhere, so block and flow context agree on it.
_PLAIN = re.compile(r"[A-Za-z0-9_.(/+~$]|-(?=[^ ])").match
_PLAIN_BODY = re.compile(r"[\w .()/+\-=<>*%$^~;@&|!?]*\Z").match
_KEY = re.compile(r"([A-Za-z0-9_][\w.\-]*):(?: +(.*))?\Z").match
_FLOW_TOKEN = re.compile(
    r""" *(?:([{}\[\],])|(?:"([^"\\]*)"|'([^']*)'|([^{}\[\],:"'#]*[^{}\[\],:"'# ]))(?:(:)(?= |$)| *(?=[{}\[\],]|$)))""")
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE

_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_STR_TAG = _resolver.DEFAULT_SCALAR_TAG
# A str-tagged scalar is constructed as its own text: then the constructor is not called.
_STR_IS_TEXT = _constructor.yaml_constructors.get(_STR_TAG) is yaml.constructor.SafeConstructor.construct_yaml_str
_typed: dict[str, Any] = {}
_flows: dict[str, tuple[Any, bool]] = {}  # `{type: string, length: 50}` recurs in most files


def _plain_value(text: str) -> Any:
    """`text` as PyYAML types an unquoted scalar (memoised: entity files repeat few of them)."""
    try:
        return _typed[text]
    except KeyError:
        pass
    if not _PLAIN(text) or not _PLAIN_BODY(text) or text != text.strip():
        value: Any = NOT_PLAIN
    else:
        tag = _resolver.resolve(ScalarNode, text, (True, False))
        if tag == _STR_TAG and _STR_IS_TEXT:  # each file's own names (`T1`, `t1`) miss the memo
            return _memoised(text, text)
        try:
            value = _constructor.construct_object(ScalarNode(tag, text))
        except yaml.YAMLError:  # e.g. `=` or `<<`, which YAML 1.1 reserves
            value = NOT_PLAIN
    return _memoised(text, value)


def _memoised(text: str, value: Any) -> Any:
    if len(_typed) < 100_000:
        _typed[text] = value
    return value


def _scalar(text: str) -> Any:
    """A whole value written on one line after `key: ` or `- `: plain or simply quoted."""
    first = text[0]
    if first == '"':
        return text[1:-1] if len(text) > 1 and text[-1] == '"' and '"' not in text[1:-1] and "\\" not in text else NOT_PLAIN
    if first == "'":
        return text[1:-1] if len(text) > 1 and text[-1] == "'" and "'" not in text[1:-1] else NOT_PLAIN
    if first == "{" or first == "[":
        try:
            value, flat = _flows[text]
        except KeyError:
            value = _flow(text)
            flat = value is NOT_PLAIN or all(not isinstance(v, (dict, list)) for v in (
                value.values() if isinstance(value, dict) else value))
            if len(_flows) < 100_000:
                _flows[text] = value, flat
        if value is NOT_PLAIN:
            return value
        return value.copy() if flat else _copy(value)  # callers own what they get
    return _plain_value(text)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _flow(text: str) -> Any:
    """A one-line flow collection, e.g. `{type: string, length: 50}` or `[a, b]`."""
    tokens = []  # (kind, value, followed_by_colon)
    pos, end = 0, len(text)
    while pos < end:
        m = _FLOW_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            return NOT_PLAIN
        pos = m.end()
        punct, dq, sq, plain, colon = m.groups()
        if punct is not None:
            tokens.append((punct, None, False))
            continue
        if plain is not None:
            value = _plain_value(plain)
            if value is NOT_PLAIN:
                return NOT_PLAIN
        else:
            value = dq if dq is not None else sq
            if dq is not None and "\\" in dq:
                return NOT_PLAIN
        tokens.append(("s", value, colon is not None))
    value, at = _flow_value(tokens, 0)
    return value if at == len(tokens) else NOT_PLAIN


def _flow_value(tokens: list, at: int) -> tuple[Any, int]:
    if at >= len(tokens):
        return NOT_PLAIN, at
    kind, value, colon = tokens[at]
    if kind == "s":
        return (NOT_PLAIN, at) if colon else (value, at + 1)
    if kind == "[":
        items: list = []
        at += 1
        while at < len(tokens) and tokens[at][0] != "]":
            item, at = _flow_value(tokens, at)
            if item is NOT_PLAIN:
                return NOT_PLAIN, at
            items.append(item)
            if at < len(tokens) and tokens[at][0] == ",":
                at += 1
            elif at >= len(tokens) or tokens[at][0] != "]":
                return NOT_PLAIN, at
        return (items, at + 1) if at < len(tokens) else (NOT_PLAIN, at)
    if kind == "{":
        mapping: dict = {}
        at += 1
        while at < len(tokens) and tokens[at][0] != "}":
            kind, key, colon = tokens[at]
            if kind != "s" or not colon or not _hashable(key) or key in mapping:
                return NOT_PLAIN, at
            if at + 1 < len(tokens) and tokens[at + 1][0] in ",}":
                mapping[key] = None  # `{a: , b: 1}` / `{a:}`: an empty value is null
                at += 1
            else:
                item, at = _flow_value(tokens, at + 1)
                if item is NOT_PLAIN:
                    return NOT_PLAIN, at
                mapping[key] = item
            if at < len(tokens) and tokens[at][0] == ",":
                at += 1
            elif at >= len(tokens) or tokens[at][0] != "}":
                return NOT_PLAIN, at
        return (mapping, at + 1) if at < len(tokens) else (NOT_PLAIN, at)
    return NOT_PLAIN, at


def _hashable(key: Any) -> bool:
    return not isinstance(key, (list, dict))


def read_subset(text: str) -> Any:
    """PyYAML's reading of `text`, or NOT_PLAIN when the text is outside the subset."""
    if ("\t" in text or _NON_PRINTABLE.search(text) or text.startswith("\ufeff") or "\x85" in text
            or "\u2028" in text or "\u2029" in text):
        return NOT_PLAIN  # tabs, a BOM or unprintable characters: PyYAML decides
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return NOT_PLAIN  # odd line breaks
        text = text.replace("\r\n", "\n")
    lines = []
    append = lines.append
    for line in text.split("\n"):
        content = line.lstrip(" ")
        if not content or content[0] == "#":
            continue
        indent = len(line) - len(content)
        if "#" in content:
            if '"' in content or "'" in content:
                return NOT_PLAIN
            cut = content.find(" #")
            if cut < 0:
                return NOT_PLAIN
            content = content[:cut]
        content = content.rstrip(" ")
        if content[0] in _INDICATORS and content.startswith(_OUTSIDE_STARTS):
            return NOT_PLAIN
        append((indent, content))
    if not lines:
        return None
    try:
        value, at = _block(lines, 0, lines[0][0])
    except _Outside:
        return NOT_PLAIN
    if at != len(lines):
        return NOT_PLAIN
    return value


_OUTSIDE_STARTS = ("---", "...", "%", "?", "&", "*", "!", "|", ">", "@", "`", "- -")
_INDICATORS = frozenset(start[0] for start in _OUTSIDE_STARTS)


class _Outside(Exception):
    """The text leaves the subset; PyYAML takes over."""


def _block(lines: list[tuple[int, str]], at: int, indent: int) -> tuple[Any, int]:
    """The block node whose lines start at `lines[at]`, indented by `indent`."""
    content = lines[at][1]
    if content == "-" or content.startswith("- "):
        return _sequence(lines, at, indent)
    if _KEY(content):
        return _mapping(lines, at, indent)
    if at + 1 < len(lines) and lines[at + 1][0] >= indent:
        raise _Outside  # a scalar spanning several lines
    value = _scalar(content)
    if value is NOT_PLAIN:
        raise _Outside
    return value, at + 1


def _mapping(lines: list[tuple[int, str]], at: int, indent: int, first: str | None = None) -> tuple[dict, int]:
    """The mapping at `lines[at]`; `first`: its first line's content, when it follows `- ` there."""
    result: dict = {}
    n = len(lines)
    while at < n:
        if first is None:
            line_indent, content = lines[at]
            if line_indent != indent:
                if line_indent > indent:
                    raise _Outside
                break
        else:
            content, first = first, None
        m = _KEY(content)
        if m is None:
            raise _Outside
        key, rest = m.groups()
        key = _plain_value(key)  # a scalar: always hashable
        if key is NOT_PLAIN or key in result:
            raise _Outside
        at += 1
        deeper = at < n and lines[at][0] > indent
        if rest:
            if deeper:
                raise _Outside  # continuation lines of a plain scalar
            value = _scalar(rest)
            if value is NOT_PLAIN:
                raise _Outside
        elif deeper:
            value, at = _block(lines, at, lines[at][0])
        elif at < n and lines[at][0] == indent and (lines[at][1] == "-" or lines[at][1].startswith("- ")):
            value, at = _sequence(lines, at, indent)  # `key:` then `- item` at the key's indent
        else:
            value = None
        result[key] = value
    return result, at


def _sequence(lines: list[tuple[int, str]], at: int, indent: int) -> tuple[list, int]:
    result: list = []
    n = len(lines)
    while at < n:
        line_indent, content = lines[at]
        if line_indent != indent or not (content == "-" or content.startswith("- ")):
            if line_indent > indent:
                raise _Outside
            break
        body = content[1:].lstrip(" ")
        if not body:
            at += 1
            if at < n and lines[at][0] > indent:
                value, at = _block(lines, at, lines[at][0])
            else:
                value = None
        elif _KEY(body):
            column = indent + len(content) - len(body)
            value, at = _mapping(lines, at, column, body)
        else:
            at += 1
            if at < n and lines[at][0] > indent:
                raise _Outside
            value = _scalar(body)
            if value is NOT_PLAIN:
                raise _Outside
        result.append(value)
    return result, at
