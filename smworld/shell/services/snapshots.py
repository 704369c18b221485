"""Snapshots on the store: the kernel's content-addressed objects and manifests, kept in their tables.

A snapshot splits the world into objects (frame, states, events — each under its SHA-256) and a
manifest that names them, stored as a *delta* on the parent's manifest while that stays smaller
than a full one (:mod:`smworld.kernel.versions.manifest`). Only objects the parent does not already
name are written, so 1,000 one-state-apart snapshots cost ~1,000 states plus small deltas, not
1,000 worlds. Reading a version resolves its manifest chain (one recursive query) and fetches its
objects: the API still serves full snapshots.

Deleting a version hides its row instead of rewriting its children's delta manifests: the tree
edge goes (children are re-parented in the same transaction), the manifest stays readable for the
deltas based on it. That keeps a delete one short transaction that cannot race a snapshot.
"""

from __future__ import annotations

from typing import Any

import msgspec

from smworld.kernel.versions import (
    Resolved,
    build_world,
    manifest_from_json,
    manifest_to_json,
    referenced,
    resolve,
    stage,
)
from smworld.kernel.world import WorldDoc

from ..errors import NotFound
from ..store.interfaces import VersionStore
from ..store.records import VersionRecord

__all__ = ["materialize", "resolve_version", "snapshot_records"]

_decoder = msgspec.json.Decoder()


def snapshot_records(
    world: WorldDoc,
    world_id: str,
    *,
    version_id: str,
    parent: str | None,
    source: str,
    title: str | None,
    created_at: float,
    parent_contents: Resolved | None = None,
) -> tuple[VersionRecord, dict[str, bytes]]:
    """The version row and the objects to store for a snapshot of ``world`` onto ``parent``.

    The objects are those the manifest names: all of them for a full manifest, only the changed
    ones for a delta (the rest are the parent's, already stored).
    """
    manifest, objects = stage(world, parent, parent_contents)
    record = VersionRecord(
        id=version_id, world_id=world_id, parent_id=parent, title=title, source=source, created_at=created_at,
        manifest=manifest_to_json(manifest), base=getattr(manifest, "base", None),
    )
    return record, objects


async def resolve_version(store: VersionStore, world_id: str, version_id: str) -> Resolved:
    """The full contents of a stored version; :class:`NotFound` when there is no such version."""
    chain = await store.chain(world_id, version_id)
    if not chain:
        raise NotFound(f"no version {version_id!r} in this world")
    return resolve([manifest_from_json(raw) for raw in chain])


async def materialize(store: VersionStore, world_id: str, version_id: str) -> WorldDoc:
    """The world a version snapshotted, rebuilt from its objects."""
    contents = (await resolve_version(store, world_id, version_id)).contents
    raw = await store.objects(world_id, sorted(referenced(contents)))
    objects: dict[str, Any] = {h: _decoder.decode(body) for h, body in raw.items()}
    return build_world(contents, objects)
