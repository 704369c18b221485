"""What points at a state or a cutscene: the cascades of a delete and the references a rename moves.

A state id is referenced from events (``from``, ``to``), the entrance, cutscenes (``from``, ``to``),
sequence beats, story beats (``states``), the outro and mission objectives (``location``). These
walks read the world leniently — a malformed part is skipped, never an error — because they run
after the op has started writing; everything that can refuse an op is checked before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..text import shown
from ..world import event_path, events, item_path
from .draft import Draft

__all__ = ["cascade_state_delete", "detach_target", "follow_rename", "state_references"]

Rewrite = Callable[[Any], Any]


def cascade_state_delete(draft: Draft, state_id: str) -> None:
    """Delete a state and cascade, with the ``store/*`` diagnostics ops.md lists."""
    draft.drop_state(state_id)
    for position, event in draft.events():
        if not isinstance(event, dict):
            continue
        sources = event.get("from")
        if sources == state_id or (isinstance(sources, list) and state_id in sources):
            rest = [s for s in sources if s != state_id] if isinstance(sources, list) else []
            if not rest:
                draft.drop_event(position)
                draft.note("store/cascade", "info", event_path(event, position),
                           f'Event {shown(event.get("name"))} was deleted: {shown(state_id)} was the only state it '
                           "was available in")
                continue
            draft.put_event(position, {**event, "from": rest})
    detach_target(draft, state_id, "state")
    if draft.entrance_state() == state_id:
        draft.drop("entrance")
        draft.note("store/entrance", "warning", "entrance",
                   f'The entrance was {shown(state_id)} and has been cleared; choose a new one with set_entrance')
    for position, sequence in enumerate(_array(draft.get("sequences"))):
        for index, beat in enumerate(_array(sequence.get("beats") if isinstance(sequence, dict) else None)):
            if isinstance(beat, dict) and beat.get("state") == state_id:
                draft.note("store/sequence-beat", "warning",
                           item_path("sequences", sequence, position, f"beats[{index}]"),
                           f'Sequence {shown(sequence.get("id"))} beat {index} names deleted state {shown(state_id)}; '
                           "remove the beat or the sequence")


def detach_target(draft: Draft, target: str, what: str) -> None:
    """Transitions whose ``to`` was a deleted state or cutscene lose their ``to`` (warning)."""
    for position, event in draft.events():
        if isinstance(event, dict) and event.get("to") == target:
            draft.put_event(position, {key: value for key, value in event.items() if key != "to"})
            draft.note("store/cascade", "warning", event_path(event, position),
                       f'Event {shown(event.get("name"))} led to deleted {what} {shown(target)} and lost its "to"; '
                       "give it a new target with update_event or delete it")


def follow_rename(draft: Draft, old: str, new: str) -> int:
    """Point every reference to state ``old`` at ``new``; return how many references moved."""
    moved = 0

    def swap(value: Any) -> Any:
        nonlocal moved
        if value != old:
            return value
        moved += 1
        return new

    for position, event in draft.events():
        if isinstance(event, dict) and _names_state(event, old):
            draft.put_event(position, _swap_fields(_map_array(event, "from", swap), ("from", "to"), swap))
    for key, rewrite in _WORLD_REFERENCES.items():
        before = draft.get(key)
        after = rewrite(before, swap)
        if after is not before:
            draft.put(key, after)
    return moved


def _names_state(event: dict[str, Any], state_id: str) -> bool:
    """Whether an event's ``from`` or ``to`` names ``state_id`` (a cheap test before any copy)."""
    sources = event.get("from")
    return event.get("to") == state_id or sources == state_id or (isinstance(sources, list) and state_id in sources)


def _array(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _swap_fields(obj: Any, keys: tuple[str, ...], swap: Rewrite) -> Any:
    """``obj`` with each of ``keys`` passed through ``swap``; the same object when nothing changed."""
    if not isinstance(obj, dict):
        return obj
    changed = {key: swap(obj[key]) for key in keys if key in obj and isinstance(obj[key], str)}
    if all(changed[key] == obj[key] for key in changed):
        return obj
    return {**obj, **changed}


def _map_array(obj: Any, key: str, rewrite: Rewrite) -> Any:
    """``obj`` with ``rewrite`` applied to each item of the array ``obj[key]`` (same object if unchanged)."""
    items = obj.get(key) if isinstance(obj, dict) else None
    mapped = _each(items, rewrite)
    return obj if mapped is items else {**obj, key: mapped}


def _each(items: Any, rewrite: Rewrite) -> Any:
    """A top-level array with ``rewrite`` applied to each item (same array if unchanged)."""
    if not isinstance(items, list):
        return items
    mapped = [rewrite(item) for item in items]
    return items if all(a is b for a, b in zip(mapped, items, strict=True)) else mapped


_WORLD_REFERENCES: dict[str, Callable[[Any, Rewrite], Any]] = {
    "entrance": lambda v, swap: _swap_fields(v, ("state",), swap),
    "outro": lambda v, swap: _swap_fields(v, ("state",), swap),
    "cutscenes": lambda v, swap: _each(v, lambda c: _swap_fields(c, ("from", "to"), swap)),
    "sequences": lambda v, swap: _each(
        v, lambda s: _map_array(s, "beats", lambda b: _swap_fields(b, ("state",), swap))
    ),
    "story": lambda v, swap: _map_array(v, "beats", lambda b: _map_array(b, "states", swap)),
    "missions": lambda v, swap: _each(
        v, lambda m: _map_array(m, "objectives", lambda o: _swap_fields(o, ("location",), swap))
    ),
}
"""Top-level keys that can name a state, and how to move those names."""


def state_references(world: Mapping[str, Any], state_id: str) -> list[str]:
    """Every place that names state ``state_id``: events (by path, ``events.<name>``) and top-level
    parts (``entrance``, ``cutscenes``, ``sequences``, ``story``, ``missions``, ``outro``).

    The same table :func:`follow_rename` moves names with, so "what references a state" has one
    answer: what a rename would rewrite.
    """
    found = [event_path(event, position) for position, event in enumerate(events(world))
             if isinstance(event, dict) and _names_state(event, state_id)]
    hits: list[int] = []

    def seen(value: Any) -> Any:
        if value == state_id:
            hits.append(1)
        return value

    for key, rewrite in _WORLD_REFERENCES.items():
        hits.clear()
        rewrite(world.get(key), seen)
        if hits:
            found.append(key)
    return found
