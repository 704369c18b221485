"""The version service: each world's tree of full snapshots (the owner's only).

Snapshots are the kernel's content-addressed objects and manifests (:mod:`.snapshots`). A world's
history belongs to its app: another app that may read the current world gets "not found" here.
Checkout changes the world, so it is a write of the world service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import msgspec

from smworld.kernel.diff import diff

from ..errors import Conflict, NotFound
from ..store.interfaces import Store
from ..store.records import VersionRecord
from ..wire.common import iso
from ..wire.versions import DiffOut, VersionCreate, VersionCreated, VersionList, VersionOut, VersionSnapshot
from .access import Access, Caller
from .snapshots import materialize, resolve_version, snapshot_records
from .worlds import WorldService

__all__ = ["VersionService"]


def _out(version: VersionRecord) -> VersionOut:
    return VersionOut(id=version.id, parentVersionId=version.parent_id, source=version.source,
                      title=version.title, created_at=iso(version.created_at))


class VersionService:
    """Snapshots, the tree, diffs."""

    def __init__(self, store: Store, clock: Callable[[], float], worlds: WorldService) -> None:
        self._store = store
        self._clock = clock
        self._worlds = worlds
        self._access: Access = worlds.access

    async def _version(self, world_id: str, version_id: str) -> VersionRecord:
        version = await self._store.versions.get(world_id, version_id)
        if version is None:
            raise NotFound(f"no version {version_id!r} in world {world_id!r}")
        return version

    async def create(self, caller: Caller, world_id: str, data: VersionCreate) -> VersionCreated:
        """Snapshot the current graph. A save onto HEAD advances HEAD; one off an older parent branches."""
        meta = await self._access.writable(caller, world_id)
        loaded = await self._worlds.load(meta)
        head = loaded.meta.head
        parent = data.parentVersionId if data.parentVersionId is not None else head
        parent_contents = None
        if parent is not None:
            await self._version(world_id, parent)
            parent_contents = await resolve_version(self._store.versions, world_id, parent)
        version, objects = snapshot_records(
            loaded.world, world_id, version_id=str(uuid.uuid4()), parent=parent, source=data.source,
            title=data.title, created_at=self._clock(), parent_contents=parent_contents,
        )
        await self._store.versions.add(version, objects, move_head_from=head if parent == head else False)
        return VersionCreated(versionId=version.id, version=_out(version))

    async def tree(self, caller: Caller, world_id: str) -> VersionList:
        meta = await self._access.owned(caller, world_id)
        versions = await self._store.versions.tree(meta.id)
        return VersionList(versions=[_out(v) for v in versions], head=meta.head)

    async def get(self, caller: Caller, world_id: str, version_id: str) -> VersionSnapshot:
        meta = await self._access.owned(caller, world_id)
        version = await self._version(meta.id, version_id)
        snapshot = await materialize(self._store.versions, meta.id, version.id)
        return VersionSnapshot(**msgspec.structs.asdict(_out(version)), snapshot=snapshot)

    async def rename(self, caller: Caller, world_id: str, version_id: str, title: str | None) -> None:
        meta = await self._access.writable(caller, world_id)
        if not await self._store.versions.rename(meta.id, version_id, title):
            raise NotFound(f"no version {version_id!r} in world {meta.id!r}")

    async def delete(self, caller: Caller, world_id: str, version_id: str) -> None:
        meta = await self._access.writable(caller, world_id)
        outcome = await self._store.versions.delete(meta.id, version_id)
        if outcome == "missing":
            raise NotFound(f"no version {version_id!r} in world {meta.id!r}")
        if outcome == "head":
            raise Conflict(f"version {version_id!r} is HEAD; check out another version before deleting it")

    async def diff(self, caller: Caller, world_id: str, a: str, b: str, *, detail: bool) -> DiffOut:
        """Structural diff from version ``a`` (base) to ``b`` (target)."""
        meta = await self._access.owned(caller, world_id)
        await self._version(meta.id, a)
        await self._version(meta.id, b)
        world_a = await materialize(self._store.versions, meta.id, a)
        world_b = await materialize(self._store.versions, meta.id, b)
        return msgspec.convert({"a": a, "b": b, **diff(world_a, world_b, detail=detail)}, DiffOut)
