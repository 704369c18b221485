"""Event ops: add (and its transition/override forms), update (merge patch), delete, and the setters.

Decisions where ops.md leaves room:

- ``add_event`` without ``kind`` is a transition when it has a ``to``, else refused (400).
- A transition needs a ``to`` and an override/terminal must not carry one (400, fail-closed, as
  the REST docs say), and ``to`` must name an existing state or cutscene (404) — the same rule as
  ``from``. ``update_event`` checks the ``from``/``to`` it sets the same way.
- Default names never collide: ``go_to_<to>``, then ``go_to_<to>_2``…; ``<kind>_<n>`` takes the
  first free ``n`` from 1. An explicit name that exists is refused (400).
- Setters own the fields they set: ``set_event_drive`` replaces the whole drive (an absent
  ``pulseMs`` removes ``drivePulseMs``; no axis clears both, and a ``pulseMs`` with no axis is
  refused); ``set_event_anchor`` replaces the anchor's known fields and keeps its unknown keys.
- ``grants``/``requires`` accept one flag as a string; ``null``, absent or ``[]`` clears them, as
  ``null``, absent or ``""`` clears a ``hint``.
"""

from __future__ import annotations

from typing import Any, TypeVar, get_args

from msgspec import UNSET, UnsetType

from .. import model
from ..text import control_character_problem, shown
from .draft import Draft
from .errors import invalid, not_found, require_shape
from .patch import clone, merge_patch, refresh
from .vocabulary import (
    AddEvent,
    DeleteEvent,
    Kind,
    SetEventAnchor,
    SetEventDrive,
    SetEventGrants,
    SetEventHotkey,
    SetEventKind,
    SetEventLockedHint,
    SetEventPhases,
    SetEventRequires,
    UpdateEvent,
)

__all__ = [
    "add_event",
    "check_event_name",
    "delete_event",
    "set_event_anchor",
    "set_event_drive",
    "set_event_grants",
    "set_event_hotkey",
    "set_event_kind",
    "set_event_locked_hint",
    "set_event_phases",
    "set_event_requires",
    "update_event",
]

KINDS: tuple[str, ...] = get_args(Kind)
T = TypeVar("T")


def check_event_name(draft: Draft, name: str) -> None:
    """400 unless ``name`` is free and well-formed for a new event."""
    require_shape({"name": name}, model.Event, "The event", only={"name"})
    problem = control_character_problem(name, f"The event name {shown(name)}")
    if problem is not None:
        raise invalid(problem)
    if draft.has_event(name):
        raise invalid(f'An event called {shown(name)} already exists; pick another name or use update_event')


def _sources(draft: Draft, value: Any, subject: str) -> list[str]:
    """A valid ``from``: a non-empty array of existing state ids (404 for an unknown one)."""
    if value is None:
        raise invalid(f'{subject} "from" is missing; name the states the event is available in')
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid(f'{subject} "from" must be an array of state ids')
    if not value:
        raise invalid(f'{subject} "from" must name at least one state')
    draft.require_states(value)
    return value


def _check_target(draft: Draft, to: Any, subject: str) -> None:
    if not isinstance(to, str):
        raise invalid(f'{subject} "to" must be a state or cutscene id')
    if not draft.is_target(to):
        raise not_found("state or cutscene", to, draft.states)


def add_event(draft: Draft, op: AddEvent) -> None:
    """``add_event {kind, from, to?, name?, …}`` (and ``add_transition``/``add_override``)."""
    body = dict(op.event)
    if op.forced_kind is not None:
        body["kind"] = op.forced_kind
    if op.forced_kind == "override" or body.get("to", "") is None:
        body.pop("to", None)
    kind = body.setdefault("kind", "transition" if "to" in body else None)
    if kind not in KINDS:
        raise invalid(f'The event needs a "kind": one of {", ".join(KINDS)}')
    sources = body.get("from")
    body["from"] = _sources(draft, [sources] if isinstance(sources, str) else sources, "The event's")
    if kind == "transition":
        if "to" not in body:
            raise invalid('A transition needs a "to": the state (or cutscene) it leads to')
        _check_target(draft, body["to"], "The transition's")
    elif "to" in body:
        raise invalid(f'{_a(kind)} must not carry a "to" (it leaves the player where they are); remove it '
                      "or make the event a transition")
    if op.name is None:
        name = draft.free_event_name(f"go_to_{body['to']}" if kind == "transition" else kind,
                                     numbered=kind != "transition")
    else:
        check_event_name(draft, op.name)
        name = op.name
    head = {"name": name, "kind": kind, "from": body["from"]} | ({"to": body["to"]} if "to" in body else {})
    event = clone(head | {key: value for key, value in body.items() if key not in head})
    require_shape(event, model.Event, f'The event {shown(name)}')
    draft.add_event(event)


def update_event(draft: Draft, op: UpdateEvent) -> None:
    """``update_event {name, patch}``: a merge patch; ``patch.name`` renames, ``kind`` is never null."""
    position, event = draft.event(op.name)
    patch = op.patch
    subject = f'Event {shown(op.name)}'
    for key in ("kind", "name", "from"):
        if key in patch and patch[key] is None:
            raise invalid(f'{subject}: {shown(key)} can never be null; give it a new value instead')
    if "from" in patch:
        if not isinstance(patch["from"], list):
            raise invalid(f'{subject}: "from" must be an array of state ids here (a patch replaces it whole)')
        _sources(draft, patch["from"], f"{subject}:")
    if patch.get("to") is not None:
        _check_target(draft, patch["to"], f"{subject}:")
    new_name = patch.get("name", op.name)
    if new_name != op.name:
        check_event_name(draft, new_name)
    updated = merge_patch(event, patch)
    require_shape(updated, model.Event, subject, only=patch)
    draft.put_event(position, updated)


def delete_event(draft: Draft, op: DeleteEvent) -> None:
    """``delete_event``/``remove_event {name}``."""
    position, _ = draft.event(op.name)
    draft.drop_event(position)


def _set(draft: Draft, name: str, values: dict[str, Any]) -> None:
    """Set (or, for a ``None`` value, remove) top-level fields of an event, checked against the contract."""
    position, event = draft.event(name)
    updated = {key: value for key, value in event.items() if key not in values or values[key] is not None}
    updated.update((key, clone(value)) for key, value in values.items() if value is not None)
    require_shape(updated, model.Event, f'Event {shown(name)}', only=values)
    draft.put_event(position, updated)


def set_event_kind(draft: Draft, op: SetEventKind) -> None:
    """``set_event_kind {event, kind, to?}``: switching to override/terminal drops ``to``."""
    _, event = draft.event(op.event)
    if op.kind != "transition":
        if op.to is not UNSET:
            raise invalid(f'{_a(op.kind)} must not carry a "to"; leave "to" out or make it a transition')
        _set(draft, op.event, {"kind": op.kind, "to": None})
        return
    to = event.get("to") if op.to is UNSET else op.to
    if to is None:
        raise invalid(f'Event {shown(op.event)} has no "to"; a transition needs one, so give "to" with the kind')
    _check_target(draft, to, f'Event {shown(op.event)}:')
    _set(draft, op.event, {"kind": op.kind, "to": to})


def set_event_drive(draft: Draft, op: SetEventDrive) -> None:
    """``set_event_drive {event, movement?, lookHorizontal?, lookVertical?, pulseMs?}``."""
    axes = {key: getattr(op, key) for key in ("movement", "lookHorizontal", "lookVertical")}
    axes = {key: value for key, value in axes.items() if value is not UNSET}
    if not axes and op.pulseMs is not UNSET:
        raise invalid("A pulseMs pulses a drive, and no axis was given; add movement, lookHorizontal or "
                      "lookVertical, or leave pulseMs out to clear the drive")
    _, event = draft.event(op.event)
    drive = refresh(event.get("drive"), model.Drive, axes) if axes else None
    pulse = None if op.pulseMs is UNSET else op.pulseMs
    _set(draft, op.event, {"drive": drive, "drivePulseMs": pulse})


def set_event_hotkey(draft: Draft, op: SetEventHotkey) -> None:
    """``set_event_hotkey {event, hotkey}``: absent or null clears it."""
    _set(draft, op.event, {"hotkey": _or_none(op.hotkey)})


def set_event_phases(draft: Draft, op: SetEventPhases) -> None:
    """``set_event_phases {event, phases}``: non-empty, each with a non-empty base; absent clears."""
    phases = _or_none(op.phases)
    if phases == []:
        raise invalid("The phases must hold at least one phase; leave phases out to clear them")
    if phases is not None:
        require_shape(phases, list[model.Phase], "The phases")
    _set(draft, op.event, {"phases": phases})


def set_event_anchor(draft: Draft, op: SetEventAnchor) -> None:
    """``set_event_anchor {event, label, aliases?, minProximity?, expectedAspect?}``; ``label: null`` clears."""
    _, event = draft.event(op.event)
    anchor = None
    if op.label is not None:
        values = {key: getattr(op, key) for key in ("label", "aliases", "minProximity", "expectedAspect")}
        anchor = refresh(event.get("anchor"), model.Anchor, {k: v for k, v in values.items() if v is not UNSET})
    _set(draft, op.event, {"anchor": anchor})


def set_event_grants(draft: Draft, op: SetEventGrants) -> None:
    """``set_event_grants {event, grants}``: absent clears."""
    _set(draft, op.event, {"grants": _flags(op.grants)})


def set_event_requires(draft: Draft, op: SetEventRequires) -> None:
    """``set_event_requires {event, requires}``: absent clears."""
    _set(draft, op.event, {"requires": _flags(op.requires)})


def set_event_locked_hint(draft: Draft, op: SetEventLockedHint) -> None:
    """``set_event_locked_hint {event, hint}``: absent clears."""
    _set(draft, op.event, {"lockedHint": _or_none(op.hint) or None})


def _a(kind: str) -> str:
    """``An override``, ``A terminal``: the kind with its article, to start a sentence."""
    return f"{'An' if kind[0] in 'aeiou' else 'A'} {kind}"


def _or_none(value: T | UnsetType) -> T | None:
    return None if isinstance(value, UnsetType) else value


def _flags(value: list[str] | str | UnsetType | None) -> list[str] | None:
    flags = [value] if isinstance(value, str) else _or_none(value)
    return flags or None
