"""The graph plan: chapters of a spine with side pockets, locked by keys found inside each chapter.

A world of ``size`` states is cut into up to ``MAX_CHAPTERS`` chapters, one win ending and one lose
ending per chapter (at most; fewer for small worlds). Inside a chapter:

- **spine** — hubs in a row, linked onward and back;
- **pockets** — short chains of side rooms hanging off a hub, each room linked deeper and back, the
  last sometimes cutting through to a later hub (a loop);
- **key** — a one-shot override in the deepest room of one pocket grants the chapter's flag;
- **gate** — the last hub's way onward requires that flag; it leads one way into the next chapter's
  first hub (or the win ending), so a chapter is never re-entered;
- **hazard** — one room has a visible way onto a lose ending, and in chapter 0 (and some others) a
  hidden auto event that takes it there if the player lingers.

Why the winnability proof stays near-linear: a configuration is (room, flags, used one-shots). In
chapter *c* the flags are exactly the earlier chapters' keys plus, or not, key *c*; the only one-shot
events are the key pickups, used exactly when their flag is held. So each room has at most two
configurations — about ``2 × size`` in all. No configuration is a softlock: a pocket always leads
back to its hub, every hub reaches the key, and a used key event has already granted its flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from random import Random
from typing import Literal

__all__ = ["MAX_CHAPTERS", "Action", "Link", "Plan", "Room", "plan"]

MAX_CHAPTERS = 12
MAX_POCKETS_PER_HUB = 3
MAX_POCKET = 3

Role = Literal["hub", "side", "win", "lose"]
LinkKind = Literal["onward", "back", "enter", "leave", "shortcut", "gate", "fall", "collapse"]
ActionKind = Literal["key", "pause"]


@dataclass(frozen=True, slots=True)
class Room:
    """A state in the plan; its index in :attr:`Plan.rooms` is its identity."""

    chapter: int
    role: Role


@dataclass(frozen=True, slots=True)
class Link:
    """A planned transition; ``requires`` are chapter numbers whose keys must be held."""

    kind: LinkKind
    source: int
    target: int
    requires: tuple[int, ...] = ()

    @property
    def hidden(self) -> bool:
        """Hidden links fire by themselves (``autoAfterMs``) and are never offered as choices."""
        return self.kind == "collapse"


@dataclass(frozen=True, slots=True)
class Action:
    """A planned override in ``room``; a key action is one-shot and grants ``chapter``'s flag."""

    kind: ActionKind
    room: int
    chapter: int


@dataclass(frozen=True, slots=True)
class Plan:
    """The whole graph, without prose. Room 0 is the entrance."""

    rooms: tuple[Room, ...]
    links: tuple[Link, ...]
    actions: tuple[Action, ...]
    chapters: int
    win: int
    loses: tuple[int, ...]


@dataclass(slots=True)
class _Draft:
    rooms: list[Room] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def plan(size: int, rng: Random) -> Plan:
    """A plan with exactly ``size`` rooms (``size`` ≥ 5)."""
    chapters = min(MAX_CHAPTERS, max(1, (size - 2) // 9))
    lose_count = min(chapters, 1 + (size - 5) // 10)
    inner = size - 1 - lose_count
    lengths = [inner // chapters + (1 if c < inner % chapters else 0) for c in range(chapters)]
    win = inner
    loses = tuple(range(win + 1, size))
    draft = _Draft()
    start = 0
    for chapter, length in enumerate(lengths):
        last = chapter == chapters - 1
        exit_to = win if last else start + length
        requires = tuple(sorted({0, chapter})) if last else (chapter,)
        _chapter(draft, chapter, start, length, exit_to, requires, loses[chapter % lose_count], rng)
        start += length
    draft.rooms.append(Room(chapters - 1, "win"))
    draft.rooms.extend(Room(c, "lose") for c in range(lose_count))
    if not any(a.kind == "pause" for a in draft.actions):
        draft.actions.append(Action("pause", 0, 0))
    return Plan(tuple(draft.rooms), tuple(draft.links), tuple(draft.actions), chapters, win, loses)


def _chapter(draft: _Draft, chapter: int, start: int, length: int, exit_to: int,
             requires: tuple[int, ...], lose: int, rng: Random) -> None:
    """Rooms ``start .. start+length-1`` (``length`` ≥ 3) as one chapter."""
    spine = min(length - 1, max(2, round(length * rng.uniform(0.3, 0.5))))
    hubs = range(start, start + spine)
    sides = range(start + spine, start + length)
    draft.rooms.extend(Room(chapter, "hub") for _ in hubs)
    draft.rooms.extend(Room(chapter, "side") for _ in sides)
    for here, there in pairwise(hubs):
        draft.links += [Link("onward", here, there), Link("back", there, here)]
    pockets = _pockets(sides, rng)
    load = dict.fromkeys(hubs, 0)
    for pocket in pockets:
        hub = _free_hub(hubs, load, rng)
        previous = hub
        for room in pocket:
            draft.links += [Link("enter", previous, room), Link("leave", room, previous)]
            previous = room
        if hub < hubs[-1] and rng.random() < 0.3:
            draft.links.append(Link("shortcut", pocket[-1], rng.randint(hub + 1, hubs[-1])))
    draft.links.append(Link("gate", hubs[-1], exit_to, requires))
    draft.actions.append(Action("key", rng.choice(pockets)[-1], chapter))
    hazard = rng.choice(sides)
    draft.links.append(Link("fall", hazard, lose))
    if chapter == 0 or rng.random() < 0.5:
        draft.links.append(Link("collapse", hazard, lose))
    draft.actions.extend(Action("pause", room, chapter) for room in range(start, start + length)
                         if rng.random() < 0.12)


def _pockets(sides: range, rng: Random) -> list[range]:
    """Cut the side rooms into consecutive chains of 1..``MAX_POCKET`` rooms."""
    pockets = []
    at = sides.start
    while at < sides.stop:
        step = min(sides.stop - at, rng.randint(1, MAX_POCKET))
        pockets.append(range(at, at + step))
        at += step
    return pockets


def _free_hub(hubs: range, load: dict[int, int], rng: Random) -> int:
    """A random hub with room for another pocket (probing onward from a random start)."""
    first = rng.randrange(len(hubs))
    for offset in range(len(hubs)):
        hub = hubs[(first + offset) % len(hubs)]
        if load[hub] < MAX_POCKETS_PER_HUB:
            load[hub] += 1
            return hub
    raise AssertionError("hubs hold 3 pockets each and a chapter has at most 3 sides per hub")
