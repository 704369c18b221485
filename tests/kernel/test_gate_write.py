"""The write gate: incremental, yet it decides exactly as two full validations would."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.gate import lint, validate, write_gate
from smworld.kernel.ops import run_ops
from smworld.kernel.touched import Touched
from tests.kernel.gate_worlds import big_world, tiny_world

World = dict[str, Any]


def expected_new_errors(before: World, after: World) -> set[str]:
    return {d.key for d in validate(after).diagnostics} - {d.key for d in validate(before).diagnostics}


def summary(found: list[Diagnostic]) -> set[tuple[str, str, str, str]]:
    return {(d.lint, d.severity, d.path, d.message) for d in found}


def assert_same_decision(before: World, after: World, touched: Touched) -> None:
    verdict = write_gate(before, after, touched)
    expected = expected_new_errors(before, after)
    assert {d.key for d in verdict.new_errors} == expected
    assert verdict.ok == (not expected)
    assert summary(verdict.diagnostics) <= summary(lint(after).diagnostics)


# --- examples ------------------------------------------------------------------------------------


def test_a_new_error_rejects_the_write_and_an_old_one_does_not() -> None:
    before = tiny_world()
    after = copy.deepcopy(before)
    after["scene"]["states"]["hall"]["base"] = "a hall with no torches"
    verdict = write_gate(before, after, Touched(states={"hall"}))
    assert not verdict.ok
    assert [d.key for d in verdict.new_errors] == ["negation@states.hall.base"]
    again = copy.deepcopy(after)
    again["scene"]["states"]["hall"]["ambient"] = ["a peaceful breeze"]
    verdict = write_gate(after, again, Touched(states={"hall"}))
    assert verdict.ok and verdict.new_errors == []
    assert {d.key for d in verdict.diagnostics} == {"negation@states.hall.base", "intent@states.hall.ambient[0]"}


def test_deleting_a_state_flags_the_events_that_still_point_at_it() -> None:
    before = tiny_world()
    after = copy.deepcopy(before)
    del after["scene"]["states"]["cellar"]
    verdict = write_gate(before, after, Touched(states={"cellar"}))
    assert {d.key for d in verdict.new_errors} == {
        "dangling-ref@events.go down.to", "dangling-ref@events.open vault.from", "dangling-ref@events.wave torch.from"}


def test_an_ending_on_a_state_flags_the_transitions_that_leave_it() -> None:
    before = tiny_world()
    after = copy.deepcopy(before)
    after["scene"]["states"]["cellar"]["ending"] = {"kind": "lose", "title": "Stuck"}
    verdict = write_gate(before, after, Touched(states={"cellar"}))
    assert [d.key for d in verdict.new_errors] == ["ending-has-exit@events.open vault.from"]


def test_dropping_a_grant_flags_the_events_that_require_it() -> None:
    before = tiny_world()
    after = copy.deepcopy(before)
    del after["scene"]["events"][0]["grants"]
    verdict = write_gate(before, after, Touched(events={"go down"}))
    assert [d.key for d in verdict.new_errors] == ["unreachable-require@events.open vault.requires"]


def test_a_rename_that_carries_an_old_error_is_a_new_error() -> None:
    before = tiny_world()
    before["scene"]["events"][2]["base"] = "no torch"
    after = copy.deepcopy(before)
    after["scene"]["events"][2]["name"] = "swing torch"
    verdict = write_gate(before, after, Touched(events={"wave torch", "swing torch"}))
    assert [d.key for d in verdict.new_errors] == ["negation@events.swing torch.base"]


def test_everything_checks_the_whole_world() -> None:
    before = tiny_world()
    after = copy.deepcopy(before)
    after["scene"]["states"]["cellar"]["base"] = "no cellar"
    assert write_gate(before, after, Touched()).ok
    verdict = write_gate(before, after, Touched(everything=True))
    assert [d.key for d in verdict.new_errors] == ["negation@states.cellar.base"]


class Untouchable(dict[str, Any]):
    """A mapping that fails when anything iterates it: the gate must look items up by key."""

    def __iter__(self) -> Any:
        raise AssertionError("iterated")

    def keys(self) -> Any:
        raise AssertionError("iterated")

    def values(self) -> Any:
        raise AssertionError("iterated")

    def items(self) -> Any:
        raise AssertionError("iterated")


class Unreadable(list[Any]):
    def __iter__(self) -> Any:
        raise AssertionError("iterated")


def test_editing_one_states_prose_reads_no_other_state_and_no_event() -> None:
    world = big_world(states=60, events=150)
    scene = world["scene"]
    before = {**world, "scene": {"states": Untouchable(scene["states"]), "events": Unreadable(scene["events"])}}
    states = Untouchable(scene["states"])
    dict.__setitem__(states, "room_5", {**scene["states"]["room_5"], "base": "a hall with no boats"})
    after = {**world, "scene": {"states": states, "events": before["scene"]["events"]}}
    verdict = write_gate(before, after, Touched(states={"room_5"}))
    assert [d.key for d in verdict.new_errors] == ["negation@states.room_5.base"]


# --- properties: random edits --------------------------------------------------------------------

STATE_IDS = ("hall", "cellar", "vault", "attic", "Bad Id", "descent", "crypt\u202e")
EVENT_NAMES = ("go down", "open vault", "wave torch", "climb up", "jump")
FLAGS = ("lamp", "key", "Bad", "gold")
PROSE: tuple[Any, ...] = (
    "a quiet hall of stone", "a hall with no torches", "a blinding flash", "he kills the guard",
    "so that you feel small", "x" * 1900, {"template": "a {x} hall", "slots": {"x": {"fill": "no"}}},
    {"template": "a {x", "slots": {}}, 5, "a hall\x00 of stone",
    {"template": "a {x} hall", "slots": {"x": {"fill": "oak\u202e"}}},
)
FIELD_VALUES: dict[str, tuple[Any, ...]] = {
    "kind": ("transition", "override", "terminal", "jump"),
    "from": (["hall"], ["cellar"], ["hall", "cellar"], ["vault"], ["attic"], [], "hall"),
    "to": ("cellar", "vault", "hall", "attic", "descent", None, ""),
    "hotkey": ("e", "E", "t", "w", "ctrl", None, "o"),
    "requires": ([], ["lamp"], ["key"], ["Bad"], ["gold"]),
    "grants": ([], ["lamp"], ["key"], ["gold"], ["Bad"]),
    "base": PROSE,
    "detail": PROSE,
    "landWhen": ({"maxLuminance": 0.6}, {"minLuminance": 0.4}, {"maxLuminance": 0.3}, {"auto": True}, None),
    "anchor": ({"label": "door"}, {"label": "door", "minProximity": 0.2}),
    "phases": ([{"base": "a", "camera": "c"}, {"base": "b"}], [{"base": "a", "minMs": -1}]),
}
WORLD_VALUES: dict[str, tuple[Any, ...]] = {
    "entrance": ({"state": "hall"}, {"state": "attic"}, None),
    "cutscenes": ([{"id": "descent", "video": "v", "from": "hall", "to": "cellar", "requires": ["key"]}],
                  [{"id": "cellar", "video": "v", "from": "hall", "to": "attic"}], None),
    "missions": ([{"id": "heist", "title": "Heist", "verified": ["door"],
                   "objectives": [{"id": "gold", "text": "Find gold", "grounded": {"target": "chest"}}]}], None),
    "outro": ({"video": "o", "flag": "gold", "state": "vault"}, {"video": "o", "flag": "lamp", "state": "attic"},
              None),
    "sequences": ([{"id": "tour", "title": "Tour", "beats": [{"state": "attic"}]}], None),
}
STATE_FIELDS: dict[str, tuple[Any, ...]] = {
    "base": PROSE,
    "ending": ({"kind": "win", "title": "Won"}, {"kind": "lose", "title": "Lost"}, None),
    "ambient": (["no wind"], ["dust"], [5]),
    "camera": ({"static": "never cut", "dynamic": "pan"}, "wide"),
    "variants": ([{"label": "a", "base": "x"}, {"label": "a", "base": "y"}], []),
}

small = st.integers(0, 4)
event_edits = st.tuples(st.just("event"), st.sampled_from(EVENT_NAMES), st.sampled_from(sorted(FIELD_VALUES)), small)
edits = st.one_of(
    st.tuples(st.just("state"), st.sampled_from(STATE_IDS), st.sampled_from(sorted(STATE_FIELDS)), small),
    event_edits,
    st.tuples(st.just("add_state"), st.sampled_from(STATE_IDS), st.sampled_from(PROSE)),
    event_edits,
    st.tuples(st.just("remove_state"), st.sampled_from(STATE_IDS)),
    st.tuples(st.just("rename_state"), st.sampled_from(STATE_IDS), st.sampled_from(STATE_IDS)),
    event_edits,
    st.tuples(st.just("rename_event"), st.sampled_from(EVENT_NAMES), st.sampled_from(EVENT_NAMES)),
    st.tuples(st.just("add_event"), st.sampled_from(EVENT_NAMES), small, small, small),
    st.tuples(st.just("remove_event"), st.sampled_from(EVENT_NAMES)),
    st.tuples(st.just("world"), st.sampled_from(sorted(WORLD_VALUES)), small),
)


def pick(values: tuple[Any, ...], n: int) -> Any:
    return copy.deepcopy(values[n % len(values)])


def apply(world: World, touched: Touched, edit: tuple[Any, ...]) -> None:
    """Edit ``world`` in place and record what changed, as an op batch would."""
    states, events = world["scene"]["states"], world["scene"]["events"]
    kind, *args = edit
    if kind == "state" and args[0] in states:
        value = pick(STATE_FIELDS[args[1]], args[2])
        if value is None:
            states[args[0]].pop(args[1], None)
        else:
            states[args[0]][args[1]] = value
        touched.states.add(args[0])
    elif kind == "add_state":
        states[args[0]] = {"base": copy.deepcopy(args[1])}
        touched.states.add(args[0])
    elif kind == "remove_state" and args[0] in states:
        del states[args[0]]
        touched.states.add(args[0])
    elif kind == "rename_state" and args[0] in states:
        renamed = {(args[1] if key == args[0] else key): value for key, value in states.items()}
        states.clear()
        states.update(renamed)
        touched.states |= {args[0], args[1]}
    elif kind in ("event", "rename_event", "remove_event"):
        found = [i for i, e in enumerate(events) if e.get("name") == args[0]]
        if not found:
            return
        touched.events.add(args[0])
        if kind == "remove_event":
            del events[found[0]]
        elif kind == "rename_event":
            events[found[0]]["name"] = args[1]
            touched.events.add(args[1])
        else:
            value = pick(FIELD_VALUES[args[1]], args[2])
            if value is None:
                events[found[0]].pop(args[1], None)
            else:
                events[found[0]][args[1]] = value
    elif kind == "add_event":
        events.append({"name": args[0], "kind": pick(FIELD_VALUES["kind"], args[1]),
                       "from": pick(FIELD_VALUES["from"], args[2]), "to": pick(FIELD_VALUES["to"], args[3]),
                       "hotkey": pick(FIELD_VALUES["hotkey"], args[1] + args[2])})
        touched.events.add(args[0])
    elif kind == "world":
        value = pick(WORLD_VALUES[args[0]], args[1])
        if value is None:
            world.pop(args[0], None)
        else:
            world[args[0]] = value
        touched.world.add(args[0])


def seeded(edit_list: list[tuple[Any, ...]]) -> World:
    """A starting world: the tiny world with a few extras and errors of its own."""
    world = tiny_world()
    world["scene"]["events"].append({"name": "climb up", "kind": "transition", "from": ["cellar"], "to": "hall",
                                     "hotkey": "u", "landWhen": {"minLuminance": 0.4}})
    apply(world, Touched(), ("world", "cutscenes", 0))
    for edit in edit_list:
        apply(world, Touched(), edit)
    return world


@settings(max_examples=200)
@given(st.lists(edits, max_size=4), st.lists(edits, min_size=1, max_size=4))
def test_the_write_gate_decides_like_two_full_validations(setup: list[Any], batch: list[Any]) -> None:
    before = seeded(setup)
    after = copy.deepcopy(before)
    touched = Touched()
    for edit in batch:
        apply(after, touched, edit)
    assert_same_decision(before, after, touched)


# --- properties: real op batches -----------------------------------------------------------------

ops = st.one_of(
    st.builds(lambda s, p: {"op": "update_state", "id": s, "patch": {"base": p}},
              st.sampled_from(STATE_IDS), st.sampled_from(PROSE[:6])),
    st.builds(lambda s, p: {"op": "add_state", "id": s, "base": p}, st.sampled_from(STATE_IDS[3:]),
              st.sampled_from(PROSE[:4])),
    st.builds(lambda s: {"op": "delete_state", "id": s}, st.sampled_from(STATE_IDS)),
    st.builds(lambda a, b: {"op": "rename_state", "from": a, "to": b}, st.sampled_from(STATE_IDS),
              st.sampled_from(("crypt", "tower", "Bad Id", "hall"))),
    st.builds(lambda s, k: {"op": "set_state_ending", "state": s, "kind": k, "title": "End"},
              st.sampled_from(STATE_IDS), st.sampled_from(("win", "lose", None))),
    st.builds(lambda n, f, t, h: {"op": "add_event", "name": n, "kind": "transition", "from": f, "to": t,
                                  "hotkey": h},
              st.sampled_from(("climb up", "jump", "go down")), st.sampled_from((["hall"], ["cellar"], ["vault"])),
              st.sampled_from(("hall", "cellar", "vault")), st.sampled_from(("e", "t", "x", None))),
    st.builds(lambda n, h: {"op": "set_event_hotkey", "event": n, "hotkey": h},
              st.sampled_from(EVENT_NAMES), st.sampled_from(("e", "E", "t", "w", None))),
    st.builds(lambda n, f: {"op": "set_event_requires", "event": n, "requires": f},
              st.sampled_from(EVENT_NAMES), st.sampled_from(([], ["lamp"], ["key"]))),
    st.builds(lambda n, f: {"op": "set_event_grants", "event": n, "grants": f},
              st.sampled_from(EVENT_NAMES), st.sampled_from(([], ["lamp"], ["key"]))),
    st.builds(lambda n, p: {"op": "update_event", "name": n, "patch": p}, st.sampled_from(EVENT_NAMES),
              st.sampled_from(({"name": "jump"}, {"from": ["vault"]}, {"to": "hall"}, {"kind": "override"},
                               {"landWhen": {"maxLuminance": 0.6}}, {"landWhen": {"minLuminance": 0.4}},
                               {"base": "a blinding flash"}))),
    st.builds(lambda n: {"op": "delete_event", "name": n}, st.sampled_from(EVENT_NAMES)),
    st.builds(lambda s: {"op": "set_entrance", "state": s}, st.sampled_from(STATE_IDS)),
    st.builds(lambda i, t: {"op": "add_cutscene", "id": i, "video": "v", "from": "hall", "to": t},
              st.sampled_from(("fall", "rise")), st.sampled_from(("cellar", "vault"))),
    st.builds(lambda i: {"op": "remove_cutscene", "id": i}, st.sampled_from(("descent", "fall"))),
    st.builds(lambda s, f: {"op": "set_outro", "video": "o", "flag": f, "state": s},
              st.sampled_from(STATE_IDS), st.sampled_from(FLAGS)),
)


@settings(max_examples=150)
@given(st.lists(edits, max_size=3), st.lists(ops, min_size=1, max_size=4))
def test_op_batches_are_judged_like_two_full_validations(setup: list[Any], batch: list[dict[str, Any]]) -> None:
    before = seeded(setup)
    outcome = run_ops(before, batch)
    assert_same_decision(before, outcome.world, outcome.touched)
