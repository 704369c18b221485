"""Text a user sent, as the kernel judges it and as it quotes it back.

Characters a world never needs (``control_character_problem``, the gate's ``control-character``
rule): NUL and every other C0 control character (U+0000–U+001F), DEL (U+007F), the C1 controls
(U+0080–U+009F), and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
U+2066–U+2069), which reorder how the text around them is displayed and so can disguise it. Tab and
line feed are the two exceptions, and only in multi-line text (prose, narration, hints and other
display copy): ids, names, flags, labels, titles and references are one line.

Quoting user text (``shown``): a message that echoes a value the user sent shows at most
:data:`SHOWN_CHARS` characters of it, with the refused characters written as ``\\uXXXX`` escapes, so
an error stays short whatever the input and never carries a character that disguises it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import msgspec

__all__ = ["LISTED_ITEMS", "SHOWN_CHARS", "character_name", "clip", "control_character_problem",
           "first_control_character", "listed", "shown"]

SHOWN_CHARS = 80
"""The most characters of a user's value a message quotes."""

_REFUSED = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_IN_TEXT = re.compile(f"[{_REFUSED}]")
_IN_LINE = re.compile(f"[\t\n{_REFUSED}]")

_C0 = ("NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
       "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
       "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
       "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
       "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
       "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
       "INFORMATION SEPARATOR ONE")


def character_name(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``, ``U+0000 NULL``: a character by its code point and name."""
    point = ord(char)
    if point < 0x20:
        name = _C0[point]
    elif point == 0x7F:
        name = "DELETE"
    elif 0x80 <= point <= 0x9F:
        name = "NEXT LINE" if point == 0x85 else "C1 CONTROL CHARACTER"
    else:
        name = unicodedata.name(char, "")
    return f"U+{point:04X} {name}".rstrip()


def first_control_character(value: str, multiline: bool = False) -> str | None:
    """The first refused character in ``value`` (tab and line feed are allowed when ``multiline``)."""
    if value.isprintable():  # the common case, at C speed: no control, format or separator character
        return None
    found = (_IN_TEXT if multiline else _IN_LINE).search(value)
    return found.group() if found is not None else None


def control_character_problem(value: str, field: str, multiline: bool = False) -> str | None:
    """A sentence naming ``field`` and the first refused character in ``value``, or None when it has none.

    ``multiline`` allows tab and line feed (prose and display copy); ids, names and labels are one
    line. The shell calls this for request fields that are not world fields (a world's name, a
    premise); the gate's ``control-character`` rule uses it for every field of a world.

    >>> control_character_problem("a hall\\u202e", "states.hall.base", multiline=True)
    'states.hall.base contains U+202E RIGHT-TO-LEFT OVERRIDE, which can disguise the text around it; remove it.'
    """
    char = first_control_character(value, multiline)
    if char is None:
        return None
    if char in "\t\n":
        why = "but it holds one line of text"
    elif "\u202a" <= char <= "\u2069":
        why = "which can disguise the text around it"
    else:
        why = "a control character that cannot be displayed"
    return f"{field} contains {character_name(char)}, {why}; remove it."


_ESCAPE = re.compile(f"[\t\n\r{_REFUSED}]")


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """At most ``limit`` characters of ``text``, then ``…``; control and bidi characters (and tab, line
    feed, carriage return) written as ``\\uXXXX`` escapes, which count toward the limit."""
    head = text[:limit]
    if head.isprintable():
        return f"{head}…" if len(text) > limit else head
    out: list[str] = []
    size = 0
    for char in head:
        piece = f"\\u{ord(char):04x}" if _ESCAPE.match(char) else char
        size += len(piece)
        if size > limit:
            return "".join(out) + "…"
        out.append(piece)
    return "".join(out) + ("…" if len(text) > limit else "")


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """A user's value as a message quotes it: a string in double quotes (:func:`clip`), anything else as
    its JSON, clipped the same way."""
    if isinstance(value, str):
        return f'"{clip(value, limit)}"'
    try:
        encoded = msgspec.json.encode(value)
    except (TypeError, ValueError, RecursionError, OverflowError):
        encoded = repr(value).encode()
    head = encoded[: limit * 4 + 4].decode("utf-8", "ignore")
    return clip(head if len(encoded) <= limit * 4 + 4 else head + " ", limit)


LISTED_ITEMS = 10
"""The most items of a user's list a message names."""


def listed(values: Iterable[Any], limit: int = LISTED_ITEMS, quoted: bool = True) -> str:
    """``"a", "b", "c"`` — each value :func:`shown` (``quoted`` False: :func:`clip`, for identifiers), at most
    ``limit`` of them, then ``and 7 more``; ``none`` when there are none."""
    items = list(values)
    head = ", ".join(shown(value) if quoted else clip(str(value)) for value in items[:limit])
    rest = len(items) - limit
    return f"{head} and {rest:,} more" if rest > 0 else head or "none"
