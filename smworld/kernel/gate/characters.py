"""``control-character``: characters a world never needs, in any field the contract declares.

Refused (:mod:`smworld.kernel.text`): NUL and the other C0 controls, DEL, the C1 controls, and the
bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can disguise
the text around them. Tab and line feed are allowed in multi-line text — prose (``base``, ``detail``,
``camera``, ``movement``, ``ambient``, phases, templates and fills), ``narration``, ``lockedHint``,
``description``, story and console text, objective text — and nowhere else: ids (state ids included,
as keys), event names, flags, labels, titles, hotkeys and references are one line. Every string the
model declares is checked (the model is the list of fields); unknown keys are the author's own data
and are kept as they are.

One finding per field, at the field's path (``states.hall.base``, ``events.open door.name``,
``cutscenes.intro.label``; a state id at ``states.<id>``), naming the first refused character by its
code point. A world's states and events are encoded at C speed and searched for the escapes and bytes
these characters make; only an item that may hold one is walked field by field, so a clean world
costs one pass. The write gate re-checks exactly the items a batch touched.
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Iterator
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

import msgspec

from .. import model
from ..codec import json_path
from ..diagnostics import Diagnostic, Loc
from ..text import clip, control_character_problem, shown
from ..world import event_path, item_path, state_path
from . import scope as scopes
from .rules import Check, Rule, Want
from .scope import Scope
from .view import Rows, View

__all__ = ["CHECKS", "MULTILINE_FIELDS", "RULES"]

CONTROL_CHARACTER = Rule("control-character", "error",
                         "A field holds a control character or a bidirectional override, which can disguise text.")
RULES = (CONTROL_CHARACTER,)

MULTILINE_FIELDS = frozenset({
    "base", "detail", "camera", "movement", "ambient", "narration", "lockedHint", "description", "text",
    "greeting", "persona", "logline", "summary", "arc", "subject", "styleTail", "action", "outcome",
})
"""Fields whose text may hold tab and line feed (prose and display copy); their parts inherit it."""
_INHERITED = frozenset({"static", "dynamic", "template", "fill"})

class Found(NamedTuple):
    """A string the contract declares: where it is inside its item, and how it may be written."""

    parts: tuple[str | int, ...]
    value: str
    multiline: bool
    key: str | None = None
    """What the string names when it is an object key (``slot name``)."""
    slot: tuple[Any, str] | None = None
    """``(template, slot name)`` when the string is a slot's fill: the finding's ``loc``."""


def _run(view: View, scope: Scope | None, want: Want) -> list[Diagnostic]:
    if "error" not in want:
        return []
    found: list[Diagnostic] = []
    states = view.state_rows(scope)
    for row in _suspects(states):
        sid = states.keys[row]
        if not isinstance(sid, str):
            continue
        problem = control_character_problem(sid, f"The state id {shown(sid)}")
        if problem is not None:
            found.append(CONTROL_CHARACTER.at(state_path(sid), problem))
        for string in _strings(states.items[row], model.State):
            found.extend(_finding(state_path(sid) + _rest(string.parts), string))
    events = view.event_rows(scope)
    for row in _suspects(events):
        event, index = events.items[row], events.keys[row]
        for string in _strings(event, model.Event):
            found.extend(_finding(event_path(event, index) + _rest(string.parts), string))
    if scope is None or scope.world:
        found.extend(_world(view))
    return found


def _world(view: View) -> Iterator[Diagnostic]:
    top = {key: value for key, value in view.world.items() if key != "scene"}
    if _hits(top) == (False, False):
        return
    for string in _strings(top, model.World):
        head, rest = string.parts[0], string.parts[1:]
        if head in ("cutscenes", "sequences", "missions") and rest and isinstance(rest[0], int):
            item = view.world[head][rest[0]]
            path = item_path(str(head), item, rest[0]) + _rest(rest[1:])
        else:
            path = json_path(string.parts)
        yield from _finding(path, string)


def _finding(path: str, string: Found) -> Iterator[Diagnostic]:
    value, slot = string.value, string.slot
    if string.key is not None:
        field = f"The {string.key} {shown(value)} in {clip(path, 120)}"
    elif slot is not None:
        field = f"{clip(path, 120)} (slot {shown(slot[1])})"
    else:
        field = clip(path, 120)
    problem = control_character_problem(value, field, string.multiline)
    if problem is None:
        return
    loc = None if slot is None else Loc(field=json_path(string.parts), slot=slot[1], fill=value,
                                        template=slot[0] if isinstance(slot[0], str) else "")
    yield CONTROL_CHARACTER.at(path, problem, loc)


def _rest(parts: tuple[str | int, ...]) -> str:
    rest = json_path(parts)
    return rest if not rest or rest.startswith("[") else f".{rest}"


# --- the C-speed filter --------------------------------------------------------------------------
# In JSON a control character is an escape (``\u0000``, ``\n``, …); DEL, the C1 controls and the bidi
# characters are raw UTF-8 bytes. Tab and line feed are "soft": refused only in one-line fields.

_HARD_ESCAPE = re.compile(rb"\\(?:u00[01]|u007[fF]|[bfr])")
_SOFT_ESCAPE = re.compile(rb"\\[nt]")
_WIDE = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")
_encode = msgspec.json.Encoder().encode


def _hits(value: Any) -> tuple[bool, bool]:
    """Whether ``value`` as JSON may hold a refused character (hard), and a tab or line feed (soft).
    False positives (an escaped backslash before ``n``) only cost a walk."""
    try:
        blob = _encode(value)
    except (TypeError, ValueError, OverflowError, RecursionError):
        return True, True
    escapes = b"\\" in blob
    hard = escapes and _HARD_ESCAPE.search(blob) is not None
    if not hard:
        hard = b"\x7f" in blob if blob.isascii() else _WIDE.search(blob) is not None
    return hard, escapes and _SOFT_ESCAPE.search(blob) is not None


def _one_line_part(item: Any) -> Any:
    """An item without its top-level multi-line fields: what a tab or line feed may not be in."""
    return {key: value for key, value in item.items() if key not in MULTILINE_FIELDS} if isinstance(item, dict) \
        else item


def _suspects(rows: Rows) -> list[int]:
    """The rows whose id or item may hold a refused character: one encoding of them all, then one per
    item only when that found something (a tab or line feed only in an item's one-line fields)."""
    keys = [row for row, key in enumerate(rows.keys) if type(key) is str and not key.isprintable()]
    hard, soft = _hits(rows.items)
    if soft and not hard:  # line feeds in prose are common: look again at the one-line fields only
        soft = _hits(list(map(_one_line_part, rows.items)))[1]
    if not hard and not soft:
        return keys
    found = set(keys)
    for row, item in enumerate(rows.items):
        item_hard, item_soft = _hits(item)
        if item_hard or (item_soft and _hits(_one_line_part(item))[1]):
            found.add(row)
    return sorted(found)


# --- the walk, guided by the model -----------------------------------------------------------------


class _Node:
    """What a value at one place of the model may be: a string, a Struct (its fields), a list or a
    dict of something, a factored field. Compiled once per annotation."""

    __slots__ = ("factored", "fields", "items", "string", "values")

    def __init__(self) -> None:
        self.string = False
        self.factored = False
        self.fields: tuple[tuple[str, _Node, bool], ...] | None = None
        self.items: _Node | None = None
        self.values: _Node | None = None


@functools.cache
def _node(annotation: Any) -> _Node:
    node = _Node()
    for member in _members(annotation):
        origin = get_origin(member)
        if member is str or (origin is Literal and any(isinstance(v, str) for v in get_args(member))):
            node.string = True
        elif member is model.Factored:
            node.factored = True
        elif isinstance(member, type) and issubclass(member, msgspec.Struct):
            node.fields = tuple((info.encode_name, _node(info.type), info.encode_name in MULTILINE_FIELDS)
                                for info in msgspec.structs.fields(member))
        elif origin is list:
            node.items = _node(get_args(member)[0])
        elif origin is dict:
            node.values = _node(get_args(member)[1])
    return node


def _members(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(member for arg in get_args(annotation) for member in _members(arg))
    return (annotation,)


def _strings(value: Any, annotation: Any) -> list[Found]:
    found: list[Found] = []
    _walk(value, _node(annotation), (), False, found)
    return found


def _walk(value: Any, node: _Node, parts: tuple[str | int, ...], multiline: bool, found: list[Found]) -> None:
    if isinstance(value, str):
        if node.string:
            found.append(Found(parts, value, multiline))
    elif isinstance(value, dict):
        if node.factored:
            _factored(value, parts, found)
        elif node.fields is not None:
            for name, child, text in node.fields:
                if name in value:
                    _walk(value[name], child, (*parts, name), text or (multiline and name in _INHERITED), found)
        elif node.values is not None:
            for key, item in value.items():
                if isinstance(key, str):
                    found.append(Found((*parts, key), key, False, "key"))
                _walk(item, node.values, (*parts, key), multiline, found)
    elif isinstance(value, list) and node.items is not None:
        for index, item in enumerate(value):
            _walk(item, node.items, (*parts, index), multiline, found)


def _factored(value: dict[str, Any], parts: tuple[str | int, ...], found: list[Found]) -> None:
    """A factored field, reported at the field itself: its template, slot names, fills (with ``loc``)
    and slot types."""
    template, slots = value.get("template"), value.get("slots")
    if isinstance(template, str):
        found.append(Found(parts, template, True))
    for name, slot in slots.items() if isinstance(slots, dict) else ():
        if not isinstance(name, str):
            continue
        found.append(Found(parts, name, False, "slot name"))
        fill, kind = (slot.get("fill"), slot.get("type")) if isinstance(slot, dict) else (None, None)
        if isinstance(fill, str):
            found.append(Found(parts, fill, True, slot=(template, name)))
        if isinstance(kind, str):
            found.append(Found(parts, kind, False))


CHECKS = (Check(RULES, _run, scopes.items),)
