"""How a world is laid out in the store: a *frame*, one row per state and one row per event.

A 10,000-state world is ~15 MB of JSON, but a single op changes one state or one event. Storing
the document whole made every write cost the whole world; storing it as rows makes a write cost
what it changed:

- the **frame** is the document without ``scene.states`` and ``scene.events`` (name, entrance,
  cutscenes, missions, unknown keys … — small), rewritten only when one of its values changed;
- each **state** is a row ``(ord, id, body)`` and each **event** a row ``(ord, body)``, where
  ``ord`` is an integer that orders the rows. Ords are spaced :data:`GAP` apart, so an event
  inserted between two others takes an ord between theirs and nothing else moves; only when two
  neighbours have no integer left between them is the part renumbered (rewritten) once.

What changed is found by identity, in O(n) pointer comparisons: the kernel's ops are
copy-on-write, so every state and event a batch did not touch is the very object of the world it
was applied to (:func:`change`). A world that is not well formed (no ``scene`` object, ``states``
not an object, ``events`` not a list — the gate refuses these, but a stored document must round
trip whatever it is) is kept whole in its frame, with no rows.

The functions here are pure and shared by every store adapter: the adapters only move
:class:`Rows` and :class:`RowChange` in and out of their tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, count, islice
from operator import is_, is_not
from typing import Any

import msgspec

from smworld.kernel.touched import Touched

__all__ = [
    "GAP",
    "Layout",
    "RowChange",
    "Rows",
    "change",
    "document",
    "frame_with",
    "layout_of",
    "replace",
    "scene_parts",
    "split",
]

GAP = 1 << 16
"""The distance between the ords of neighbouring rows when they are (re)numbered."""

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()
_frame_decoder = msgspec.json.Decoder(dict[str, msgspec.Raw])

StateRow = tuple[int, str, bytes]
"""``(ord, state id, body)``."""
EventRow = tuple[int, bytes]
"""``(ord, body)``."""


@dataclass(frozen=True)
class Rows:
    """A whole world as rows. ``split``: whether states and events live in rows (else the frame is
    the whole document)."""

    frame: bytes
    states: Sequence[StateRow] = ()
    events: Sequence[EventRow] = ()
    split: bool = True

    @property
    def size(self) -> int:
        """Bytes of JSON the rows hold (about the size of the document)."""
        return (len(self.frame) + sum(len(body) + len(sid) + 4 for _, sid, body in self.states)
                + sum(len(body) + 1 for _, body in self.events))


@dataclass(frozen=True)
class Layout:
    """Where a decoded world's rows are: each state's ord by id, each event's ord by position (both
    in the world's own order). Shared, never changed: a write that leaves a part alone reuses it."""

    states: Mapping[str, int] = field(default_factory=dict)
    events: Sequence[int] = ()
    split: bool = True


@dataclass(frozen=True)
class RowChange:
    """What one write does to a world's rows: drop ``drop_*`` (by ord), then put ``put_*``.

    ``frame`` is None when the frame is unchanged. ``replace``: drop every row first (a checkout,
    a renumbering) — then ``put_*`` are all the rows.
    """

    frame: bytes | None
    put_states: list[StateRow] = field(default_factory=list)
    drop_states: list[int] = field(default_factory=list)
    put_events: list[EventRow] = field(default_factory=list)
    drop_events: list[int] = field(default_factory=list)
    replace: bool = False
    split: bool = True

    @property
    def rows_written(self) -> int:
        return len(self.put_states) + len(self.put_events) + (self.frame is not None)

    def size_after(self, before: int, rows_before: int) -> int:
        """About how many bytes the world takes once this change is stored, from its size and row
        count ``before`` (a dropped row is counted at the average row size)."""
        written = (sum(len(body) + len(sid) for _, sid, body in self.put_states)
                   + sum(len(body) for _, body in self.put_events) + len(self.frame or b""))
        if self.replace:
            return written
        dropped = (len(self.drop_states) + len(self.drop_events)) * before // max(1, rows_before)
        return max(written, before + written - dropped)


# splitting and assembling ------------------------------------------------------------------------

def _parts(world: Any) -> tuple[dict[str, Any], dict[str, Any], list[Any]] | None:
    """``(frame, states, events)`` of a well-formed world; None when it must be kept whole (not an
    object, no ``scene`` object, or a scene without both a ``states`` object and an ``events`` list)."""
    scene = world.get("scene") if isinstance(world, dict) else None
    if not isinstance(scene, dict):
        return None
    states = scene.get("states")
    events = scene.get("events")
    if not isinstance(states, dict) or not isinstance(events, list):
        return None
    rest = {k: v for k, v in scene.items() if k not in ("states", "events")}
    frame = {k: (rest if k == "scene" else v) for k, v in world.items()}
    return frame, states, events


def split(world: Mapping[str, Any]) -> tuple[Rows, Layout]:
    """The rows of a whole world, numbered afresh, and their layout."""
    parts = _parts(world)
    if parts is None:
        return Rows(_encoder.encode(world), split=False), Layout(split=False)
    frame, states, events = parts
    state_ords = {sid: GAP * (i + 1) for i, sid in enumerate(states)}
    event_ords = tuple(GAP * (i + 1) for i in range(len(events)))
    rows = Rows(
        _encoder.encode(frame),
        [(state_ords[sid], sid, _encoder.encode(state)) for sid, state in states.items()],
        [(o, _encoder.encode(event)) for o, event in zip(event_ords, events, strict=True)],
    )
    return rows, Layout(state_ords, event_ords)


def layout_of(rows: Rows) -> Layout:
    """The layout of stored rows (their ords, in order)."""
    return Layout({sid: o for o, sid, _ in rows.states}, tuple(o for o, _ in rows.events), rows.split)


def scene_parts(rows: Rows) -> tuple[bytes, bytes, msgspec.Raw]:
    """``(states, events, entrance)`` as JSON bytes, spliced from the rows without parsing them."""
    if not rows.split:
        world = _decoder.decode(rows.frame)
        scene = world.get("scene") if isinstance(world, dict) else None
        scene = scene if isinstance(scene, dict) else {}
        states = scene.get("states") if isinstance(scene.get("states"), dict) else {}
        events = scene.get("events") if isinstance(scene.get("events"), list) else []
        entrance = world.get("entrance") if isinstance(world, dict) else None
        return _encoder.encode(states), _encoder.encode(events), msgspec.Raw(_encoder.encode(entrance))
    top = _frame_decoder.decode(rows.frame)
    return _states_bytes(rows), _events_bytes(rows), top.get("entrance", msgspec.Raw(b"null"))


def _states_bytes(rows: Rows) -> bytes:
    return b"{" + b",".join(_encoder.encode(sid) + b":" + body for _, sid, body in rows.states) + b"}"


def _events_bytes(rows: Rows) -> bytes:
    return b"[" + b",".join(body for _, body in rows.events) + b"]"


def document(rows: Rows, **top: Any) -> bytes:
    """The whole document as JSON bytes, states and events spliced in unparsed; ``top`` keys are
    set (or replace the document's) at the top level."""
    if not rows.split:
        world = _decoder.decode(rows.frame)
        if not top:
            return rows.frame
        return _encoder.encode({**world, **top}) if isinstance(world, dict) else rows.frame
    frame = _frame_decoder.decode(rows.frame)
    scene = _frame_decoder.decode(frame["scene"])
    frame["scene"] = msgspec.Raw(_encoder.encode({
        "states": msgspec.Raw(_states_bytes(rows)), "events": msgspec.Raw(_events_bytes(rows)), **scene,
    }))
    for key, value in top.items():
        frame[key] = msgspec.Raw(_encoder.encode(value))
    return _encoder.encode(frame)


def frame_with(rows_frame: bytes, fields: Mapping[str, Any]) -> bytes:
    """The frame with top-level ``fields`` set (None removes the key): how metadata reaches the document."""
    frame = _frame_decoder.decode(rows_frame)
    for key, value in fields.items():
        if value is None:
            frame.pop(key, None)
        else:
            frame[key] = msgspec.Raw(_encoder.encode(value))
    return _encoder.encode(frame)


# what a write changes ----------------------------------------------------------------------------

def replace(world: Mapping[str, Any]) -> tuple[RowChange, Layout]:
    """A change that rewrites every row (a checkout, or a renumbering)."""
    rows, layout = split(world)
    return RowChange(rows.frame, list(rows.states), [], list(rows.events), [], replace=True,
                     split=rows.split), layout


def change(
    before: Mapping[str, Any], layout: Layout, after: Mapping[str, Any], touched: Touched | None = None
) -> tuple[RowChange, Layout]:
    """The rows to drop and put to turn ``before`` (stored with ``layout``) into ``after``.

    With the kernel's ``touched`` (what the batch may have changed), states edited in place cost
    O(edited) and untouched events cost nothing. Otherwise the usual edits — a few items replaced in
    place, some appended, one run deleted or inserted — are found in C-level passes
    (:func:`_simple`, a few milliseconds for a 10,000-state world), and anything else (several
    holes, renames, moves) is aligned item by item (:func:`_align`). Only what changed is encoded.
    """
    old, new = _parts(before), _parts(after)
    if old is None or new is None or not layout.split:
        return replace(after)
    old_frame, old_states, old_events = old
    new_frame, new_states, new_events = new
    frame = None if _same_frame(old_frame, new_frame) else _encoder.encode(new_frame)
    states = _edited_in_place(layout.states, old_states, new_states, touched)
    if states is None:
        states = _states(layout.states, old_states, new_states)
    if states is None:
        return replace(after)
    if touched is not None and not touched.everything and not touched.events and len(old_events) == len(new_events):
        events: Aligned | None = (layout.events, [], [])
    else:
        events = _events(layout.events, old_events, new_events)
    if events is None:
        return replace(after)
    state_ords, put_states, dropped_states = states
    event_ords, fresh_events, dropped_events = events
    return RowChange(
        frame, put_states, dropped_states,
        [(event_ords[j], _encoder.encode(new_events[j])) for j in fresh_events], dropped_events,
    ), Layout(state_ords, tuple(event_ords))


StatesAligned = tuple[Mapping[str, int], list[StateRow], list[int]]
"""``(each new state's ord by id, rows to put, old ords to drop)``."""


def _edited_in_place(
    ords: Mapping[str, int], old: Mapping[str, Any], new: Mapping[str, Any], touched: Touched | None
) -> StatesAligned | None:
    """When the kernel says only existing states were edited — the same ids in the same order, so
    none was added, removed, renamed or moved — their rows are rewritten under their ords and the
    rest is untouched. None when that is not the case."""
    if touched is None or touched.everything or len(old) != len(new):
        return None
    if any(sid not in old or sid not in new for sid in touched.states) or list(old) != list(new):
        return None
    edited = [sid for sid in touched.states if old[sid] is not new[sid]]
    return ords, [(ords[sid], sid, _encoder.encode(new[sid])) for sid in edited], [ords[sid] for sid in edited]


def _states(ords: Mapping[str, int], old: Mapping[str, Any], new: Mapping[str, Any]) -> StatesAligned | None:
    """States are rows keyed by id: a state keeps its row (and ord) while its id does. When the ids
    are the old ones with one run deleted, inserted or appended, that is found in C-level passes;
    otherwise (renames, moves, several runs) each id is looked up."""
    old_ids, new_ids = list(old), list(new)
    old_ords, old_values, new_values = list(ords.values()), list(old.values()), list(new.values())
    run = _one_run(old_ids, new_ids)
    if run is None:
        aligned = _align(old_ords, _state_matches(old, new))
    else:
        aligned = _by_run(old_ords, old_values, new_values, *run)
    if aligned is None:
        return None
    state_ords, fresh, dropped = aligned
    puts = [(state_ords[j], new_ids[j], _encoder.encode(new_values[j])) for j in fresh]
    return dict(zip(new_ids, state_ords, strict=True)), puts, dropped


def _one_run(old: list[str], new: list[str]) -> tuple[int, int] | None:
    """``(first, grown)`` when the ids ``new`` are ``old`` with one run of ``-grown`` ids deleted, or of
    ``grown`` ids inserted, at ``first`` (``grown`` 0: the same ids); None for anything else."""
    grown = len(new) - len(old)
    first = next(compress(count(), map(str.__ne__, old, new)), min(len(old), len(new)))
    if grown == 0:
        return (first, 0) if first == len(old) else None
    if grown < 0:
        return (first, grown) if new[first:] == old[first - grown:] else None
    return (first, grown) if new[first + grown:] == old[first:] else None


def _by_run(ords: list[int], old: list[Any], new: list[Any], first: int, grown: int) -> Aligned | None:
    """Ords for states whose ids changed by one run (:func:`_one_run`): the states that kept their
    id keep their ord (their row is rewritten when the state changed); inserted ones get fresh ords."""
    if grown < 0:
        new_ords, dropped = [*ords[:first], *ords[first - grown:]], ords[first:first - grown]
        kept_old, inserted = [*old[:first], *old[first - grown:]], range(0)
    else:
        fresh = _between(ords[first - 1] if first else None, ords[first] if first < len(ords) else None, grown)
        if fresh is None:
            return None
        new_ords, dropped = [*ords[:first], *fresh, *ords[first:]], []
        kept_old, inserted = old, range(first, first + grown)
    kept_new = [*new[:first], *new[first + max(grown, 0):]]
    changed = [k if k < first else k + max(grown, 0) for k in compress(count(), map(is_not, kept_old, kept_new))]
    return new_ords, sorted([*changed, *inserted]), [*dropped, *(new_ords[j] for j in changed)]


def _events(ords: Sequence[int], old: list[Any], new: list[Any]) -> Aligned | None:
    aligned = _simple(ords, old, new)
    if aligned is None:
        position = dict(zip(map(id, old), range(len(old)), strict=True))
        aligned = _align(ords, [position.get(id(event), -1) for event in new])
    return aligned


Aligned = tuple[Sequence[int], list[int], list[int]]
"""``(ords of the new items, indexes of new items that need a fresh row, old ords to drop)``."""


def _simple(ords: Sequence[int], old: Sequence[Any], new: Sequence[Any]) -> Aligned | None:
    """The usual edits, found in C-level passes: a few items replaced where they stood (and maybe
    some appended), or one run of items deleted, or one run inserted. None for anything else."""
    differ = compress(count(), map(is_not, old, new))
    first = next(differ, min(len(old), len(new)))
    grown = len(new) - len(old)
    if grown < 0 and all(map(is_, islice(new, first, None), islice(old, first - grown, None))):
        return [*ords[:first], *ords[first - grown:]], [], list(ords[first:first - grown])
    if grown > 0 and first < len(old) and all(map(is_, islice(new, first + grown, None), islice(old, first, None))):
        fresh = _between(ords[first - 1] if first else None, ords[first], grown)
        if fresh is None:
            return None
        return [*ords[:first], *fresh, *ords[first:]], list(range(first, first + grown)), []
    if grown < 0:
        return None
    changed = [first, *differ] if first < len(old) else []
    if len(changed) > _FEW and len(changed) > len(old) // 10:
        return None
    last = ords[-1] if ords else 0
    appended = range(len(old), len(new))
    return ([*ords, *(last + GAP * (k + 1) for k in range(len(appended)))], [*changed, *appended],
            [ords[i] for i in changed])


_FEW = 64
"""Up to this many items replaced in place are always rewritten where they stand."""


def _state_matches(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[int]:
    """For each new state, the index of the old state it still is (same id, same object), else -1."""
    old_values = list(old.values())
    position = dict(zip(old, range(len(old)), strict=True))
    return [i if (i := position.get(sid, -1)) >= 0 and old_values[i] is state else -1 for sid, state in new.items()]


def _same_frame(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    for key, value in a.items():
        other = b[key]
        if key == "scene":
            if value.keys() != other.keys() or any(value[k] is not other[k] for k in value):
                return False
        elif value is not other:
            return False
    return True


def _align(ords: Sequence[int], matches: list[int]) -> Aligned | None:
    """Ords for the new items, given for each the index of the old item it still is (-1: new or
    changed). Old items met in order keep their ords; the others get fresh ords between their kept
    neighbours. Returns ``(ords, indexes of items needing a fresh row, old ords to drop)``, or None
    when some neighbours leave no room (the caller renumbers)."""
    out: list[int | None] = [None] * len(matches)
    kept: set[int] = set()
    last = -1
    for j, i in enumerate(matches):
        if i > last:
            out[j] = ords[i]
            kept.add(i)
            last = i
    fresh = [j for j, o in enumerate(out) if o is None]
    start = 0
    while start < len(fresh):
        end = start
        while end + 1 < len(fresh) and fresh[end + 1] == fresh[end] + 1:
            end += 1
        first, after = fresh[start], fresh[end] + 1
        between = _between(out[first - 1] if first else None, out[after] if after < len(out) else None,
                           after - first)
        if between is None:
            return None
        out[first:after] = between
        start = end + 1
    dropped = [o for i, o in enumerate(ords) if i not in kept] if len(kept) < len(ords) else []
    return [o for o in out if o is not None], fresh, dropped


def _between(low: int | None, high: int | None, count: int) -> list[int] | None:
    """``count`` increasing integers strictly between ``low`` and ``high`` (None = unbounded)."""
    if low is None and high is None:
        return [GAP * (i + 1) for i in range(count)]
    if low is None:
        assert high is not None
        return [high - GAP * (count - i) for i in range(count)]
    if high is None:
        return [low + GAP * (i + 1) for i in range(count)]
    room = high - low
    if room <= count:
        return None
    return [low + room * (i + 1) // (count + 1) for i in range(count)]
