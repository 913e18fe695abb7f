"""YAML reading that remembers where every key and value stood.

PyYAML throws positions away once it builds Python objects, and silently keeps
the last of two equal keys in a mapping. Both matter here: every input error
must name its line and column, and a duplicated `nullable:` that overrides the
first one is a bug in the user's file, not a choice. So mappings and lists are
built as `MarkedDict` / `MarkedList`, which carry the positions of their keys
and items; libyaml's C parser is used when PyYAML was built with it.
"""

from __future__ import annotations

from typing import Any

import yaml

from codegen.errors import Location, UserError

try:  # libyaml's C parser: several times faster on large entity sets
    _BaseLoader = yaml.CSafeLoader  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader

Position = tuple[int, int]  # 1-based line, column


class MarkedDict(dict):
    """A mapping that knows where each key and each value started."""

    key_marks: dict[Any, Position]
    value_marks: dict[Any, Position]
    mark: Position


class MarkedList(list):
    item_marks: list[Position]
    mark: Position


def _position(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first: Position, second: Position):
        self.key, self.first, self.second = key, first, second


class _MarkingLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node, deep=False):  # noqa: D401 - PyYAML hook
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        self.flatten_mapping(node)
        result = MarkedDict()
        result.key_marks, result.value_marks, result.mark = {}, {}, _position(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "found an unhashable key", key_node.start_mark) from None
            if key in result.key_marks:
                raise _DuplicateKey(key, result.key_marks[key], _position(key_node))
            result[key] = self.construct_object(value_node, deep=True)
            result.key_marks[key] = _position(key_node)
            result.value_marks[key] = _position(value_node)
        return result

    def construct_sequence(self, node, deep=False):
        result = MarkedList(self.construct_object(child, deep=True) for child in node.value)
        result.item_marks = [_position(child) for child in node.value]
        result.mark = _position(node)
        return result


_MarkingLoader.add_constructor("tag:yaml.org,2002:map", _MarkingLoader.construct_mapping)
_MarkingLoader.add_constructor("tag:yaml.org,2002:seq", _MarkingLoader.construct_sequence)


def read_yaml(text: str, file: str) -> Any:
    """Parse one YAML document, keeping positions; raise UserError on any YAML mistake.

    >>> read_yaml("a: 1", "x.yaml").value_marks["a"]
    (1, 4)
    """
    loader = _MarkingLoader(text)
    try:
        return loader.get_single_data()
    except _DuplicateKey as dup:
        raise UserError.at(
            file, f"duplicate key `{dup.key}` (first given at line {dup.first[0]})",
            fix=f"keep one `{dup.key}:` in this mapping; YAML would silently use the last one",
            line=dup.second[0], column=dup.second[1]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise UserError.at(
            file, f"invalid YAML: {problem}",
            fix="check indentation, colons and quoting near this position",
            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise UserError.at(file, f"invalid YAML: {exc}", fix="fix the YAML syntax") from None
    except RecursionError:
        raise UserError.at(file, "invalid YAML: collections nested too deeply to read",
                           fix="an entity file needs a few levels at most: flatten the nesting") from None
    finally:
        loader.dispose()


def locate(file: str, root: Any, path: tuple[Any, ...], at_key: bool = False) -> Location:
    """The position of `root[path[0]][path[1]]...`, or of the deepest part that exists.

    `at_key` points at the last key rather than its value (for unknown keys).
    """
    line, column = _position_in(root, path, at_key)
    return Location(file, line, column)


def _position_in(root: Any, path: tuple[Any, ...], at_key: bool) -> tuple[int | None, int | None]:
    node, best = root, getattr(root, "mark", None)
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, MarkedDict) and part in node:
            marks = node.key_marks if (last and at_key) else node.value_marks
            best = marks.get(part, best)
            node = node[part]
        elif isinstance(node, MarkedList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_marks[part]
            node = node[part]
        else:
            break
    return best if best is not None else (None, None)


class Document:
    """One YAML file, kept only to find positions in it if they are asked for.

    Entity files are parsed without positions (plain_yaml.parse); the first
    `Location` in this file that is printed reads it again with PyYAML and marks.
    """

    __slots__ = ("file", "text", "_marked")

    def __init__(self, file: str, text: str):
        self.file, self.text, self._marked = file, text, None

    def marked(self) -> Any:
        if self._marked is None:
            self._marked = read_yaml(self.text, self.file)
        return self._marked

    def position(self, path: tuple[Any, ...], at_key: bool = False) -> tuple[int | None, int | None]:
        return _position_in(self.marked(), path, at_key)

    def locate(self, path: tuple[Any, ...], at_key: bool = False) -> Location:
        """Where `data[path[0]][path[1]]...` was written (worked out when first printed)."""
        return Location(self.file, find=lambda: self.position(path, at_key))
