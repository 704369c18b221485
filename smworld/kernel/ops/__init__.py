"""GraphOps: the one way a world's graph changes (ops.md).

:func:`run_ops` applies a batch in order to a copy-on-write working copy of the world and returns
the new world with the ops that could not be applied (``apply_errors``), the ``store/*``
diagnostics of cascades, and what the batch touched (the incremental gate's scope). It does not run
the gate; :mod:`smworld.kernel.write` combines the two.

>>> outcome = run_ops({"scene": {"states": {}, "events": []}},
...                   [{"op": "add_state", "id": "hall", "base": "a vaulted stone hall"}])
>>> outcome.world["entrance"], outcome.apply_errors
({'state': 'hall'}, [])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from ..codec import bounded
from ..diagnostics import Diagnostic
from ..touched import Touched
from ..world import WorldDoc
from . import events, fields, missions, states, variants, world_ops
from .arguments import OPS, read_batch, read_op
from .draft import Draft
from .errors import OpFailed
from .vocabulary import (
    AddCutscene,
    AddEvent,
    AddMission,
    AddOverride,
    AddSequence,
    AddState,
    AddStoryBeat,
    AddTransition,
    AddVariant,
    DeleteEvent,
    DeleteState,
    Op,
    RemoveCutscene,
    RemoveEvent,
    RemoveSequence,
    RemoveState,
    RemoveVariant,
    RenameState,
    SetEntrance,
    SetEventAnchor,
    SetEventDrive,
    SetEventField,
    SetEventGrants,
    SetEventHotkey,
    SetEventKind,
    SetEventLockedHint,
    SetEventPhases,
    SetEventRequires,
    SetField,
    SetIntro,
    SetNarrate,
    SetOutro,
    SetSlotFill,
    SetStateEnding,
    SetStory,
    SetSubject,
    SetVariantField,
    UpdateEvent,
    UpdateState,
)

__all__ = ["OPS", "ApplyError", "OpsOutcome", "run_ops"]


class ApplyError(msgspec.Struct, frozen=True):
    """An op that was skipped: its index in the batch, its name, 404 (missing target) or 400, and why."""

    index: int
    op: str
    status: int
    message: str


class OpsOutcome(msgspec.Struct, frozen=True):
    """What a batch did: the new world, skipped ops, ``store/*`` diagnostics, and what it touched."""

    world: WorldDoc
    apply_errors: list[ApplyError]
    diagnostics: list[Diagnostic]
    touched: Touched


Handler = Callable[[Draft, Any], None]

# A table rather than a `match` on the Struct types: one line per op, and a test checks it against
# OPS and the vocabulary in both directions. Aliases map to the handler of the op they alias.
HANDLERS: dict[type[Op], Handler] = {
    AddState: states.add_state,
    UpdateState: states.update_state,
    DeleteState: states.delete_state,
    RemoveState: states.delete_state,
    RenameState: states.rename_state,
    SetField: fields.set_field,
    SetStateEnding: states.set_state_ending,
    SetSlotFill: fields.set_slot_fill,
    AddEvent: events.add_event,
    AddTransition: events.add_event,
    AddOverride: events.add_event,
    UpdateEvent: events.update_event,
    DeleteEvent: events.delete_event,
    RemoveEvent: events.delete_event,
    SetEventField: fields.set_event_field,
    SetEventKind: events.set_event_kind,
    SetEventDrive: events.set_event_drive,
    SetEventHotkey: events.set_event_hotkey,
    SetEventPhases: events.set_event_phases,
    SetEventAnchor: events.set_event_anchor,
    SetEventGrants: events.set_event_grants,
    SetEventRequires: events.set_event_requires,
    SetEventLockedHint: events.set_event_locked_hint,
    AddVariant: variants.add_variant,
    RemoveVariant: variants.remove_variant,
    SetVariantField: variants.set_variant_field,
    SetEntrance: world_ops.set_entrance,
    SetSubject: world_ops.set_subject,
    SetNarrate: world_ops.set_narrate,
    SetIntro: world_ops.set_intro,
    SetOutro: world_ops.set_outro,
    SetStory: world_ops.set_story,
    AddStoryBeat: world_ops.add_story_beat,
    AddCutscene: world_ops.add_cutscene,
    RemoveCutscene: world_ops.remove_cutscene,
    AddSequence: world_ops.add_sequence,
    RemoveSequence: world_ops.remove_sequence,
    AddMission: missions.add_mission,
}


@bounded
def run_ops(world: Mapping[str, Any], ops: object) -> OpsOutcome:
    """Apply ``ops`` in order to a working copy of ``world`` (which is never mutated).

    Raises :class:`~smworld.kernel.errors.OpsRequestError` when ``ops`` is not a non-empty array of
    objects with a known ``op`` (nothing is applied), and
    :class:`~smworld.kernel.errors.DecodeError` when the world's ``scene`` has the wrong shape.
    An op that cannot be applied is skipped and reported in ``apply_errors``; later ops see the
    effects of earlier ones. Cost: O(ops + what they touch), plus one shallow copy of the world's
    containers; deletes and renames scan the events to cascade.
    """
    batch = read_batch(ops)
    draft = Draft(world)
    errors: list[ApplyError] = []
    for index, raw in enumerate(batch):
        try:
            op = read_op(raw)
            HANDLERS[type(op)](draft, op)
        except OpFailed as failed:
            errors.append(ApplyError(index, raw["op"], failed.status, failed.message))
    return OpsOutcome(draft.result(), errors, draft.diagnostics, draft.touched)

