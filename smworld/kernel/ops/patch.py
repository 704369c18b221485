"""Changing JSON values without mutating them: RFC 7396 merge patches and path-copying updates.

Every function here returns a new value and leaves its inputs alone. Unchanged sub-objects are
shared with the input (structural sharing), which is safe because nothing in the ops package ever
mutates a value it did not create; values that come *from an op* are cloned so that the caller's
batch is never aliased into the world.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

__all__ = ["Path", "clone", "drop_in", "get_in", "merge_patch", "missing", "refresh", "set_in"]

Path = tuple[str | int, ...]
_MISSING: Any = object()


def clone(value: Any) -> Any:
    """A deep copy of a JSON value (dicts and lists copied, scalars shared)."""
    if isinstance(value, dict):
        return {key: clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clone(item) for item in value]
    return value


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: ``null`` erases a key, an absent key is untouched, objects merge recursively.

    >>> merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"a": None, "b": {"c": 4}})
    {'b': {'c': 4, 'd': 3}}
    """
    if not isinstance(patch, dict):
        return clone(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def get_in(value: Any, path: Path) -> Any:
    """The value at ``path`` (keys and list indexes), or ``_MISSING`` when there is none."""
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            if step not in value:
                return _MISSING
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return _MISSING
    return value


def missing(value: Any) -> bool:
    """Whether :func:`get_in` found nothing."""
    return value is _MISSING


def set_in(value: Any, path: Path, new: Any) -> Any:
    """A copy of ``value`` with ``path`` set to ``new``; missing or non-object parents become objects."""
    if not path:
        return new
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(value)
        items[step] = set_in(items[step], rest, new)
        return items
    result = dict(value) if isinstance(value, dict) else {}
    result[step] = set_in(result.get(step), rest, new)
    return result


def drop_in(value: Any, path: Path) -> Any:
    """A copy of ``value`` without ``path``; an object left empty by the removal is removed too."""
    if missing(get_in(value, path)):
        return value
    step, rest = path[0], path[1:]
    if not rest:
        if isinstance(step, int):
            return value[:step] + value[step + 1 :]
        return {key: item for key, item in value.items() if key != step}
    child = drop_in(value[step], rest)
    if child == {}:
        return drop_in(value, (step,))
    return set_in(value, (step,), child)


def refresh(existing: Any, shape: type[msgspec.Struct], values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the fields ``shape`` declares to exactly ``values`` while keeping the object's unknown keys.

    A setter op (``set_event_anchor``, ``set_state_ending``, …) defines every field the contract
    knows; keys it does not know belong to someone else (forward compatibility) and survive, in
    their place.
    """
    known = set(shape.__struct_encode_fields__)
    base = existing if isinstance(existing, dict) else {}
    result = {key: item for key, item in base.items() if key not in known or key in values}
    result.update((key, clone(item)) for key, item in values.items())
    return result
