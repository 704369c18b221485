"""References between parts of a world: names, ids, the entrance, endings and hotkeys.

Per-event references are dictionary lookups (is ``to`` a state?), so they run on the events a write
touched plus the events pointing at an id whose meaning changed (see :mod:`.scope`). Name and hotkey
uniqueness need the other events with the same name or key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
from operator import eq
from typing import Any

from ..diagnostics import Diagnostic
from ..text import shown
from ..world import entrance_id, event_path, item_path
from . import scope as scopes
from .rules import Check, Rule, Want
from .scope import Change, Scope, mentions
from .view import View, is_ending, strings

__all__ = ["CHECKS", "RULES"]

DUPLICATE_EVENT_NAME = Rule("duplicate-event-name", "error", "Two events share a name.")
ID_CLASH = Rule("id-clash", "error", "A cutscene id equals a state id.")
NO_ENTRANCE = Rule("no-entrance", "error", "The world has states but no entrance.")
ENTRANCE_MISSING_STATE = Rule("entrance-missing-state", "error", "The entrance names a state that does not exist.")
DANGLING_REF = Rule("dangling-ref", "error",
                    "An event's `from`/`to`, a cutscene's `from`/`to` or the outro's `state` names nothing.")
ENDING_HAS_EXIT = Rule("ending-has-exit", "error", "A state with an ending is in the `from` of a transition.")
HOTKEY_CONFLICT = Rule("hotkey-conflict", "error", "Two events available in the same state share a hotkey.")
SEQUENCE_BEAT_MISSING = Rule("sequence-beat-missing", "error", "A sequence beat names a missing state.")
RULES = (DUPLICATE_EVENT_NAME, ID_CLASH, NO_ENTRANCE, ENTRANCE_MISSING_STATE, DANGLING_REF, ENDING_HAS_EXIT,
         HOTKEY_CONFLICT, SEQUENCE_BEAT_MISSING)


def _links(view: View, scope: Scope | None, want: Want) -> Iterator[Diagnostic]:
    """Event ``from``/``to`` against the states and cutscenes; world-level references."""
    rows = view.event_rows(scope)
    known = view.states
    columns = zip(rows.keys, rows.items, rows.column("kind"), rows.column("from"), rows.column("to"),
                  strict=True)
    for index, event, kind, origin, target in columns:
        for sid in origin if type(origin) is list else ():
            if type(sid) is not str:
                continue
            if sid not in known:
                yield DANGLING_REF.at(event_path(event, index, "from"),
                                      f'`from` names {shown(sid)}, which is not a state; add that state or remove it '
                                      "from `from`.")
            elif kind == "transition" and is_ending(known[sid]):
                yield ENDING_HAS_EXIT.at(event_path(event, index, "from"),
                                         f"State {shown(sid)} is an ending, a terminal sink, so no transition may "
                                         "leave it; remove it from `from` or remove its ending.")
        if isinstance(target, str) and target and target not in known and target not in view.cutscene_ids:
            yield DANGLING_REF.at(event_path(event, index, "to"),
                                  f'`to` names {shown(target)}, which is neither a state nor a cutscene; point it at '
                                  "an existing state or cutscene.")
    if scope is None or scope.world:
        yield from _world_links(view)


def _world_links(view: View) -> Iterator[Diagnostic]:
    known = view.states
    entrance = view.world.get("entrance")
    if entrance is None and known:
        yield NO_ENTRANCE.at("entrance", "The world has states but no entrance; set the entrance to the state "
                                         "where play starts.")
    start = entrance_id(view.world)
    if start is not None and start not in known:
        yield ENTRANCE_MISSING_STATE.at("entrance.state", f'The entrance names {shown(start)}, which is not a state; '
                                                          "point it at an existing state.")
    for index, cutscene in enumerate(view.top("cutscenes")):
        if not isinstance(cutscene, dict):
            continue
        ident = cutscene.get("id")
        if isinstance(ident, str) and ident in known:
            yield ID_CLASH.at(item_path("cutscenes", cutscene, index),
                              f'Cutscene id {shown(ident)} is also a state id, so a `to` naming it is ambiguous; '
                              "rename the cutscene or the state.")
        for end in ("from", "to"):
            sid = cutscene.get(end)
            if isinstance(sid, str) and sid not in known:
                yield DANGLING_REF.at(item_path("cutscenes", cutscene, index, end),
                                      f'The cutscene\'s `{end}` names {shown(sid)}, which is not a state; point it at '
                                      "an existing state.")
    outro = view.world.get("outro")
    sid = outro.get("state") if isinstance(outro, dict) else None
    if isinstance(sid, str) and sid not in known:
        yield DANGLING_REF.at("outro.state", f'The outro plays in {shown(sid)}, which is not a state; point it at an '
                                             "existing state.")
    for index, sequence in enumerate(view.top("sequences")):
        beats = sequence.get("beats") if isinstance(sequence, dict) else None
        for i, beat in enumerate(beats if isinstance(beats, list) else ()):
            sid = beat.get("state") if isinstance(beat, dict) else None
            if isinstance(sid, str) and sid not in known:
                yield SEQUENCE_BEAT_MISSING.at(item_path("sequences", sequence, index, f"beats[{i}]"),
                                               f'This beat names {shown(sid)}, which is not a state; point it at an '
                                               "existing state or remove the beat.")


def _names(view: View, scope: Scope | None, want: Want) -> Iterator[Diagnostic]:
    """Event names are the world's keys for edges: each must be unique."""
    if scope is None:
        counts = Counter([name for name in view.all_events.column("name") if type(name) is str])
    else:
        counts = Counter({name: len(view.indices_named((name,))) for name in scope.events})
    for name, count in counts.items():
        if count > 1 and isinstance(name, str) and name:
            yield DUPLICATE_EVENT_NAME.at(f"events.{name}", f'{count} events are named {shown(name)}; rename all but '
                                                            "one (event names are unique keys).")


def _slots(view: View, event: Any) -> set[str]:
    """Where an event answers to its hotkey: ``"<state>\\x00<key>"`` for each state it is offered in."""
    key = view.key_of(event.get("hotkey")) if isinstance(event, dict) else None
    return {f"{sid}\x00{key}" for sid in strings(event.get("from"))} if key is not None else set()


def _keyed(view: View, key: str) -> list[int]:
    """Indices of the events whose hotkey is ``key`` (as compared for conflicts), memoised per view."""
    groups: dict[str, list[int]] = view.memo("hotkeys", lambda _: {})
    if key not in groups:
        keys = view.key_column
        groups[key] = list(compress(range(len(keys)), map(eq, keys, repeat(key))))
    return groups[key]


def _sharing(view: View, slots: set[str]) -> list[int]:
    """Indices of the events offered under one of ``slots`` — linear in the events with those keys."""
    places: dict[str, set[str]] = {}
    for slot in slots:
        sid, _, key = slot.partition("\x00")
        places.setdefault(key, set()).add(sid)
    origins = view.all_events.column("from")
    return sorted(i for key, wanted in places.items() for i in _keyed(view, key) if mentions(wanted, origins[i]))


def _hotkeys(view: View, scope: Scope | None, want: Want) -> Iterator[Diagnostic]:
    """Two events offered in the same state cannot answer to the same key."""
    if scope is None:
        crowded = _crowded(view, range(len(view.events)))
        suspects = sorted({i for found in crowded.values() for i in found})
    else:
        rows = view.event_rows(scope)
        suspects = list(rows.keys)
        crowded = _crowded(view, _sharing(view, set().union(*(_slots(view, event) for event in rows.items))))
    keys = view.key_column
    for index in suspects:
        event = view.events[index]
        for sid in strings(event.get("from")) if keys[index] is not None else ():
            found = crowded.get(f"{sid}\x00{keys[index]}")
            if found:
                other = view.events[found[1] if found[0] == index else found[0]]
                yield HOTKEY_CONFLICT.at(event_path(event, index, "hotkey"),
                                         f'Hotkey {shown(event["hotkey"])} is also used by {shown(other.get("name"))} '
                                         f"in state {shown(sid)}; give one of them another key.")
                break


def _crowded(view: View, members: Iterable[int]) -> dict[str, list[int]]:
    """Every ``"<state>\\x00<key>"`` under which two or more of ``members`` are offered, with those
    events in list order. (Flat string keys and int values keep the garbage collector out of it.)"""
    first: dict[str, int] = {}
    crowded: dict[str, list[int]] = {}
    keys, origins = view.key_column, view.all_events.column("from")
    for i in members:
        key, origin = keys[i], origins[i]
        if key is not None and type(origin) is list:
            for sid in origin:
                if type(sid) is str:
                    slot = f"{sid}\x00{key}"
                    earlier = first.setdefault(slot, i)
                    if earlier != i:
                        found = crowded.get(slot)
                        if found is None:
                            crowded[slot] = [earlier, i]
                        elif found[-1] != i:
                            found.append(i)
    return crowded


def _hotkey_scope(change: Change) -> Scope:
    """Touched events whose key or ``from`` changed, and the events sharing a state and a key with
    one of their versions (only those can gain or lose a conflict)."""
    found: set[str] = set()
    old_slots: set[str] = set()
    new_slots: set[str] = set()
    for name, old, new in change.differing(_key_and_origin):
        found.add(name)
        old_slots.update(*(_slots(change.before, event) for event in old))
        new_slots.update(*(_slots(change.after, event) for event in new))
    for view, slots in ((change.before, old_slots), (change.after, new_slots)):
        if slots:
            found |= view.names_at(_sharing(view, slots))
    return Scope(events=frozenset(found))


def _key_and_origin(event: Any) -> Any:
    return (event.get("hotkey"), event.get("from")) if isinstance(event, dict) else None


CHECKS = (
    Check((ID_CLASH, NO_ENTRANCE, ENTRANCE_MISSING_STATE, DANGLING_REF, ENDING_HAS_EXIT, SEQUENCE_BEAT_MISSING),
          _links, scopes.links),
    Check((DUPLICATE_EVENT_NAME,), _names, scopes.names),
    Check((HOTKEY_CONFLICT,), _hotkeys, _hotkey_scope),
)
