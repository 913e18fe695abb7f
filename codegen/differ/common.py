"""The one helper every comparator is built on."""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, TypeVar

K = TypeVar("K")


def differences(old: Mapping[K, object], new: Mapping[K, object]) -> tuple[list[K], list[K], list[K]]:
    """Keys only in `old`, only in `new`, and in both; each list sorted, so output is deterministic.

    >>> differences({"a": 1, "b": 2}, {"b": 3, "c": 4})
    (['a'], ['c'], ['b'])
    """
    removed = sorted(k for k in old if k not in new)
    added = sorted(k for k in new if k not in old)
    common = sorted(k for k in old if k in new)
    return removed, added, common


def match_renames(removed: list[K], added: list[K], same: Callable[[K, K], bool]) -> list[tuple[K, K]]:
    """Pair each removed key with the first added key that `same` says is the same object renamed.

    Paired keys are taken out of `removed` and `added` (so what is left is dropped and created).
    """
    pairs = []
    for old in list(removed):
        twin = next((new for new in added if same(old, new)), None)
        if twin is not None:
            pairs.append((old, twin))
            removed.remove(old)
            added.remove(twin)
    return pairs


def by_name(items: Iterable) -> dict:
    return {item.name: item for item in items}
