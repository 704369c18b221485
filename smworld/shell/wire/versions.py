"""Versions: a git-style tree of full snapshots per world."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from .common import SCHEMA_VERSION, Body, Object, RawObject, Versioned

__all__ = [
    "CheckedOut",
    "CheckedOutHead",
    "Checkout",
    "DiffOut",
    "VersionCreate",
    "VersionCreated",
    "VersionList",
    "VersionOut",
    "VersionRename",
    "VersionRenamed",
    "VersionSnapshot",
]

Title = Annotated[str, msgspec.Meta(max_length=500)]


class VersionCreate(Body):
    """Snapshot the current graph. ``parentVersionId`` defaults to HEAD; ``source`` to ``snapshot``."""

    title: Title | None = None
    parentVersionId: str | None = None
    source: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] = "snapshot"


class VersionRename(Body):
    title: Title | None


class Checkout(Body):
    versionId: str


class VersionOut(msgspec.Struct, kw_only=True):
    id: str
    parentVersionId: str | None
    source: str
    title: str | None
    created_at: str


class VersionCreated(msgspec.Struct):
    versionId: str
    version: VersionOut


class VersionList(msgspec.Struct):
    """Every version, oldest first; rebuild the tree from ``parentVersionId``."""

    versions: list[VersionOut]
    head: str | None


class VersionSnapshot(VersionOut, kw_only=True):
    """A version with the full world it snapshotted."""

    snapshot: Object
    schemaVersion: Literal["1.0"] = SCHEMA_VERSION


class VersionRenamed(msgspec.Struct):
    ok: bool
    versionId: str
    title: str | None


class Changes(msgspec.Struct):
    added: list[str]
    removed: list[str]
    changed: list[Any]


class EntranceChange(msgspec.Struct):
    from_: str | None = msgspec.field(name="from")
    to: str | None = None


class DiffOut(msgspec.Struct, kw_only=True):
    """What changed from version ``a`` to ``b`` (sorted ids and names; added = in b, not in a)."""

    a: str
    b: str
    states: Changes
    events: Changes
    entrance: EntranceChange | msgspec.UnsetType = msgspec.UNSET
    world: Object | msgspec.UnsetType = msgspec.UNSET
    """``{changed: [...]}``: other top-level fields that differ."""
    detail: Object | msgspec.UnsetType = msgspec.UNSET
    """With ``?detail=1``: the per-field changes."""


class CheckedOutHead(Versioned, kw_only=True):
    """A checkout with ``Prefer: return=minimal``: the new rev and HEAD, without the world."""

    rev: str
    head: str | None


class CheckedOut(CheckedOutHead, kw_only=True):
    """The working graph set to a version, and HEAD moved onto it."""

    world: RawObject
