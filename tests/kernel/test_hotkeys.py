"""The hotkey grammar: a table of inputs and what they parse to."""

from __future__ import annotations

import pytest

from smworld.kernel.hotkeys import Hotkey, parse_hotkey


@pytest.mark.parametrize(
    ("text", "expected", "reserved"),
    [
        ("e", Hotkey("letter", "e"), False),
        ("E", Hotkey("letter", "e"), False),
        ("7", Hotkey("digit", "7"), False),
        ("Enter", Hotkey("named", "Enter"), False),
        ("return", Hotkey("named", "Enter"), False),
        ("Esc", Hotkey("named", "Escape"), False),
        ("F1", Hotkey("named", "F1"), False),
        ("f12", Hotkey("named", "F12"), False),
        ("PageDown", Hotkey("named", "PageDown"), False),
        ("w", Hotkey("letter", "w"), True),
        ("D", Hotkey("letter", "d"), True),
        (" ", Hotkey("named", "Space"), True),
        ("Space", Hotkey("named", "Space"), True),
        ("ArrowLeft", Hotkey("named", "ArrowLeft"), True),
        ("up", Hotkey("named", "ArrowUp"), True),
        ("Shift", Hotkey("named", "Shift"), True),
    ],
)
def test_one_key_parses(text: str, expected: Hotkey, reserved: bool) -> None:
    parsed = parse_hotkey(text)
    assert parsed == expected
    assert parsed.reserved is reserved


@pytest.mark.parametrize("text", ["", "ee", "F13", "F0", "Ente", "1 ", "ctrl+e", "é", "{", "Enter!"])
def test_more_or_less_than_one_key_is_refused(text: str) -> None:
    assert parse_hotkey(text) is None
