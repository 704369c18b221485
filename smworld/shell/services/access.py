"""Who may see and change a world.

A world is *readable* by its own app and — in the same mode — by any app when it is ``public`` or
``unlisted``; it is *writable* only by its own app. A foreign private world is not found (no
existence leak); a foreign world the caller can read but not write is forbidden ("fork it"). Its
*history* (versions, their snapshots and diffs) is the owner's only: content removed from the
current world must not stay readable through old snapshots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..auth import KeyPrincipal
from ..errors import Forbidden, NotFound
from ..store.interfaces import WorldStore
from ..store.records import WorldMeta

__all__ = ["Access", "Caller", "not_found"]

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Caller:
    """An app acting through a key, with the world the key was looked up with (one round trip):
    ``world`` is its metadata then (None: no such world) when ``world_id`` is set."""

    principal: KeyPrincipal
    world_id: str | None = None
    world: WorldMeta | None = None


def not_found(world_id: str) -> NotFound:
    return NotFound(f"no world {world_id!r} (for this API key's app and mode)")


class Access:
    """The access rules over a :class:`WorldStore`."""

    def __init__(self, worlds: WorldStore) -> None:
        self._worlds = worlds

    async def readable(self, caller: Caller, world_id: str, *, fresh: bool = False) -> WorldMeta:
        """The world's metadata if the caller may read it. ``fresh``: read it again even if the
        caller carries a copy."""
        if not _UUID.match(world_id):
            raise not_found(world_id)
        if caller.world_id == world_id and not fresh:
            meta = caller.world
        else:
            meta = await self._worlds.meta(world_id)
        principal = caller.principal
        if meta is None or meta.mode != principal.mode or not (
            meta.app_id == principal.app_id or meta.visibility in ("public", "unlisted")
        ):
            raise not_found(world_id)
        return meta

    async def owned(self, caller: Caller, world_id: str) -> WorldMeta:
        """The world if it is the caller's own (for its history): another app's is not found."""
        meta = await self.readable(caller, world_id)
        if meta.app_id != caller.principal.app_id:
            raise not_found(world_id)
        return meta

    async def writable(self, caller: Caller, world_id: str, *, fresh: bool = False) -> WorldMeta:
        """The world if the caller owns it; :class:`Forbidden` if it may only read it."""
        meta = await self.readable(caller, world_id, fresh=fresh)
        if meta.app_id != caller.principal.app_id:
            raise Forbidden("this world belongs to another app: you can read it, not change it — fork it to edit")
        return meta
