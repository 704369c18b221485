"""Structural diff of two worlds: which states and events were added, removed or changed.

States are matched by id and events by name — never by position, so an event that only moved in
the list is unchanged. An item is *changed* when its JSON differs in any key, unknown keys
included. The entrance is reported only when the entrance state differs; other top-level fields
(``narrate``, ``story``, ``cutscenes``, the entrance image, unknown keys…) are named under ``world``.

Speed comes from never serializing a world: unchanged items are recognised by identity first
(worlds made by copy-on-write ops, or materialized from the version store, share every unchanged
state and event object) and otherwise by ``==`` on the decoded values, which runs at C speed and
itself short-cuts on shared sub-objects. Events are paired by position while both lists keep the
same names in the same order (the usual edit), and through a name index otherwise.

Equality is Python's equality of decoded JSON: numbers compare by value (``1`` equals ``1.0``) and,
as in Python, ``true`` equals ``1`` and ``false`` equals ``0``. A change between a boolean and the
number 1 or 0 alone is therefore not reported; the gate's schema rule refuses such a value in every
typed field, so it can only hide in an unknown key. (An exact check would mean encoding both worlds.)

Malformed worlds are read defensively: a missing or ill-typed scene, states mapping or events list
counts as empty, and an event without a usable name cannot be addressed, so it is left out.
A name carried by several events (which the gate refuses) pairs the k-th such event of ``a`` with
the k-th of ``b``: the name is changed when any pair differs or one side has more of them, and
``detail`` shows the first differing pair (a missing partner reads as an empty object).

>>> a = {"scene": {"states": {"hall": {"base": "a hall"}}, "events": []}}
>>> b = {"scene": {"states": {"hall": {"base": "a lit hall"}, "yard": {"base": "a yard"}}, "events": []}}
>>> diff(a, b)["states"]
{'added': ['yard'], 'removed': [], 'changed': ['hall']}
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Mapping
from itertools import repeat, zip_longest
from typing import Any

from .codec import bounded
from .world import entrance_id, event_name, events, states

__all__ = ["diff"]

_ABSENT: Any = object()
_name_of = operator.itemgetter("name")

# (added, removed, changed) where changed maps an id or name to its (old, new) value.
_Changes = tuple[list[str], list[str], dict[str, tuple[Any, Any]]]


@bounded
def diff(a: Mapping[str, Any], b: Mapping[str, Any], detail: bool = False) -> dict[str, Any]:
    """What changed from world ``a`` (base) to world ``b`` (target).

    Returns ``{"states": {"added", "removed", "changed"}, "events": {"added", "removed", "changed"}}`` with
    sorted ids and names (added = in ``b`` and not in ``a``), plus ``"entrance": {"from", "to"}`` when the
    entrance state differs (``None`` for a world without one), and ``"world": {"changed": [field, …]}`` naming
    the top-level fields other than ``scene`` that differ (an addition to the API's diff shape: without it two
    worlds that differ only in, say, ``narrate`` would read as identical). With ``detail=True`` it adds
    ``"detail": {"states": {id: fields}, "events": {name: fields}}`` for each changed item, where ``fields``
    maps every top-level field that differs to ``{"from": old, "to": new}``; a field the item gained has no
    ``"from"`` key and a field it lost has no ``"to"`` key, so a ``null`` value is never mistaken for an
    absent field. Detail values are copies. A state or event that is not an object has no fields to show.

    Cost: O(states + events) dictionary lookups and comparisons; identical objects cost nothing.
    """
    state_changes = _compare_states(states(a), states(b))
    event_changes = _compare_events(events(a), events(b))
    result: dict[str, Any] = {"states": _summary(state_changes), "events": _summary(event_changes)}
    before, after = entrance_id(a), entrance_id(b)
    if before != after:
        result["entrance"] = {"from": before, "to": after}
    fields = _changed_fields(a, b)
    if fields:
        result["world"] = {"changed": fields}
    if detail:
        result["detail"] = {"states": _details(state_changes), "events": _details(event_changes)}
    return result


def _changed_fields(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Top-level fields other than ``scene`` that differ (``narrate``, ``story``, ``cutscenes``…).

    ``entrance`` is named only when it differs beyond its state, which ``"entrance"`` reports."""
    return sorted(key for key in (a.keys() | b.keys()) - {"scene"}
                  if _field(a, key) is not _field(b, key) and _field(a, key) != _field(b, key))


def _field(world: Mapping[str, Any], key: str) -> Any:
    value = world.get(key, _ABSENT)
    if key == "entrance" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "state"}
    return value


def _summary(changes: _Changes) -> dict[str, list[str]]:
    added, removed, changed = changes
    return {"added": added, "removed": removed, "changed": sorted(changed)}


def _compare_states(old: dict[str, Any], new: dict[str, Any]) -> _Changes:
    if old is new:
        return [], [], {}
    changed = {
        key: (x, y)
        for key, x in old.items()
        if (y := new.get(key, _ABSENT)) is not x and y is not _ABSENT and x != y
    }
    return sorted(new.keys() - old.keys()), sorted(old.keys() - new.keys()), changed


def _compare_events(old: list[Any], new: list[Any]) -> _Changes:
    if old is new:
        return [], [], {}
    aligned = _compare_aligned(old, new)
    if aligned is not None:
        return [], [], aligned
    old_names, old_events = _named(old)
    new_names, new_events = _named(new)
    old_set, new_set = set(old_names), set(new_names)
    added, removed = sorted(new_set - old_set), sorted(old_set - new_set)
    if len(old_set) < len(old_names) or len(new_set) < len(new_names):
        return added, removed, _changed_occurrences(old_names, old_events, new_names, new_events)
    by_name = dict(zip(new_names, new_events, strict=True))
    pairs = zip(old_names, old_events, map(by_name.get, old_names, repeat(_ABSENT)), strict=True)
    changed = {name: (x, y) for name, x, y in pairs if y is not x and y is not _ABSENT and x != y}
    return added, removed, changed


def _compare_aligned(old: list[Any], new: list[Any]) -> dict[str, tuple[Any, Any]] | None:
    """Changed events when both lists name the same events in the same order, else None.

    The common case (an edit that kept the list's order) is settled by one positional pass that
    reads names only where the events differ: equal events have equal names, so when every
    differing position keeps its name, both lists carry the same names in the same order and the
    k-th event of each name is paired with the k-th, exactly as the general path would.
    """
    if len(old) != len(new):
        return None
    differing = [(x, y) for x, y in zip(old, new, strict=True) if x is not y and x != y]
    changed: dict[str, tuple[Any, Any]] = {}
    for x, y in differing:
        if _raw_name(x) != _raw_name(y):
            return None
        name = event_name(x)
        if name is not None and name not in changed:
            changed[name] = (x, y)
    return changed


def _raw_name(item: Any) -> Any:
    return item.get("name", _ABSENT) if isinstance(item, dict) else _ABSENT


def _named(items: list[Any]) -> tuple[list[str], list[Any]]:
    """The names of the events that have a usable one, and those events, in list order."""
    try:
        names = list(map(_name_of, items))
    except (KeyError, TypeError, IndexError):
        names = None
    if names is not None and set(map(type, names)) <= {str} and "" not in names:
        return names, items
    kept = [(name, item) for item in items if (name := event_name(item)) is not None]
    return [name for name, _ in kept], [item for _, item in kept]


def _changed_occurrences(
    old_names: list[str], old_events: list[Any], new_names: list[str], new_events: list[Any]
) -> dict[str, tuple[Any, Any]]:
    """Changed names when some name is carried by several events: the k-th event of a name in
    ``old`` is paired with its k-th in ``new``; a name changes when any pair differs or one side
    has more of them (the missing partner reads as an empty object)."""
    old_groups, new_groups = _groups(old_names, old_events), _groups(new_names, new_events)
    changed: dict[str, tuple[Any, Any]] = {}
    for name, group in old_groups.items():
        other = new_groups.get(name)
        if other is None:
            continue
        for x, y in zip_longest(group, other, fillvalue=_ABSENT):
            if x is not y and x != y:
                changed[name] = (x, y)
                break
    return changed


def _groups(names: list[str], items: list[Any]) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = {}
    for name, item in zip(names, items, strict=True):
        groups.setdefault(name, []).append(item)
    return groups


def _details(changes: _Changes) -> dict[str, dict[str, dict[str, Any]]]:
    return {key: _field_changes(old, new) for key, (old, new) in sorted(changes[2].items())}


def _field_changes(old: Any, new: Any) -> dict[str, dict[str, Any]]:
    """``{field: {"from"?, "to"?}}`` for each top-level field that differs, sorted by field."""
    old_fields = old if isinstance(old, dict) else {}
    new_fields = new if isinstance(new, dict) else {}
    fields: dict[str, dict[str, Any]] = {}
    for key in sorted(old_fields.keys() | new_fields.keys()):
        before, after = old_fields.get(key, _ABSENT), new_fields.get(key, _ABSENT)
        if before is after or (before is not _ABSENT and after is not _ABSENT and before == after):
            continue
        change = {}
        if before is not _ABSENT:
            change["from"] = copy.deepcopy(before)
        if after is not _ABSENT:
            change["to"] = copy.deepcopy(after)
        fields[key] = change
    return fields
