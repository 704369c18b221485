"""Ops on the world around the graph: entrance, subject, narration, intro, outro, story, cutscenes,
sequences."""

from __future__ import annotations

from typing import Any

import pytest

from .test_ops_worlds import apply, lints, make_world, ok, override, refused, transition


def _world(**top: Any) -> dict[str, Any]:
    return make_world("hall", "cellar", events=[transition("down", "hall", "cellar")], **top)


def test_set_entrance() -> None:
    world = _world(entrance={"state": "hall", "image": {"src": "a.png"}, "x_e": 1})
    moved = ok(world, {"op": "set_entrance", "state": "cellar"})
    assert moved["entrance"] == {"state": "cellar", "image": {"src": "a.png"}, "x_e": 1}
    framed = ok(world, {"op": "set_entrance", "id": "cellar", "image": {"src": "b.png", "label": "door"}})
    assert framed["entrance"]["image"] == {"src": "b.png", "label": "door"}
    assert "image" not in ok(world, {"op": "set_entrance", "state": "hall", "image": None})["entrance"]
    assert refused(world, {"op": "set_entrance", "state": "attic"}, 404).startswith('No state called "attic"')
    assert refused(world, {"op": "set_entrance", "state": "hall", "image": {"label": "x"}}, 400) == (
        'The entrance image: missing required field "src"')


def test_set_subject() -> None:
    world = ok(_world(), {"op": "set_subject", "subject": "a lighthouse keeper", "styleTail": "35mm film"})
    assert (world["subject"], world["styleTail"]) == ("a lighthouse keeper", "35mm film")
    erased = ok(world, {"op": "set_subject", "styleTail": None})
    assert "styleTail" not in erased and erased["subject"] == "a lighthouse keeper"
    assert refused(world, {"op": "set_subject"}, 400).startswith('Give "subject", "styleTail" or both')
    assert refused(world, {"op": "set_subject", "subject": 3}, 400).startswith('Argument "subject"')


def test_set_narrate() -> None:
    assert ok(_world(), {"op": "set_narrate", "narrate": True})["narrate"] is True
    assert refused(_world(), {"op": "set_narrate", "narrate": "yes"}, 400) == (
        'Argument "narrate": expected boolean, got string')


def test_set_intro() -> None:
    world = ok(_world(), {"op": "set_intro", "video": "intro.mp4", "static": True})
    assert (world["introVideo"], world["introStatic"]) == ("intro.mp4", True)
    assert ok(world, {"op": "set_intro", "video": "b.mp4"})["introStatic"] is True
    for removal in (None, ""):
        removed = ok(world, {"op": "set_intro", "video": removal})
        assert "introVideo" not in removed and "introStatic" not in removed


def test_set_outro() -> None:
    world = ok(_world(), {"op": "set_outro", "video": "o.mp4", "flag": "won", "state": "cellar"})
    assert world["outro"] == {"video": "o.mp4", "flag": "won", "state": "cellar"}
    assert "outro" not in ok(world, {"op": "set_outro", "video": None})
    assert refused(world, {"op": "set_outro", "video": "o.mp4", "flag": "won"}, 400).startswith(
        'An outro needs "video", "flag" and "state"')
    assert refused(world, {"op": "set_outro", "video": "o.mp4", "flag": "won", "state": "attic"}, 404)


def test_set_story_keeps_beats() -> None:
    world = _world(story={"logline": "old", "arc": ["a"], "beats": [{"summary": "s"}]})
    updated = ok(world, {"op": "set_story", "logline": "new"})
    assert updated["story"] == {"logline": "new", "arc": ["a"], "beats": [{"summary": "s"}]}
    assert ok(world, {"op": "set_story", "logline": "n", "arc": None})["story"] == {"logline": "n",
                                                                                  "beats": [{"summary": "s"}]}
    assert ok(world, {"op": "set_story", "logline": "n", "arc": ["x", "y"]})["story"]["arc"] == ["x", "y"]


def test_add_story_beat_creates_the_story_from_the_world_name() -> None:
    world = _world(sequences=[{"id": "tour", "title": "T", "beats": [{"state": "hall"}]}])
    updated = ok(world, {"op": "add_story_beat", "summary": "descent", "states": ["hall", "cellar"], "arc": "fall",
                         "sequence": "tour", "mood": "grim"})
    assert updated["story"] == {"logline": "Test world", "beats": [
        {"summary": "descent", "states": ["hall", "cellar"], "arc": "fall", "sequence": "tour", "mood": "grim"}]}
    assert refused(world, {"op": "add_story_beat", "summary": "x", "states": ["attic"]}, 404)
    assert refused(world, {"op": "add_story_beat", "summary": "x", "sequence": "heist"}, 404).startswith(
        'No sequence called "heist"')
    assert refused(world, {"op": "add_story_beat"}, 400) == 'The story beat: missing required field "summary"'


def test_cutscenes() -> None:
    world = ok(_world(), {"op": "add_cutscene", "id": "fall", "video": "f.mp4", "from": "hall", "to": "cellar",
                          "requires": ["rope"], "grain": 2},
               {"op": "update_event", "name": "down", "patch": {"to": "fall"}})
    assert world["cutscenes"] == [{"id": "fall", "video": "f.mp4", "from": "hall", "to": "cellar",
                                   "requires": ["rope"], "grain": 2}]
    assert refused(world, {"op": "add_cutscene", "id": "fall", "video": "v", "from": "hall", "to": "hall"}, 400)
    assert "taken by a state" in refused(world, {"op": "add_cutscene", "id": "hall", "video": "v", "from": "hall",
                                                 "to": "hall"}, 400)
    assert refused(world, {"op": "add_cutscene", "id": "c2", "video": "v", "from": "hall", "to": "attic"}, 404)
    assert refused(world, {"op": "add_cutscene", "id": "c2", "from": "hall", "to": "hall"}, 400) == (
        'The new cutscene: missing required field "video"')
    outcome = apply(world, {"op": "remove_cutscene", "id": "fall"})
    assert "cutscenes" not in outcome.world
    assert outcome.world["scene"]["events"] == [{"name": "down", "kind": "transition", "from": ["hall"]}]
    assert lints(outcome) == [("store/cascade", "warning", "events.down")]
    assert outcome.touched.events == {"down"} and outcome.touched.world == {"cutscenes"}
    assert refused(world, {"op": "remove_cutscene", "id": "flal"}, 404) == (
        'No cutscene called "flal"; did you mean "fall"?')


def test_sequences() -> None:
    world = ok(_world(), {"op": "add_sequence", "id": "tour", "title": "Tour",
                          "beats": ["hall", {"state": "cellar", "dwell": {"ms": 500}}]})
    assert world["sequences"] == [{"id": "tour", "title": "Tour",
                                   "beats": [{"state": "hall"}, {"state": "cellar", "dwell": {"ms": 500}}]}]
    assert refused(world, {"op": "add_sequence", "id": "tour", "title": "T", "beats": ["hall"]}, 400).startswith(
        'A sequence called "tour" already exists')
    assert refused(world, {"op": "add_sequence", "id": "s2", "title": "T", "beats": []}, 400).startswith(
        "A sequence needs at least one beat")
    assert refused(world, {"op": "add_sequence", "id": "s2", "title": "T", "beats": ["attic"]}, 404)
    assert refused(world, {"op": "add_sequence", "id": "s2", "title": "T", "beats": [{"state": "hall",
                                                                                       "dwell": "forever"}]}, 400)
    assert "sequences" not in ok(world, {"op": "remove_sequence", "id": "tour"})
    assert refused(world, {"op": "remove_sequence", "id": "heist"}, 404)


@pytest.mark.parametrize("key", ["cutscenes", "sequences"])
def test_a_malformed_top_level_array_is_a_400(key: str) -> None:
    world = _world(**{key: {"not": "an array"}})
    op = {"cutscenes": {"op": "add_cutscene", "id": "c", "video": "v", "from": "hall", "to": "hall"},
          "sequences": {"op": "add_sequence", "id": "s", "title": "t", "beats": ["hall"]}}[key]
    assert refused(world, op, 400) == (
        f'The world\'s "{key}" must be an array, got object; fix it with a full world write first')


def test_overrides_are_untouched_by_cutscene_removal() -> None:
    world = ok(_world(), {"op": "add_cutscene", "id": "fall", "video": "v", "from": "hall", "to": "cellar"},
               {"op": "add_override", "name": "peek", "from": "hall"})
    outcome = apply(world, {"op": "remove_cutscene", "id": "fall"})
    assert override("peek", "hall") in outcome.world["scene"]["events"]
    assert outcome.diagnostics == []
