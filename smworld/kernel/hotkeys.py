"""Hotkeys: one key a player presses to fire an event.

A hotkey is a letter, a digit, or a named key (``Enter``, ``Escape``, ``Tab``, ``F1``–``F12``, …),
parsed by the lark grammar ``smworld/grammar/hotkey.lark``. Drive keys (``w a s d``, space, the
arrows, shift) move the camera, so they are *reserved*: parseable, but refused by the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Literal

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError

__all__ = ["Hotkey", "parse_hotkey"]

Kind = Literal["letter", "digit", "named"]

_CANONICAL = {
    name.lower(): name
    for name in (
        "Enter", "Escape", "Tab", "Backspace", "Delete", "Insert", "Home", "End", "PageUp", "PageDown",
        "Shift", "Space", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
        *(f"F{n}" for n in range(1, 13)),
    )
}
_ALIASES = {"return": "Enter", "esc": "Escape", "spacebar": "Space", " ": "Space", "up": "ArrowUp",
            "down": "ArrowDown", "left": "ArrowLeft", "right": "ArrowRight"}
_RESERVED = frozenset({"w", "a", "s", "d", "Space", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Shift"})


@dataclass(frozen=True, slots=True)
class Hotkey:
    """A parsed hotkey: ``key`` is canonical (letters lower-case, named keys in their usual spelling)."""

    kind: Kind
    key: str

    @property
    def reserved(self) -> bool:
        """Whether the key drives the camera (``w a s d``, space, arrows, shift)."""
        return self.key in _RESERVED


class _ToHotkey(Transformer[Token, Hotkey]):
    @v_args(inline=True)
    def letter(self, token: Token) -> Hotkey:
        return Hotkey("letter", str(token).lower())

    @v_args(inline=True)
    def digit(self, token: Token) -> Hotkey:
        return Hotkey("digit", str(token))

    @v_args(inline=True)
    def named(self, token: Token) -> Hotkey:
        text = str(token).lower()
        return Hotkey("named", _ALIASES.get(text) or _CANONICAL[text])


_PARSER = Lark(
    resources.files("smworld.grammar").joinpath("hotkey.lark").read_text(encoding="utf-8"),
    parser="lalr",
    transformer=_ToHotkey(),
)


def parse_hotkey(text: str) -> Hotkey | None:
    """The hotkey ``text`` names, or None when it is not exactly one key."""
    if not text:
        return None
    try:
        result = _PARSER.parse(text)
    except LarkError:
        return None
    assert isinstance(result, Hotkey)
    return result
