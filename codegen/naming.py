"""Names the generator gives (ENTITY_FORMAT.md, "Names the generator gives").

Names are derived only from table and column names, so a later migration can
find and drop what an earlier one created. A name longer than the dialect
allows is cut and given a short hash of the full name, which keeps it stable
and keeps two long names that share a prefix apart.
"""

from __future__ import annotations

import hashlib
import re

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULT_SCHEMA = "public"  # PostgreSQL's: a table there is named without it
_HASH_LEN = 8


def fit(name: str, max_length: int | None) -> str:
    """Cut `name` to `max_length`, replacing the tail with a stable hash.

    >>> fit("ix_orders_customer_id", 63)
    'ix_orders_customer_id'
    >>> fit("x" * 70, 63) == "x" * 54 + "_" + hashlib.sha1(b"x" * 70).hexdigest()[:8]
    True
    """
    if max_length is None or len(name) <= max_length:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:_HASH_LEN]
    return f"{name[: max_length - _HASH_LEN - 1]}_{digest}"


def snake_case(name: str) -> str:
    """`OrderItem` -> `order_item`, `HTTPLog` -> `http_log`."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return name.lower()


def qualified(schema: str | None, table: str) -> str:
    """A table's name in the model: `sales.orders` for a table in schema `sales`, `orders` in the default one.

    Entity names never hold a dot (IDENTIFIER), so the dot says where the schema ends.
    """
    return f"{schema}.{table}" if schema else table


def reflected(name: str, schema: str | None, default: str | None) -> str:
    """A table or type the database reports in `schema` as the model names it: unqualified in
    the `default` one (SQLAlchemy reports no schema for what is in the default one)."""
    return name if schema in (None, default) else qualified(schema, name)


def split(name: str) -> tuple[str | None, str]:
    """`sales.orders` -> `("sales", "orders")`; `orders` -> `(None, "orders")`."""
    schema, _, bare = name.rpartition(".")
    return schema or None, bare


def bare(name: str) -> str:
    """A table's name without its schema: indexes and constraints are named after it, and live
    in the table's schema anyway."""
    return name.rpartition(".")[2]


def primary_key(table: str, max_length: int | None) -> str:
    return fit(f"pk_{bare(table)}", max_length)


def unique(table: str, columns: tuple[str, ...], max_length: int | None) -> str:
    return fit(f"uq_{bare(table)}_{'_'.join(columns)}", max_length)


def index(table: str, columns: tuple[str, ...], max_length: int | None, expressions: tuple[str, ...] = ()) -> str:
    """`ix_<table>_<columns>`, then the words of each expression (`lower(email)` -> `lower_email`)."""
    words = [*columns, *("_".join(re.findall(r"[a-z0-9]+", e.lower())) or "expr" for e in expressions)]
    return fit(f"ix_{bare(table)}_{'_'.join(words)}", max_length)


def foreign_key(table: str, columns: tuple[str, ...], ref_table: str, max_length: int | None) -> str:
    return fit(f"fk_{bare(table)}_{'_'.join(columns)}_{bare(ref_table)}", max_length)


def check(table: str, name: str, max_length: int | None) -> str:
    return fit(f"ck_{bare(table)}_{name}", max_length)


def enum_type(table: str, column: str, max_length: int | None) -> str:
    """`<table>_<column>`, in the table's schema: a type lives in a schema as a table does."""
    schema, name = split(table)
    return qualified(schema, fit(f"{name}_{column}", max_length))


# -- column names inside SQL expressions (checks, partial-index predicates) ---------------------------

_LITERAL = re.compile(r"'(?:[^']|'')*'")


def _identifiers(names) -> re.Pattern:
    alternatives = "|".join(map(re.escape, names))
    return re.compile(rf'(["`])({alternatives})\1|(?<![\w"`.])({alternatives})(?![\w"`])')


def _outside_literals(sql: str, replace_part) -> str:
    out, last = [], 0
    for literal in _LITERAL.finditer(sql):
        out.append(replace_part(sql[last:literal.start()]))
        out.append(literal.group())
        last = literal.end()
    out.append(replace_part(sql[last:]))
    return "".join(out)


def listed(sql: str) -> list[str]:
    """The items between the first parenthesis of `sql` and the one that closes it, split at
    top-level commas; quoted text ('a,b', "x)") is kept whole."""
    depth, items, current, quote = 0, [], "", None
    for char in sql[sql.index("(") + 1:]:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"`[":
            quote = "]" if char == "[" else char
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            items.append(current.strip())
            current = ""
            continue
        current += char
    items.append(current.strip())
    return items


def rename_identifiers(sql: str | None, renames: dict[str, str]) -> str | None:
    """`sql` with renamed columns renamed, as the database rewrites a CHECK or an index predicate.

    Bare, double-quoted and (MySQL) backquoted names are replaced; string literals are left alone.

    >>> rename_identifiers("amount > 0 AND \\"amount\\" < `amount` AND note <> 'amount'", {"amount": "balance"})
    'balance > 0 AND "balance" < `balance` AND note <> \\'amount\\''
    """
    if sql is None or not renames:
        return sql
    pattern = _identifiers(renames)
    return _outside_literals(sql, lambda part: pattern.sub(
        lambda m: f"{m[1]}{renames[m[2]]}{m[1]}" if m[1] else renames[m[3]], part))


def mentions(sql: str | None, column: str) -> bool:
    """Whether the expression `sql` uses `column` (bare or quoted; never counting string literals).

    >>> mentions("label <> 'amount'", "amount"), mentions('"amount" > 0', "amount"), mentions("`amount` > 0", "amount")
    (False, True, True)
    """
    return bool(sql) and _identifiers([column]).search(_LITERAL.sub("''", sql)) is not None
