"""Properties of the winnability proof on random small worlds, checked against the interpreter.

Witness paths replay through :func:`start`/:func:`fire` (hidden auto events are fired by name, which
means waiting for them — and ticking gives the same first firing); the claims are compared with a
brute-force search and a random walk that only use the interpreter's public functions.
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.analysis import prove
from smworld.kernel.play import Play, available, fire, start, tick
from smworld.kernel.world import iter_named_events

FLAGS = ("f0", "f1", "f2")
LONG_WAIT = 1_000_000
Key = tuple[str, frozenset[str], frozenset[str]]


def draw_event(draw: st.DrawFn, name: str, sources: list[str], targets: list[str],
               kinds: tuple[str, ...] = ("transition",) * 4 + ("override", "terminal")) -> dict[str, Any]:
    """A random event of one of ``kinds`` with flags, one-shot, hidden, auto; a transition targets
    one of ``targets``."""
    flags = st.lists(st.sampled_from(FLAGS), max_size=2, unique=True)
    kind = draw(st.sampled_from(kinds))
    event: dict[str, Any] = {
        "name": name, "kind": kind, "from": sources,
        "requires": draw(st.sampled_from([[], []]) | flags), "grants": draw(flags),
        "oneShot": draw(st.sampled_from([False, False, True])),
        "hidden": draw(st.sampled_from([False, False, False, True])),
    }
    if kind == "transition":
        event["to"] = draw(st.sampled_from(targets))
    auto = draw(st.sampled_from([None, None, None, 0, 100, 500]))
    if auto is not None:
        event["autoAfterMs"] = auto
    return event


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    """2–8 states (some endings, the last usually a win), a backbone of events from each state
    towards the next, and up to 8 more events of every kind: flags, one-shots, hidden, auto."""
    ids = [f"s{i}" for i in range(draw(st.integers(2, 8)))]
    scene_states: dict[str, Any] = {}
    for index, state_id in enumerate(ids):
        choices = ["win"] * 6 + ["lose"] if index == len(ids) - 1 else [None] * 8 + ["win", "lose"]
        kind = draw(st.sampled_from(choices)) if index else None
        scene_states[state_id] = {"base": f"room {state_id}"}
        if kind is not None:
            scene_states[state_id]["ending"] = {"kind": kind, "title": state_id}
    cutscenes = [{"id": f"cut{i}", "video": "clip.mp4", "from": ids[0], "to": draw(st.sampled_from(ids)),
                  "requires": draw(st.lists(st.sampled_from(FLAGS), max_size=1))}
                 for i in range(draw(st.integers(0, 2)))]
    targets = ids + [cutscene["id"] for cutscene in cutscenes]
    events = [draw_event(draw, f"b{index}", [ids[index]], [ids[index + 1]], ("transition",))
              for index in range(len(ids) - 1)]
    for index in range(draw(st.integers(0, 8))):
        sources = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        events.append(draw_event(draw, f"e{index}", sources, targets))
    order = draw(st.permutations(range(len(events))))
    return {"entrance": {"state": ids[0]},
            "scene": {"states": scene_states, "events": [events[i] for i in order]},
            "cutscenes": cutscenes}


def key(play: Play) -> Key:
    return play.state, play.flags, play.used


def fires(world: dict[str, Any], play: Play) -> list[Play]:
    """Every play one fire away: try every event name of the world."""
    return [after for _, name, _ in iter_named_events(world) if isinstance(after := fire(world, play, name), Play)]


def explore(world: dict[str, Any], play: Play) -> tuple[dict[Key, tuple[Play, int]], set[Key]]:
    """Brute force: every configuration reachable from ``play`` with its distance in events fired,
    and the configurations from which an ending can still be reached. Waiting (a long tick) must
    land in a configuration the fires reach too: it only ever fires what ``fire`` could."""
    seen = {key(play): (play, 0)}
    graph = nx.DiGraph([(key(play), key(play))])
    queue = deque([play])
    while queue:
        current = queue.popleft()
        distance = seen[key(current)][1]
        for after in fires(world, current):
            graph.add_edge(key(current), key(after))
            if key(after) not in seen:
                seen[key(after)] = (after, distance + 1)
                queue.append(after)
    for found, _ in seen.values():
        assert key(tick(world, found, LONG_WAIT)) in seen
    ended = {found for found, (after, _) in seen.items() if after.ended}
    alive = set(ended).union(*(nx.ancestors(graph, found) for found in ended))
    return seen, alive


def replay(world: dict[str, Any], path: list[str]) -> Play:
    """Fire each event of a witness path; a hidden one must also be what waiting fires first."""
    play = start(world)
    assert isinstance(play, Play)
    hidden = {name for _, name, event in iter_named_events(world) if event.get("hidden") is True}
    for name in path:
        after = fire(world, play, name)
        assert isinstance(after, Play), (name, after)
        if name in hidden:
            waited = tick(world, play, LONG_WAIT)
            assert waited.log[len(play.log)] == name
        play = after
    return play


SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(worlds())
def test_every_witness_replays_to_its_claimed_outcome(world: dict[str, Any]) -> None:
    proof = prove(world)
    assert proof.complete
    first = start(world)
    assert isinstance(first, Play)
    reached, alive = explore(world, first)
    wins = [distance for play, distance in reached.values()
            if play.ending is not None and play.ending["kind"] == "win"]
    assert proof.winnable is bool(wins)
    if proof.win is not None:
        won = replay(world, proof.win.path)
        assert won.state == proof.win.ending
        assert won.ending is not None and won.ending["kind"] == "win"
        assert len(proof.win.path) == min(wins)
    for lock in proof.softlocks:
        stuck = replay(world, lock.path)
        assert (stuck.state, sorted(stuck.flags), stuck.ended) == (lock.state, lock.flags, False)
        assert key(stuck) not in alive
        if lock.path:  # an entry: one step earlier an ending was still reachable
            assert key(replay(world, lock.path[:-1])) in alive
    stuck_anywhere = any(not play.ended and found not in alive for found, (play, _) in reached.items())
    assert bool(proof.softlocks) is stuck_anywhere
    ended_in = {play.state for play, _ in reached.values() if play.ended}
    endings = sorted(state_id for state_id, state in world["scene"]["states"].items() if "ending" in state)
    assert proof.unreachableEndings == [state_id for state_id in endings if state_id not in ended_in]


@SETTINGS
@given(worlds(), st.integers(0, 2**32 - 1))
def test_a_random_walk_never_wins_a_world_the_proof_calls_unwinnable(world: dict[str, Any], seed: int) -> None:
    proof = prove(world)
    rng = random.Random(seed)
    for _ in range(20):
        play = start(world)
        assert isinstance(play, Play)
        for _ in range(15):
            if play.ended:
                break
            options = [choice.name for choice in available(world, play) if not choice.locked]
            pick = rng.randrange(len(options) + 1)
            if pick == len(options):
                play = tick(world, play, rng.choice([50, 400, LONG_WAIT]))
            else:
                after = fire(world, play, options[pick])
                assert isinstance(after, Play)
                play = after
        if play.ending is not None and play.ending["kind"] == "win":
            assert proof.winnable is True
            return


@SETTINGS
@given(worlds(), st.integers(1, 6))
def test_a_bounded_proof_never_guesses(world: dict[str, Any], bound: int) -> None:
    full, bounded = prove(world), prove(world, bound=bound)
    if bounded.complete:
        assert bounded == full
    else:
        assert bounded.explored == bound
        assert bounded.winnable in (None, True)
        if bounded.winnable:
            assert full.winnable is True
        assert (bounded.softlocks, bounded.unreachableEndings) == ([], [])
