"""The SMWorld 1.0 contract as msgspec Structs.

These Structs are the single source of truth for the *shape* of a world: the gate's ``schema`` rule
converts against them, the JSON Schema in ``smworld/schemas`` is generated from them, and callers may
decode a world into them for typed access (:func:`smworld.kernel.codec.to_struct`).

The world itself travels through the kernel as its JSON object (plain ``dict``/``list``/``str``
values). That is deliberate: the contract says unknown keys at every level survive every operation,
and a Struct drops what it does not declare. Ops edit the JSON object copy-on-write; the Structs
judge it.

Identifier patterns, control characters, non-negative timings and empty ``from`` lists are *not*
encoded here: the gate reports them under their own lint ids (``bad-identifier``, ``control-character``,
``timing``, ``orphan-event``), which is more useful to an author than a generic schema error.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType, field

__all__ = [
    "Anchor",
    "AspectRange",
    "Autopilot",
    "CameraPair",
    "Cutscene",
    "Drive",
    "DwellMs",
    "Ending",
    "Entrance",
    "EntranceImage",
    "Event",
    "Factored",
    "Fail",
    "Grounded",
    "KeepCentered",
    "LandWhen",
    "Mission",
    "Objective",
    "Outro",
    "Phase",
    "Prose",
    "Scene",
    "Sequence",
    "SequenceBeat",
    "Slot",
    "State",
    "Story",
    "StoryBeat",
    "Terminal",
    "TerminalFact",
    "Variant",
    "Waypoint",
    "World",
]


class Obj(msgspec.Struct, kw_only=True, omit_defaults=True, forbid_unknown_fields=False, gc=False):
    """Base for every SMWorld object.

    - ``kw_only``: fields are named on the wire; construction by position would be fragile.
    - ``omit_defaults``: an absent optional field stays absent when encoded (UNSET defaults).
    - ``forbid_unknown_fields=False``: unknown keys are allowed by the contract (forward
      compatibility); the kernel keeps them because it edits the JSON object, not the Struct.
    - ``gc=False``: a 10,000-state world converts into ~100,000 Structs; untracked by the cyclic
      garbage collector they convert about three times faster. They never form reference cycles.
    """


NonEmpty = Annotated[str, Meta(min_length=1)]
Identifier = str  # checked by the gate's `bad-identifier` rule, not by the schema
EventName = Annotated[str, Meta(min_length=1, max_length=128)]  # control characters: the gate's `control-character`


class Slot(Obj):
    """One placeholder of a factored field; ``fill`` is plain text substituted for ``{slot}``."""

    fill: str
    type: str | UnsetType = UNSET


class Factored(Obj):
    """A prose field written as a template with named slots (schema 1.0 extension)."""

    template: str
    slots: dict[str, Slot] = field(default_factory=dict)


Prose = str | Factored
NonEmptyProse = NonEmpty | Factored


class CameraPair(Obj):
    """A static/dynamic prompt pair: the model reads ``static`` while the scene holds."""

    static: Prose | UnsetType = UNSET
    dynamic: Prose | UnsetType = UNSET


class Ending(Obj):
    """Marks a terminal sink."""

    kind: Literal["win", "lose"]
    title: str
    subtitle: str | UnsetType = UNSET


class Variant(Obj):
    """An A/B prompt arm of a state, played on the same seed; never compiled into the graph."""

    label: str
    base: Prose
    camera: CameraPair | UnsetType = UNSET
    movement: CameraPair | UnsetType = UNSET
    ambient: list[Prose] | UnsetType = UNSET


class KeepCentered(Obj):
    label: str
    aliases: list[str] | UnsetType = UNSET


MovementAxis = Literal["forward", "back", "strafe_left", "strafe_right"]
LookHorizontal = Literal["left", "right"]
LookVertical = Literal["up", "down"]


class Autopilot(Obj):
    """A standing camera drive while the player is in the state."""

    movement: MovementAxis | UnsetType = UNSET
    lookHorizontal: LookHorizontal | UnsetType = UNSET
    lookVertical: LookVertical | UnsetType = UNSET
    keepCentered: KeepCentered | UnsetType = UNSET


class State(Obj):
    """A node: what the scene is, as pixels."""

    base: NonEmptyProse
    camera: CameraPair | UnsetType = UNSET
    movement: CameraPair | UnsetType = UNSET
    ambient: list[Prose] | UnsetType = UNSET
    ending: Ending | UnsetType = UNSET
    variants: list[Variant] | UnsetType = UNSET
    narration: str | UnsetType = UNSET
    autopilot: Autopilot | UnsetType = UNSET
    arriveLabel: str | UnsetType = UNSET


class Phase(Obj):
    """One beat of a multi-beat event."""

    base: NonEmptyProse
    camera: str | UnsetType = UNSET
    movement: str | UnsetType = UNSET
    detail: Prose | UnsetType = UNSET
    minMs: int | UnsetType = UNSET


class AspectRange(Obj):
    min: float
    max: float


class Anchor(Obj):
    """An object in the frame the player points at."""

    label: str
    aliases: list[str] | UnsetType = UNSET
    minProximity: float | UnsetType = UNSET
    expectedAspect: AspectRange | UnsetType = UNSET


class LandWhen(Obj):
    """Visual evidence of arrival; fails open after ``timeoutMs``."""

    label: str | UnsetType = UNSET
    aliases: list[str] | UnsetType = UNSET
    minExtent: float | UnsetType = UNSET
    minLuminance: float | UnsetType = UNSET
    maxLuminance: float | UnsetType = UNSET
    minMotion: float | UnsetType = UNSET
    maxMotion: float | UnsetType = UNSET
    hits: int | UnsetType = UNSET
    timeoutMs: int | UnsetType = UNSET
    auto: bool | UnsetType = UNSET


class Drive(Obj):
    """Controls held while the event plays."""

    movement: MovementAxis | UnsetType = UNSET
    lookHorizontal: LookHorizontal | UnsetType = UNSET
    lookVertical: LookVertical | UnsetType = UNSET


class Waypoint(Obj):
    """A destination reached by accumulated travel."""

    label: str
    distanceM: float
    speedMs: float | UnsetType = UNSET
    approachM: float | UnsetType = UNSET


class TerminalFact(Obj):
    text: str
    requires: list[Identifier] | UnsetType = UNSET


class Terminal(Obj):
    """An in-world console (meaningful on ``kind: "terminal"``)."""

    persona: str
    facts: list[TerminalFact] | UnsetType = UNSET
    greeting: str | UnsetType = UNSET


class Event(Obj):
    """An edge: something the player can do, addressed by its unique ``name``."""

    name: EventName
    kind: Literal["transition", "override", "terminal"]
    from_: list[str] = field(name="from")
    to: str | UnsetType = UNSET
    base: Prose | UnsetType = UNSET
    detail: Prose | UnsetType = UNSET
    hotkey: str | UnsetType | None = UNSET
    hidden: bool | UnsetType = UNSET
    oneShot: bool | UnsetType = UNSET
    requires: list[Identifier] | UnsetType = UNSET
    grants: list[Identifier] | UnsetType = UNSET
    lockedHint: str | UnsetType = UNSET
    camera: str | UnsetType = UNSET
    movement: str | UnsetType = UNSET
    narration: str | UnsetType = UNSET
    minPlayMs: int | UnsetType = UNSET
    autoAfterMs: int | UnsetType = UNSET
    drivePulseMs: int | UnsetType = UNSET
    phases: list[Phase] | UnsetType = UNSET
    anchor: Anchor | UnsetType = UNSET
    landWhen: LandWhen | UnsetType = UNSET
    drive: Drive | UnsetType = UNSET
    waypoint: Waypoint | UnsetType = UNSET
    terminal: Terminal | UnsetType = UNSET


class Scene(Obj):
    """The graph: states by id, events in order."""

    states: dict[str, State]
    events: list[Event]


class EntranceImage(Obj):
    src: str
    label: str | UnsetType = UNSET


class Entrance(Obj):
    """Where play starts, with an optional seed frame."""

    state: str
    image: EntranceImage | UnsetType = UNSET


class Outro(Obj):
    """A clip played when ``flag`` is held in ``state``."""

    video: str
    flag: str
    state: str


class StoryBeat(Obj):
    summary: str
    arc: str | UnsetType = UNSET
    states: list[str] | UnsetType = UNSET
    sequence: str | UnsetType = UNSET


class Story(Obj):
    logline: str
    arc: list[str] | UnsetType = UNSET
    beats: list[StoryBeat] | UnsetType = UNSET


class Cutscene(Obj):
    """A pre-rendered clip on a state→state seam."""

    id: str
    video: str
    from_: str = field(name="from")
    to: str
    label: str | UnsetType = UNSET
    subtitle: str | UnsetType = UNSET
    requires: list[Identifier] | UnsetType = UNSET


class DwellMs(Obj):
    ms: int


class SequenceBeat(Obj):
    state: str
    dwell: Literal["settle", "input"] | DwellMs | UnsetType = UNSET


class Sequence(Obj):
    """An ordered set-piece."""

    id: str
    title: str
    beats: list[SequenceBeat]


class Grounded(Obj):
    target: str
    targetAliases: list[str] | UnsetType = UNSET
    confirm: str | UnsetType = UNSET
    confirmAliases: list[str] | UnsetType = UNSET
    proximity: float | UnsetType = UNSET


class Fail(Obj):
    name: str
    action: str
    outcome: str
    title: str
    subtitle: str | UnsetType = UNSET


class Objective(Obj):
    """One step of a mission; compiles into a one-shot transition."""

    id: str
    text: str
    location: str | UnsetType = UNSET
    base: Prose | UnsetType = UNSET
    camera: str | UnsetType = UNSET
    movement: str | UnsetType = UNSET
    action: str | UnsetType = UNSET
    phases: list[Phase] | UnsetType = UNSET
    outcome: str | UnsetType = UNSET
    grants: str | UnsetType = UNSET
    requires: list[Identifier] | UnsetType = UNSET
    lockedHint: str | UnsetType = UNSET
    grounded: Grounded | UnsetType = UNSET
    fail: Fail | UnsetType = UNSET


class Mission(Obj):
    id: str
    title: str
    objectives: list[Objective]
    complete: Any = UNSET
    verified: list[str] | UnsetType = UNSET


class World(Obj):
    """A playable world: one JSON object."""

    scene: Scene
    id: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    cover: str | UnsetType | None = UNSET
    entrance: Entrance | UnsetType = UNSET
    narrate: bool | UnsetType = UNSET
    introVideo: str | UnsetType = UNSET
    introStatic: bool | UnsetType = UNSET
    outro: Outro | UnsetType = UNSET
    story: Story | UnsetType = UNSET
    cutscenes: list[Cutscene] | UnsetType = UNSET
    sequences: list[Sequence] | UnsetType = UNSET
    missions: list[Mission] | UnsetType = UNSET
    subject: str | UnsetType = UNSET
    styleTail: str | UnsetType = UNSET
    schemaVersion: str | UnsetType = UNSET
