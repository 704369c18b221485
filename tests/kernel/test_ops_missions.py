"""add_mission: how a mission compiles into states and events, and when it is refused."""

from __future__ import annotations

from typing import Any

from .test_ops_worlds import apply, make_world, ok, refused


def _world() -> dict[str, Any]:
    return make_world("hall", "cellar")


def _mission(*objectives: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"op": "add_mission", "id": "escape", "title": "Escape", "objectives": list(objectives), **extra}


FIND_KEY = {"id": "find_key", "text": "Find the key", "location": "cellar", "action": "hands sweep a dusty shelf",
            "outcome": "a brass key glints in an open palm",
            "grounded": {"target": "shelf", "targetAliases": ["rack"], "confirm": "key", "confirmAliases": ["brass"]}}
OPEN_GATE = {"id": "open_gate", "text": "Open the gate", "location": "gate", "base": "an iron gate in a stone wall",
             "camera": "low angle", "outcome": "the gate swings open onto a moonlit field",
             "fail": {"name": "Force the gate", "action": "shoulders slam the bars", "outcome": "guards run in",
                      "title": "CAUGHT", "subtitle": "too loud"}}


def test_a_two_objective_mission_compiles_into_the_graph() -> None:
    outcome = apply(_world(), _mission(FIND_KEY, OPEN_GATE, win={"title": "FREE", "subtitle": "at last"},
                                       verified=["shelf"], music="theme"))
    world = outcome.world
    states = world["scene"]["states"]
    assert states["cellar__find_key"] == {"base": "a brass key glints in an open palm"}
    assert states["gate"] == {"base": "an iron gate in a stone wall"}
    assert states["gate__open_gate"] == {"base": "the gate swings open onto a moonlit field",
                                         "ending": {"kind": "win", "title": "FREE", "subtitle": "at last"}}
    assert states["gate__fail_open_gate"] == {"base": "guards run in",
                                              "ending": {"kind": "lose", "title": "CAUGHT", "subtitle": "too loud"}}
    assert world["scene"]["events"] == [
        {"name": "Find the key", "kind": "transition", "from": ["cellar"], "to": "cellar__find_key", "oneShot": True,
         "grants": ["find_key"], "base": "hands sweep a dusty shelf",
         "anchor": {"label": "shelf", "aliases": ["rack"], "minProximity": 0.1},
         "landWhen": {"label": "key", "aliases": ["brass"]}},
        {"name": "go_to_gate", "kind": "transition", "from": ["cellar__find_key"], "to": "gate"},
        {"name": "Open the gate", "kind": "transition", "from": ["gate"], "to": "gate__open_gate", "oneShot": True,
         "grants": ["open_gate"], "requires": ["find_key"], "lockedHint": "Need: Find the key",
         "camera": "low angle"},
        {"name": "Force the gate", "kind": "transition", "from": ["gate"], "to": "gate__fail_open_gate",
         "base": "shoulders slam the bars", "requires": ["find_key"]},
    ]
    mission = {key: value for key, value in _mission(FIND_KEY, OPEN_GATE).items() if key != "op"}
    assert world["missions"] == [mission | {"win": {"title": "FREE", "subtitle": "at last"}, "verified": ["shelf"],
                                            "music": "theme"}]
    assert outcome.touched.states == {"cellar__find_key", "gate", "gate__open_gate", "gate__fail_open_gate"}
    assert outcome.touched.world == {"missions"}


def test_defaults_start_at_the_entrance_and_chain_in_place() -> None:
    world = ok(_world(), _mission(
        {"id": "look", "text": "Look around", "grants": "seen", "requires": ["lamp"], "lockedHint": "Too dark",
         "grounded": {"target": "lamp", "proximity": 0.3}},
        {"id": "leave", "text": "Leave", "requires": ["seen", "boots"], "outcome": "a road at dawn"},
        mission={"x_extra": 1}))
    events = world["scene"]["events"]
    assert [(e["name"], e["from"], e["to"], e.get("requires"), e.get("lockedHint")) for e in events] == [
        ("Look around", ["hall"], "hall", ["lamp"], "Too dark"),
        ("Leave", ["hall"], "hall__leave", ["seen", "boots"], "Need: Look around")]
    assert events[0]["grants"] == ["seen"] and events[0]["anchor"] == {"label": "lamp", "minProximity": 0.3}
    assert world["scene"]["states"]["hall__leave"]["ending"] == {"kind": "win", "title": "MISSION COMPLETE"}


def test_the_mission_can_be_nested() -> None:
    nested = {"op": "add_mission", "mission": {key: value for key, value in _mission(FIND_KEY).items() if key != "op"}}
    assert ok(_world(), nested) == ok(_world(), _mission(FIND_KEY))


def test_add_mission_refusals() -> None:
    world = ok(_world(), _mission(FIND_KEY))
    assert refused(world, {"op": "add_mission", "title": "T", "objectives": [FIND_KEY]}, 400) == (
        'A mission needs an "id"; give it a snake_case identifier such as "escape"')
    assert refused(world, {"op": "add_mission", "id": "m2", "objectives": [FIND_KEY]}, 400) == (
        'Mission "m2" needs a "title"; give it the name the player reads')
    assert refused(world, _mission(FIND_KEY), 400) == 'A mission called "escape" already exists; pick another id'
    assert refused(make_world(), _mission(FIND_KEY), 400).startswith("A mission needs a world with states")
    fresh = _world()
    assert refused(fresh, _mission(), 400) == (
        'Mission "escape" needs at least one objective; list them in "objectives"')
    assert refused(fresh, _mission({"id": "a", "text": "A"}), 400).startswith(
        'The last objective ("a") needs an "outcome"')
    assert refused(fresh, _mission({"id": "a", "text": "A", "outcome": "x"}, {"id": "a", "text": "B",
                                                                              "outcome": "y"}), 400).startswith(
        'Mission "escape" has two objectives with one id')
    assert refused(fresh, _mission({"id": "a", "text": "A", "location": "attic", "outcome": "x"}), 404).startswith(
        'No state called "attic"')
    assert refused(fresh, _mission({"id": "a", "outcome": "x"}), 400) == (
        'Mission "escape" field "objectives[0]": missing required field "text"')
    assert refused(fresh, _mission({"id": "a", "text": "A", "outcome": "x"}, {"id": "b", "text": "A",
                                                                              "outcome": "y"}), 400).startswith(
        'Mission "escape" would create two events called "A"')
    assert refused(fresh, _mission({"id": "A-1", "text": "A", "outcome": "x"}), 400).startswith(
        "Mission \"escape\": objective \"A-1\"'s outcome state would be \"hall__A-1\", which is not a snake_case id")
    assert refused(fresh, _mission({"id": "a", "text": "A", "outcome": "x"}, win="yes"), 400).startswith(
        'Mission "escape": "win" must be an object')


def test_compiled_names_must_be_free() -> None:
    world = ok(_world(), {"op": "add_state", "id": "cellar__find_key", "base": "taken"})
    assert refused(world, _mission(FIND_KEY), 400).startswith(
        'Mission "escape": objective "find_key"\'s outcome state would be "cellar__find_key", which already exists')
    world = ok(_world(), {"op": "add_override", "name": "Find the key", "from": "hall"})
    assert refused(world, _mission(FIND_KEY), 400).startswith('An event called "Find the key" already exists')


def test_a_world_without_an_entrance_needs_a_first_location() -> None:
    world = _world()
    del world["entrance"]
    assert refused(world, _mission({"id": "a", "text": "A", "outcome": "x"}), 400).startswith(
        'Objective "a" needs a "location"')
    assert "hall__a" in ok(world, _mission({"id": "a", "text": "A", "location": "hall", "outcome": "x"}))["scene"][
        "states"]
