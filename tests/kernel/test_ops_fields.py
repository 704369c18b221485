"""Prose-field ops: set_field, set_variant_field and set_slot_fill; and remove/add_variant."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from smworld.kernel.ops.fields import field_path
from smworld.kernel.ops.patch import merge_patch
from smworld.kernel.ops.vocabulary import ProseField
from smworld.kernel.prose import PROMPT_PARTS

from .test_ops_worlds import make_world, ok, override, refused


def _factored(fill: str) -> dict[str, Any]:
    return {"template": "A {material} arch under {light}",
            "slots": {"material": {"type": "material", "fill": fill}, "light": {"fill": "moonlight"}}}


def _world() -> dict[str, Any]:
    world = make_world("hall", events=[override("look", "hall", base=_factored("oak"),
                                                phases=[{"base": "x", "detail": _factored("ash")}])])
    world["scene"]["states"]["hall"] = {
        "base": _factored("granite"), "camera": {"static": "wide", "dynamic": "pan"},
        "ambient": ["rain", _factored("tin")],
        "variants": [{"label": "B", "base": "a vaulted hall", "camera": {"static": "low"}, "x_v": 1}]}
    return world


def test_set_field_names_exactly_the_single_prompt_parts() -> None:
    """``set_field``'s field vocabulary is the assembled prompt's parts (ambient lines aside), in order."""
    assert get_args(ProseField) == tuple(".".join(part) for part in PROMPT_PARTS)


def _hall(world: dict[str, Any]) -> dict[str, Any]:
    state: dict[str, Any] = world["scene"]["states"]["hall"]
    return state


# --- merge patch and field paths -------------------------------------------------------------------


@pytest.mark.parametrize(("target", "patch", "expected"), [  # RFC 7396, appendix A
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
])
def test_merge_patch_follows_rfc_7396(target: Any, patch: Any, expected: Any) -> None:
    assert merge_patch(target, patch) == expected


def test_field_paths() -> None:
    assert field_path("camera.static") == ("camera", "static")
    assert field_path("phases[1].detail") == field_path("phases.1.detail") == ("phases", 1, "detail")
    assert field_path("ambient[0]") == ("ambient", 0)


# --- set_field / set_variant_field ---------------------------------------------------------------------


def test_set_field_sets_one_half_of_a_pair_and_keeps_the_other() -> None:
    world = ok(_world(), {"op": "set_field", "state": "hall", "field": "camera.static", "value": "close"},
               {"op": "set_field", "id": "hall", "field": "movement.dynamic", "value": "leaves drift"},
               {"op": "set_field", "stateId": "hall", "field": "base", "value": "a granite arch"})
    assert _hall(world)["camera"] == {"static": "close", "dynamic": "pan"}
    assert _hall(world)["movement"] == {"dynamic": "leaves drift"}
    assert _hall(world)["base"] == "a granite arch"
    erased = ok(world, {"op": "set_field", "state": "hall", "field": "movement.dynamic", "value": None})
    assert "movement" not in _hall(erased)


def test_set_field_refusals() -> None:
    world = _world()
    assert refused(world, {"op": "set_field", "state": "hall", "field": "base", "value": None}, 400) == (
        """State "hall"'s base can never be erased; set a new base instead""")
    assert refused(world, {"op": "set_field", "state": "hall", "field": "narration", "value": "x"}, 400).startswith(
        """Argument "field": unknown value 'narration'; expected one of base, camera.static""")
    assert refused(world, {"op": "set_field", "state": "hall", "field": "camera.static", "value": 3}, 400) == (
        'State "hall" field "camera.static": expected string or object, got integer')
    assert refused(world, {"op": "set_field", "state": "attic", "field": "base", "value": "x"}, 404)


def test_set_variant_field() -> None:
    world = ok(_world(), {"op": "set_variant_field", "state": "hall", "label": "B", "field": "camera.dynamic",
                          "value": "tilt"})
    assert _hall(world)["variants"] == [{"label": "B", "base": "a vaulted hall", "camera": {"static": "low",
                                                                                             "dynamic": "tilt"},
                                         "x_v": 1}]
    assert refused(world, {"op": "set_variant_field", "state": "hall", "label": "Z", "field": "base",
                           "value": "x"}, 400) == 'State "hall" has no variant labelled "Z"; its labels are: "B"'
    assert refused(world, {"op": "set_variant_field", "state": "hall", "label": "B", "field": "base",
                           "value": None}, 400).endswith("base can never be erased; set a new base instead")


# --- variants -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [
    {"op": "add_variant", "state": "hall", "variant": {"label": "C", "base": "a hall at dawn", "seed": 4}},
    {"op": "add_variant", "state": "hall", "label": "C", "base": "a hall at dawn", "seed": 4},
    {"op": "add_variant", "id": "hall", "label": "C", "base": "a hall at dawn", "seed": 4},
])
def test_add_variant_nested_or_flat(op: dict[str, Any]) -> None:
    assert _hall(ok(_world(), op))["variants"][-1] == {"label": "C", "base": "a hall at dawn", "seed": 4}


def test_add_variant_refusals() -> None:
    world = _world()
    assert refused(world, {"op": "add_variant", "state": "hall", "label": "B", "base": "x"}, 400).startswith(
        'State "hall" already has a variant labelled "B"')
    assert refused(world, {"op": "add_variant", "state": "hall", "label": "C"}, 400) == (
        'The new variant of state "hall": missing required field "base"')
    assert refused(world, {"op": "add_variant", "state": "attic", "label": "C", "base": "x"}, 404)


def test_remove_variant_by_label_or_index() -> None:
    world = ok(_world(), {"op": "add_variant", "state": "hall", "label": "C", "base": "dawn"})
    assert [v["label"] for v in _hall(ok(world, {"op": "remove_variant", "state": "hall", "label": "B"}))["variants"]] \
        == ["C"]
    assert [v["label"] for v in _hall(ok(world, {"op": "remove_variant", "state": "hall", "index": 1}))["variants"]] \
        == ["B"]
    emptied = ok(world, {"op": "remove_variant", "state": "hall", "index": 0},
                 {"op": "remove_variant", "state": "hall", "label": "C"})
    assert "variants" not in _hall(emptied)
    assert refused(world, {"op": "remove_variant", "state": "hall", "index": 2}, 400).endswith("out of range")
    assert refused(world, {"op": "remove_variant", "state": "hall"}, 400).startswith("Name the variant to remove")
    assert refused(world, {"op": "remove_variant", "state": "hall", "label": "Q"}, 400).startswith(
        'State "hall" has no variant labelled "Q"')


# --- set_slot_fill --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("target", "field", "path"), [
    ({"state": "hall"}, "base", ("scene", "states", "hall", "base")),
    ({"id": "hall"}, "ambient[1]", ("scene", "states", "hall", "ambient", 1)),
    ({"event": "look"}, "base", ("scene", "events", 0, "base")),
    ({"name": "look"}, "phases[0].detail", ("scene", "events", 0, "phases", 0, "detail")),
])
def test_set_slot_fill_changes_one_fill(target: dict[str, str], field: str, path: tuple[Any, ...]) -> None:
    world = ok(_world(), {"op": "set_slot_fill", **target, "field": field, "slot": "material", "fill": "basalt"})
    value: Any = world
    for step in path:
        value = value[step]
    assert value["slots"] == {"material": {"type": "material", "fill": "basalt"}, "light": {"fill": "moonlight"}}
    assert value["template"] == "A {material} arch under {light}"


def test_set_slot_fill_refusals() -> None:
    world = _world()
    fill = {"op": "set_slot_fill", "slot": "material", "fill": "x"}
    assert refused(world, {**fill, "state": "hall", "field": "camera.static"}, 400) == (
        'State "hall" field "camera.static" is plain text, not a factored field; change it with set_field, '
        "set_event_field or a patch")
    assert refused(world, {**fill, "state": "hall", "field": "movement.static"}, 400) == (
        'State "hall" has no field "movement.static"; name the factored field whose fill changes, such as "base" '
        'or "camera.static"')
    assert refused(world, {**fill, "state": "hall", "field": "base", "slot": "colour"}, 400) == (
        'State "hall" field "base" has no slot "colour"; its slots are: light, material')
    assert refused(world, {**fill, "state": "attic", "field": "base"}, 404).startswith('No state called "attic"')
    assert refused(world, {**fill, "event": "gaze", "field": "base"}, 404).startswith('No event called "gaze"')
    assert refused(world, {**fill, "field": "base"}, 400).startswith("Name exactly one target")
    assert refused(world, {**fill, "state": "hall", "event": "look", "field": "base"}, 400).startswith(
        "Name exactly one target")
    assert refused(world, {**fill, "state": "hall", "field": "base..x"}, 400).startswith(
        'The field "base..x" is not a field name')
    assert refused(world, {**fill, "state": "hall", "field": "base", "fill": 3}, 400) == (
        'Argument "fill": expected string, got integer')
