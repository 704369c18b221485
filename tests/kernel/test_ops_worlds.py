"""Shared builders for the ops tests: small worlds, a checked `apply`, and hypothesis strategies.

`apply` is how every ops test runs a batch: it also checks that the input world and the batch are
left untouched and that `touched` names every state, event and top-level key whose JSON changed.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.codec import schema_problems
from smworld.kernel.ops import OPS, ApplyError, OpsOutcome, run_ops
from smworld.kernel.touched import Touched

World = dict[str, Any]


def make_world(*states: str, events: list[dict[str, Any]] | None = None, **top: Any) -> World:
    """States with plain bases, the first one the entrance, and the given events / top-level keys."""
    world: World = {
        "name": "Test world",
        "scene": {"states": {s: {"base": f"a plain {s} room"} for s in states}, "events": list(events or [])},
    }
    if states:
        world["entrance"] = {"state": states[0]}
    world.update(top)
    return world


def transition(name: str, source: str, to: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "transition", "from": [source], "to": to, **extra}


def override(name: str, *sources: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "override", "from": list(sources), **extra}


def events_by_name(world: World) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for event in world.get("scene", {}).get("events", []):
        if isinstance(event, dict) and isinstance(event.get("name"), str):
            found.setdefault(event["name"], event)
    return found


def untouched_changes(before: World, after: World, touched: Touched) -> list[str]:
    """Every state, event or top-level key whose JSON differs but that `touched` does not name."""
    if touched.everything:
        return []
    missing: list[str] = []
    old_states, new_states = before.get("scene", {}).get("states", {}), after["scene"]["states"]
    for state_id in set(old_states) | set(new_states):
        if old_states.get(state_id) != new_states.get(state_id) and state_id not in touched.states:
            missing.append(f"state {state_id}")
    old_events, new_events = events_by_name(before), events_by_name(after)
    for name in set(old_events) | set(new_events):
        if old_events.get(name) != new_events.get(name) and name not in touched.events:
            missing.append(f"event {name}")
    for key in (set(before) | set(after)) - {"scene"}:
        if before.get(key) != after.get(key) and key not in touched.world:
            missing.append(f"world key {key}")
    return missing


def apply(world: World, *ops: dict[str, Any]) -> OpsOutcome:
    """`run_ops` with the invariants every batch must keep checked on the way."""
    world_before, ops_before = copy.deepcopy(world), copy.deepcopy(list(ops))
    outcome = run_ops(world, list(ops))
    assert world == world_before, "run_ops mutated its input world"
    assert list(ops) == ops_before, "run_ops mutated its batch"
    assert untouched_changes(world, outcome.world, outcome.touched) == []
    return outcome


def ok(world: World, *ops: dict[str, Any]) -> World:
    """The world after a batch that must apply cleanly."""
    outcome = apply(world, *ops)
    assert outcome.apply_errors == [], outcome.apply_errors
    return outcome.world


def refused(world: World, op: dict[str, Any], status: int) -> str:
    """The message of a one-op batch that must be skipped with ``status`` and change nothing."""
    outcome = apply(world, op)
    assert [(e.index, e.op, e.status) for e in outcome.apply_errors] == [(0, op["op"], status)], outcome.apply_errors
    assert outcome.world == world
    assert outcome.diagnostics == []
    error: ApplyError = outcome.apply_errors[0]
    return error.message


def lints(outcome: OpsOutcome) -> list[tuple[str, str, str]]:
    return [(d.lint, d.severity, d.path) for d in outcome.diagnostics]


# --- hypothesis strategies -----------------------------------------------------------------------

STATE_IDS = ("hall", "cellar", "yard", "tower", "gate")
EVENT_NAMES = ("open door", "e1", "e2", "go_to_yard", "override_1")


def mostly(valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``valid`` about four times in five, so that batches apply enough ops to be interesting."""
    return st.sampled_from([True, True, True, True, False]).flatmap(lambda keep: valid if keep else invalid)


words = st.sampled_from(["stone", "arch", "lamp", "moss", "rain", "a quiet hall", "Brass gate, rusted"])
factored = st.builds(lambda fill: {"template": "a {m} arch", "slots": {"m": {"type": "material", "fill": fill}}},
                     words)
prose = st.one_of(words, factored)
junk = st.one_of(st.none(), st.integers(-2, 3), st.booleans(), st.just([]), st.just({}), st.just(["x"]))
flags = st.one_of(st.lists(st.sampled_from(["key", "lamp"]), max_size=2), st.just("key"), st.none())
json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-3, 3), words),
                          lambda inner: st.one_of(st.lists(inner, max_size=2),
                                                  st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2)),
                          max_leaves=4)


def _state(draw: st.DrawFn, state_id: str) -> dict[str, Any]:
    state: dict[str, Any] = {"base": draw(prose), "x_note": f"note-{state_id}"}
    if draw(st.booleans()):
        state["camera"] = {"static": draw(prose), "dynamic": "slow pan", "x_cam": 1}
    if draw(st.booleans()):
        state["variants"] = [{"label": "B", "base": draw(words)}]
    return state


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A small schema-valid world with unknown keys at every level (``x_*``)."""
    ids = draw(st.lists(st.sampled_from(STATE_IDS), min_size=1, max_size=4, unique=True))
    events = []
    for name in draw(st.lists(st.sampled_from(EVENT_NAMES), max_size=4, unique=True)):
        kind = draw(st.sampled_from(["transition", "override"]))
        event: dict[str, Any] = {"name": name, "kind": kind,
                                 "from": draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True)),
                                 "x_tag": f"tag-{name}"}
        if kind == "transition":
            event["to"] = draw(st.sampled_from(ids))
        if draw(st.booleans()):
            event["base"] = draw(prose)
        events.append(event)
    world: World = {"name": "Generated", "x_world": {"keep": True},
                    "scene": {"states": {i: _state(draw, i) for i in ids}, "events": events},
                    "entrance": {"state": ids[0], "x_ent": 1}}
    if draw(st.booleans()):
        world["cutscenes"] = [{"id": "clip", "video": "v.mp4", "from": ids[0], "to": ids[-1]}]
    if draw(st.booleans()):
        world["sequences"] = [{"id": "tour", "title": "Tour", "beats": [{"state": i} for i in ids]}]
    if draw(st.booleans()):
        world["story"] = {"logline": "A test", "beats": [{"summary": "start", "states": [ids[0]]}]}
    assert schema_problems(world) == []
    return world


def _op(name: str, required: dict[str, Any], optional: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({"op": st.just(name), **required}, optional=optional or {})


@dataclass(frozen=True)
class Known:
    """A placeholder for "the world's own state/event number ``index``", resolved once the world is drawn.

    The op strategies are built once (hypothesis validates a strategy on first use, which is slow),
    yet their references should mostly hit what the drawn world holds.
    """

    kind: str
    index: int


def resolve(value: Any, world: World) -> Any:
    """``value`` with every :class:`Known` replaced by a name from ``world``."""
    if isinstance(value, Known):
        pool = (list(world["scene"]["states"]) if value.kind == "state"
                else [e["name"] for e in world["scene"]["events"]])
        return pool[value.index % len(pool)] if pool else "nope"
    if isinstance(value, dict):
        return {key: resolve(item, world) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, world) for item in value]
    return value


def _op_arguments() -> dict[str, st.SearchStrategy[Any]]:
    """For every op, its argument objects: mostly about the world's own states and events, some wrong."""
    own_state = st.builds(Known, st.just("state"), st.integers(0, 3))
    own_event = st.builds(Known, st.just("event"), st.integers(0, 3))
    state = mostly(st.one_of(own_state, st.sampled_from([*STATE_IDS, "nope"])), st.sampled_from(["", 7]))
    event = mostly(st.one_of(own_event, st.sampled_from([*EVENT_NAMES, "nope"])), st.just(3))
    new_event = mostly(st.sampled_from(["new one", "another"]), event)
    states = st.lists(state, min_size=1, max_size=2)
    state_patch = mostly(st.fixed_dictionaries({}, optional={
        "base": mostly(prose, junk), "ambient": st.none() | st.lists(prose, max_size=2),
        "camera": mostly(st.fixed_dictionaries({}, optional={"static": st.none() | prose}), junk),
        "narration": st.none() | words, "hudLine": json_value, "id": st.sampled_from(STATE_IDS),
        "ending": st.none() | st.fixed_dictionaries({"kind": st.sampled_from(["win", "lose"]), "title": words})}),
        json_value)
    event_patch = mostly(st.fixed_dictionaries({}, optional={
        "name": mostly(st.sampled_from([*EVENT_NAMES, "renamed"]), junk), "to": st.none() | state,
        "from": mostly(states, st.sampled_from(["hall", None])), "hotkey": st.none() | words,
        "kind": st.sampled_from(["transition", "override", "terminal", None]), "requires": flags,
        "base": st.none() | prose, "x_new": json_value}), json_value)
    objective = st.fixed_dictionaries(
        {"id": st.sampled_from(["find", "open", "flee"]), "text": st.sampled_from(["Find the key", "Open the gate"])},
        optional={"location": state, "outcome": words, "base": words, "grants": st.just("key"),
                  "grounded": st.fixed_dictionaries({"target": words}, optional={"confirm": words}),
                  "fail": st.fixed_dictionaries({"name": st.just("Give up"), "action": words, "outcome": words,
                                                 "title": words})})
    field = st.sampled_from(["base", "camera.static"])
    return {
        "add_state": _op("add_state", {"base": mostly(prose, junk)}, {"id": state, "hudLine": words}),
        "update_state": _op("update_state", {"id": state, "patch": state_patch}),
        "delete_state": _op("delete_state", {"id": state}),
        "remove_state": _op("remove_state", {"stateId": state}),
        "rename_state": _op("rename_state", {"from": state, "to": mostly(st.sampled_from(["great_hall"]), state)}),
        "set_field": _op("set_field", {"state": state, "field": mostly(field, st.just("bogus")),
                                       "value": mostly(prose, junk)}),
        "set_state_ending": _op("set_state_ending", {"state": state, "kind": st.sampled_from(["win", "lose", None])},
                                {"title": mostly(words, junk), "subtitle": words}),
        "set_slot_fill": st.one_of(
            _op("set_slot_fill", {"state": state, "field": field, "slot": mostly(st.just("m"), st.just("q")),
                                  "fill": mostly(words, junk)}),
            _op("set_slot_fill", {"event": event, "field": st.just("base"), "slot": st.just("m"), "fill": words}),
            _op("set_slot_fill", {"field": st.just("base"), "slot": st.just("m"), "fill": words})),
        "add_event": _op("add_event", {"kind": mostly(st.sampled_from(["transition", "override"]), junk),
                                       "from": mostly(state, states)},
                         {"to": state, "name": new_event, "hotkey": words}),
        "add_transition": _op("add_transition", {"from": state, "to": state}, {"name": new_event}),
        "add_override": _op("add_override", {"from": state}, {"to": state, "eventName": new_event}),
        "update_event": _op("update_event", {"name": event, "patch": event_patch}),
        "delete_event": _op("delete_event", {"name": event}),
        "remove_event": _op("remove_event", {"event": event}),
        "set_event_field": _op("set_event_field", {"event": event, "value": mostly(prose, junk),
                                                   "field": mostly(st.sampled_from(["base", "detail"]), st.just("x"))}),
        "set_event_kind": _op("set_event_kind", {"event": event,
                                                 "kind": st.sampled_from(["transition", "override", "terminal"])},
                              {"to": state}),
        "set_event_drive": _op("set_event_drive", {"event": event}, {"movement": mostly(st.just("forward"), junk),
                                                                     "pulseMs": st.integers(-1, 500)}),
        "set_event_hotkey": _op("set_event_hotkey", {"event": event}, {"hotkey": mostly(words, junk)}),
        "set_event_phases": _op("set_event_phases", {"event": event},
                                {"phases": mostly(st.lists(st.fixed_dictionaries({"base": words}), max_size=2), junk)}),
        "set_event_anchor": _op("set_event_anchor", {"event": event, "label": mostly(words, junk)},
                                {"minProximity": st.floats(0, 1)}),
        "set_event_grants": _op("set_event_grants", {"event": event}, {"grants": flags}),
        "set_event_requires": _op("set_event_requires", {"event": event}, {"requires": flags}),
        "set_event_locked_hint": _op("set_event_locked_hint", {"event": event}, {"hint": mostly(words, junk)}),
        "add_variant": _op("add_variant", {"state": state, "label": st.sampled_from(["B", "C"]),
                                           "base": mostly(words, junk)}),
        "remove_variant": st.one_of(
            _op("remove_variant", {"state": state, "label": mostly(st.just("B"), st.just("Z"))}),
            _op("remove_variant", {"state": state, "index": st.integers(-1, 2)}),
            _op("remove_variant", {"state": state})),
        "set_variant_field": _op("set_variant_field", {"state": state, "label": mostly(st.just("B"), st.just("Z")),
                                                       "field": field, "value": mostly(words, junk)}),
        "set_entrance": _op("set_entrance", {"state": state}, {"image": mostly(st.just({"src": "a.png"}), junk)}),
        "set_subject": _op("set_subject", {}, {"subject": mostly(words, junk), "styleTail": words}),
        "set_narrate": _op("set_narrate", {"narrate": mostly(st.booleans(), junk)}),
        "set_intro": _op("set_intro", {"video": mostly(words, junk)}, {"static": st.booleans()}),
        "set_outro": _op("set_outro", {"video": mostly(words, junk), "state": state}, {"flag": words}),
        "set_story": _op("set_story", {"logline": mostly(words, junk)},
                         {"arc": mostly(st.lists(words, max_size=2), junk)}),
        "add_story_beat": _op("add_story_beat", {"summary": mostly(words, junk)},
                              {"states": st.lists(state, max_size=2), "sequence": st.sampled_from(["tour", "x"])}),
        "add_cutscene": _op("add_cutscene", {"id": st.sampled_from(["clip", "clip2", "hall"]), "video": words,
                                             "from": state, "to": state}),
        "remove_cutscene": _op("remove_cutscene", {"id": mostly(st.just("clip"), st.just("nope"))}),
        "add_sequence": _op("add_sequence", {"id": st.sampled_from(["tour", "walk"]), "title": words,
                                             "beats": st.lists(state, max_size=3)}),
        "remove_sequence": _op("remove_sequence", {"id": mostly(st.just("tour"), st.just("nope"))}),
        "add_mission": _op("add_mission", {"id": st.sampled_from(["m1", "m2"]), "title": mostly(words, junk),
                                           "objectives": mostly(st.lists(objective, min_size=1, max_size=3),
                                                                st.just([]))}),
    }


DELETING = frozenset({"delete_state", "remove_state", "delete_event", "remove_event", "remove_variant",
                      "remove_cutscene", "remove_sequence"})


OP_ARGUMENTS = _op_arguments()


@st.composite
def world_and_batch(draw: st.DrawFn, names: frozenset[str] = frozenset(OPS)) -> tuple[World, list[Any]]:
    """A small world and a non-empty batch mixing valid and invalid ops drawn from ``names``."""
    world = draw(worlds())
    ops = draw(_batches(names))
    return world, resolve(ops, world)


def _batches(names: frozenset[str]) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.one_of(*(OP_ARGUMENTS[n] for n in sorted(names))), min_size=1, max_size=8)


@settings(max_examples=20, deadline=None)
@given(worlds())
def test_generated_worlds_fit_the_contract(world: World) -> None:
    """The strategies' worlds are valid SMWorld documents with unknown keys to lose, and every op is drawn."""
    assert schema_problems(world) == []
    assert all("x_note" in state for state in world["scene"]["states"].values())
    assert set(OP_ARGUMENTS) == set(OPS)
