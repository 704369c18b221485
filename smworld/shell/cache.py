"""Small per-application LRUs of world reads, keyed by the exact version they show.

``GET /v1/worlds/{id}/scene`` of an unchanged world should cost a key check and a rev check, not a
JSON decode and encode of the whole graph. :class:`ResponseCache` maps ``(world id, representation)``
to the bytes of that representation at one version (``rev``, plus ``meta_rev`` where metadata
shows); a lookup hits only for exactly that version, so a stale entry is never served — every
request still reads the world's current version from the store (with its API key, in one round
trip) and checks access before it looks here. Correct across replicas for the same reason: versions
come from the database. Bounded by total bytes; the least recently used entries go first.

:class:`WorldCache` does the same for the *decoded* document at ``(rev, meta_rev)``, so a graph
write on a large world skips the decode of what it just wrote. Its entries are shared, read-only
values: the kernel never mutates its inputs and the shell must not either (anything that needs a
changed world gets a new one from the kernel or :func:`~smworld.shell.services.documents.with_meta`). It is
bounded by the byte size of the stored documents its entries were decoded from.

Owned by one application (``Services.cache``, ``Services.worlds``), never global: two apps in one
process (tests) never share entries.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["ResponseCache", "Version", "WorldCache"]

Version = tuple[int, ...]
"""What a cached entry shows: ``(rev,)`` for the scene, ``(rev, meta_rev)`` for the world document."""

V = TypeVar("V")


class _VersionedLru(Generic[V]):
    """Values by key at one :data:`Version`, at most ``max_bytes`` (as the caller sizes them) in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], tuple[Version, V, int]] = OrderedDict()
        self._size = 0

    def _get(self, key: tuple[str, str], version: Version) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def _put(self, key: tuple[str, str], version: Version, value: V, size: int) -> None:
        if size > self.max_bytes // 4:
            return  # one entry may not crowd out the rest (and 0 turns the cache off)
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= old[2]
            if old[0] > version:  # never over a newer version
                version, value, size = old
        self._entries[key] = (version, value, size)
        self._size += size
        while self._size > self.max_bytes:
            _, (_, _, dropped) = self._entries.popitem(last=False)
            self._size -= dropped

    def forget(self, world_id: str) -> None:
        """Drop every entry of a world (it was deleted)."""
        for key in [k for k in self._entries if k[0] == world_id]:
            self._size -= self._entries.pop(key)[2]

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._size


class ResponseCache(_VersionedLru[bytes]):
    """Bytes by ``(world_id, kind)`` at one :data:`Version`, at most ``max_bytes`` in all (0 = off)."""

    def get(self, world_id: str, kind: str, version: Version) -> bytes | None:
        """The cached body for exactly ``version``, or None."""
        return self._get((world_id, kind), version)

    def put(self, world_id: str, kind: str, version: Version, body: bytes) -> None:
        """Keep ``body`` as the ``kind`` of ``world_id`` at ``version`` (never over a newer version)."""
        self._put((world_id, kind), version, body, len(body))


class WorldCache(_VersionedLru[V]):
    """Decoded worlds (whatever the caller keeps per world) by world id at ``(rev, meta_rev)``,
    bounded by their stored byte size (0 = off).

    A returned world is shared: read it, never change it.
    """

    def get(self, world_id: str, version: Version) -> V | None:
        """The decoded world at exactly ``version``, or None."""
        return self._get((world_id, ""), version)

    def put(self, world_id: str, version: Version, world: V, doc_bytes: int) -> None:
        """Keep ``world`` (decoded from, or encoded to, ``doc_bytes`` bytes) as ``world_id`` at ``version``."""
        self._put((world_id, ""), version, world, doc_bytes)
