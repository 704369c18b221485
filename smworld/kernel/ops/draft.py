"""A batch's working copy of a world: copy-on-write containers, an event-name index, bookkeeping.

The draft shallow-copies the world, its scene, ``scene.states`` and ``scene.events`` once per batch
and never mutates anything else: an op that changes a state or an event stores a *new* object in
the draft's container (see :mod:`.patch`). Unchanged objects are shared with the input world, so a
one-op batch costs O(what it touched) plus those container copies.

Events are a list addressed by name. The name → position index is built on the first lookup and
kept up to date; deleting an event leaves a hole (compacted once, in :meth:`Draft.result`) so that
positions never shift. Together these keep a batch of tens of thousands of ops near-linear.

Every write records what it changed in :attr:`Draft.touched` — the incremental gate trusts it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from ..diagnostics import Diagnostic, Severity
from ..errors import DecodeError
from ..text import shown
from ..touched import Touched
from ..world import WorldDoc, entrance_id, json_type
from .errors import OpFailed, invalid, not_found

__all__ = ["STATE_ID_MAX", "Draft"]

STATE_ID_MAX = 64
_HOLE: Final = object()


class Draft:
    """The working copy one batch edits; :meth:`result` is the new world."""

    def __init__(self, world: Mapping[str, Any]) -> None:
        if not isinstance(world, Mapping):
            raise DecodeError("", f"expected a world (a JSON object), got {json_type(world)}")
        self._world = dict(world)
        scene = self._container(world, "scene", dict, "scene")
        self._scene = dict(scene)
        self.states: dict[str, Any] = dict(self._container(scene, "states", dict, "scene.states"))
        """State id → state. Read freely; write through :meth:`put_state` and friends."""
        self._events: list[Any] = list(self._container(scene, "events", list, "scene.events"))
        self._holes = 0
        self._index: dict[str, int] | None = None
        self._shared_names: set[str] = set()
        self._cutscene_ids: set[str] | None = None
        self._next_state: dict[str, int] = {}
        self._next_event: dict[str, int] = {}
        self.touched = Touched()
        self.diagnostics: list[Diagnostic] = []

    @staticmethod
    def _container(parent: Mapping[str, Any], key: str, kind: type, path: str) -> Any:
        found = parent.get(key)
        if found is None:
            return kind()
        if not isinstance(found, kind):
            raise DecodeError(path, f"expected {json_type(kind())}, got {json_type(found)}")
        return found

    def result(self) -> WorldDoc:
        """The edited world (a new object; the input is untouched)."""
        events = [e for e in self._events if e is not _HOLE] if self._holes else self._events
        self._scene["states"] = self.states
        self._scene["events"] = events
        self._world["scene"] = self._scene
        return self._world

    def note(self, lint: str, severity: Severity, path: str, message: str) -> None:
        """Record a ``store/*`` diagnostic."""
        self.diagnostics.append(Diagnostic(lint=lint, severity=severity, path=path, message=message))

    # --- states -----------------------------------------------------------------------------

    def state(self, state_id: str) -> dict[str, Any]:
        """The state called ``state_id``; 404 when there is none."""
        if state_id not in self.states:
            raise not_found("state", state_id, self.states)
        found = self.states[state_id]
        if not isinstance(found, dict):
            raise invalid(f'State {shown(state_id)} must be an object, got {json_type(found)}; replace it with '
                          "delete_state and add_state")
        return found

    def require_states(self, state_ids: list[str]) -> None:
        """404 for the first id that names no state."""
        for state_id in state_ids:
            if state_id not in self.states:
                raise not_found("state", state_id, self.states)

    def put_state(self, state_id: str, state: dict[str, Any]) -> None:
        """Add or replace a state."""
        self.states[state_id] = state
        self.touched.states.add(state_id)

    def drop_state(self, state_id: str) -> None:
        """Remove a state (callers cascade)."""
        del self.states[state_id]
        self.touched.states.add(state_id)
        self._next_state.clear()

    def rekey_state(self, old: str, new: str) -> None:
        """Give a state a new id in the same place of ``scene.states`` (callers follow references)."""
        self.states = {(new if key == old else key): value for key, value in self.states.items()}
        self.touched.states |= {old, new}
        self._next_state.clear()

    def free_state_id(self, stem: str) -> str:
        """``stem``, else ``stem_2``, ``stem_3``, … — the first that names neither a state nor a cutscene."""

        def candidate(n: int) -> str:
            suffix = f"_{n}" if n > 1 else ""
            return stem[: STATE_ID_MAX - len(suffix)].rstrip("_") + suffix

        return _first_free(self._next_state, stem, candidate, self.is_target)

    # --- events -----------------------------------------------------------------------------

    def _names(self) -> dict[str, int]:
        if self._index is None:
            self._index = {}
            for position, event in enumerate(self._events):
                name = event.get("name") if isinstance(event, dict) else None
                if isinstance(name, str):
                    if name in self._index:
                        self._shared_names.add(name)
                    else:
                        self._index[name] = position
        return self._index

    def has_event(self, name: str) -> bool:
        """Whether an event is called ``name``."""
        return name in self._names()

    def event(self, name: str) -> tuple[int, dict[str, Any]]:
        """The position and object of the (first) event called ``name``; 404 when there is none."""
        position = self._names().get(name)
        if position is None:
            raise not_found("event", name, self._names())
        found = self._events[position]
        if not isinstance(found, dict):  # pragma: no cover - the index only holds objects
            raise OpFailed(404, f'No event called {shown(name)}')
        return position, found

    def events(self) -> Iterator[tuple[int, Any]]:
        """``(position, event)`` for every event still in the draft (any JSON value, in order)."""
        for position, event in enumerate(self._events):
            if event is not _HOLE:
                yield position, event

    def add_event(self, event: dict[str, Any]) -> None:
        """Append a new event (the caller checked its name is free)."""
        names = self._names()
        names[event["name"]] = len(self._events)
        self._events.append(event)
        self.touched.events.add(event["name"])

    def put_event(self, position: int, event: dict[str, Any]) -> None:
        """Replace the event at ``position``; a new name re-keys the index (callers check it is free)."""
        old = self._events[position]
        old_name = old.get("name") if isinstance(old, dict) else None
        new_name = event.get("name")
        if old_name != new_name:
            self._forget(old_name, position)
            if isinstance(new_name, str):
                self._names()[new_name] = position
        self._events[position] = event
        self._touch_event(old_name)
        self._touch_event(new_name)

    def drop_event(self, position: int) -> None:
        """Remove the event at ``position``."""
        old = self._events[position]
        name = old.get("name") if isinstance(old, dict) else None
        self._events[position] = _HOLE
        self._holes += 1
        self._forget(name, position)
        self._touch_event(name)

    def _touch_event(self, name: Any) -> None:
        """Record an event by name; one without a usable name cannot be scoped, so the gate runs in full."""
        if isinstance(name, str) and name:
            self.touched.events.add(name)
        else:
            self.touched.everything = True

    def _forget(self, name: Any, position: int) -> None:
        """Unindex ``name`` at ``position``; a name another event shares falls back to that event."""
        self._next_event.clear()
        if not isinstance(name, str) or self._index is None or self._index.get(name) != position:
            return
        del self._index[name]
        if name in self._shared_names:
            for other, event in self.events():
                if other != position and isinstance(event, dict) and event.get("name") == name:
                    self._index[name] = other
                    break

    def free_event_name(self, stem: str, numbered: bool = False) -> str:
        """The first free of ``stem``, ``stem_2``, … or, when ``numbered``, of ``stem_1``, ``stem_2``, …"""

        def candidate(n: int) -> str:
            return f"{stem}_{n}" if numbered or n > 1 else stem

        return _first_free(self._next_event, stem, candidate, self.has_event)

    # --- the rest of the world --------------------------------------------------------------

    def get(self, key: str) -> Any:
        """A top-level world value (``entrance``, ``story``, …) or None."""
        return self._world.get(key)

    def put(self, key: str, value: Any) -> None:
        """Set a top-level world value."""
        self._world[key] = value
        self._changed(key)

    def drop(self, key: str) -> None:
        """Remove a top-level world value (no-op when absent)."""
        if key in self._world:
            del self._world[key]
            self._changed(key)

    def _changed(self, key: str) -> None:
        self.touched.world.add(key)
        if key == "cutscenes":
            self._cutscene_ids = None
            self._next_state.clear()

    def items(self, key: str) -> list[Any]:
        """A top-level array (``cutscenes``, ``sequences``, ``missions``); [] when absent."""
        found = self._world.get(key)
        if found is None:
            return []
        if not isinstance(found, list):
            raise invalid(f'The world\'s {shown(key)} must be an array, got {json_type(found)}; fix it with a '
                          "full world write first")
        return found

    def cutscene_ids(self) -> set[str]:
        """Ids of the world's cutscenes (cached until ``cutscenes`` changes; a malformed array has none)."""
        if self._cutscene_ids is None:
            found = self._world.get("cutscenes")
            self._cutscene_ids = {
                c["id"] for c in (found if isinstance(found, list) else [])
                if isinstance(c, dict) and isinstance(c.get("id"), str)
            }
        return self._cutscene_ids

    def is_target(self, name: str) -> bool:
        """Whether ``name`` is a state or a cutscene id (the one namespace a transition's ``to`` reads)."""
        return name in self.states or name in self.cutscene_ids()

    def entrance_state(self) -> str | None:
        """The state the entrance names, if it names one."""
        return entrance_id(self._world)


def _first_free(cache: dict[str, int], stem: str, candidate: Callable[[int], str],
                taken: Callable[[str], bool]) -> str:
    """The first ``candidate(n)`` not ``taken``, remembering where to start next time.

    ``cache[stem]`` is a lower bound of the first free ``n``: names only become taken between two
    calls, except when something is removed or renamed, which clears the cache. Repeated calls with
    one stem therefore cost O(1) amortised instead of a probe from 1 each time.
    """
    n = cache.get(stem, 1)
    while taken(candidate(n)):
        n += 1
    cache[stem] = n
    return candidate(n)
