"""Graph editing: the scene, states and events, op batches, validate and lint."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.ops import ApplyError

from .common import Body, Object, RawArray, RawObject, RawValue, Versioned

__all__ = [
    "CheckBody",
    "EntranceBody",
    "EventOut",
    "EventsOut",
    "LintOut",
    "OpsBody",
    "SceneOut",
    "StateOut",
    "StatesOut",
    "ValidateOut",
    "WriteOut",
    "WrittenOut",
]


class SceneOut(Versioned, kw_only=True):
    """The whole graph; ``rev`` is also the ETag."""

    states: RawObject
    events: RawArray
    entrance: RawValue
    rev: str


class StatesOut(msgspec.Struct):
    states: dict[str, Object]


class StateOut(msgspec.Struct):
    id: str
    state: Object


class EventsOut(msgspec.Struct):
    events: list[Object]


class EventOut(msgspec.Struct):
    event: Object


class OpsBody(Body):
    """An ordered batch of GraphOps (``{"op": name, …arguments}``), applied atomically."""

    ops: Annotated[list[Object], msgspec.Meta(min_length=1)]
    """At least one op."""


class EntranceBody(Body):
    """The ``set_entrance`` op: the entrance state and, optionally, a seed image."""

    state: str
    image: Object | None = None


class CheckBody(Body):
    """Check this inline ``world`` instead of the stored one (leave it out, or send no body, for the stored one)."""

    world: Object | None = None


class WrittenOut(Versioned, kw_only=True):
    """A graph write with ``Prefer: return=minimal``: what happened, without the world."""

    rev: str
    diagnostics: list[Diagnostic]
    applyErrors: list[ApplyError]


class WriteOut(WrittenOut, kw_only=True):
    """A graph write: the new world, the gate's findings, ops that could not apply, the new rev (also the ETag)."""

    world: RawObject


class ValidateOut(Versioned, kw_only=True):
    """A world with no errors, and its warnings and infos."""

    ok: bool
    world: RawObject
    diagnostics: list[Diagnostic]


class LintOut(Versioned, kw_only=True):
    """Every gate finding (advisory) and the prompt budget."""

    ok: bool
    diagnostics: list[Diagnostic]
    promptBudget: Any
