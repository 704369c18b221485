"""A small per-application LRU of encoded world reads, keyed by the exact version they show.

``GET /v1/worlds/{id}/scene`` of an unchanged world should cost a key check and a rev check, not a
JSON decode and encode of the whole graph. The cache maps ``(world id, representation)`` to the
bytes of that representation at one version (``rev``, plus ``meta_rev`` where metadata shows); a
lookup hits only for exactly that version, so a stale entry is never served — every request still
reads the world's current version from the store (with its API key, in one round trip) and checks
access before it looks here. Correct across replicas for the same reason: versions come from the
database. Bounded by total bytes; the least recently used entries go first.

Owned by one application (``Services.cache``), never global: two apps in one process (tests) never
share entries.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["ResponseCache", "Version"]

Version = tuple[int, ...]
"""What a cached body shows: ``(rev,)`` for the scene, ``(rev, meta_rev)`` for the world document."""


class ResponseCache:
    """Bytes by ``(world_id, kind)`` at one :data:`Version`, at most ``max_bytes`` in all (0 = off)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], tuple[Version, bytes]] = OrderedDict()
        self._size = 0

    def get(self, world_id: str, kind: str, version: Version) -> bytes | None:
        """The cached body for exactly ``version``, or None."""
        key = (world_id, kind)
        entry = self._entries.get(key)
        if entry is None or entry[0] != version:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, world_id: str, kind: str, version: Version, body: bytes) -> None:
        """Keep ``body`` as the ``kind`` of ``world_id`` at ``version`` (never over a newer version)."""
        if len(body) > self.max_bytes // 4:
            return  # one entry may not crowd out the rest (and 0 turns the cache off)
        key = (world_id, kind)
        old = self._entries.pop(key, None)
        if old is not None:
            self._size -= len(old[1])
            if old[0] > version:
                body, version = old[1], old[0]
        self._entries[key] = (version, body)
        self._size += len(body)
        while self._size > self.max_bytes:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._size -= len(dropped)

    def forget(self, world_id: str) -> None:
        """Drop every entry of a world (it was deleted)."""
        for key in [k for k in self._entries if k[0] == world_id]:
            self._size -= len(self._entries.pop(key)[1])

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._size
