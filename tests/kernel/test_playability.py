"""The playability verdict: a world passing every check, then each check failing on its own."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from smworld.kernel.gate import validate
from smworld.kernel.playability import CHECKS, Verdict, verdict

from .test_play import ev

NAMES = [check.name for check in CHECKS]
WEIGHTS = {check.name: check.weight for check in CHECKS}


def castle() -> dict[str, Any]:
    """Gate-clean and playable: fetch a key in the armory, open the vault; the pit loses."""
    return {
        "entrance": {"state": "courtyard"},
        "scene": {
            "states": {
                "courtyard": {"base": "a cold stone courtyard under grey morning light, an iron gate ahead"},
                "armory": {"base": "a narrow armory with racks of rusted swords and a brass key on a hook"},
                "tower": {"base": "a windy tower top with a view over pine forests and a rope bridge"},
                "vault": {"base": "a vault of gold coins glowing under a hanging lantern",
                          "ending": {"kind": "win", "title": "Rich"}},
                "pit": {"base": "a deep dark pit with wet mossy walls far below",
                        "ending": {"kind": "lose", "title": "Fallen"}},
            },
            "events": [
                ev("enter armory", "armory", frm=["courtyard"], hotkey="e"),
                ev("leave armory", "courtyard", frm=["armory"], hotkey="q"),
                ev("take key", frm=["armory"], kind="override", grants=["key"], oneShot=True, hotkey="t"),
                ev("climb tower", "tower", frm=["courtyard"], hotkey="c"),
                ev("descend", "courtyard", frm=["tower"], hotkey="q"),
                ev("open vault", "vault", frm=["tower"], requires=["key"], lockedHint="It is locked.",
                   hotkey="o"),
                ev("jump", "pit", frm=["tower"], hotkey="j"),
            ],
        },
    }


def events_of(world: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = world["scene"]["events"]
    return events


def states_of(world: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = world["scene"]["states"]
    return found


def too_small(world: dict[str, Any]) -> None:
    """Four states: the tower's events move to the courtyard."""
    del states_of(world)["tower"]
    for event in events_of(world):
        event["from"] = ["courtyard" if source == "tower" else source for source in event["from"]]
    events_of(world)[:] = [event for event in events_of(world)
                           if event["name"] not in ("climb tower", "descend")]
    events_of(world).append(ev("rest", frm=["courtyard"], kind="override", hotkey="r"))
    events_of(world)[4]["hotkey"] = "v"  # open vault: the tower's hotkeys now share the courtyard


def no_lose_ending(world: dict[str, Any]) -> None:
    del states_of(world)["pit"]["ending"]
    events_of(world).append(ev("climb out", "courtyard", frm=["pit"], hotkey="u"))


def short_entrance(world: dict[str, Any]) -> None:
    states_of(world)["courtyard"]["base"] = "a courtyard"


def unreachable_state(world: dict[str, Any]) -> None:
    states_of(world)["garden"] = {"base": "a walled garden of roses in soft evening light"}
    events_of(world).append(ev("garden gate", "courtyard", frm=["garden"], hotkey="g"))


def dead_end(world: dict[str, Any]) -> None:
    states_of(world)["closet"] = {"base": "a cramped closet full of old brooms and buckets"}
    events_of(world).append(ev("hide", "closet", frm=["armory"], hotkey="h"))


def gate_error(world: dict[str, Any]) -> None:
    states_of(world)["armory"]["base"] = "a narrow armory with no windows and racks of rusted swords"


def unwinnable(world: dict[str, Any]) -> None:
    """The key needs a lamp and the lamp needs the key: both are granted, neither obtainable."""
    take = events_of(world)[2]
    take["requires"] = ["lamp"]
    events_of(world).append(ev("light lamp", frm=["armory"], kind="override", requires=["key"],
                               grants=["lamp"], hotkey="l"))


def test_a_playable_world_passes_every_check() -> None:
    world = castle()
    assert validate(world).ok
    assert verdict(world) == Verdict(score=100, passed=NAMES, failed=[])


def test_the_weights_sum_to_100_and_the_names_are_stable() -> None:
    assert sum(WEIGHTS.values()) == 100
    assert NAMES == ["size", "branch-point", "endings", "entrance-prose", "all-reachable", "no-dead-ends",
                     "gate-clean", "winnable"]


@pytest.mark.parametrize(
    ("breaks", "check"),
    [
        (too_small, "size"),
        (no_lose_ending, "endings"),
        (short_entrance, "entrance-prose"),
        (unreachable_state, "all-reachable"),
        (dead_end, "no-dead-ends"),
        (gate_error, "gate-clean"),
        (unwinnable, "winnable"),
    ],
)
def test_each_check_fails_on_its_own(breaks: Callable[[dict[str, Any]], None], check: str) -> None:
    world = castle()
    breaks(world)
    before = copy.deepcopy(world)
    result = verdict(world)
    assert result.failed == [check]
    assert result.passed == [name for name in NAMES if name != check]
    assert result.score == 100 - WEIGHTS[check]
    assert world == before


def test_no_branch_point_means_one_line_of_play() -> None:
    """It cannot fail alone: reaching both a win and a lose ending needs a branch somewhere."""
    world = castle()
    events_of(world)[:] = [event for event in events_of(world)
                           if event["name"] not in ("leave armory", "descend", "jump")]
    events_of(world)[2]["from"] = ["armory"]  # climb tower
    result = verdict(world)
    assert result.failed == ["size", "branch-point", "all-reachable"]


def test_an_entrance_template_counts_its_rendered_text() -> None:
    world = castle()
    states_of(world)["courtyard"]["base"] = {
        "template": "a {material} courtyard",
        "slots": {"material": {"fill": "cold grey granite stone under morning light"}},
    }
    assert "entrance-prose" in verdict(world).passed
    states_of(world)["courtyard"]["base"] = {"template": "a {material} courtyard", "slots": {}}
    assert "entrance-prose" in verdict(world).failed


def test_a_world_without_an_entrance_fails_what_needs_one() -> None:
    world = castle()
    del world["entrance"]
    result = verdict(world)
    assert {"entrance-prose", "all-reachable", "gate-clean", "winnable"} <= set(result.failed)


def test_an_inconclusive_proof_is_not_winnable() -> None:
    assert "winnable" in verdict(castle(), proof_bound=2).failed
