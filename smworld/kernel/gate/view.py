"""A world under judgement: what the checks read, gathered once per gate run, and the part of it
(a :class:`Scope`) a check is asked to look at.

Checks read a world that may be malformed anywhere, so everything here reads defensively. The
columns (one field of every event or state) are built at C speed and shared by every check of a
run; indexes that several checks need are memoised on the view (per run, never global). What a write
can have changed, and so which scope each check re-runs on, is :mod:`.scope`'s business; that
module builds on this one, never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Any, TypeGuard, TypeVar

from ..hotkeys import Hotkey, parse_hotkey
from ..world import events, states

__all__ = ["Rows", "Scope", "View", "column", "is_ending", "is_number", "strings"]

T = TypeVar("T")


def column(items: list[Any], key: str) -> list[Any]:
    """``item.get(key)`` for each item, None for items that are not objects."""
    try:
        return list(map(dict.get, items, repeat(key)))
    except TypeError:
        return [item.get(key) if isinstance(item, dict) else None for item in items]


def strings(value: Any) -> list[str]:
    """The string members of a list (a malformed list yields what can be read)."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def is_ending(state: Any) -> bool:
    """Whether a state value carries an ending (a terminal sink)."""
    return isinstance(state, dict) and isinstance(state.get("ending"), dict)


def is_number(value: Any) -> TypeGuard[int | float]:
    """Whether a JSON value is a number (``true``/``false`` are not, though Python calls them ints)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Scope:
    """State ids, event names and whether the world-level parts are to be re-checked."""

    states: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    world: bool = False

    def __bool__(self) -> bool:
        return bool(self.states or self.events or self.world)


@dataclass(frozen=True, slots=True)
class Rows:
    """The events (keys: indices) or states (keys: ids) a check looks at, with field columns."""

    keys: Sequence[Any]
    items: list[Any]
    shared: dict[str, list[Any]] | None = None

    def column(self, key: str) -> list[Any]:
        """One field of every row; whole-world columns are built once per run and shared."""
        if self.shared is None:
            return column(self.items, key)
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = column(self.items, key)
        return found


class View:
    """A world plus the rows, columns and indexes its checks share."""

    def __init__(self, world: Mapping[str, Any]) -> None:
        self.world = world
        self.states = states(world)
        self.events = events(world)
        self._memo: dict[str, Any] = {}
        self._hotkeys: dict[str, Hotkey | None] = {}
        self._named: dict[str, list[int]] = {}

    @cached_property
    def all_events(self) -> Rows:
        """Every event, by index."""
        return Rows(range(len(self.events)), self.events, {})

    @cached_property
    def all_states(self) -> Rows:
        """Every state, by id (an id that is not a string, possible only outside JSON, as its text)."""
        return Rows([sid if type(sid) is str else str(sid) for sid in self.states], list(self.states.values()), {})

    def event_rows(self, scope: Scope | None) -> Rows:
        """The events a scope names (every event when ``scope`` is None), in list order."""
        if scope is None:
            return self.all_events
        found = self.indices_named(scope.events)
        return Rows(found, [self.events[i] for i in found])

    def state_rows(self, scope: Scope | None) -> Rows:
        """The states a scope names that exist here (every state when ``scope`` is None)."""
        if scope is None:
            return self.all_states
        ids = sorted(sid for sid in scope.states if sid in self.states)
        return Rows(ids, [self.states[sid] for sid in ids])

    def indices_named(self, names: Iterable[str]) -> list[int]:
        """Indices of every event whose name is in ``names`` (duplicates included), ascending."""
        wanted = set(names)
        missing = [name for name in wanted if name not in self._named]
        if missing:
            column = self.all_events.column("name")
            found: dict[str, list[int]] = {name: [] for name in missing}
            if len(missing) > 4:  # one pass beats a search per name
                for i, name in enumerate(column):
                    if type(name) is str and name in found:
                        found[name].append(i)
            else:
                for name, at in found.items():
                    start = 0
                    while True:
                        try:
                            start = column.index(name, start) + 1
                        except ValueError:
                            break
                        at.append(start - 1)
            self._named.update(found)
        return sorted(i for name in wanted for i in self._named[name])

    def names_at(self, indices: Iterable[int]) -> set[str]:
        """The string names of the events at ``indices``."""
        column = self.all_events.column("name")
        return {name for name in map(column.__getitem__, indices) if isinstance(name, str) and name}

    @cached_property
    def cutscene_ids(self) -> frozenset[str]:
        """Ids of the world's cutscenes (a transition's ``to`` may name one)."""
        found = self.world.get("cutscenes")
        return frozenset(
            item["id"] for item in found if isinstance(item, dict) and isinstance(item.get("id"), str)
        ) if isinstance(found, list) else frozenset()

    def top(self, key: str) -> list[Any]:
        """A top-level list (``cutscenes``, ``sequences``, ``missions``), empty when malformed."""
        found = self.world.get(key)
        return found if isinstance(found, list) else []

    def hotkey(self, text: str) -> Hotkey | None:
        """:func:`~smworld.kernel.hotkeys.parse_hotkey`, once per distinct key in this run."""
        if text not in self._hotkeys:
            self._hotkeys[text] = parse_hotkey(text)
        return self._hotkeys[text]

    def key_of(self, value: Any) -> str | None:
        """A hotkey as compared for conflicts (its canonical key; raw text folded when it does not
        parse), None when the event has none."""
        if not isinstance(value, str) or not value:
            return None
        parsed = self.hotkey(value)
        return parsed.key if parsed is not None else value.lower()

    @cached_property
    def key_column(self) -> list[str | None]:
        """:meth:`key_of` of every event's hotkey, by index."""
        values = self.all_events.column("hotkey")
        keys = {value: self.key_of(value) for value in {value for value in values if type(value) is str}}
        try:
            return list(map(keys.get, values))
        except TypeError:  # an unhashable hotkey value
            return [keys.get(value) if type(value) is str else None for value in values]

    def memo(self, key: str, build: Callable[[View], T]) -> T:
        """An index built by ``build`` at most once for this view."""
        if key not in self._memo:
            self._memo[key] = build(self)
        found: T = self._memo[key]
        return found
