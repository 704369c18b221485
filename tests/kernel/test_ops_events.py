"""Event ops: add (and transition/override), update, delete, and every setter."""

from __future__ import annotations

from typing import Any

import pytest

from .test_ops_worlds import apply, make_world, ok, override, refused, transition


def _world(*events: dict[str, Any]) -> dict[str, Any]:
    return make_world("hall", "cellar", events=list(events),
                      cutscenes=[{"id": "fall", "video": "v", "from": "hall", "to": "cellar"}])


def _event(world: dict[str, Any], name: str) -> dict[str, Any]:
    found = [e for e in world["scene"]["events"] if e["name"] == name]
    assert len(found) == 1, found
    return found[0]


# --- add_event -----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [
    {"op": "add_event", "name": "descend", "kind": "transition", "from": "hall", "to": "cellar", "seedFrame": 3},
    {"op": "add_event", "eventName": "descend", "kind": "transition", "from": ["hall"], "to": "cellar",
     "seedFrame": 3},
    {"op": "add_event", "event": {"name": "descend", "kind": "transition", "from": ["hall"], "to": "cellar",
                                  "seedFrame": 3}},
    {"op": "add_event", "event": "descend", "from": "hall", "to": "cellar", "seedFrame": 3},
    {"op": "add_transition", "name": "descend", "from": "hall", "to": "cellar", "seedFrame": 3},
    {"op": "add_transition", "name": "descend", "kind": "override", "from": "hall", "to": "cellar", "seedFrame": 3},
])
def test_add_event_spellings(op: dict[str, Any]) -> None:
    outcome = apply(_world(), op)
    assert outcome.world["scene"]["events"] == [
        {"name": "descend", "kind": "transition", "from": ["hall"], "to": "cellar", "seedFrame": 3}]
    assert outcome.touched.events == {"descend"} and outcome.touched.states == set()


def test_a_null_to_is_no_to() -> None:
    world = ok(_world(), {"op": "add_event", "name": "peek", "kind": "override", "from": "hall", "to": None})
    assert world["scene"]["events"] == [override("peek", "hall")]


def test_default_names() -> None:
    world = ok(_world(override("override_1", "hall")),
               {"op": "add_transition", "from": "hall", "to": "cellar"},
               {"op": "add_transition", "from": "cellar", "to": "cellar"},
               {"op": "add_transition", "from": "hall", "to": "fall"},
               {"op": "add_override", "from": "hall", "to": "cellar"},
               {"op": "add_event", "kind": "terminal", "from": "hall", "terminal": {"persona": "clerk"}})
    assert [(e["name"], e["kind"], e.get("to")) for e in world["scene"]["events"]] == [
        ("override_1", "override", None), ("go_to_cellar", "transition", "cellar"),
        ("go_to_cellar_2", "transition", "cellar"), ("go_to_fall", "transition", "fall"),
        ("override_2", "override", None), ("terminal_1", "terminal", None)]


def test_add_event_refusals() -> None:
    world = _world(override("look", "hall"))
    assert refused(world, {"op": "add_event", "name": "look", "kind": "override", "from": "hall"}, 400) == (
        'An event called "look" already exists; pick another name or use update_event')
    assert refused(world, {"op": "add_event", "kind": "override", "from": ["hall", "attic"]}, 404).startswith(
        'No state called "attic"')
    assert refused(world, {"op": "add_transition", "from": "hall", "to": "attic"}, 404).startswith(
        'No state or cutscene called "attic"')
    assert refused(world, {"op": "add_event", "kind": "transition", "from": "hall"}, 400).startswith(
        'A transition needs a "to"')
    assert refused(world, {"op": "add_event", "kind": "override", "from": "hall", "to": "cellar"}, 400).startswith(
        'An override must not carry a "to"')
    assert refused(world, {"op": "add_event", "from": "hall"}, 400) == (
        'The event needs a "kind": one of transition, override, terminal')
    assert refused(world, {"op": "add_event", "kind": "portal", "from": "hall"}, 400).startswith('The event needs')
    assert refused(world, {"op": "add_event", "kind": "override", "from": []}, 400) == (
        'The event\'s "from" must name at least one state')
    assert refused(world, {"op": "add_event", "kind": "override"}, 400).startswith('The event\'s "from" is missing')
    assert refused(world, {"op": "add_event", "kind": "override", "from": "hall", "hotkey": 5}, 400).endswith(
        'field "hotkey": expected string or null, got integer')
    assert refused(world, {"op": "add_event", "name": "a\nb", "kind": "override", "from": "hall"}, 400) == (
        'The event name "a\\u000ab" contains U+000A LINE FEED, but it holds one line of text; remove it.')


# --- update_event --------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [
    {"op": "update_event", "name": "down", "patch": {"hotkey": "d", "base": None, "drive": {"lookVertical": "down"}}},
    {"op": "update_event", "eventName": "down", "hotkey": "d", "base": None, "drive": {"lookVertical": "down"}},
    {"op": "update_event", "event": "down", "patch": {"hotkey": "d", "base": None, "drive": {"lookVertical": "down"}}},
])
def test_update_event_is_a_merge_patch(op: dict[str, Any]) -> None:
    world = _world(transition("down", "hall", "cellar", base="stairs", drive={"movement": "forward"}, x_tag=1))
    assert ok(world, op)["scene"]["events"] == [
        transition("down", "hall", "cellar", drive={"movement": "forward", "lookVertical": "down"}, x_tag=1,
                   hotkey="d")]


def test_update_event_renames_through_patch_name() -> None:
    outcome = apply(_world(transition("down", "hall", "cellar")),
                    {"op": "update_event", "name": "down", "patch": {"name": "Descend", "from": ["cellar", "hall"]}},
                    {"op": "set_event_hotkey", "event": "Descend", "hotkey": "x"})
    assert outcome.world["scene"]["events"] == [transition("Descend", "cellar", "cellar", hotkey="x")
                                                | {"from": ["cellar", "hall"]}]
    assert outcome.touched.events == {"down", "Descend"}
    assert refused(outcome.world, {"op": "set_event_hotkey", "event": "down", "hotkey": "x"}, 404)


def test_update_event_refusals() -> None:
    world = _world(transition("down", "hall", "cellar"), override("look", "hall"))
    assert refused(world, {"op": "update_event", "name": "down", "patch": {"name": "look"}}, 400).startswith(
        'An event called "look" already exists')
    assert refused(world, {"op": "update_event", "name": "down", "patch": {"from": "hall"}}, 400) == (
        'Event "down": "from" must be an array of state ids here (a patch replaces it whole)')
    assert refused(world, {"op": "update_event", "name": "down", "patch": {"from": ["attic"]}}, 404)
    assert refused(world, {"op": "update_event", "name": "down", "patch": {"to": "attic"}}, 404)
    assert refused(world, {"op": "update_event", "name": "down", "patch": {"kind": None}}, 400) == (
        'Event "down": "kind" can never be null; give it a new value instead')
    assert refused(world, {"op": "update_event", "name": "down", "patch": {"kind": "warp"}}, 400).startswith(
        'Event "down" field "kind": unknown value')
    assert refused(world, {"op": "update_event", "name": "down", "patch": {"requires": "key"}}, 400) == (
        'Event "down" field "requires": expected array, got string')
    assert refused(world, {"op": "update_event", "name": "dwn", "patch": {"hotkey": "x"}}, 404) == (
        'No event called "dwn"; did you mean "down"?')


# --- delete_event --------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [{"op": "delete_event", "name": "look"}, {"op": "remove_event", "event": "look"},
                                {"op": "remove_event", "eventName": "look"}])
def test_delete_event(op: dict[str, Any]) -> None:
    outcome = apply(_world(transition("down", "hall", "cellar"), override("look", "hall")), op)
    assert [e["name"] for e in outcome.world["scene"]["events"]] == ["down"]
    assert outcome.touched.events == {"look"}


def test_delete_event_missing_is_404() -> None:
    assert refused(_world(), {"op": "delete_event", "name": "look"}, 404).startswith('No event called "look"')


# --- setters -------------------------------------------------------------------------------------


def test_set_event_field() -> None:
    world = ok(_world(override("look", "hall", base="a glance")),
               {"op": "set_event_field", "event": "look", "field": "detail", "value": "dust motes"},
               {"op": "set_event_field", "name": "look", "field": "base", "value": None})
    assert _event(world, "look") == override("look", "hall", detail="dust motes")
    assert refused(world, {"op": "set_event_field", "event": "look", "field": "camera", "value": "x"}, 400) == (
        """Argument "field": unknown value 'camera'; expected one of base, detail""")
    assert refused(world, {"op": "set_event_field", "event": "look", "field": "base", "value": 3}, 400).endswith(
        'field "base": expected string or object, got integer')


def test_set_event_kind() -> None:
    world = _world(transition("down", "hall", "cellar"))
    as_override = ok(world, {"op": "set_event_kind", "event": "down", "kind": "override"})
    assert _event(as_override, "down") == override("down", "hall")
    back = ok(as_override, {"op": "set_event_kind", "event": "down", "kind": "transition", "to": "fall"})
    assert _event(back, "down") == transition("down", "hall", "fall")
    assert refused(as_override, {"op": "set_event_kind", "event": "down", "kind": "transition"}, 400).startswith(
        'Event "down" has no "to"')
    assert refused(world, {"op": "set_event_kind", "event": "down", "kind": "terminal", "to": "hall"}, 400) == (
        'A terminal must not carry a "to"; leave "to" out or make it a transition')
    assert refused(world, {"op": "set_event_kind", "event": "down", "kind": "transition", "to": "attic"}, 404)


def test_set_event_drive() -> None:
    world = _world(override("look", "hall", drive={"movement": "forward", "x_d": 1}, drivePulseMs=200))
    turned = ok(world, {"op": "set_event_drive", "event": "look", "lookHorizontal": "left", "pulseMs": 50})
    assert _event(turned, "look") == override("look", "hall", drive={"x_d": 1, "lookHorizontal": "left"},
                                              drivePulseMs=50)
    assert _event(ok(turned, {"op": "set_event_drive", "event": "look"}), "look") == override("look", "hall")
    assert refused(world, {"op": "set_event_drive", "event": "look", "pulseMs": 10}, 400).startswith("A pulseMs pulses")
    assert refused(world, {"op": "set_event_drive", "event": "look", "movement": "up"}, 400) == (
        """Argument "movement": unknown value 'up'; expected one of forward, back, strafe_left, strafe_right""")
    assert refused(world, {"op": "set_event_drive", "event": "look", "movement": "back", "pulseMs": -1}, 400) == (
        'Argument "pulseMs": expected int >= 0')


def test_set_event_hotkey() -> None:
    world = ok(_world(override("look", "hall")), {"op": "set_event_hotkey", "event": "look", "hotkey": "l"})
    assert _event(world, "look")["hotkey"] == "l"
    for clear in ({}, {"hotkey": None}):
        assert "hotkey" not in _event(ok(world, {"op": "set_event_hotkey", "event": "look", **clear}), "look")


def test_set_event_phases() -> None:
    world = _world(override("look", "hall"))
    phases = [{"base": "eyes adjust", "minMs": 200, "x_p": 1}, {"base": "a shape"}]
    phased = ok(world, {"op": "set_event_phases", "event": "look", "phases": phases})
    assert _event(phased, "look")["phases"] == phases
    assert "phases" not in _event(ok(phased, {"op": "set_event_phases", "event": "look"}), "look")
    assert refused(world, {"op": "set_event_phases", "event": "look", "phases": []}, 400).startswith(
        "The phases must hold at least one phase")
    assert refused(world, {"op": "set_event_phases", "event": "look", "phases": [{"base": ""}]}, 400) == (
        'The phases field "[0].base": expected a non-empty string')
    assert refused(world, {"op": "set_event_phases", "event": "look", "phases": [{}]}, 400)


def test_set_event_anchor() -> None:
    world = _world(override("look", "hall", anchor={"label": "door", "minProximity": 0.2, "x_a": 1}))
    moved = ok(world, {"op": "set_event_anchor", "event": "look", "label": "lamp", "aliases": ["light"]})
    assert _event(moved, "look")["anchor"] == {"label": "lamp", "x_a": 1, "aliases": ["light"]}
    assert "anchor" not in _event(ok(moved, {"op": "set_event_anchor", "event": "look", "label": None}), "look")
    assert refused(world, {"op": "set_event_anchor", "event": "look"}, 400).startswith(
        'Missing required argument "label"')
    assert refused(world, {"op": "set_event_anchor", "event": "look", "label": "x",
                           "expectedAspect": {"min": "a"}}, 400).startswith('Event "look" field "anchor.expectedAspect')


@pytest.mark.parametrize(("op", "key"), [("set_event_grants", "grants"), ("set_event_requires", "requires")])
def test_set_event_flags(op: str, key: str) -> None:
    world = _world(override("look", "hall"))
    assert _event(ok(world, {"op": op, "event": "look", key: ["lamp", "key"]}), "look")[key] == ["lamp", "key"]
    assert _event(ok(world, {"op": op, "event": "look", key: "lamp"}), "look")[key] == ["lamp"]
    flagged = ok(world, {"op": op, "event": "look", key: ["lamp"]})
    for clear in ({}, {key: None}, {key: []}):
        assert key not in _event(ok(flagged, {"op": op, "event": "look", **clear}), "look")
    message = refused(world, {"op": op, "event": "look", key: [1]}, 400)
    assert message == f'Argument "{key}[0]": expected string, got integer'


def test_set_event_locked_hint() -> None:
    world = ok(_world(override("look", "hall")),
               {"op": "set_event_locked_hint", "event": "look", "hint": "Need a lamp"})
    assert _event(world, "look")["lockedHint"] == "Need a lamp"
    assert "lockedHint" not in _event(ok(world, {"op": "set_event_locked_hint", "event": "look"}), "look")


@pytest.mark.parametrize("op", ["set_event_hotkey", "set_event_grants", "set_event_phases", "set_event_locked_hint",
                                "set_event_anchor", "set_event_drive", "set_event_requires"])
def test_setters_404_on_a_missing_event(op: str) -> None:
    extra = {"label": "x"} if op == "set_event_anchor" else {}
    assert refused(_world(), {"op": op, "event": "ghost", **extra}, 404).startswith('No event called "ghost"')
