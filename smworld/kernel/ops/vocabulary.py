"""The GraphOp vocabulary: one tagged Struct per op, tag field ``op`` (ops.md, "The vocabulary").

Each Struct holds an op's arguments *after* normalisation (:mod:`.arguments` resolves the aliases
and collects inline bodies), so a handler reads one spelling of each argument. Three class
variables describe the wire forms an op accepts:

- ``refs``: ``(argument, aliases)`` pairs — e.g. a state named by ``id``, ``stateId`` or ``state``.
- ``body``: the key an op's free-form body nests under (``add_state {state: {...}}``); the same
  body may be written inline, in which case every key that is not a declared argument belongs to it.
- ``refs_in_body``: whether a ref may also be written inside a nested body (``{event: {name, …}}``).

Bodies stay plain JSON objects: unknown keys in them are part of the contract and must survive.
Aliased ops (``remove_state``) subclass the op they alias, so they share its handler and fields.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Union, get_args

import msgspec
from msgspec import UNSET, Meta, UnsetType, field

__all__ = [
    "BY_NAME",
    "EVENT_REF",
    "STATE_REF",
    "AddCutscene",
    "AddEvent",
    "AddMission",
    "AddOverride",
    "AddSequence",
    "AddState",
    "AddStoryBeat",
    "AddTransition",
    "AddVariant",
    "DeleteEvent",
    "DeleteState",
    "EventOp",
    "GraphOp",
    "Kind",
    "Op",
    "ProseField",
    "RemoveCutscene",
    "RemoveEvent",
    "RemoveSequence",
    "RemoveState",
    "RemoveVariant",
    "RenameState",
    "SetEntrance",
    "SetEventAnchor",
    "SetEventDrive",
    "SetEventField",
    "SetEventGrants",
    "SetEventHotkey",
    "SetEventKind",
    "SetEventLockedHint",
    "SetEventPhases",
    "SetEventRequires",
    "SetField",
    "SetIntro",
    "SetNarrate",
    "SetOutro",
    "SetSlotFill",
    "SetStateEnding",
    "SetStory",
    "SetSubject",
    "SetVariantField",
    "UpdateEvent",
    "UpdateState",
    "op_name",
]

Refs = tuple[tuple[str, tuple[str, ...]], ...]
STATE_REF = ("id", "stateId", "state")
EVENT_REF = ("name", "eventName", "event")

ProseField = Literal["base", "camera.static", "camera.dynamic", "movement.static", "movement.dynamic"]
Kind = Literal["transition", "override", "terminal"]
Flags = list[str] | str | None | UnsetType
NonNegative = Annotated[int, Meta(ge=0)]


class Op(msgspec.Struct, tag_field="op"):
    """Base of every op. An op without a body refuses unknown arguments; a body keeps its unknown keys."""

    refs: ClassVar[Refs] = ()
    body: ClassVar[str | None] = None
    refs_in_body: ClassVar[bool] = False


def op_name(op: Op | type[Op]) -> str:
    """The wire name of an op (its tag)."""
    tag = op.__struct_config__.tag
    assert isinstance(tag, str)
    return tag


# --- states ---------------------------------------------------------------------------------


class AddState(Op, tag="add_state"):
    refs = (("id", ("id", "stateId", "state")),)
    body = "state"
    refs_in_body = True
    state: dict[str, Any]
    id: str | None = None


class UpdateState(Op, tag="update_state"):
    refs = (("id", STATE_REF),)
    body = "patch"
    id: str
    patch: dict[str, Any]


class DeleteState(Op, tag="delete_state"):
    refs = (("id", STATE_REF),)
    id: str


class RemoveState(DeleteState, tag="remove_state"):
    pass


class RenameState(Op, tag="rename_state"):
    refs = (("from", ("from", *STATE_REF)), ("to", ("to", "newId")))
    from_: str = field(name="from")
    to: str


class SetField(Op, tag="set_field"):
    refs = (("state", STATE_REF),)
    state: str
    field: ProseField
    value: Any


class SetStateEnding(Op, tag="set_state_ending"):
    refs = (("state", STATE_REF),)
    state: str
    kind: Literal["win", "lose"] | None
    title: str | UnsetType = UNSET
    subtitle: str | UnsetType = UNSET


class SetSlotFill(Op, tag="set_slot_fill"):
    refs = (("state", STATE_REF), ("event", EVENT_REF))
    field: str
    slot: str
    fill: str
    state: str | UnsetType = UNSET
    event: str | UnsetType = UNSET


# --- events ---------------------------------------------------------------------------------


class AddEvent(Op, tag="add_event"):
    refs = (("name", EVENT_REF),)
    body = "event"
    refs_in_body = True
    forced_kind: ClassVar[str | None] = None
    event: dict[str, Any]
    name: str | None = None


class AddTransition(AddEvent, tag="add_transition"):
    forced_kind = "transition"


class AddOverride(AddEvent, tag="add_override"):
    forced_kind = "override"


class UpdateEvent(Op, tag="update_event"):
    refs = (("name", EVENT_REF),)
    body = "patch"
    name: str
    patch: dict[str, Any]


class DeleteEvent(Op, tag="delete_event"):
    refs = (("name", EVENT_REF),)
    name: str


class RemoveEvent(DeleteEvent, tag="remove_event"):
    pass


class EventOp(Op):
    """An op that changes one event, named by ``event`` (or ``name``/``eventName``)."""

    refs = (("event", ("event", "name", "eventName")),)
    event: str


class SetEventField(EventOp, tag="set_event_field"):
    field: Literal["base", "detail"]
    value: Any


class SetEventKind(EventOp, tag="set_event_kind"):
    kind: Kind
    to: str | UnsetType = UNSET


class SetEventDrive(EventOp, tag="set_event_drive"):
    movement: Literal["forward", "back", "strafe_left", "strafe_right"] | UnsetType = UNSET
    lookHorizontal: Literal["left", "right"] | UnsetType = UNSET
    lookVertical: Literal["up", "down"] | UnsetType = UNSET
    pulseMs: NonNegative | UnsetType = UNSET


class SetEventHotkey(EventOp, tag="set_event_hotkey"):
    hotkey: str | UnsetType | None = UNSET


class SetEventPhases(EventOp, tag="set_event_phases"):
    phases: list[Any] | UnsetType | None = UNSET


class SetEventAnchor(EventOp, tag="set_event_anchor"):
    label: str | None
    aliases: list[str] | UnsetType = UNSET
    minProximity: float | UnsetType = UNSET
    expectedAspect: dict[str, Any] | UnsetType = UNSET


class SetEventGrants(EventOp, tag="set_event_grants"):
    grants: Flags = UNSET


class SetEventRequires(EventOp, tag="set_event_requires"):
    requires: Flags = UNSET


class SetEventLockedHint(EventOp, tag="set_event_locked_hint"):
    hint: str | UnsetType | None = UNSET


# --- variants -------------------------------------------------------------------------------


class AddVariant(Op, tag="add_variant"):
    refs = (("state", STATE_REF),)
    body = "variant"
    state: str
    variant: dict[str, Any]


class RemoveVariant(Op, tag="remove_variant"):
    refs = (("state", STATE_REF),)
    state: str
    label: str | UnsetType = UNSET
    index: int | UnsetType = UNSET


class SetVariantField(Op, tag="set_variant_field"):
    refs = (("state", STATE_REF),)
    state: str
    label: str
    field: ProseField
    value: Any


# --- the world around the graph -------------------------------------------------------------


class SetEntrance(Op, tag="set_entrance"):
    refs = (("state", STATE_REF),)
    state: str
    image: dict[str, Any] | UnsetType | None = UNSET


class SetSubject(Op, tag="set_subject"):
    subject: str | UnsetType | None = UNSET
    styleTail: str | UnsetType | None = UNSET


class SetNarrate(Op, tag="set_narrate"):
    narrate: bool


class SetIntro(Op, tag="set_intro"):
    video: str | None
    static: bool | UnsetType = UNSET


class SetOutro(Op, tag="set_outro"):
    video: str | None
    flag: str | UnsetType = UNSET
    state: str | UnsetType = UNSET


class SetStory(Op, tag="set_story"):
    logline: str
    arc: list[str] | UnsetType | None = UNSET


class AddStoryBeat(Op, tag="add_story_beat"):
    body = "beat"
    beat: dict[str, Any]


class AddCutscene(Op, tag="add_cutscene"):
    body = "cutscene"
    cutscene: dict[str, Any]


class RemoveCutscene(Op, tag="remove_cutscene"):
    id: str


class AddSequence(Op, tag="add_sequence"):
    body = "sequence"
    sequence: dict[str, Any]


class RemoveSequence(Op, tag="remove_sequence"):
    id: str


class AddMission(Op, tag="add_mission"):
    body = "mission"
    mission: dict[str, Any]


GraphOp = Union[  # noqa: UP007 - a runtime union of Struct types, read with get_args
    AddState, UpdateState, DeleteState, RemoveState, RenameState, SetField, SetStateEnding,
    SetSlotFill, AddEvent, AddTransition, AddOverride, UpdateEvent, DeleteEvent, RemoveEvent,
    SetEventField, SetEventKind, SetEventDrive, SetEventHotkey, SetEventPhases, SetEventAnchor,
    SetEventGrants, SetEventRequires, SetEventLockedHint, AddVariant, RemoveVariant,
    SetVariantField, SetEntrance, SetSubject, SetNarrate, SetIntro, SetOutro, SetStory,
    AddStoryBeat, AddCutscene, RemoveCutscene, AddSequence, RemoveSequence, AddMission,
]
"""Every op, as one msgspec tagged union (``msgspec.convert(raw, GraphOp)`` dispatches on ``op``)."""

BY_NAME: dict[str, type[Op]] = {op_name(cls): cls for cls in get_args(GraphOp)}
"""Op name → its Struct."""
