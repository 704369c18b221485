"""Worlds: create (generate, register, empty), list, read, change metadata, delete, fork."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

import msgspec

from .common import SCHEMA_VERSION, Body, Name, Object, Text, Versioned, Visibility

__all__ = [
    "Created",
    "ForkCreate",
    "Forked",
    "Queued",
    "WorldCreate",
    "WorldDocument",
    "WorldList",
    "WorldMetaOut",
    "WorldPatch",
    "WorldSummary",
]

Premise = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class WorldCreate(Body):
    """Generate from ``premise`` and/or a seed frame, register a ``world`` document, or create an empty
    world from ``name`` alone. ``seed``/``size`` steer the procedural generator (same premise + seed →
    same world). ``world: null`` is the same as leaving it out."""

    premise: Premise | None = None
    frame_url: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    frame_b64: Annotated[str, msgspec.Meta(max_length=4_000_000)] | None = None
    name: Name | None = None
    description: Text | None = None
    pov: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    world: Object | None = None
    async_: bool = msgspec.field(default=False, name="async")
    multiline: ClassVar[frozenset[str]] = frozenset({"premise", "description"})
    visibility: Visibility = "private"
    seed: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] | None = None
    size: Annotated[int, msgspec.Meta(ge=5, le=10_000)] | None = None


class WorldPatch(Body):
    """Metadata only: the graph and ``rev`` are untouched. ``cover: null`` removes the cover."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    cover: Annotated[str, msgspec.Meta(max_length=2_000_000)] | msgspec.UnsetType | None = msgspec.UNSET
    visibility: Visibility | msgspec.UnsetType = msgspec.UNSET
    multiline: ClassVar[frozenset[str]] = frozenset({"description"})


class ForkCreate(Body):
    """Optionally name the fork (default: the source's name)."""

    name: Name | None = None


class Created(Versioned):
    """A world made synchronously."""

    worldId: str
    slug: str
    status: str
    cover: str | None


class Queued(Versioned):
    """A generation queued as a durable job: poll ``GET /v1/jobs/{jobId}``."""

    jobId: str
    status: str


class Forked(Versioned):
    """A new private world cloned from another."""

    worldId: str
    slug: str


class WorldSummary(msgspec.Struct, kw_only=True):
    """A world's metadata, as lists show it."""

    id: str
    name: str
    description: str
    cover: str | None
    visibility: Visibility
    slug: str
    updated_at: str


class WorldMetaOut(WorldSummary, kw_only=True):
    """A world's metadata after a change."""

    schemaVersion: Literal["1.0"] = SCHEMA_VERSION


class WorldList(msgspec.Struct):
    """One page of worlds, newest first; ``nextCursor`` fetches the next (null at the end)."""

    worlds: list[WorldSummary]
    nextCursor: str | None


class WorldDocument(Versioned, kw_only=True):
    """``GET /v1/worlds/{id}``: the SMWorld document's own top-level fields, plus these."""

    id: str
    rev: str
    visibility: Visibility
    slug: str
    created_at: str
    updated_at: str
