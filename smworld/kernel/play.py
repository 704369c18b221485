"""The interpreter: a playthrough is a value, and firing an event returns a new one.

One implementation of the play rules (``spec/runtime.md``, "The interpreter"), shared by the
runtime socket, the CLI player and the winnability proof (:mod:`smworld.kernel.analysis.winnability`
derives every move it explores from :func:`step` and :func:`read_event`).

The rules, as implemented here:

- **Start** at the entrance with no flags and nothing used. An entrance that is itself an ending
  starts the play ended.
- **Availability**: the events whose ``from`` names the current state, in world order. An event
  is *open* when it holds every flag it ``requires`` and, if ``oneShot``, has not been used.
  Nothing is available in an ending state. When two events share a name (a gate error) the first in
  world order is the one a name means, everywhere.
- **Choices** are the available events that are not ``hidden``; a locked one carries its
  ``lockedHint`` when its requirements are unmet.
- **Fire** an open event: log it, add its ``grants``, mark it used if ``oneShot``; a transition moves
  to ``to`` — through a cutscene when ``to`` names one: the play lands in the cutscene's ``to`` and
  the clip plays only if the cutscene's ``requires`` are held *after* the event's grants (recorded
  in :attr:`Play.clips`). Overrides and terminals leave the state as it is. Entering a state with an
  ``ending`` ends the play; nothing fires after.
- **Time**: :attr:`Play.ms` counts the time since the state was entered *or the last event fired*
  (an override is a fresh start of the same state), so firing anything postpones every pending
  auto event. An open event with ``autoAfterMs`` fires by itself when ``ms`` reaches it; when
  several are due, the earliest fires first, ties in world order. :func:`tick` advances time and
  keeps firing through transitions with the remaining time.
- **Hidden events** are never choices. Firing a hidden event by name is *waiting for it*: allowed
  exactly when it is the auto event that waiting would fire next (open, earliest due), and it then
  gives the same play as ticking until it fires. Any other hidden event is an error value.
- Errors a caller must handle (unknown, unavailable, locked, hidden, malformed events, an ended
  play, a world without an entrance) are :class:`PlayError` values; misuse (a negative tick, asking
  :func:`step` for an illegal move) raises :class:`InterpreterError`.

Malformed parts of a world are ignored by play: an event is *usable* only when it has a name, a
known ``kind``, a ``from`` list of strings, ``requires``/``grants`` (when present) lists of strings,
and — for a transition — a ``to`` that lands in an existing state (directly, or through a
well-formed cutscene). ``hidden``/``oneShot`` count only when ``true``; ``autoAfterMs`` only when a
non-negative integer.

>>> world = {"entrance": {"state": "hall"}, "scene": {
...     "states": {"hall": {"base": "a hall"}, "out": {"base": "a field",
...                "ending": {"kind": "win", "title": "Out"}}},
...     "events": [{"name": "leave", "kind": "transition", "from": ["hall"], "to": "out"}]}}
>>> play = start(world)
>>> [choice.name for choice in available(world, play)]
['leave']
>>> fire(world, play, "leave").ending
{'kind': 'win', 'title': 'Out'}
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeGuard

from .codec import bounded
from .errors import SMWorldError
from .text import listed, shown
from .world import WorldDoc, entrance_id, events, find_event, states

__all__ = [
    "Choice",
    "Config",
    "EventRule",
    "InterpreterError",
    "Play",
    "PlayError",
    "PlayErrorKind",
    "available",
    "ending",
    "ending_of",
    "entrance_state",
    "fire",
    "landing",
    "next_auto",
    "open_events",
    "read_event",
    "rules_by_state",
    "start",
    "step",
    "tick",
]

_KINDS = frozenset({"transition", "override", "terminal"})

PlayErrorKind = Literal["no-entrance", "ended", "unknown", "unavailable", "broken", "hidden", "locked"]


class InterpreterError(SMWorldError, ValueError):
    """A caller misused the interpreter: a negative tick, or :func:`step` on an illegal move."""


@dataclass(frozen=True, slots=True)
class Play:
    """A playthrough: where the player is, what they hold, and what happened.

    ``log`` lists the events fired (by the player or by time), ``clips`` the cutscenes whose clip
    played on the way, ``ms`` the time since the state was entered or the last event fired, and
    ``ending`` a copy of the state's ending once the play entered one (the play is then over).
    """

    state: str
    flags: frozenset[str] = frozenset()
    used: frozenset[str] = frozenset()
    log: tuple[str, ...] = ()
    ms: int = 0
    ending: dict[str, Any] | None = None
    clips: tuple[str, ...] = ()

    @property
    def ended(self) -> bool:
        """Whether the play has reached an ending."""
        return self.ending is not None


@dataclass(frozen=True, slots=True)
class Choice:
    """An event offered to the player in the current state.

    ``label`` is the event's ``label`` (an extension key real worlds carry) or else its name;
    ``hint`` its ``lockedHint`` while its requirements are unmet; ``auto_after_ms`` its
    ``autoAfterMs`` when it also fires by itself.
    """

    name: str
    hotkey: str | None
    label: str
    locked: bool
    hint: str | None = None
    auto_after_ms: int | None = None


@dataclass(frozen=True, slots=True)
class PlayError:
    """Why a play could not start or an event could not fire; ``hint`` is the lockedHint if any."""

    kind: PlayErrorKind
    message: str
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """What decides the future of a play: the state, the flags held and the one-shots used.

    ``clip`` is the cutscene whose clip played on the way into this configuration; it is
    presentation only and not part of the configuration's identity.
    """

    state: str
    flags: frozenset[str] = frozenset()
    used: frozenset[str] = frozenset()
    clip: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class EventRule:
    """A usable event, read once: the fields the play rules look at, normalised.

    ``target`` is where a transition lands (through its cutscene), None for overrides and
    terminals; ``cutscene`` is ``(id, requires)`` when the transition goes through one.
    """

    index: int
    name: str
    event: dict[str, Any]
    sources: tuple[str, ...]
    target: str | None
    cutscene: tuple[str, frozenset[str]] | None
    hidden: bool
    one_shot: bool
    requires: frozenset[str]
    grants: frozenset[str]
    auto_after: int | None

    def is_open(self, flags: frozenset[str], used: frozenset[str]) -> bool:
        """All requirements held and, for a one-shot, not used yet."""
        return self.requires <= flags and not (self.one_shot and self.name in used)


# -- reading the world ------------------------------------------------------------------------


def _strings(value: Any) -> frozenset[str] | None:
    """A list of strings as a set; None when the value is anything else (malformed)."""
    if value is None:
        return frozenset()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return frozenset(value)
    return None


def _is_state(state_id: Any, world: Mapping[str, Any]) -> TypeGuard[str]:
    """Whether ``state_id`` names a state object of the world."""
    return isinstance(state_id, str) and isinstance(states(world).get(state_id), dict)


def entrance_state(world: Mapping[str, Any]) -> str | None:
    """The entrance's state id when it names an existing state, else None."""
    state_id = entrance_id(world)
    return state_id if _is_state(state_id, world) else None


def ending_of(world: WorldDoc, state_id: str) -> dict[str, Any] | None:
    """The state's ``ending`` object (the world's own, not a copy) when it has one."""
    state = states(world).get(state_id)
    found = state.get("ending") if isinstance(state, dict) else None
    return found if isinstance(found, dict) else None


def landing(world: Mapping[str, Any], to: Any) -> tuple[str, tuple[str, frozenset[str]] | None] | None:
    """Where a transition to ``to`` lands, with the cutscene ``(id, requires)`` it plays through.

    A state id wins over a cutscene id (the gate reports such a clash); the first well-formed
    cutscene with the id counts. None when ``to`` lands nowhere.
    """
    if _is_state(to, world):
        return to, None
    if not isinstance(to, str):
        return None
    cutscenes = world.get("cutscenes")
    for cutscene in cutscenes if isinstance(cutscenes, list) else ():
        if not isinstance(cutscene, dict) or cutscene.get("id") != to:
            continue
        requires = _strings(cutscene.get("requires"))
        target = cutscene.get("to")
        if requires is not None and _is_state(target, world):
            return target, (to, requires)
    return None


def read_event(world: WorldDoc, event: Any, index: int = -1) -> EventRule | None:
    """The event as an :class:`EventRule`, or None when it is not usable in play."""
    if not isinstance(event, dict):
        return None
    name, kind, sources = event.get("name"), event.get("kind"), event.get("from")
    if not (isinstance(name, str) and name and kind in _KINDS and isinstance(sources, list)):
        return None
    if not all(isinstance(source, str) for source in sources):
        return None
    requires, grants = _strings(event.get("requires")), _strings(event.get("grants"))
    if requires is None or grants is None:
        return None
    target: str | None = None
    cutscene: tuple[str, frozenset[str]] | None = None
    if kind == "transition":
        landed = landing(world, event.get("to"))
        if landed is None:
            return None
        target, cutscene = landed
    auto = event.get("autoAfterMs")
    return EventRule(
        index=index,
        name=name,
        event=event,
        sources=tuple(dict.fromkeys(sources)),
        target=target,
        cutscene=cutscene,
        hidden=event.get("hidden") is True,
        one_shot=event.get("oneShot") is True,
        requires=requires,
        grants=grants,
        auto_after=auto if isinstance(auto, int) and not isinstance(auto, bool) and auto >= 0 else None,
    )


def rules_by_state(world: WorldDoc, only: str | None = None) -> dict[str, list[EventRule]]:
    """The usable events available in each non-ending state, in world order, first per name.

    One pass over the events; ``only`` restricts the answer (and the reading) to one state.
    States without events are absent from the mapping.
    """
    table: dict[str, list[EventRule]] = {}
    names: dict[str, set[str]] = {}
    for index, event in enumerate(events(world)):
        if only is not None:
            sources = event.get("from") if isinstance(event, dict) else None
            if not isinstance(sources, list) or only not in sources:
                continue
        rule = read_event(world, event, index)
        if rule is None:
            continue
        for source in rule.sources:
            if (only is not None and source != only) or not _is_state(source, world):
                continue
            if ending_of(world, source) is not None:
                continue
            seen = names.setdefault(source, set())
            if rule.name not in seen:
                seen.add(rule.name)
                table.setdefault(source, []).append(rule)
    return table


def _rules(world: WorldDoc, state_id: str) -> list[EventRule]:
    return rules_by_state(world, state_id).get(state_id, [])


def next_auto(rules: list[EventRule], flags: frozenset[str], used: frozenset[str]) -> EventRule | None:
    """The auto event waiting would fire next: open, smallest ``autoAfterMs``, ties in world order."""
    due = [rule for rule in rules if rule.auto_after is not None and rule.is_open(flags, used)]
    return min(due, key=lambda rule: rule.auto_after or 0) if due else None


# -- the rules --------------------------------------------------------------------------------


def open_events(
    world: WorldDoc, state: str, flags: frozenset[str], used: frozenset[str]
) -> list[dict[str, Any]]:
    """The events that can fire in a configuration, hidden ones included (the caller decides)."""
    return [rule.event for rule in _rules(world, state) if rule.is_open(flags, used)]


def step(world: WorldDoc, config: Config, event: dict[str, Any]) -> Config:
    """The configuration after ``event`` fires in ``config``: the one semantics of a move.

    Grants and one-shot use are added, then a transition lands (through its cutscene, whose clip
    plays when its requires are held after the grants). Raises :class:`InterpreterError` when the
    event is not usable and open in ``config``: callers check availability first.
    """
    rule = read_event(world, event)
    if rule is None:
        raise InterpreterError("step: the event is not usable in play (check name, kind, from, to, "
                               "requires and grants)")
    if config.state not in rule.sources or ending_of(world, config.state) is not None:
        raise InterpreterError(f"step: event {shown(rule.name)} is not available in state {shown(config.state)}")
    if not rule.is_open(config.flags, config.used):
        raise InterpreterError(f"step: event {shown(rule.name)} is locked in this configuration")
    flags = config.flags | rule.grants
    used = config.used | {rule.name} if rule.one_shot else config.used
    if rule.target is None:
        return Config(config.state, flags, used)
    clip = rule.cutscene[0] if rule.cutscene is not None and rule.cutscene[1] <= flags else None
    return Config(rule.target, flags, used, clip)


@bounded
def start(world: WorldDoc) -> Play | PlayError:
    """A new play at the entrance, or an error value when the world has no usable entrance."""
    state = entrance_state(world)
    if state is None:
        return PlayError("no-entrance", "the world has no entrance naming an existing state; set "
                                        "entrance.state to one of scene.states")
    return Play(state=state, ending=ending(world, Play(state)))


@bounded
def ending(world: WorldDoc, play: Play) -> dict[str, Any] | None:
    """A copy of the ending of the play's state, or None while the play goes on."""
    found = ending_of(world, play.state)
    return copy.deepcopy(found) if found is not None else None


@bounded
def available(world: WorldDoc, play: Play) -> list[Choice]:
    """The choices offered in the play's state, in world order; hidden events are never offered."""
    if play.ended:
        return []
    choices = []
    for rule in _rules(world, play.state):
        if rule.hidden:
            continue
        unmet = not rule.requires <= play.flags
        hint = rule.event.get("lockedHint") if unmet else None
        hotkey, label = rule.event.get("hotkey"), rule.event.get("label")
        choices.append(Choice(
            name=rule.name,
            hotkey=hotkey if isinstance(hotkey, str) else None,
            label=label if isinstance(label, str) and label else rule.name,
            locked=not rule.is_open(play.flags, play.used),
            hint=hint if isinstance(hint, str) else None,
            auto_after_ms=rule.auto_after,
        ))
    return choices


@bounded
def fire(world: WorldDoc, play: Play, name: str) -> Play | PlayError:
    """The play after the player fires ``name``, or an error value saying why it cannot fire."""
    if play.ended:
        return PlayError("ended", "the play has ended; start a new one to play again")
    rules = _rules(world, play.state)
    rule = next((rule for rule in rules if rule.name == name), None)
    if rule is None:
        return _missing(world, play.state, name)
    if rule.hidden and next_auto(rules, play.flags, play.used) is not rule:
        return PlayError("hidden", f"event {shown(name)} is hidden: it fires by itself only when it is "
                                   "open and the first auto event due in this state")
    if not rule.requires <= play.flags:
        missing = listed(sorted(rule.requires - play.flags), quoted=False)
        hint = rule.event.get("lockedHint")
        return PlayError("locked", f"event {shown(name)} is locked: it requires {missing}; fire the events that "
                                   "grant them first",
                         hint if isinstance(hint, str) else None)
    if rule.one_shot and rule.name in play.used:
        return PlayError("locked", f"event {shown(name)} is one-shot and has been used in this play; pick another "
                                   "choice")
    return _advance(world, play, rule)


def _missing(world: WorldDoc, state: str, name: str) -> PlayError:
    """The error for a name that is not among the state's usable events."""
    found = find_event(world, name)
    if found is None:
        return PlayError("unknown", f"no event is called {shown(name)}; fire one of the choices available here")
    sources = found[1].get("from")
    if isinstance(sources, list) and state in sources:
        return PlayError("broken", f"event {shown(name)} cannot fire: it is malformed (check its kind, "
                                   "from, to, requires and grants)")
    return PlayError("unavailable", f"event {shown(name)} is not available in state {shown(state)}; fire one of the "
                                       "choices available here")


def _advance(world: WorldDoc, play: Play, rule: EventRule) -> Play:
    """Fire an open event (the caller checked it): :func:`step`, plus the log, clock and ending."""
    after = step(world, Config(play.state, play.flags, play.used), rule.event)
    moved = Play(state=after.state, flags=after.flags, used=after.used,
                 log=(*play.log, rule.name), ms=0,
                 clips=(*play.clips, after.clip) if after.clip is not None else play.clips)
    return replace(moved, ending=ending(world, moved))


@bounded
def tick(world: WorldDoc, play: Play, ms: int) -> Play:
    """The play ``ms`` milliseconds later: due auto events fire, earliest first.

    After each firing the timer restarts and ticking continues with the remaining time, through
    transitions, until the time is spent or the play ends. A zero-delay loop (the same
    configuration again with no time passed) stops firing for the rest of this tick.
    """
    if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
        raise InterpreterError(f"tick: ms must be a non-negative integer, got {shown(ms)}")
    remaining, current = ms, play
    seen: set[tuple[str, frozenset[str], frozenset[str]]] = set()
    while not current.ended:
        due = next_auto(_rules(world, current.state), current.flags, current.used)
        if due is None:
            break
        wait = max(0, (due.auto_after or 0) - current.ms)
        if wait > remaining:
            break
        if wait:
            seen.clear()
        key = (current.state, current.flags, current.used)
        if key in seen:
            break
        seen.add(key)
        remaining -= wait
        before, current = current, _advance(world, current, due)
        period = due.auto_after or 0
        if period and (current.state, current.flags, current.used) == key:
            # Nothing changed, so the same event is due again every `period` ms: fire the repeats
            # at once rather than one by one (a long tick over a repeating override stays linear).
            repeats = remaining // period
            remaining -= repeats * period
            current = replace(current, log=current.log + (due.name,) * repeats,
                              clips=current.clips + current.clips[len(before.clips):] * repeats)
    return replace(current, ms=current.ms + remaining)
