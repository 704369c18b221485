"""English details the generator must get right whatever word a premise brings: "a" or "an".

The article goes by the *sound* of the next word, not its first letter: "an hour", "a unicorn",
"a one-eyed cat", "an umbrella". Spelling only approximates sound, so this is a small set of rules
for the common cases (silent h, "yoo"/"w" sounds of u, eu, one), tested against a table.
"""

from __future__ import annotations

import re

__all__ = ["article", "indefinite"]

_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
_UN_PREFIX = re.compile(r"un(in|im|id|ill)")  # uninhabited, unimportant, unidentified: "un-" + i…
_YOO = re.compile(r"u(ni|s[aeiou]|t[aeiou]|r[aeiou]|b[aeiou]|k[aeiou]|kr|v[aeiou]|g[aeiou]|l[aeiou]|f[aeiou]|z)")
_SPOKEN_LETTER = re.compile(r"[fhlmnrsx](-|$)")  # "an x-ray", "an L-shaped"


def indefinite(phrase: str) -> str:
    """``"a"`` or ``"an"``: the indefinite article for ``phrase``, by the sound of its first word."""
    word = phrase.strip().split(" ", 1)[0].lower() if phrase.strip() else ""
    if not word:
        return "a"
    if _SPOKEN_LETTER.match(word) and (len(word) == 1 or word[1] == "-"):
        return "an"
    if word.startswith(_SILENT_H):
        return "an"
    if word == "one" or word.startswith(("one-", "once", "eu", "ewe")):
        return "a"
    if word.startswith("u"):
        return "an" if _UN_PREFIX.match(word) or not _YOO.match(word) else "a"
    return "an" if word[0] in "aeiou" else "a"


def article(phrase: str) -> str:
    """``phrase`` with "a" or "an" in front ("an edge mosaic", "a unicorn tapestry")."""
    return f"{indefinite(phrase)} {phrase}"
