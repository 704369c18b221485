"""The plan + the lexicon → the list of GraphOps that builds the world.

Vocabulary is chosen for every room first (so an exit can name the room it leads to); then each
room's prose is assembled from its own words and its ways out; then every planned link and action
becomes an event with a hotkey unique in its room. The ops come out in the order ``run_ops`` needs:
rooms, endings, events, world-level ops.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from random import Random
from typing import Any

from . import banks, prose
from .lexicon import Lexicon, Place, slug
from .shape import Action, Link, Plan

__all__ = ["HOTKEYS", "Built", "Op", "build_ops"]

Op = dict[str, Any]

HOTKEYS = "eqrtyuiopfghjklzxcvbnm123456789"
"""Keys events may take: letters and digits, never the drive keys w a s d."""

_PREFERRED = {"onward": "e", "back": "b", "enter": "f", "leave": "r", "shortcut": "c", "gate": "u",
              "fall": "j", "key": "k", "pause": "p"}
_COUNTS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_STYLE_TAILS = ("painterly realism, soft film grain", "cinematic still, 35mm film grain, natural colour",
                "moody realism, shallow depth of field")
_WIN_TARGET = "daylight outside"
_PASSAGES = frozenset({"onward", "back", "enter", "leave", "shortcut"})
_RETURNS = frozenset({"back", "leave"})
_RETRIES = 8


@dataclass(frozen=True, slots=True)
class Built:
    """What :func:`build_ops` hands to ``generate``: the world's name and description, and its ops."""

    name: str
    description: str
    ops: list[Op]


@dataclass(frozen=True, slots=True)
class _Chapter:
    """One chapter's set pieces: the flag its key grants, the key, the gate it opens, its hazard."""

    flag: str
    key: tuple[str, str]
    gate: tuple[str, str]
    hazard: tuple[str, str]


@dataclass(slots=True)
class _World:
    """Everything chosen before ops are written, shared by the op writers below."""

    plan: Plan
    voice: prose.Voice
    places: list[Place]
    ids: list[str]
    chapters: list[_Chapter]
    openings: dict[tuple[int, int], tuple[str, str, str]]
    rng: Random
    hotkeys: dict[int, set[str]] = dataclasses.field(default_factory=lambda: defaultdict(set))
    names: set[str] = dataclasses.field(default_factory=set)

    def opening(self, link: Link) -> tuple[str, str, str]:
        """The opening a passage goes through; a way back reuses the opening of the way in."""
        return self.openings[(link.target, link.source) if link.kind in _RETURNS else (link.source, link.target)]

    def target(self, room: int) -> str:
        if room == len(self.places):
            return _WIN_TARGET
        place = self.places[room]
        return f"{place.adjective} {place.noun}".lstrip()

    def set_piece(self, room: int) -> _Chapter:
        return self.chapters[self.plan.rooms[room].chapter]

    def hotkey(self, room: int, kind: str) -> str:
        """A key unique within ``room``, the mnemonic one for ``kind`` when it is free."""
        taken = self.hotkeys[room]
        key = _PREFERRED[kind] if _PREFERRED[kind] not in taken else next(k for k in HOTKEYS if k not in taken)
        taken.add(key)
        return key

    def name(self, wanted: str, room: int) -> str:
        """A readable event name, unique in the world."""
        name = wanted if wanted not in self.names else f"{wanted} from {self.ids[room]}"
        self.names.add(name)
        return name


def build_ops(premise: str, plan: Plan, lex: Lexicon, rng: Random) -> Built:
    """Every op that builds the planned world, with the world's name and description."""
    voice = prose.Voice(lex.subject(rng), *rng.choice(banks.CARRY))
    nouns = lex.room_nouns(rng, sum(room.role in ("hub", "side") for room in plan.rooms))
    places = [lex.pick_place(rng, noun) for noun in nouns]
    ids = [f"{slug(place.noun) or 'room'}_{index + 1}" for index, place in enumerate(places)]
    win_title = rng.choice(banks.WIN_TITLES)
    lose_titles = rng.sample(banks.LOSE_TITLES, len(plan.loses))
    ids.append(f"{slug(win_title)}_{plan.win + 1}")
    ids += [f"{slug(title)}_{room + 1}" for room, title in zip(plan.loses, lose_titles, strict=True)]
    keys = rng.sample(banks.KEYS, plan.chapters)
    chapters = [_Chapter(f"{slug(key[0])}_{number + 1}", key, rng.choice(banks.GATES), rng.choice(banks.HAZARDS))
                for number, key in enumerate(keys)]
    world = _World(plan, voice, places, ids, chapters, _openings(plan, rng), rng)

    ops = _room_ops(world)
    ops += _ending_ops(world, lex, win_title, lose_titles)
    ops += [_link_op(world, link) for link in plan.links]
    ops += [_action_op(world, action) for action in plan.actions]
    ops += _world_ops(world, lex)
    return Built(lex.title(rng), _description(premise, len(plan.rooms)), ops)


def _openings(plan: Plan, rng: Random) -> dict[tuple[int, int], tuple[str, str, str]]:
    """An opening for every way in, keyed ``(from, to)``: distinct among one room's ways onward."""
    onward: dict[int, list[int]] = defaultdict(list)
    for link in plan.links:
        if link.kind in _PASSAGES - _RETURNS:
            onward[link.source].append(link.target)
    return {(source, target): opening for source, targets in onward.items()
            for target, opening in zip(targets, rng.sample(banks.OPENINGS, len(targets)), strict=True)}


def _room_ops(world: _World) -> list[Op]:
    """``add_state`` for every room; each base names its visible ways out (and its key, if any)."""
    links_from: dict[int, list[Link]] = defaultdict(list)
    for link in world.plan.links:
        links_from[link.source].append(link)
    keys_in = {action.room: action.chapter for action in world.plan.actions if action.kind == "key"}
    seen: set[str] = set()
    ops = []
    for room, place in enumerate(world.places):
        key = world.chapters[keys_in[room]].key if room in keys_in else None
        clauses = _exit_clauses(world, links_from[room])
        if key is not None:
            clauses.append(prose.key_clause(*key))
        base, place = _unique_base(world, room, place, clauses, seen)
        extra = prose.sentence(f"something small glints on {key[1]}") if key else ""
        ops.append({"op": "add_state", "id": world.ids[room], "base": base,
                    "camera": prose.camera(world.voice, world.rng),
                    "movement": prose.movement(world.voice, world.rng),
                    "ambient": list(place.ambient), "narration": prose.narration(place, extra)})
    return ops


def _exit_clauses(world: _World, links: list[Link]) -> list[str]:
    """One clause per visible way out of a room, each at its own position in the room."""
    positions = iter(world.rng.sample(banks.POSITIONS, len(links)))
    clauses = []
    for link in links:
        if link.kind == "gate":
            clauses.append(prose.gate_clause(*world.set_piece(link.source).gate, next(positions)))
        elif link.kind == "fall":
            clauses.append(prose.hazard_clause(*world.set_piece(link.source).hazard, next(positions)))
        elif link.kind in _PASSAGES:
            opening = world.opening(link)[0]
            clauses.append(prose.exit_clause(opening, next(positions), world.target(link.target)))
    return clauses


def _unique_base(world: _World, room: int, place: Place, clauses: list[str],
                 seen: set[str]) -> tuple[str, Place]:
    """A base no other room has: re-pick the room's objects on a clash, then number it."""
    base = prose.room_base(place, clauses, world.rng)
    for _ in range(_RETRIES):
        if base not in seen:
            break
        first, second = world.rng.sample(banks.OBJECTS, 2)
        place = dataclasses.replace(place, objects=(first, second))
        base = prose.room_base(place, clauses, world.rng)
    else:
        base = f"{base} {prose.sentence(f'the number {room + 1} is chalked on the door frame')}"
    seen.add(base)
    return base, place


def _ending_ops(world: _World, lex: Lexicon, win_title: str, lose_titles: list[str]) -> list[Op]:
    """``add_state`` + ``set_state_ending`` for the win ending and each lose ending."""
    voice, rng, plan = world.voice, world.rng, world.plan
    still = {"static": f"the {voice.subject} stands still, coat stirring in the wind",
             "dynamic": f"the {voice.subject} lets {voice.carry} sink slowly"}
    win_id = world.ids[plan.win]
    ops: list[Op] = [
        {"op": "add_state", "id": win_id, "base": prose.win_base(voice, lex.setting(), rng),
         "camera": prose.ending_camera(), "movement": still,
         "ambient": list(rng.sample(banks.AMBIENT_OUTDOOR, 1)),
         "narration": f"{win_title}. The {voice.subject} steps out of the {lex.setting()}."},
        {"op": "set_state_ending", "state": win_id, "kind": "win", "title": win_title,
         "subtitle": f"The {voice.subject} made it out."},
    ]
    scenes = rng.sample(banks.LOSE_SCENES, len(plan.loses))
    for room, title, (scene, outdoor) in zip(plan.loses, lose_titles, scenes, strict=True):
        base = prose.lose_base(voice, scene, rng.choice(banks.MATERIALS))
        ambience = banks.AMBIENT_OUTDOOR if outdoor else banks.AMBIENT
        ops += [
            {"op": "add_state", "id": world.ids[room], "base": base, "camera": prose.ending_camera(),
             "movement": {"static": "the scene holds still, dust settling", "dynamic": "a slow drift of dust"},
             "ambient": list(rng.sample(ambience, 1)), "narration": prose.sentence(title)},
            {"op": "set_state_ending", "state": world.ids[room], "kind": "lose", "title": title,
             "subtitle": f"The {voice.subject}'s road ends here."},
        ]
    return ops


def _link_op(world: _World, link: Link) -> Op:
    """An ``add_transition`` for a planned link."""
    voice, source, rng = world.voice, link.source, world.rng
    op: Op = {"op": "add_transition", "from": [world.ids[source]], "to": world.ids[link.target]}
    piece = world.set_piece(source)
    if link.kind in _PASSAGES:
        opening, verb, command = world.opening(link)
        if link.kind in _RETURNS:
            verb, command = "turns back through", "go back through"
        op["name"] = world.name(f"{command} the {opening} to {world.ids[link.target]}", source)
        op["base"] = prose.passage_event(voice, verb, opening, world.target(link.target))
        op["detail"] = prose.detail(voice, world.places[source], rng)
    elif link.kind == "gate":
        key, (gate, lock) = piece.key[0], piece.gate
        op["name"] = world.name(f"unlock the {gate} to {world.ids[link.target]}", source)
        op["base"], op["detail"] = prose.gate_event(voice, key, gate, lock, world.target(link.target))
        op["requires"] = [world.chapters[c].flag for c in link.requires]
        op["lockedHint"] = f"Held shut by {lock}. The {key} opens it."
        op["narration"] = f"The {gate} opens."
    elif link.kind == "fall":
        op["name"] = world.name(f"step onto the {piece.hazard[0]} in {world.ids[source]}", source)
        op["base"], op["detail"] = prose.fall_event(voice, *piece.hazard)
        op["narration"] = f"The {piece.hazard[0]} gives way."
    else:
        op["name"] = world.name(f"the {piece.hazard[0]} in {world.ids[source]} gives way", source)
        op["base"], op["detail"] = prose.collapse_event(voice, *piece.hazard)
        op["hidden"] = True
        op["autoAfterMs"] = rng.randrange(15_000, 40_001, 1_000)
        return op
    op["hotkey"] = world.hotkey(source, link.kind)
    return op


def _action_op(world: _World, action: Action) -> Op:
    """An ``add_override`` for a planned action: a key pickup (one-shot, grants a flag) or a pause."""
    room, voice = action.room, world.voice
    op: Op = {"op": "add_override", "from": [world.ids[room]], "hotkey": world.hotkey(room, action.kind)}
    if action.kind == "key":
        chapter = world.chapters[action.chapter]
        op["name"] = world.name(f"take the {chapter.key[0]} in {world.ids[room]}", room)
        op["base"], op["detail"] = prose.key_event(voice, *chapter.key)
        op["oneShot"] = True
        op["grants"] = [chapter.flag]
        op["narration"] = f"The {chapter.key[0]} is yours."
    else:
        op["name"] = world.name(f"look around {world.ids[room]}", room)
        op["base"], op["detail"] = prose.pause_event(voice, world.places[room], world.rng)
    return op


def _world_ops(world: _World, lex: Lexicon) -> list[Op]:
    """Entrance, story (logline, one arc entry and beat per chapter) and subject."""
    plan, voice = world.plan, world.voice
    firsts = [next(i for i, room in enumerate(plan.rooms) if room.chapter == c) for c in range(plan.chapters)]
    arc = [f"{_ROMAN[c]}. The {_title(world.places[room].noun)}" for c, room in enumerate(firsts)]
    count = _COUNTS[plan.chapters - 1]
    keys = "the key to one sealed door" if plan.chapters == 1 else f"the keys to {count} sealed doors"
    logline = prose.sentence(f"{prose.article(voice.subject)} carrying {voice.carry} crosses the "
                             f"{lex.setting()}, hunting {keys} before the floors give way")
    ops: list[Op] = [{"op": "set_entrance", "state": world.ids[0]},
                     {"op": "set_story", "logline": logline, "arc": arc}]
    for c, room in enumerate(firsts):
        chapter = world.chapters[c]
        summary = (f"The {voice.subject} searches the {world.places[room].noun} for the {chapter.key[0]} "
                   f"that opens the {chapter.gate[0]}.")
        ops.append({"op": "add_story_beat", "summary": summary, "states": [world.ids[room]], "arc": arc[c]})
    ops.append({"op": "set_subject", "subject": f"{prose.article(voice.subject)} carrying {voice.carry}",
                "styleTail": world.rng.choice(_STYLE_TAILS)})
    return ops


def _title(text: str) -> str:
    """Title Case without ``str.title``'s habit of capitalising after apostrophes."""
    return " ".join(word[:1].upper() + word[1:] for word in text.split())


def _description(premise: str, size: int) -> str:
    """One line for listings: the premise as given (control characters dropped, long ones cut)."""
    clean = " ".join("".join(c for c in premise if unicodedata.category(c)[0] != "C").split())
    if len(clean) > 200:
        clean = clean[:199] + "…"
    return f"A {size}-state world generated from the premise “{clean}”."
