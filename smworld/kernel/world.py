"""Reading a world's JSON object safely, and naming places in it.

The kernel keeps a world as its JSON object (see :mod:`smworld.kernel.model` for why). These helpers
read it without trusting its shape — a world under edit may be malformed, and the gate must still be
able to describe it — and build the path strings diagnostics use.

Path style (one style, used by every diagnostic): ``entrance``, ``entrance.state``, ``states.<id>``,
``states.<id>.camera.static``, ``events.<name>``, ``events.<name>.requires``,
``missions.<id>.objectives[<i>]``, ``sequences.<id>.beats[<i>]``, ``cutscenes.<id>``, ``outro.state``,
``scene.states``. An event whose name is missing or not a string is named ``scene.events[<i>]``; a
top-level list item without a string id (``cutscenes``, ``sequences``, ``missions``) ``<key>[<i>]``.

Identifiers (state, cutscene, sequence and mission ids, flags) are ``snake_case``:
:func:`is_identifier` is the one definition the gate and the ops share.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = [
    "WorldDoc",
    "entrance_id",
    "event_name",
    "event_path",
    "events",
    "find_event",
    "is_identifier",
    "item_path",
    "iter_named_events",
    "json_type",
    "state_path",
    "states",
]

WorldDoc = dict[str, Any]
"""A world as its JSON object: the value every kernel function takes and returns."""


def states(world: Mapping[str, Any]) -> dict[str, Any]:
    """The ``scene.states`` mapping, or an empty one when the scene is malformed."""
    scene = world.get("scene")
    if isinstance(scene, dict):
        found = scene.get("states")
        if isinstance(found, dict):
            return found
    return {}


def events(world: Mapping[str, Any]) -> list[Any]:
    """The ``scene.events`` list, or an empty one when the scene is malformed."""
    scene = world.get("scene")
    if isinstance(scene, dict):
        found = scene.get("events")
        if isinstance(found, list):
            return found
    return []


def entrance_id(world: Mapping[str, Any]) -> str | None:
    """The state id ``entrance.state`` names, whether or not that state exists; None when unset or malformed."""
    entrance = world.get("entrance")
    found = entrance.get("state") if isinstance(entrance, dict) else None
    return found if isinstance(found, str) else None


_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,63}")


def is_identifier(value: str) -> bool:
    """Whether ``value`` is a snake_case identifier: ``[a-z][a-z0-9_]*``, at most 64 characters."""
    return _IDENTIFIER.fullmatch(value) is not None


def event_name(event: Any) -> str | None:
    """An event's name when it has a usable one."""
    if isinstance(event, dict):
        name = event.get("name")
        if isinstance(name, str) and name:
            return name
    return None


def iter_named_events(world: Mapping[str, Any]) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """``(index, name, event)`` for every well-formed event object that has a name."""
    for index, event in enumerate(events(world)):
        name = event_name(event)
        if name is not None:
            yield index, name, event


def find_event(world: Mapping[str, Any], name: str) -> tuple[int, dict[str, Any]] | None:
    """The first event called ``name`` with its index, or None. Linear: events are a list."""
    for index, event in enumerate(events(world)):
        if isinstance(event, dict) and event.get("name") == name:
            return index, event
    return None


def state_path(state_id: str, *rest: str) -> str:
    """``states.<id>[.rest…]``."""
    return ".".join(("states", state_id, *rest))


def event_path(event: Any, index: int, *rest: str) -> str:
    """``events.<name>[.rest…]``, or ``scene.events[<i>]…`` for an event without a usable name."""
    name = event_name(event)
    head = f"events.{name}" if name is not None else f"scene.events[{index}]"
    return ".".join((head, *rest))


def item_path(key: str, item: Any, index: int, *rest: str) -> str:
    """``<key>.<id>[.rest…]`` for a top-level list item with a string id (``cutscenes.intro``), else
    ``<key>[<i>]…``."""
    ident = item.get("id") if isinstance(item, dict) else None
    head = f"{key}.{ident}" if isinstance(ident, str) and ident else f"{key}[{index}]"
    return ".".join((head, *rest))


_JSON_TYPES = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    list: "array",
    dict: "object",
    type(None): "null",
}


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages (``expected array, got string``; ``null``, never
    ``NoneType``). A Python value that is not JSON is named as such (``set, not a JSON value``)."""
    found = _JSON_TYPES.get(type(value))
    if found is not None:
        return found
    for kind, name in _JSON_KINDS:
        if isinstance(value, kind):
            return name
    return f"{type(value).__name__}, not a JSON value"


_JSON_KINDS: tuple[tuple[Any, str], ...] = (
    (bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (Mapping, "object"),
    (list | tuple, "array"),
)
