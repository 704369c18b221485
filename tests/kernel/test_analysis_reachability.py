"""Structural reachability and the state graph on small hand-built worlds."""

from __future__ import annotations

import copy
import doctest
import importlib

import pytest

from smworld.kernel.analysis import reachability, reachable_states, state_graph

from .test_play import build_world, ev


def test_shortest_paths_prefer_fewer_events_then_world_order() -> None:
    world = build_world(
        [ev("long", "b"), ev("b to d", "d", frm=["b"]), ev("short", "d"), ev("also short", "d"),
         ev("d to e", "e", frm=["d"])],
        states=("a", "b", "c", "d", "e"),
    )
    assert reachability(world) == {"a": [], "b": ["long"], "d": ["short"], "e": ["short", "d to e"]}
    assert reachable_states(world) == {"a", "b", "d", "e"}


def test_flags_one_shots_hidden_and_endings_are_ignored() -> None:
    world = build_world(
        [ev("locked", "b", requires=["key"]), ev("secret", "c", frm=["b"], hidden=True, oneShot=True),
         ev("exit", "d", frm=["c"])],
        states=("a", "b", "c", "d"),
        endings={"c": "win"},
    )
    assert reachability(world) == {"a": [], "b": ["locked"], "c": ["locked", "secret"],
                                   "d": ["locked", "secret", "exit"]}


def test_a_transition_through_a_cutscene_reaches_the_cutscene_target() -> None:
    world = build_world([ev("ride", "lift")],
                        cutscenes=[{"id": "lift", "video": "lift.mp4", "from": "a", "to": "c"}])
    assert reachability(world) == {"a": [], "c": ["ride"]}


def test_overrides_do_not_move_and_unreachable_states_are_absent() -> None:
    world = build_world([ev("look"), ev("from c", "a", frm=["c"])])
    assert reachability(world) == {"a": []}
    assert reachable_states(world) == {"a"}


def test_no_usable_entrance_reaches_nothing() -> None:
    world = build_world([ev("go", "b")], entrance="missing")
    assert reachability(world) == {}
    assert reachable_states(world) == set()


def test_malformed_parts_are_ignored() -> None:
    world = build_world([
        "junk",
        {"name": "no kind", "from": ["a"], "to": "b"},
        {"name": "from is a string", "kind": "transition", "from": "a", "to": "b"},
        ev("dangling", "nowhere"),
        ev("bad cutscene", "broken"),
        ev("unknown source", "b", frm=["ghost", 7]),
        ev("ok", "c"),
    ], cutscenes=[{"id": "broken", "to": "ghost"}, "junk"])
    world["scene"]["states"]["bad"] = "not a state"
    assert reachability(world) == {"a": [], "c": ["ok"]}
    assert set(state_graph(world)) == {"a", "b", "c"}


def test_the_state_graph_names_each_edge_by_its_events_in_world_order() -> None:
    world = build_world([ev("one", "b", frm=["a", "a"]), ev("two", "b"), ev("loop", "a")])
    before = copy.deepcopy(world)
    graph = state_graph(world)
    assert graph.edges["a", "b"]["events"] == ["one", "two"]
    assert graph.edges["a", "a"]["events"] == ["loop"]
    assert world == before


@pytest.mark.parametrize("module", ["graph", "reachability", "winnability"])
def test_the_module_examples_run(module: str) -> None:
    found = importlib.import_module(f"smworld.kernel.analysis.{module}")
    assert doctest.testmod(found).failed == 0
