"""Batch semantics of run_ops (ops.md 1, 2, 5), the published op list, and copy-on-write."""

from __future__ import annotations

import doctest
import typing

import msgspec
import pytest

from smworld.kernel import ops as ops_package
from smworld.kernel.errors import DecodeError, OpsRequestError
from smworld.kernel.ops import HANDLERS, OPS, ApplyError, OpsOutcome, patch, run_ops, states
from smworld.kernel.ops.vocabulary import BY_NAME, GraphOp, op_name

from .test_ops_worlds import apply, make_world, ok, override, transition

# The contract's list (ops.md, "The vocabulary"), written out once: a renamed or dropped op is a
# breaking change and must fail here.
CONTRACT_OPS = {
    "add_state", "update_state", "delete_state", "remove_state", "rename_state", "set_field", "set_state_ending",
    "set_slot_fill", "add_event", "add_transition", "add_override", "update_event", "delete_event", "remove_event",
    "set_event_field", "set_event_kind", "set_event_drive", "set_event_hotkey", "set_event_phases",
    "set_event_anchor", "set_event_grants", "set_event_requires", "set_event_locked_hint", "add_variant",
    "remove_variant", "set_variant_field", "set_entrance", "set_subject", "set_narrate", "set_intro", "set_outro",
    "set_story", "add_story_beat", "add_cutscene", "remove_cutscene", "add_sequence", "remove_sequence",
    "add_mission",
}


def test_ops_is_the_contract_list_sorted() -> None:
    assert set(OPS) == CONTRACT_OPS
    assert list(OPS) == sorted(OPS)


def test_every_listed_op_has_a_handler_and_every_handler_is_listed() -> None:
    assert {op_name(cls) for cls in HANDLERS} == set(OPS)
    assert set(BY_NAME) == set(OPS)
    assert {op_name(cls) for cls in typing.get_args(GraphOp)} == set(OPS)


@pytest.mark.parametrize("name", OPS)
def test_every_listed_op_dispatches(name: str) -> None:
    """A bare op reaches its handler: it is refused for its arguments, never as an unknown op."""
    outcome = run_ops(make_world("hall"), [{"op": name}])
    assert all(e.op == name and e.status in (400, 404) for e in outcome.apply_errors)


def test_the_vocabulary_is_one_tagged_union() -> None:
    op = msgspec.convert({"op": "rename_state", "from": "a", "to": "b"}, GraphOp)
    assert (type(op).__name__, op_name(op)) == ("RenameState", "rename_state")


@pytest.mark.parametrize(("ops", "message"), [
    ({"op": "add_state"}, "ops must be a non-empty array of op objects, got object"),
    ("add_state", "ops must be a non-empty array of op objects, got string"),
    ([], "ops is empty"),
    (["add_state"], 'ops[0]: expected an object with an "op" field, got string'),
    ([{"id": "x"}], 'ops[0]: missing "op"; supported: add_cutscene, add_event,'),
    ([{"op": 3}], 'ops[0]: "op" must be a string naming an op, got integer; supported: '),
])
def test_a_malformed_batch_is_refused_before_anything_applies(ops: object, message: str) -> None:
    with pytest.raises(OpsRequestError) as refused:
        run_ops(make_world("hall"), ops)
    assert str(refused.value).startswith(message)


def test_an_unknown_op_names_its_index_and_the_supported_ops() -> None:
    ops = [{"op": "add_state", "base": "a"}] * 3 + [{"op": "set_hotkey"}, {"op": "nuke"}]
    with pytest.raises(OpsRequestError) as refused:
        run_ops(make_world("hall"), ops)
    assert refused.value.errors == ["ops[3] (set_hotkey): unknown op; did you mean set_event_hotkey?",
                                    "ops[4] (nuke): unknown op"]
    message = str(refused.value)
    assert message.startswith("ops[3] (set_hotkey): unknown op, and 1 more problem (all listed in errors); "
                              "supported: add_cutscene, add_event, ")
    assert message.endswith(". Did you mean set_event_hotkey?")
    assert message.count("add_cutscene") == 1


def test_ops_apply_in_order_and_later_ops_see_earlier_ones() -> None:
    outcome = apply(make_world("hall"),
                    {"op": "add_state", "id": "cellar", "base": "a damp cellar"},
                    {"op": "add_transition", "from": "hall", "to": "cellar"},
                    {"op": "update_event", "name": "go_to_cellar", "patch": {"hotkey": "c"}},
                    {"op": "update_state", "id": "missing", "patch": {"base": "x"}},
                    {"op": "add_state", "id": "cellar", "base": "again"})
    assert [(e.index, e.op, e.status) for e in outcome.apply_errors] == [(3, "update_state", 404),
                                                                          (4, "add_state", 400)]
    assert outcome.world["scene"]["events"] == [{"name": "go_to_cellar", "kind": "transition", "from": ["hall"],
                                                 "to": "cellar", "hotkey": "c"}]
    assert outcome.world["scene"]["states"]["cellar"] == {"base": "a damp cellar"}


def test_a_misspelt_argument_is_refused_not_ignored() -> None:
    """Ignoring `hotKey` would clear the hotkey: ops without a body refuse unknown arguments."""
    world = make_world("hall", events=[override("look", "hall", hotkey="l")])
    outcome = apply(world, {"op": "set_event_hotkey", "event": "look", "hotKey": "k"})
    assert [(e.status, e.message) for e in outcome.apply_errors] == [
        (400, 'Unknown argument "hotKey"; did you mean "hotkey"? (set_event_hotkey takes: event, eventName, hotkey, '
              "name)")]
    assert outcome.world == world


def test_docstring_examples_run() -> None:
    for module in (ops_package, patch, states):
        assert doctest.testmod(module).failed == 0


def test_apply_error_encodes_to_the_wire_shape() -> None:
    error = ApplyError(2, "update_state", 404, 'No state called "x"')
    assert msgspec.json.decode(msgspec.json.encode(error)) == {
        "index": 2, "op": "update_state", "status": 404, "message": 'No state called "x"'}


def test_outcome_fields() -> None:
    outcome = run_ops(make_world(), [{"op": "add_state", "id": "hall", "base": "a hall"}])
    assert isinstance(outcome, OpsOutcome)
    assert outcome.touched.states == {"hall"} and outcome.touched.world == {"entrance"}
    assert [d.key for d in outcome.diagnostics] == ["store/entrance@entrance"]


def test_a_world_without_a_scene_gets_one() -> None:
    world = ok({"name": "bare"}, {"op": "add_state", "id": "hall", "base": "a hall"})
    assert world["scene"] == {"states": {"hall": {"base": "a hall"}}, "events": []}


def test_a_scene_of_the_wrong_shape_is_a_decode_error() -> None:
    with pytest.raises(DecodeError) as refused:
        run_ops({"scene": {"states": [], "events": []}}, [{"op": "set_narrate", "narrate": True}])
    assert str(refused.value) == "scene.states: expected object, got array"


def test_an_update_shares_every_object_it_did_not_change() -> None:
    """Copy-on-write: one new state object, the containers copied once, nothing else copied."""
    world = make_world(*(f"s{i}" for i in range(50)),
                       events=[transition(f"t{i}", f"s{i}", f"s{i + 1}") for i in range(49)])
    after = ok(world, {"op": "update_state", "id": "s7", "patch": {"narration": "x"}})
    old_states, new_states = world["scene"]["states"], after["scene"]["states"]
    assert new_states is not old_states and after["scene"]["events"] is not world["scene"]["events"]
    assert [sid for sid in old_states if new_states[sid] is not old_states[sid]] == ["s7"]
    assert all(a is b for a, b in zip(after["scene"]["events"], world["scene"]["events"], strict=True))
    assert after["entrance"] is world["entrance"]


def test_an_event_edit_copies_only_that_event() -> None:
    world = make_world("a", "b", events=[override(f"o{i}", "a") for i in range(20)])
    after = ok(world, {"op": "set_event_hotkey", "event": "o3", "hotkey": "k"})
    changed = [i for i, (x, y) in enumerate(zip(world["scene"]["events"], after["scene"]["events"], strict=True))
               if x is not y]
    assert changed == [3]


def test_values_from_the_batch_are_not_aliased_into_the_world() -> None:
    body = {"base": "a hall", "camera": {"static": "wide"}}
    outcome = run_ops(make_world(), [{"op": "add_state", "id": "hall", "state": body}])
    body["camera"]["static"] = "changed later"
    assert outcome.world["scene"]["states"]["hall"]["camera"] == {"static": "wide"}


def test_a_failed_op_leaves_no_trace_even_midway() -> None:
    """add_mission fails on its second objective: nothing of the first is written."""
    world = make_world("hall")
    outcome = apply(world, {"op": "add_mission", "id": "m", "title": "M", "objectives": [
        {"id": "a", "text": "Do a", "location": "hall", "outcome": "a done"},
        {"id": "b", "text": "Do b", "location": "nowhere"}]})
    assert [e.status for e in outcome.apply_errors] == [404]
    assert outcome.world == world
    assert outcome.touched.states == set() and outcome.touched.events == set()


def test_duplicate_event_names_in_the_input_resolve_to_the_first_and_survive_deletes() -> None:
    """A malformed world (the gate flags it) still edits predictably: by name means the first."""
    world = make_world("a", events=[override("dup", "a", base="first"), override("dup", "a", base="second")])
    after = ok(world, {"op": "delete_event", "name": "dup"}, {"op": "set_event_hotkey", "event": "dup", "hotkey": "q"})
    assert after["scene"]["events"] == [override("dup", "a", base="second", hotkey="q")]


def test_changing_an_event_without_a_name_widens_the_scope_to_everything() -> None:
    world = make_world("a", "b", "c", events=[{"kind": "override", "from": ["a", "b"]}, override("o", "b")])
    outcome = apply(world, {"op": "delete_state", "id": "a"})
    assert outcome.world["scene"]["events"] == [{"kind": "override", "from": ["b"]}, override("o", "b")]
    assert outcome.touched.everything
    assert not apply(world, {"op": "delete_state", "id": "c"}).touched.everything


def test_numbered_default_names_take_the_first_free_number_after_deletes() -> None:
    world = ok(make_world("a"), *[{"op": "add_override", "from": "a"}] * 3,
               {"op": "delete_event", "name": "override_2"},
               {"op": "add_override", "from": "a"}, {"op": "add_override", "from": "a"})
    assert [e["name"] for e in world["scene"]["events"]] == ["override_1", "override_3", "override_2", "override_4"]
