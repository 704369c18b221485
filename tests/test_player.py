"""The terminal player (``smworld play``): what it shows and what it says when a line does nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from smworld.cli.player import run_player, scene_text
from smworld.kernel.generate import banks, generate

LOCK_HINT = "The vault door is barred. The brass key opens it."


def small_world() -> dict[str, Any]:
    """A hall with a one-shot key, a locked vault (the win), and an attic whose floor gives way by itself."""
    return {
        "schemaVersion": "1.0",
        "entrance": {"state": "hall"},
        "scene": {
            "states": {
                "hall": {"base": "a stone hall with a vaulted roof",
                         "camera": {"static": "wide shot from the doorway, locked off",
                                    "dynamic": "slow dolly forward at walking pace"},
                         "movement": {"static": "the keeper waits by the door, lantern held low",
                                      "dynamic": "the keeper strides across the room"},
                         "ambient": ["dust drifting through the light", "a clock ticking on the wall."],
                         "narration": "The hall."},
                "attic": {"base": "A dusty attic under slanted beams."},
                "vault": {"base": "an open vault full of daylight",
                          "ending": {"kind": "win", "title": "Out"}},
            },
            "events": [
                {"kind": "override", "name": "take the brass key", "from": ["hall"], "hotkey": "k",
                 "base": "the keeper lifts the key", "oneShot": True, "grants": ["key"]},
                {"kind": "transition", "name": "open the vault", "from": ["hall"], "to": "vault", "hotkey": "v",
                 "base": "the keeper opens the vault", "requires": ["key"], "lockedHint": LOCK_HINT},
                {"kind": "transition", "name": "climb to the attic", "from": ["hall"], "to": "attic", "hotkey": "c",
                 "base": "the keeper climbs"},
                {"kind": "transition", "name": "the floor gives way", "from": ["attic"], "to": "hall",
                 "base": "the attic floor sags", "hidden": True, "autoAfterMs": 5000},
            ],
        },
    }


def play(*lines: str, json_lines: bool = False) -> str:
    out = io.StringIO()
    assert run_player(small_world(), io.StringIO("".join(f"{line}\n" for line in lines)), out,
                      json_lines=json_lines) == 0
    return out.getvalue()


def choice_line(output: str, label: str) -> str:
    """The last line that offers ``label``."""
    return [line for line in output.splitlines() if label in line and line.lstrip().startswith("[")][-1]


@pytest.mark.parametrize(("lines", "label", "shown", "not_shown"), [
    ((), "take the brass key", "[1] k", "(done)"),
    ((), "open the vault", f"(locked: {LOCK_HINT})", "not yet"),
    (("k",), "take the brass key", "(done)", "locked"),
    (("1",), "take the brass key", "(done)", "locked"),
    (("k",), "open the vault", "[2] v", "locked"),
])
def test_choices_show_open_locked_and_done(lines: tuple[str, ...], label: str, shown: str, not_shown: str) -> None:
    line = choice_line(play(*lines), label)
    assert shown in line
    assert not_shown not in line


@pytest.mark.parametrize(("lines", "said"), [
    (("wait",), "nothing is pending here"),
    ((".",), "nothing is pending here"),
    (("9",), "there is no choice 9: pick a number from 1 to 3"),
    (("0",), "there is no choice 0: pick a number from 1 to 3"),
    (("xyzzy",), 'no event is called "xyzzy"'),
    (("k", "k"), "is one-shot and has been used"),
    (("v",), "is locked: it requires key"),
])
def test_a_line_that_does_nothing_says_why(lines: tuple[str, ...], said: str) -> None:
    assert said in play(*lines)


def test_waiting_where_something_is_pending_lets_it_happen() -> None:
    output = play("c", "wait")
    assert "nothing is pending" not in output
    assert [line.split()[1] for line in output.splitlines() if line.startswith("── ")] == ["hall", "attic", "hall"]


@pytest.mark.parametrize(("lines", "reason"), [
    (("wait",), "nothing is pending here"),
    (("7",), "there is no choice 7"),
])
def test_json_play_reports_the_same_as_error_messages(lines: tuple[str, ...], reason: str) -> None:
    messages = [json.loads(line) for line in play(*lines, json_lines=True).splitlines()]
    errors = [m for m in messages if m["type"] == "error"]
    assert len(errors) == 1 and errors[0]["reason"].startswith(reason)


def test_the_scene_reads_as_sentences_without_camera_directions() -> None:
    output = play()
    assert ("A stone hall with a vaulted roof. The keeper waits by the door, lantern held low. You notice dust "
            "drifting through the light and a clock ticking on the wall.") in " ".join(output.split())
    for direction in ("wide shot", "locked off", "dolly", "strides across"):
        assert direction not in output


@pytest.mark.parametrize(("state", "text"), [
    ({"base": "a cellar"}, "A cellar."),
    ({"base": "A cellar!"}, "A cellar!"),
    ({"base": {"template": "a {stuff} cellar", "slots": {"stuff": {"fill": "damp"}}}}, "A damp cellar."),
    ({"base": "a cellar", "ambient": ["a drip"]}, "A cellar. You notice a drip."),
    ({"base": "a cellar", "ambient": ["a drip", "a rat", "a draught"]},
     "A cellar. You notice a drip, a rat and a draught."),
    ({"base": "a cellar", "movement": {"static": "the diver kneels"}}, "A cellar. The diver kneels."),
    ({"base": "", "camera": {"static": "close-up"}}, ""),
    ("not a state", ""),
])
def test_scene_text(state: Any, text: str) -> None:
    assert scene_text(state) == text


def test_generated_scenes_show_no_camera_directions() -> None:
    world = generate("a salt mine under a frozen lake", seed=3, size=30)
    for state in world["scene"]["states"].values():
        text = scene_text(state)
        assert text.endswith(".") and state["camera"]["static"] not in text
        assert state["camera"]["dynamic"] not in text and state["movement"]["dynamic"] not in text
        assert not any(frame.split("{")[0] in text for frame in banks.CAMERA_STATIC if "{" not in frame)
