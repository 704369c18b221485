"""The words and phrases the doctrine lints look for, compiled once at import.

Each family is one alternation of lowercase whole-word forms. A field is checked on its lowercased
text (so "any case" is Unicode lowercase), which keeps match offsets equal to the original's
whenever lowercasing does not change the length (the rare exception falls back to IGNORECASE).

Scanning every prose field with four regexes is the gate's hottest loop, so :func:`prefilter`
builds one combined pattern that finds *candidate* fields in a single pass over all of them joined
by NUL: it requires a non-word character (or the NUL separator) before the word instead of ``\\b``,
which lets the regex engine skip ahead on a character set. It matches wherever a family does, so
only candidate fields are checked precisely.
"""

from __future__ import annotations

import re

__all__ = ["ALL", "ERRORS", "FAMILIES", "INTENT", "LETHAL", "NEGATION", "WHITEOUT", "first_hit", "prefilter"]

# The doctrine word families, as bits of a field's mask (plain ints: masks are combined per field).
NEGATION, WHITEOUT, LETHAL, INTENT = 1, 2, 4, 8
FAMILIES = (NEGATION, WHITEOUT, LETHAL, INTENT)
ERRORS = NEGATION | WHITEOUT | LETHAL
"""The families whose hits are errors (intent is a warning)."""
ALL = ERRORS | INTENT

_APOSTROPHE = "['’]"
_GAP = r"[^\w\x00]+"  # between words: never crosses a field boundary in the joined text

BODIES: dict[int, str] = {
    NEGATION: rf"n(?:o(?:t|ne|thing)?|ever)|without|won{_APOSTROPHE}t|don{_APOSTROPHE}?t"
                     rf"|doesn{_APOSTROPHE}t|can{_APOSTROPHE}t",
    WHITEOUT: r"white[- ]?out|washed[- ]?out|bl(?:inding|own[- ]white|oom(?:ed|ing)?)|over[- ]?exposed",
    LETHAL: rf"kill(?:s|ed|ing)?|shoot(?:s|ing)?|gun(?:s?(?:{_GAP}\w+){{0,3}}?{_GAP}down|ned{_GAP}down)"
                   rf"|execut(?:e|es|ed|ion)|lying{_GAP}on{_GAP}the{_GAP}ground",
    INTENT: rf"(?:the{_GAP})?players?{_GAP}(?:should|must|will)|you{_GAP}(?:feel|reali[sz]e|decide)"
                   rf"|in{_GAP}order{_GAP}to|so{_GAP}that|the{_GAP}(?:goal|objective){_GAP}is"
                   r"|foreshadow(?:s|ed|ing)?|symboli[sz](?:e|es|ed|ing)|represent(?:s|ed|ing)?|peaceful",
}

_EXACT = {family: re.compile(rf"\b(?:{body})\b") for family, body in BODIES.items()}
_FOLDED = {family: re.compile(rf"\b(?:{body})\b", re.IGNORECASE) for family, body in BODIES.items()}
_PREFILTERS = {
    mask: re.compile(
        rf"[^a-z0-9_](?:{'|'.join(BODIES[family] for family in FAMILIES if family & mask)})\b"
    )
    for mask in (ERRORS, ALL)
}


def prefilter(mask: int) -> re.Pattern[str]:
    """The candidate pattern for the families in ``mask`` (all four, or the three error families)."""
    return _PREFILTERS[mask]


def first_hit(family: int, text: str, folded: str) -> tuple[int, int, str] | None:
    """The first whole-word hit of ``family`` as ``(start, end, matched text)``, or None.

    ``folded`` is ``text.lower()``; when lowercasing changed the length the original is searched
    case-insensitively so offsets stay true to ``text``.
    """
    match = _EXACT[family].search(folded) if len(folded) == len(text) else _FOLDED[family].search(text)
    if match is None:
        return None
    return match.start(), match.end(), text[match.start():match.end()]
