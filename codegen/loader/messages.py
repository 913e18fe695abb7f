"""pydantic's validation errors, pointed at the YAML and phrased for a person.

The format models (format.py) decide what is valid; this module only turns
what they report into one Problem per place, with a fix a user can act on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codegen.errors import Problem, did_you_mean

if TYPE_CHECKING:
    from pydantic import ValidationError

    from codegen.loader.yaml_source import Document


def problems_from(exc: ValidationError, doc: Document, prefix: tuple[Any, ...], item: Any) -> list[Problem]:
    """pydantic's errors, pointed at the YAML and phrased for a person, one per place."""
    from codegen.loader.format import CHECK_KEYS, ENTITY_KEYS, FIELD_KEYS, FOREIGN_KEY_KEYS, INDEX_KEYS

    keys_at_depth = {"fields": FIELD_KEYS, "indexes": INDEX_KEYS, "checks": CHECK_KEYS, "foreign_keys": FOREIGN_KEY_KEYS}
    entity = item.get("entity") if isinstance(item, dict) and isinstance(item.get("entity"), str) else None
    problems: dict[tuple, Problem] = {}
    for error in exc.errors():
        data_path = _data_path(item, error["loc"])
        field = data_path[1] if len(data_path) > 1 and data_path[0] == "fields" else None
        kind = error["type"]
        if kind == "extra_forbidden":
            key = data_path[-1]
            section = data_path[0] if len(data_path) > 1 else None
            known = ENTITY_KEYS if section is None else keys_at_depth.get(section, ())
            if section == "fields" and len(data_path) == 4 and data_path[2] == "default":
                known = ("sql",)
            message = f"unknown key `{key}`"
            # a key of the entity written in a field, or the other way round (`schema:`, `nullable:`)
            home = ("the entity, beside `entity:`" if section is not None and key in ENTITY_KEYS else
                    "a field" if section is None and key in FIELD_KEYS else None)
            fix = ((f"`{key}` is a key of {home}: move it there" if home else None) or did_you_mean(str(key), known)
                   or f"remove it; known keys: {', '.join(known)}")
            where = doc.locate(prefix + data_path, at_key=True)
        else:
            message, fix = _phrase(error, data_path)
            where = doc.locate(prefix + data_path)
        problems.setdefault(data_path, Problem(where, message, fix, entity, field))
    return list(problems.values())


def _data_path(item: Any, loc: tuple) -> tuple:
    """Drop the parts of a pydantic location that name union branches, not keys of the data."""
    node, path = item, []
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and len(path) == len(loc) - 1 or (isinstance(node, dict) and part == loc[-1]):
            path.append(part)  # a missing or unknown key: the key itself is the place
            break
    return tuple(path)


def _phrase(error: dict, path: tuple) -> tuple[str, str | None]:
    key = path[-1] if path else "entity"
    if isinstance(key, int) and len(path) > 1:  # an item of a list: name the list
        key = path[-2]
    kind, given = error["type"], error.get("input")
    expected = error["msg"].replace("Input should be", "expected")
    if kind == "missing":
        return f"missing required key `{key}`", f"add `{key}:`"
    if isinstance(given, bool) and kind.startswith("string"):
        return (f"`{key}` has a boolean where text is expected (YAML reads yes/no/on/off/true/false as booleans)",
                "quote the value, e.g. 'on'")
    if path and path[0] == "fields" and len(path) == 2:
        return ("a field must be a type (`string`, `string?`) or a mapping with `type:`",
                "write `name: string` or `name: {type: string}`")
    if len(path) >= 3 and path[0] == "fields" and path[2] == "default":
        return ("a default must be a string, number, boolean, null, or {sql: ...}",
                "write `default: 0`, `default: now` or `default: {sql: \"...\"}`")
    if kind == "literal_error":
        return f"invalid value for `{key}`: {expected}", "use one of the values listed"
    if kind == "string_pattern_mismatch":
        return f"`{given}` is not a type shorthand", "write a type such as `string` or `string?`"
    if kind in ("int_type", "int_parsing"):
        return f"invalid value for `{key}`: {expected}", "write a whole number, without quotes"
    if kind == "bool_type":
        return f"invalid value for `{key}`: {expected}", "write true or false"
    if kind in ("list_type", "too_short"):
        return f"invalid value for `{key}`: {expected}", f"write a list: `{key}: [a, b]`"
    if kind in ("dict_type", "model_type"):
        return f"invalid value for `{key}`: expected a mapping", f"write `{key}:` followed by indented keys"
    return f"invalid value for `{key}`: {expected}", "see docs/entity-format.md"
