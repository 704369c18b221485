"""Doctrine for prompt prose: ``negation``, ``whiteout``, ``lethal-override``, ``budget``, ``intent``.

Prompt prose is what the world model reads: a state's ``base``, ``camera.*``, ``movement.*`` and
``ambient`` lines; an event's ``base``, ``detail``, ``camera``, ``movement`` and each phase's ``base``.
Which families apply depends on the field (``camera`` is exempt from negation; only transitions are
checked for white-outs, only overrides for killing). Factored fields are read as rendered text, and a
hit inside a fill reports which slot it came from.

Fields are scanned column by column (one field of every state or event in the run): the distinct
texts of a column are joined and searched once for candidate hits (see :mod:`.lexicon`), then each
candidate is checked precisely, reporting the first hit per family and field.

Readings where ``gate.md`` leaves room: intent applies to every prompt field, ``camera`` included
(only negation exempts it); "peaceful" is flagged as intent; "the player should/must/will" also
matches "players will"; "gun(s) … down" allows up to three words in between; curly apostrophes
count ("don’t"). A broken factored field is read as its raw template (the ``template`` rule reports
it) and counts that way toward the budget.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add
from typing import Any

from ..diagnostics import Diagnostic, Loc
from ..prose import Rendered, TemplateError, render, render_text
from ..text import shown
from ..world import event_path, state_path
from . import scope as scopes
from .lexicon import ALL, ERRORS, FAMILIES, INTENT, LETHAL, NEGATION, WHITEOUT, first_hit, prefilter
from .rules import Check, Rule, Want
from .scope import Scope
from .view import Rows, View, column

__all__ = ["CHECKS", "PROMPT_BUDGET", "RULES"]

PROMPT_BUDGET = 1900
"""The longest assembled state prompt, in characters."""

NEGATION_RULE = Rule("negation", "error", "A negation word appears in prompt prose the model reads.")
WHITEOUT_RULE = Rule("whiteout", "error", "A transition's base/detail asks for a white-out.")
LETHAL_OVERRIDE = Rule("lethal-override", "error", "An override's base/detail depicts killing.")
BUDGET = Rule("budget", "error", f"A state's assembled prompt is longer than {PROMPT_BUDGET} characters.")
INTENT_RULE = Rule("intent", "warning", "Prompt prose states authorial intent rather than pixels.")
RULES = (NEGATION_RULE, WHITEOUT_RULE, LETHAL_OVERRIDE, BUDGET, INTENT_RULE)

_RULES = {NEGATION: NEGATION_RULE, WHITEOUT: WHITEOUT_RULE, LETHAL: LETHAL_OVERRIDE, INTENT: INTENT_RULE}
_SPOKEN = NEGATION | INTENT
_KIND_FAMILIES = {"transition": WHITEOUT, "override": LETHAL}

Hit = tuple[int, str, int, str, Loc | None]
"""``(owner row, field, family, matched text, loc)``."""


@dataclass(frozen=True, slots=True)
class _Column:
    """One prose field across rows: rendered texts ("" where absent or not prose) and where each
    text belongs. ``owners`` None: text ``i`` is row ``i``'s ``field``; otherwise text ``i`` is item
    ``positions[i]`` of a list field of row ``owners[i]``, named ``field.format(positions[i])``."""

    texts: list[str]
    rendered: dict[int, Rendered]
    field: str
    owners: list[int] | None = None
    positions: list[int] | None = None

    def place(self, slot: int) -> tuple[int, str]:
        """The row and field of text ``slot``."""
        if self.owners is None or self.positions is None:
            return slot, self.field
        return self.owners[slot], self.field.format(self.positions[slot])


def _column(values: list[Any], field: str, owners: list[int] | None = None,
            positions: list[int] | None = None) -> _Column:
    """Read a column of prose values as text; factored fields are rendered (broken ones read raw)."""
    if set(map(type, values)) <= {str}:
        return _Column(values, {}, field, owners, positions)
    rendered: dict[int, Rendered] = {}
    texts = [value if type(value) is str else "" if value is None else _text(value, i, rendered)
             for i, value in enumerate(values)]
    return _Column(texts, rendered, field, owners, positions)


def _text(value: Any, slot: int, rendered: dict[int, Rendered]) -> str:
    if not isinstance(value, dict):
        return ""
    try:
        found = render(value)
    except TemplateError:
        return render_text(value)  # the `template` rule reports it; read the raw template meanwhile
    if found is None:
        return ""
    if found.spans:
        rendered[slot] = found
    return found.text


def _hits(prose: _Column, want: int, mask_of: Callable[[int], int]) -> Iterator[Hit]:
    """The first hit per family in each field of a column whose families (``mask_of(row)``) are wanted.

    Worlds repeat prose (a detail line, a movement), so each distinct text is scanned once."""
    suspects = _suspects(list(dict.fromkeys(prose.texts)), want)
    if not suspects:
        return
    found: dict[tuple[str, int], tuple[int, int, str] | None] = {}
    for slot in [i for i, text in enumerate(prose.texts) if text in suspects]:
        owner, field = prose.place(slot)
        families = mask_of(owner) & want
        text = prose.texts[slot]
        for family in FAMILIES:
            if family & families:
                if (text, family) not in found:
                    found[text, family] = first_hit(family, text, text.lower())
                hit = found[text, family]
                if hit is not None:
                    yield owner, field, family, hit[2], _loc(field, prose.rendered.get(slot), hit)


def _suspects(texts: list[str], want: int) -> set[str]:
    """The texts that may hold a hit: one candidate pass over all of them joined."""
    joined = "\x00" + "\x00".join(texts)
    folded = joined.lower()
    if len(folded) != len(joined):
        return set(texts)
    starts = [m.start() for m in prefilter(want).finditer(folded)]
    if not starts:
        return set()
    ends = list(accumulate(map(add, map(len, texts), repeat(1))))
    return {texts[bisect_right(ends, start)] for start in starts}


def _always(mask: int) -> Callable[[int], int]:
    """A field mask that does not depend on the row."""
    return lambda _: mask


def _loc(field: str, rendered: Rendered | None, hit: tuple[int, int, str]) -> Loc | None:
    if rendered is None:
        return None
    slot = rendered.slot_at(hit[0], hit[1])
    for start, end, name in rendered.spans:
        if name == slot:
            return Loc(field=field, template=rendered.template or "", slot=slot, fill=rendered.text[start:end])
    return None


def _flatten(lists: list[Any], field: str, key: str | None = None) -> _Column:
    """The items of a list field (``ambient`` lines, or phases' ``key``) of every row as one column;
    ``field`` is a format string for the item's index (``ambient[{}]``)."""
    rows = [(owner, items) for owner, items in enumerate(lists) if type(items) is list and items]
    owners = [owner for owner, items in rows for _ in items]
    positions = [i for _, items in rows for i in range(len(items))]
    if key is None:
        values = [item for _, items in rows for item in items]
    else:
        values = [item.get(key) if isinstance(item, dict) else None for _, items in rows for item in items]
    return _column(values, field, owners, positions)


def _run(view: View, scope: Scope | None, want: Want) -> list[Diagnostic]:
    families = ALL if "warning" in want else ERRORS
    return [*_states(view.state_rows(scope), families, "error" in want), *_events(view.event_rows(scope), families)]


def _states(rows: Rows, families: int, budget: bool) -> list[Diagnostic]:
    cameras, movements = rows.column("camera"), rows.column("movement")
    spoken = [
        _column(rows.column("base"), "base"),
        _column(column(movements, "static"), "movement.static"),
        _column(column(movements, "dynamic"), "movement.dynamic"),
        _flatten(rows.column("ambient"), "ambient[{}]"),
    ]
    framing = [_column(column(cameras, "static"), "camera.static"),
               _column(column(cameras, "dynamic"), "camera.dynamic")]
    found = _budget(rows, spoken + framing) if budget else []
    for prose, mask in [(p, _SPOKEN) for p in spoken] + [(p, INTENT) for p in framing]:
        if not mask & families:
            continue
        for owner, field, family, word, loc in _hits(prose, families, _always(mask)):
            found.append(_RULES[family].at(state_path(rows.keys[owner], field), _message(family, field, word), loc))
    return found


def _budget(rows: Rows, columns: list[_Column]) -> list[Diagnostic]:
    """States whose assembled prompt is over budget.

    The length is ``len(prose.assembled_prompt(state))`` — non-empty parts joined by single spaces —
    computed from the columns already rendered for the word lints instead of rendering every state
    again; a property test pins the two together."""
    totals, parts = [0] * len(rows.keys), [0] * len(rows.keys)
    for prose in columns:
        sizes = list(map(len, prose.texts))
        if prose.owners is None:
            totals = list(map(add, totals, sizes))
            parts = list(map(add, parts, map(bool, sizes)))
        else:
            for owner, size in zip(prose.owners, sizes, strict=True):
                if size:
                    totals[owner] += size
                    parts[owner] += 1
    found = []
    for sid, total, count in zip(rows.keys, totals, parts, strict=True):
        length = total + count - 1
        if length > PROMPT_BUDGET:
            found.append(BUDGET.at(state_path(sid),
                                   f"The assembled prompt is {length} characters, over the {PROMPT_BUDGET}-character "
                                   f"budget; cut {length - PROMPT_BUDGET} characters from base, camera, movement or "
                                   "ambient prose."))
    return found


def _events(rows: Rows, families: int) -> list[Diagnostic]:
    kinds = rows.column("kind")

    def spoken(owner: int) -> int:
        kind = kinds[owner]
        return _SPOKEN | (_KIND_FAMILIES.get(kind, 0) if type(kind) is str else 0)

    columns: list[tuple[_Column, Callable[[int], int]]] = [
        (_column(rows.column("base"), "base"), spoken),
        (_column(rows.column("detail"), "detail"), spoken),
    ]
    if families & INTENT:
        columns += [
            (_column(rows.column("camera"), "camera"), _always(INTENT)),
            (_column(rows.column("movement"), "movement"), _always(INTENT)),
            (_flatten(rows.column("phases"), "phases[{}].base", "base"), _always(INTENT)),
        ]
    return [
        _RULES[family].at(event_path(rows.items[owner], rows.keys[owner], field), _message(family, field, word), loc)
        for prose, mask_of in columns
        for owner, field, family, word, loc in _hits(prose, families, mask_of)
    ]


def _message(family: int, field: str, word: str) -> str:
    if family == NEGATION:
        return (f'`{field}` says {shown(word)}, and a world model renders what it is told to leave out; describe what '
                "is in the frame instead.")
    if family == WHITEOUT:
        return (f'`{field}` asks for a white-out ({shown(word)}), which the world model cannot recover a scene from; '
                "describe a visible change of place instead.")
    if family == LETHAL:
        return (f'`{field}` depicts killing ({shown(word)}); show the threat or its aftermath instead (bare "dead", '
                '"shot" and "corpse" are allowed).')
    return f'`{field}` states intent ({shown(word)}) rather than pixels; describe what the camera sees instead.'


CHECKS = (Check(RULES, _run, scopes.items),)
