"""State ops: add, update, delete (cascades), rename (references follow), set_state_ending."""

from __future__ import annotations

from typing import Any

import pytest

from smworld.kernel.ops.states import slug

from .test_ops_worlds import apply, lints, make_world, ok, override, refused, transition

# --- add_state -----------------------------------------------------------------------------------


@pytest.mark.parametrize("op", [
    {"op": "add_state", "id": "cellar", "base": "a damp cellar", "hudLine": "B1"},
    {"op": "add_state", "stateId": "cellar", "base": "a damp cellar", "hudLine": "B1"},
    {"op": "add_state", "state": "cellar", "base": "a damp cellar", "hudLine": "B1"},
    {"op": "add_state", "id": "cellar", "state": {"base": "a damp cellar", "hudLine": "B1"}},
    {"op": "add_state", "state": {"id": "cellar", "base": "a damp cellar", "hudLine": "B1"}},
])
def test_add_state_accepts_every_spelling_and_keeps_unknown_keys(op: dict[str, Any]) -> None:
    world = ok(make_world("hall"), op)
    assert world["scene"]["states"]["cellar"] == {"base": "a damp cellar", "hudLine": "B1"}
    assert list(world["scene"]["states"]) == ["hall", "cellar"]


@pytest.mark.parametrize(("base", "expected"), [
    ("A damp stone cellar, lit by one candle", "damp_stone_cellar"),
    ("The Great Hall: banners", "great_hall"),
    ("Café terrace at dusk", "cafe_terrace_at_dusk"),
    ("3 doors — all shut", "state_3_doors"),
    ("!!!", "state"),
    ("a", "a"),
    ("word " * 40, "_".join(["word"] * 12)),
])
def test_slug_is_a_snake_case_identifier_from_the_first_clause(base: str, expected: str) -> None:
    assert slug(base) == expected
    assert len(slug(base)) <= 64


def test_add_state_without_id_derives_one_and_suffixes_collisions() -> None:
    world = ok(make_world("hall", cutscenes=[{"id": "quiet_crypt_2", "video": "v", "from": "hall", "to": "hall"}]),
               *[{"op": "add_state", "base": "A quiet crypt, cold"}] * 3,
               {"op": "add_state", "base": {"template": "The {m} tower", "slots": {"m": {"fill": "Ivory"}}}})
    assert list(world["scene"]["states"]) == ["hall", "quiet_crypt", "quiet_crypt_3", "quiet_crypt_4", "ivory_tower"]


def test_the_first_state_of_an_empty_world_becomes_the_entrance() -> None:
    outcome = apply(make_world(), {"op": "add_state", "id": "hall", "base": "a hall"},
                    {"op": "add_state", "id": "cellar", "base": "a cellar"})
    assert outcome.world["entrance"] == {"state": "hall"}
    assert lints(outcome) == [("store/entrance", "info", "entrance")]


def test_a_seed_image_waiting_in_the_entrance_is_kept() -> None:
    world = ok(make_world(entrance={"image": {"src": "seed.png"}}), {"op": "add_state", "id": "hall", "base": "a"})
    assert world["entrance"] == {"image": {"src": "seed.png"}, "state": "hall"}


def test_a_world_with_states_but_no_entrance_does_not_get_one_by_surprise() -> None:
    world = make_world("hall")
    del world["entrance"]
    outcome = apply(world, {"op": "add_state", "id": "cellar", "base": "a cellar"})
    assert "entrance" not in outcome.world and outcome.diagnostics == []


def test_add_state_refusals() -> None:
    world = make_world("hall", cutscenes=[{"id": "clip", "video": "v", "from": "hall", "to": "hall"}])
    assert refused(world, {"op": "add_state", "id": "hall", "base": "x"}, 400) == (
        'A state called "hall" already exists; pick another id or use update_state')
    assert "taken by a cutscene" in refused(world, {"op": "add_state", "id": "clip", "base": "x"}, 400)
    assert refused(world, {"op": "add_state", "id": "", "base": "x"}, 400).startswith("A state id cannot be empty")
    assert refused(world, {"op": "add_state", "id": "new"}, 400) == 'The new state: missing required field "base"'
    assert refused(world, {"op": "add_state", "id": "new", "base": 4}, 400) == (
        'The new state field "base": expected string or object, got integer')
    assert refused(world, {"op": "add_state", "id": "new", "base": "x", "camera": {"static": 1}}, 400) == (
        'The new state field "camera.static": expected string or object, got integer')
    assert refused(world, {"op": "add_state", "id": 5, "base": "x"}, 400) == (
        'Argument "id": expected string or null, got integer')
    assert refused(world, {"op": "add_state", "stateId": 5, "base": "x"}, 400).startswith('Argument "stateId"')
    assert refused(world, {"op": "add_state", "id": "a", "stateId": "b", "base": "x"}, 400) == (
        'The arguments "id" and "stateId" name different targets; give the id once')


# --- update_state --------------------------------------------------------------------------------


def _rich_state() -> dict[str, Any]:
    return {"base": "a hall", "camera": {"static": "wide", "dynamic": "pan", "x_cam": 1}, "hudLine": "H",
            "narration": "You are in a hall."}


@pytest.mark.parametrize("op", [
    {"op": "update_state", "id": "hall", "patch": {"camera": {"static": "close"}, "narration": None, "music": "m"}},
    {"op": "update_state", "id": "hall", "camera": {"static": "close"}, "narration": None, "music": "m"},
    {"op": "update_state", "stateId": "hall", "patch": {"camera": {"static": "close"}, "narration": None,
                                                        "music": "m"}},
    {"op": "update_state", "state": "hall", "camera": {"static": "close"}, "narration": None, "music": "m"},
])
def test_update_state_is_a_merge_patch(op: dict[str, Any]) -> None:
    world = make_world("hall")
    world["scene"]["states"]["hall"] = _rich_state()
    after = ok(world, op)
    assert after["scene"]["states"]["hall"] == {
        "base": "a hall", "camera": {"static": "close", "dynamic": "pan", "x_cam": 1}, "hudLine": "H", "music": "m"}


def test_update_state_refusals() -> None:
    world = make_world("hall")
    assert refused(world, {"op": "update_state", "id": "hal", "patch": {"base": "x"}}, 404) == (
        'No state called "hal"; did you mean "hall"?')
    assert refused(world, {"op": "update_state", "id": "hall", "patch": {"base": None}}, 400).startswith(
        "A state's base can never be erased")
    assert refused(world, {"op": "update_state", "id": "hall", "patch": {"ambient": "x"}}, 400) == (
        'State "hall" field "ambient": expected array, got string')
    assert refused(world, {"op": "update_state", "id": "hall", "patch": "x"}, 400) == (
        'Argument "patch": expected object, got string')
    assert "use rename_state" in refused(world, {"op": "update_state", "id": "hall", "patch": {"id": "h2"}}, 400)
    assert refused(world, {"op": "update_state", "patch": {"base": "x"}}, 400) == (
        'Missing required argument "id" (any of id, stateId, state)')


def test_update_state_judges_only_what_it_changes() -> None:
    """A state already carrying a broken field can still be edited elsewhere."""
    world = make_world("hall")
    world["scene"]["states"]["hall"]["ambient"] = "not a list"
    after = ok(world, {"op": "update_state", "id": "hall", "patch": {"narration": "n"}})
    assert after["scene"]["states"]["hall"]["narration"] == "n"


# --- delete_state --------------------------------------------------------------------------------


def _graph() -> dict[str, Any]:
    return make_world(
        "hall", "cellar", "yard",
        events=[transition("down", "hall", "cellar"), transition("up", "cellar", "hall"),
                override("look", "hall", "cellar"), override("sigh", "cellar"), transition("out", "yard", "cellar")],
        sequences=[{"id": "tour", "title": "Tour", "beats": [{"state": "hall"}, {"state": "cellar"}]}],
        cutscenes=[{"id": "fall", "video": "v", "from": "hall", "to": "cellar"}],
    )


@pytest.mark.parametrize("op", [{"op": "delete_state", "id": "cellar"}, {"op": "remove_state", "state": "cellar"}])
def test_delete_state_cascades(op: dict[str, Any]) -> None:
    outcome = apply(_graph(), op)
    assert "cellar" not in outcome.world["scene"]["states"]
    assert outcome.world["scene"]["events"] == [
        {"name": "down", "kind": "transition", "from": ["hall"]},
        override("look", "hall"),
        {"name": "out", "kind": "transition", "from": ["yard"]},
    ]
    assert lints(outcome) == [
        ("store/cascade", "info", "events.up"),
        ("store/cascade", "info", "events.sigh"),
        ("store/cascade", "warning", "events.down"),
        ("store/cascade", "warning", "events.out"),
        ("store/sequence-beat", "warning", "sequences.tour.beats[1]"),
    ]
    assert outcome.touched.states == {"cellar"}
    assert outcome.touched.events == {"down", "up", "look", "sigh", "out"}


def test_deleting_the_entrance_clears_it() -> None:
    outcome = apply(_graph(), {"op": "delete_state", "id": "hall"})
    assert "entrance" not in outcome.world
    assert ("store/entrance", "warning", "entrance") in lints(outcome)
    assert outcome.touched.world == {"entrance"}


def test_a_state_that_is_not_an_object_can_be_deleted_or_renamed_but_not_patched() -> None:
    world = make_world("hall", "junk")
    world["scene"]["states"]["junk"] = "oops"
    assert refused(world, {"op": "update_state", "id": "junk", "patch": {"base": "x"}}, 400) == (
        'State "junk" must be an object, got string; replace it with delete_state and add_state')
    assert "junk" not in ok(world, {"op": "delete_state", "id": "junk"})["scene"]["states"]
    assert ok(world, {"op": "rename_state", "from": "junk", "to": "j2"})["scene"]["states"]["j2"] == "oops"


def test_delete_state_missing_is_404() -> None:
    assert refused(_graph(), {"op": "delete_state", "id": "attic"}, 404).startswith('No state called "attic"')


# --- rename_state --------------------------------------------------------------------------------


def _referencing_world() -> dict[str, Any]:
    world = _graph()
    world["outro"] = {"video": "o.mp4", "flag": "won", "state": "cellar"}
    world["story"] = {"logline": "L", "beats": [{"summary": "s", "states": ["hall", "cellar"]}]}
    world["missions"] = [{"id": "m", "title": "M", "objectives": [{"id": "o", "text": "t", "location": "cellar"}]}]
    world["entrance"] = {"state": "cellar", "image": {"src": "a.png"}}
    return world


@pytest.mark.parametrize("op", [
    {"op": "rename_state", "from": "cellar", "to": "crypt"},
    {"op": "rename_state", "id": "cellar", "newId": "crypt"},
    {"op": "rename_state", "state": "cellar", "to": "crypt"},
])
def test_rename_state_moves_every_reference(op: dict[str, Any]) -> None:
    outcome = apply(_referencing_world(), op)
    world = outcome.world
    assert list(world["scene"]["states"]) == ["hall", "crypt", "yard"]
    assert [(e["from"], e.get("to")) for e in world["scene"]["events"]] == [
        (["hall"], "crypt"), (["crypt"], "hall"), (["hall", "crypt"], None), (["crypt"], None), (["yard"], "crypt")]
    assert world["entrance"] == {"state": "crypt", "image": {"src": "a.png"}}
    assert world["sequences"][0]["beats"] == [{"state": "hall"}, {"state": "crypt"}]
    assert world["cutscenes"][0]["to"] == "crypt"
    assert world["story"]["beats"][0]["states"] == ["hall", "crypt"]
    assert world["outro"]["state"] == "crypt"
    assert world["missions"][0]["objectives"][0]["location"] == "crypt"
    assert lints(outcome) == [("store/rename", "info", "states.crypt")]
    assert outcome.diagnostics[0].message == 'State "cellar" is now "crypt"; 11 references followed it'
    assert outcome.touched.states == {"cellar", "crypt"}
    assert outcome.touched.world == {"entrance", "outro", "cutscenes", "sequences", "story", "missions"}


def test_rename_to_the_same_id_is_a_no_op() -> None:
    outcome = apply(_graph(), {"op": "rename_state", "from": "hall", "to": "hall"})
    assert outcome.world == _graph() and outcome.diagnostics == [] and outcome.apply_errors == []


def test_rename_state_refusals() -> None:
    world = _graph()
    assert refused(world, {"op": "rename_state", "from": "hall", "to": "cellar"}, 400).startswith(
        'A state called "cellar" already exists')
    assert "taken by a cutscene" in refused(world, {"op": "rename_state", "from": "hall", "to": "fall"}, 400)
    assert refused(world, {"op": "rename_state", "from": "hall", "to": ""}, 400).startswith("A state id cannot be")
    assert refused(world, {"op": "rename_state", "from": "attic", "to": "x"}, 404).startswith('No state called')
    assert refused(world, {"op": "rename_state", "from": "hall"}, 400) == (
        'Missing required argument "to" (any of to, newId)')


# --- set_state_ending ----------------------------------------------------------------------------


def test_set_state_ending_sets_replaces_and_clears() -> None:
    world = make_world("hall", "vault")
    world["scene"]["states"]["vault"]["ending"] = {"kind": "lose", "title": "Caught", "subtitle": "s", "music": "m"}
    won = ok(world, {"op": "set_state_ending", "state": "vault", "kind": "win", "title": "Rich"})
    assert won["scene"]["states"]["vault"]["ending"] == {"kind": "win", "title": "Rich", "music": "m"}
    cleared = ok(won, {"op": "set_state_ending", "id": "vault", "kind": None})
    assert "ending" not in cleared["scene"]["states"]["vault"]
    assert ok(cleared, {"op": "set_state_ending", "id": "vault", "kind": None}) == cleared


def test_set_state_ending_refusals() -> None:
    world = make_world("hall")
    assert refused(world, {"op": "set_state_ending", "state": "hall", "kind": "win"}, 400).startswith(
        'A win ending needs a "title"')
    assert refused(world, {"op": "set_state_ending", "state": "hall", "kind": "draw", "title": "t"}, 400) == (
        """Argument "kind": unknown value 'draw'; expected one of win, lose""")
    assert refused(world, {"op": "set_state_ending", "state": "nope", "kind": "win", "title": "t"}, 404)
