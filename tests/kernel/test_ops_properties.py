"""Properties of any op batch over small generated worlds (valid and invalid ops mixed)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.codec import encode, schema_problems
from smworld.kernel.errors import OpsRequestError
from smworld.kernel.ops import OPS, run_ops

from .test_ops_worlds import DELETING, World, events_by_name, untouched_changes, world_and_batch, worlds

PROPERTY = settings(max_examples=100, deadline=None)


@PROPERTY
@given(world_and_batch())
def test_a_batch_never_raises_and_never_mutates_its_input(case: tuple[World, list[dict[str, Any]]]) -> None:
    world, ops = case
    before, ops_before = copy.deepcopy(world), copy.deepcopy(ops)
    outcome = run_ops(world, ops)
    assert world == before
    assert ops == ops_before
    for error in outcome.apply_errors:
        assert error.status in (400, 404)
        assert error.op == ops[error.index]["op"]
        assert error.message and error.message[0].isupper()
    encode(outcome.world)


@PROPERTY
@given(world_and_batch())
def test_touched_names_everything_that_changed(case: tuple[World, list[dict[str, Any]]]) -> None:
    world, ops = case
    outcome = run_ops(world, ops)
    assert untouched_changes(world, outcome.world, outcome.touched) == []


@PROPERTY
@given(world_and_batch())
def test_ops_never_break_the_contract_shape(case: tuple[World, list[dict[str, Any]]]) -> None:
    """Type problems are refused by the op (400), never left for the gate."""
    world, ops = case
    assert schema_problems(run_ops(world, ops).world) == []


@PROPERTY
@given(world_and_batch(frozenset(OPS) - DELETING))
def test_unknown_keys_survive(case: tuple[World, list[dict[str, Any]]]) -> None:
    """Without deletes, every unknown key of a state, an event and the world is still there."""
    world, ops = case
    after = run_ops(world, ops).world
    notes = {s["x_note"] for s in after["scene"]["states"].values() if "x_note" in s}
    assert notes == {s["x_note"] for s in world["scene"]["states"].values()}
    tags = {e["x_tag"] for e in after["scene"]["events"] if "x_tag" in e}
    assert tags == {e["x_tag"] for e in world["scene"]["events"]}
    assert after["x_world"] == world["x_world"]


@PROPERTY
@given(world_and_batch())
def test_a_batch_equals_its_ops_applied_one_at_a_time(case: tuple[World, list[dict[str, Any]]]) -> None:
    """Later ops see earlier ones: the draft's index and caches change nothing observable."""
    world, ops = case
    whole = run_ops(world, ops)
    current, messages, diagnostics = world, [], []
    for op in ops:
        step = run_ops(current, [op])
        current = step.world
        messages += [(e.status, e.message) for e in step.apply_errors]
        diagnostics += step.diagnostics
    assert whole.world == current
    assert [(e.status, e.message) for e in whole.apply_errors] == messages
    assert whole.diagnostics == diagnostics


@PROPERTY
@given(worlds(), st.lists(st.sampled_from(["e1", "e2", "go_to_yard"]), min_size=1, max_size=5))
def test_deleted_events_are_gone_and_the_rest_keep_their_order(world: World, names: list[str]) -> None:
    outcome = run_ops(world, [{"op": "delete_event", "name": n} for n in names])
    before = [e["name"] for e in world["scene"]["events"]]
    assert [e["name"] for e in outcome.world["scene"]["events"]] == [n for n in before if n not in names]
    assert set(events_by_name(outcome.world)) == set(before) - set(names)


junk_batches = st.one_of(
    st.none(), st.integers(), st.text(max_size=3), st.just([]), st.dictionaries(st.text(max_size=2), st.integers()),
    st.lists(st.one_of(st.integers(), st.text(max_size=3), st.dictionaries(st.sampled_from(["op", "id"]),
                                                                            st.one_of(st.text(max_size=8),
                                                                                      st.sampled_from(sorted(OPS)),
                                                                                      st.integers())))),
)
"""Junk, and batches mixing well-formed ops (any known name) with malformed ones: one bad item refuses
the whole batch, however many good ones surround it."""


@PROPERTY
@given(worlds(), junk_batches)
def test_a_malformed_batch_is_refused_as_a_whole(world: World, ops: Any) -> None:
    """Anything that is not a non-empty list of objects with a known op raises OpsRequestError, and only that."""
    well_formed = isinstance(ops, list) and ops and all(isinstance(o, dict) and o.get("op") in OPS for o in ops)
    if well_formed:
        run_ops(world, ops)
    else:
        with pytest.raises(OpsRequestError) as refused:
            run_ops(world, ops)
        assert refused.value.errors
