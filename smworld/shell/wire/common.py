"""What every resource's wire shapes share: the schema version, the error body, field types."""

from __future__ import annotations

import time
from typing import Annotated, Any, ClassVar, Literal

import msgspec

from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.ops import ApplyError

__all__ = [
    "SCHEMA_VERSION",
    "Body",
    "Deleted",
    "ErrorBody",
    "Health",
    "Name",
    "Object",
    "RawArray",
    "RawObject",
    "RawValue",
    "Ready",
    "Text",
    "Versioned",
    "Visibility",
    "iso",
    "iso_or_none",
]

SCHEMA_VERSION: Literal["1.0"] = "1.0"
"""The SMWorld schema version every response names (the one place it is written)."""

Visibility = Literal["private", "unlisted", "public"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=10_000)]
Object = dict[str, Any]
"""A JSON object passed through as it is (a world, a state, an event, a merge patch)."""


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of request bodies: an unknown field is an error that names it (a typo never passes silently).

    Text fields may not hold control or bidi-override characters; ``multiline`` names those that may
    hold tabs and line breaks (prose), the others are one line."""

    multiline: ClassVar[frozenset[str]] = frozenset()


class Versioned(msgspec.Struct, kw_only=True):
    """Base of response bodies that carry ``schemaVersion``."""

    schemaVersion: Literal["1.0"] = SCHEMA_VERSION


class ErrorBody(Versioned):
    """Every error: a sentence naming the problem and the fix, plus what helps a program fix it."""

    detail: str
    errors: list[str] | msgspec.UnsetType = msgspec.UNSET
    """``<field>: <problem>`` lines."""
    diagnostics: list[Diagnostic] | msgspec.UnsetType = msgspec.UNSET
    applyErrors: list[ApplyError] | msgspec.UnsetType = msgspec.UNSET
    rev: str | msgspec.UnsetType = msgspec.UNSET
    """On a stale ``If-Match``: the world's current rev."""
    kind: str | msgspec.UnsetType = msgspec.UNSET
    """On 402: the usage kind whose cap was reached."""
    cap: int | msgspec.UnsetType = msgspec.UNSET
    """On 402: that cap."""


class Health(msgspec.Struct):
    """The process answers."""

    ok: bool


class Ready(msgspec.Struct):
    """The store answers too."""

    ok: bool
    store: str


class Deleted(msgspec.Struct):
    """A deletion: ``{ok: true, deleted: id}``."""

    ok: bool
    deleted: str

RawObject = Annotated[msgspec.Raw, msgspec.Meta(extra_json_schema={"type": "object"})]
"""A JSON object sent as stored bytes, not re-encoded."""
RawArray = Annotated[msgspec.Raw, msgspec.Meta(extra_json_schema={"type": "array", "items": {"type": "object"}})]
"""A JSON array of objects sent as stored bytes."""
RawValue = Annotated[msgspec.Raw, msgspec.Meta(extra_json_schema={})]
"""Any JSON value sent as stored bytes."""


def iso(ts: float) -> str:
    """Epoch seconds as RFC 3339 UTC with milliseconds (``2025-01-31T12:00:00.123Z``)."""
    whole = int(ts)
    millis = round((ts - whole) * 1000)
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def iso_or_none(ts: float | None) -> str | None:
    return None if ts is None else iso(ts)
