"""Setting one prose field of a state, an event or a variant, and one fill of a factored field.

A field is named by a dotted path: ``base``, ``camera.static``, ``movement.dynamic``, ``detail``;
:func:`field_path` also reads list positions (``ambient[0]``, ``phases[1].base`` or
``phases.1.base``) so that ``set_slot_fill`` reaches every factored field a lint can point at.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from msgspec import UNSET

from .. import model
from ..text import listed, shown
from .draft import Draft
from .errors import invalid, require_shape
from .patch import Path, clone, drop_in, get_in, missing, set_in
from .vocabulary import SetEventField, SetField, SetSlotFill

__all__ = ["field_path", "set_event_field", "set_field", "set_slot_fill", "with_prose"]

_INDEX = re.compile(r"\[(\d+)\]")
_STEP = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")


def field_path(field: str) -> Path:
    """``("phases", 1, "base")`` from ``"phases[1].base"``; 400 for a name that is not a path."""
    steps = _INDEX.sub(r".\1", field).split(".")
    if not all(_STEP.fullmatch(step) for step in steps):
        raise invalid(f'The field {shown(field)} is not a field name; write it as dotted keys such as "camera.static" '
                      'or "phases[0].base"')
    return tuple(int(step) if step.isdigit() else step for step in steps)


def with_prose(obj: dict[str, Any], field: str, value: Any, subject: str, base_required: bool = True) -> dict[str, Any]:
    """``obj`` with ``field`` set to ``value``; ``null`` erases it, except a required ``base``."""
    path = field_path(field)
    if value is not None:
        updated: dict[str, Any] = set_in(obj, path, clone(value))
        return updated
    if field == "base" and base_required:
        raise invalid(f"{subject}'s base can never be erased; set a new base instead")
    erased: dict[str, Any] = drop_in(obj, path)
    return erased


def set_field(draft: Draft, op: SetField) -> None:
    """``set_field {state, field, value}``: one prose field; the other half of a pair is kept."""
    subject = f'State {shown(op.state)}'
    updated = with_prose(draft.state(op.state), op.field, op.value, subject)
    require_shape(updated, model.State, subject, only={op.field.split(".")[0]})
    draft.put_state(op.state, updated)


def set_event_field(draft: Draft, op: SetEventField) -> None:
    """``set_event_field {event, field: base|detail, value}``; ``null`` erases the field."""
    position, event = draft.event(op.event)
    subject = f'Event {shown(op.event)}'
    updated = with_prose(event, op.field, op.value, subject, base_required=False)
    require_shape(updated, model.Event, subject, only={op.field})
    draft.put_event(position, updated)


def set_slot_fill(draft: Draft, op: SetSlotFill) -> None:
    """``set_slot_fill {state|event, field, slot, fill}``: change one fill of a factored field."""
    if (op.state is UNSET) == (op.event is UNSET):
        raise invalid('Name exactly one target: a state ("state", "id" or "stateId") or an event '
                      '("event", "name" or "eventName")')
    path = field_path(op.field)
    commit: Callable[[dict[str, Any]], None]
    if isinstance(op.state, str):
        subject, target = f'State {shown(op.state)}', draft.state(op.state)
        commit = functools.partial(draft.put_state, op.state)
    else:
        position, target = draft.event(str(op.event))
        subject, commit = f'Event {shown(op.event)}', functools.partial(draft.put_event, position)
    value = get_in(target, path)
    if missing(value):
        raise invalid(f'{subject} has no field {shown(op.field)}; name the factored field whose fill changes, '
                      'such as "base" or "camera.static"')
    slots = value.get("slots") if isinstance(value, dict) and isinstance(value.get("template"), str) else None
    if not isinstance(slots, dict):
        raise invalid(f'{subject} field {shown(op.field)} is plain text, not a factored field; change it with '
                      "set_field, set_event_field or a patch")
    if not isinstance(slots.get(op.slot), dict):
        known = listed(sorted(slots), quoted=False)
        raise invalid(f'{subject} field {shown(op.field)} has no slot {shown(op.slot)}; its slots are: {known}')
    commit(set_in(target, (*path, "slots", op.slot, "fill"), op.fill))
