"""The write path end to end: ops, then the write gate, as every API write runs it."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel import apply_ops, diff, generate, validate
from smworld.kernel.world import events, states

from .test_ops_worlds import World, world_and_batch

PROPERTY = settings(max_examples=150, deadline=None)


def error_keys(world: World) -> set[str]:
    return {d.key for d in validate(world).diagnostics}


@PROPERTY
@given(world_and_batch())
def test_a_rejected_batch_leaves_the_input_identical(case: tuple[World, list[dict[str, Any]]]) -> None:
    world, ops = case
    before = copy.deepcopy(world)
    result = apply_ops(world, ops)
    assert world == before
    if not result.ok:
        assert result.world == before
        new = [d for d in result.diagnostics if d.severity == "error" and d.key not in error_keys(before)]
        assert new, "a rejection names the errors it was rejected for"


@PROPERTY
@given(world_and_batch())
def test_an_accepted_batch_adds_no_error(case: tuple[World, list[dict[str, Any]]]) -> None:
    world, ops = case
    result = apply_ops(world, ops)
    if result.ok:
        assert error_keys(result.world) <= error_keys(world)


def _changed_ids(a: World, b: World) -> tuple[set[str], set[str]]:
    sa, sb = states(a), states(b)
    ea = {e["name"]: e for e in events(a)}
    eb = {e["name"]: e for e in events(b)}
    changed_states = {k for k in sa.keys() | sb.keys() if sa.get(k) != sb.get(k)}
    changed_events = {k for k in ea.keys() | eb.keys() if ea.get(k) != eb.get(k)}
    return changed_states, changed_events


@PROPERTY
@given(world_and_batch())
def test_diff_names_exactly_what_the_ops_changed(case: tuple[World, list[dict[str, Any]]]) -> None:
    world, ops = case
    after = apply_ops(world, ops).world
    found = diff(world, after)
    want_states, want_events = _changed_ids(world, after)
    assert set(found["states"]["added"]) | set(found["states"]["removed"]) | set(found["states"]["changed"]) \
        == want_states
    assert set(found["events"]["added"]) | set(found["events"]["removed"]) | set(found["events"]["changed"]) \
        == want_events


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 14), st.data())
def test_every_accepted_edit_of_a_generated_world_validates(seed: int, size: int, data: st.DataObject) -> None:
    world = generate("a glass observatory on a frozen moon", seed=seed, size=size)
    target = data.draw(st.sampled_from(sorted(states(world))))
    prose = data.draw(st.sampled_from(["a brass telescope under frost", "nothing but fog", "you feel watched"]))
    result = apply_ops(world, [{"op": "update_state", "id": target, "patch": {"base": prose}}])
    assert result.ok == (prose != "nothing but fog")  # negation is an error; intent only a warning
    assert validate(result.world).ok
