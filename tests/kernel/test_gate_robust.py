"""Malformed worlds: every rule reads defensively, so the gate describes them instead of crashing."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.gate import LINTS, lint, validate, write_gate
from smworld.kernel.touched import Touched
from tests.kernel.gate_worlds import tiny_world

KEYS = ("base", "camera", "movement", "static", "dynamic", "ambient", "ending", "kind", "title", "variants", "label",
        "name", "from", "to", "hotkey", "requires", "grants", "phases", "minMs", "landWhen", "auto",
        "minLuminance", "maxLuminance", "minMotion", "hits", "anchor", "minProximity", "waypoint", "distanceM",
        "terminal", "facts", "template", "slots", "fill", "detail", "id", "state", "beats", "dwell", "ms",
        "objectives", "grounded", "target", "verified", "minPlayMs", "autoAfterMs", "oneShot", "hidden")
WORDS = ("hall", "cellar", "vault", "transition", "override", "terminal", "win", "lose", "e", "W", "no", "",
         "kill", "a {x} hall", "{", "lamp", "Bad Id", "go down")

leaves = (st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2, allow_nan=False)
          | st.sampled_from(WORDS) | st.text(max_size=6))
json = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
    max_leaves=24,
)
state_ids = st.sampled_from(("hall", "cellar", "vault", "Bad Id", "x"))
worlds = st.fixed_dictionaries(
    {"scene": st.one_of(
        json,
        st.fixed_dictionaries({"states": st.dictionaries(state_ids, json, max_size=4) | json,
                               "events": st.lists(json, max_size=5) | json}),
    )},
    optional={key: json for key in ("entrance", "cutscenes", "sequences", "missions", "outro", "schemaVersion")},
)


def known(found: list[Any]) -> bool:
    ids = {info.id for info in LINTS}
    return all(d.lint in ids and d.path is not None and d.message for d in found)


@settings(max_examples=200)
@given(worlds)
def test_lint_and_validate_describe_any_malformed_world(world: dict[str, Any]) -> None:
    report = lint(world)
    assert known(report.diagnostics)
    checked = validate(world)
    assert checked.ok == (not any(d.severity == "error" for d in report.diagnostics))
    assert [d for d in report.diagnostics if d.severity == "error"] == checked.diagnostics


@settings(max_examples=100)
@given(worlds, st.sets(state_ids, max_size=3), st.sets(st.sampled_from(WORDS), max_size=3),
       st.sets(st.sampled_from(("entrance", "cutscenes", "missions", "outro")), max_size=2))
def test_the_write_gate_describes_any_malformed_world(world: dict[str, Any], touched_states: set[str],
                                                      touched_events: set[str], touched_world: set[str]) -> None:
    touched = Touched(states=touched_states, events=touched_events, world=touched_world)
    for before, after in ((tiny_world(), world), (world, tiny_world()), (world, world)):
        verdict = write_gate(before, after, touched)
        assert known(verdict.diagnostics) and known(verdict.new_errors)
        assert verdict.ok == (not verdict.new_errors)


def test_a_state_id_that_is_not_a_string_is_named_by_its_text() -> None:
    world = {"scene": {"states": {1: {"base": "a room"}}, "events": []}, "entrance": {"state": "1"}}
    keys = {d.key for d in lint(world).diagnostics}
    assert "bad-identifier@states.1" in keys
