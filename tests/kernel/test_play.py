"""The interpreter: one test per play rule (start, choices, fire, cutscenes, time, endings, errors)."""

from __future__ import annotations

import copy
import doctest
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from smworld.kernel import play as play_module
from smworld.kernel.play import (
    Choice,
    Config,
    InterpreterError,
    Play,
    PlayError,
    available,
    ending,
    fire,
    open_events,
    start,
    step,
    tick,
)


def build_world(
    events: list[dict[str, Any]],
    states: Iterable[str] = ("a", "b", "c"),
    endings: Mapping[str, str] | None = None,
    entrance: str | None = "a",
    **top: Any,
) -> dict[str, Any]:
    """A world with plain states, ``endings`` (state id → kind) and ``events``; extra top-level keys."""
    scene_states: dict[str, Any] = {state_id: {"base": f"the {state_id} room"} for state_id in states}
    for state_id, kind in (endings or {}).items():
        scene_states[state_id] = {"base": f"the {state_id} room",
                                  "ending": {"kind": kind, "title": state_id.title()}}
    world: dict[str, Any] = {"scene": {"states": scene_states, "events": events}, **top}
    if entrance is not None:
        world["entrance"] = {"state": entrance}
    return world


def ev(name: str, to: str | None = None, frm: Iterable[str] = ("a",), kind: str | None = None,
       **fields: Any) -> dict[str, Any]:
    """An event: a transition when ``to`` is given, else an override (unless ``kind`` says)."""
    event: dict[str, Any] = {"name": name, "kind": kind or ("transition" if to else "override"),
                             "from": list(frm), **fields}
    if to is not None:
        event["to"] = to
    return event


def started(world: dict[str, Any]) -> Play:
    play = start(world)
    assert isinstance(play, Play)
    return play


def fired(world: dict[str, Any], play: Play, *names: str) -> Play:
    for name in names:
        after = fire(world, play, name)
        assert isinstance(after, Play), after
        play = after
    return play


def failure(world: dict[str, Any], play: Play, name: str) -> PlayError:
    after = fire(world, play, name)
    assert isinstance(after, PlayError), after
    return after


# -- start -----------------------------------------------------------------------------------


def test_start_is_at_the_entrance_with_nothing_held() -> None:
    assert start(build_world([])) == Play(state="a")


@pytest.mark.parametrize("entrance", [None, {"state": "nowhere"}, {"state": 3}, "a"])
def test_start_without_a_usable_entrance_is_an_error_value(entrance: Any) -> None:
    world = build_world([], entrance=None)
    if entrance is not None:
        world["entrance"] = entrance
    result = start(world)
    assert isinstance(result, PlayError)
    assert result.kind == "no-entrance"


def test_an_entrance_that_is_an_ending_starts_ended() -> None:
    play = started(build_world([ev("go", "b")], endings={"a": "lose"}))
    assert play.ended
    assert play.ending == {"kind": "lose", "title": "A"}
    assert available(build_world([ev("go", "b")], endings={"a": "lose"}), play) == []


# -- choices ---------------------------------------------------------------------------------


def test_choices_are_the_state_events_in_world_order_hidden_never_offered() -> None:
    world = build_world([
        ev("second", "b", hotkey="e", label="Go east"),
        ev("elsewhere", "c", frm=["b"]),
        ev("secret", "c", hidden=True, autoAfterMs=100),
        ev("first", "c", autoAfterMs=5000),
    ])
    choices = available(world, started(world))
    assert choices == [
        Choice(name="second", hotkey="e", label="Go east", locked=False),
        Choice(name="first", hotkey=None, label="first", locked=False, auto_after_ms=5000),
    ]


def test_a_choice_with_unmet_requires_is_locked_with_its_hint() -> None:
    world = build_world([ev("open door", "b", requires=["key"], lockedHint="The door is locked.")])
    (choice,) = available(world, started(world))
    assert choice.locked
    assert choice.hint == "The door is locked."


def test_a_used_one_shot_is_locked_without_a_hint() -> None:
    world = build_world([ev("pull lever", oneShot=True, lockedHint="Need a key", grants=["power"])])
    play = fired(world, started(world), "pull lever")
    assert play.used == frozenset({"pull lever"})
    (choice,) = available(world, play)
    assert choice.locked
    assert choice.hint is None


def test_open_events_include_hidden_ones_and_exclude_locked_and_used() -> None:
    world = build_world([
        ev("plain", "b"),
        ev("secret", "c", hidden=True),
        ev("locked", "c", requires=["key"]),
        ev("once", oneShot=True),
    ])
    names = [event["name"] for event in open_events(world, "a", frozenset(), frozenset({"once"}))]
    assert names == ["plain", "secret"]
    names = [event["name"] for event in open_events(world, "a", frozenset({"key"}), frozenset())]
    assert names == ["plain", "secret", "locked", "once"]


def test_malformed_events_are_ignored_by_play() -> None:
    world = build_world([
        ev("string requires", "b", requires="key"),
        ev("dangling", "nowhere"),
        ev("no kind", "b", kind="portal"),
        {"kind": "transition", "from": ["a"], "to": "b"},
        "not an event",
        ev("good", "b"),
    ])
    assert [choice.name for choice in available(world, started(world))] == ["good"]


def test_a_name_means_the_first_event_with_it() -> None:
    world = build_world([ev("go", "b"), ev("go", "c")])
    assert [choice.name for choice in available(world, started(world))] == ["go"]
    assert fired(world, started(world), "go").state == "b"


# -- fire ------------------------------------------------------------------------------------


def test_a_transition_moves_logs_grants_and_restarts_the_clock() -> None:
    world = build_world([ev("go", "b", grants=["seen", "map"])])
    play = tick(world, started(world), 700)
    assert play.ms == 700
    after = fired(world, play, "go")
    assert after == Play(state="b", flags=frozenset({"seen", "map"}), log=("go",), ms=0)


@pytest.mark.parametrize("kind", ["override", "terminal"])
def test_overrides_and_terminals_leave_the_state_but_change_flags(kind: str) -> None:
    world = build_world([ev("look", kind=kind, grants=["clue"]), ev("go", "b", requires=["clue"])])
    play = fired(world, started(world), "look")
    assert (play.state, play.flags, play.log) == ("a", frozenset({"clue"}), ("look",))
    assert fired(world, play, "go").state == "b"


def test_a_one_shot_fires_once() -> None:
    world = build_world([ev("pull lever", oneShot=True, grants=["power"])])
    play = fired(world, started(world), "pull lever")
    error = failure(world, play, "pull lever")
    assert error.kind == "locked"
    assert "one-shot" in error.message


def test_a_locked_event_is_an_error_value_with_the_hint() -> None:
    world = build_world([ev("open door", "b", requires=["key", "lamp"], lockedHint="Locked.")])
    error = failure(world, started(world), "open door")
    assert (error.kind, error.hint) == ("locked", "Locked.")
    assert "key, lamp" in error.message


@pytest.mark.parametrize(
    ("name", "kind"),
    [("nothing", "unknown"), ("elsewhere", "unavailable"), ("dangling", "broken"), ("secret", "hidden")],
)
def test_events_that_cannot_fire_are_error_values(name: str, kind: str) -> None:
    world = build_world([ev("elsewhere", "c", frm=["b"]), ev("dangling", "nowhere"),
                         ev("secret", "b", hidden=True)])
    assert failure(world, started(world), name).kind == kind


def test_nothing_fires_after_an_ending() -> None:
    world = build_world([ev("win", "b"), ev("again", "c", frm=["b"])], endings={"b": "win"})
    play = fired(world, started(world), "win")
    assert play.ending == {"kind": "win", "title": "B"}
    assert ending(world, play) == play.ending
    assert available(world, play) == []
    assert failure(world, play, "again").kind == "ended"
    assert tick(world, play, 10_000).log == ("win",)


def test_the_ending_is_a_copy_and_the_world_is_never_mutated() -> None:
    world = build_world([ev("take", grants=["key"], oneShot=True), ev("go", "b", requires=["key"])],
                        endings={"b": "win"})
    before = copy.deepcopy(world)
    play = fired(world, started(world), "take", "go")
    assert play.ending is not None
    play.ending["title"] = "changed"
    assert world == before


# -- cutscenes -------------------------------------------------------------------------------


def cutscene_world(**cutscene: Any) -> dict[str, Any]:
    return build_world(
        [ev("take", grants=["lamp"]), ev("descend", "stairs", grants=["torch"])],
        cutscenes=[{"id": "stairs", "video": "stairs.mp4", "from": "a", "to": "c", **cutscene}],
    )


def test_a_transition_through_a_cutscene_plays_the_clip_and_lands_in_its_to() -> None:
    world = cutscene_world()
    play = fired(world, started(world), "descend")
    assert (play.state, play.clips) == ("c", ("stairs",))


def test_a_cutscene_whose_requires_are_unmet_is_skipped_but_the_play_still_lands() -> None:
    world = cutscene_world(requires=["lamp"])
    assert fired(world, started(world), "descend").clips == ()
    assert fired(world, started(world), "take", "descend").clips == ("stairs",)


def test_a_cutscene_requirement_counts_the_firing_events_own_grants() -> None:
    world = cutscene_world(requires=["torch"])
    assert fired(world, started(world), "descend").clips == ("stairs",)


# -- time ------------------------------------------------------------------------------------


def test_tick_without_auto_events_only_passes_time() -> None:
    world = build_world([ev("go", "b")])
    play = tick(world, tick(world, started(world), 300), 200)
    assert (play.state, play.ms, play.log) == ("a", 500, ())


def test_an_auto_event_fires_when_due_and_the_remaining_time_runs_in_the_new_state() -> None:
    world = build_world([ev("fall", "b", hidden=True, autoAfterMs=1000),
                         ev("drift", "c", frm=["b"], autoAfterMs=500)])
    play = started(world)
    assert tick(world, play, 999).log == ()
    assert tick(world, play, 1000).state == "b"
    later = tick(world, play, 1700)
    assert (later.state, later.log, later.ms) == ("c", ("fall", "drift"), 200)


def test_the_earliest_due_auto_event_fires_first_ties_in_world_order() -> None:
    world = build_world([ev("late", "c", autoAfterMs=900), ev("tie one", "b", autoAfterMs=400),
                         ev("tie two", "c", autoAfterMs=400)])
    assert tick(world, started(world), 5000).log == ("tie one",)


def test_a_locked_auto_event_does_not_fire() -> None:
    world = build_world([ev("alarm", "b", autoAfterMs=100, requires=["noise"])])
    assert tick(world, started(world), 5000).state == "a"


def test_firing_anything_postpones_pending_auto_events() -> None:
    world = build_world([ev("look", grants=["seen"]), ev("collapse", "b", autoAfterMs=1000)])
    play = fired(world, tick(world, started(world), 800), "look")
    assert tick(world, play, 800).state == "a"
    assert tick(world, play, 1000).state == "b"


def test_a_repeating_auto_override_fires_once_per_period() -> None:
    world = build_world([ev("drip", autoAfterMs=300)])
    play = tick(world, started(world), 1000)
    assert (play.log, play.ms) == (("drip", "drip", "drip"), 100)


def test_a_long_tick_over_a_repeating_event_fires_every_repeat() -> None:
    world = build_world([ev("pace", "loop", frm=["a"], autoAfterMs=300)],
                        cutscenes=[{"id": "loop", "video": "pace.mp4", "from": "a", "to": "a"}])
    play = tick(world, started(world), 1_000_000)
    assert (play.log, play.clips, play.ms) == (("pace",) * 3333, ("loop",) * 3333, 100)


def test_a_zero_delay_loop_stops_firing_for_the_rest_of_the_tick() -> None:
    world = build_world([ev("there", "b", autoAfterMs=0), ev("back", "a", frm=["b"], autoAfterMs=0)])
    play = tick(world, started(world), 50)
    assert play.log == ("there", "back")
    assert (play.state, play.ms) == ("a", 50)


def test_a_hidden_auto_event_fired_by_name_is_waiting_for_it() -> None:
    world = build_world([ev("fall", "b", hidden=True, autoAfterMs=1000, grants=["bruise"])])
    play = started(world)
    assert fired(world, play, "fall") == tick(world, play, 1000)


def test_a_hidden_auto_event_behind_an_earlier_one_cannot_be_fired() -> None:
    world = build_world([ev("trap", "c", hidden=True, autoAfterMs=100),
                         ev("rescue", "b", hidden=True, autoAfterMs=5000)])
    play = started(world)
    assert failure(world, play, "rescue").kind == "hidden"
    assert fired(world, play, "trap").state == "c"


def test_a_negative_tick_is_misuse() -> None:
    world = build_world([])
    with pytest.raises(InterpreterError, match="non-negative"):
        tick(world, started(world), -1)


# -- step --------------------------------------------------------------------------------------


def test_step_is_the_move_fire_makes() -> None:
    world = cutscene_world()
    event = world["scene"]["events"][1]
    after = step(world, Config("a", frozenset({"x"})), event)
    assert after == Config("c", frozenset({"x", "torch"}))
    assert after.clip == "stairs"


@pytest.mark.parametrize(
    ("config", "index"),
    [(Config("a"), 0), (Config("b"), 1), (Config("a", used=frozenset({"once"})), 2)],
)
def test_step_refuses_an_illegal_move(config: Config, index: int) -> None:
    world = build_world([ev("locked", "b", requires=["key"]), ev("here only", "c"), ev("once", oneShot=True)])
    with pytest.raises(InterpreterError):
        step(world, config, world["scene"]["events"][index])


def test_the_module_example_runs() -> None:
    assert doctest.testmod(play_module).failed == 0
