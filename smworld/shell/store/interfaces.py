"""What the shell needs from persistence: one small interface per concept.

Each method is a coroutine and one transaction (or one read snapshot) in the adapter. Every
cross-request invariant — a world's rev compare-and-set, a quota reservation, an idempotency claim,
a job claim — is one call here, so several shell processes sharing one database keep them.
Adapters raise only :mod:`.errors` (never their driver's exceptions, never protocol errors).

:class:`Store` bundles one adapter per concept with the lifecycle (open, close, ping): the SQLite
adapter is :class:`~.sqlite.SQLiteStore`; a PostgreSQL one implements the same interfaces and
passes the same tests.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from .records import (
    AppRecord,
    IdemClaim,
    IdemFinish,
    JobRecord,
    KeyLookup,
    KeyRecord,
    NewWorld,
    Reservation,
    StoredWorld,
    VersionRecord,
    WorldMeta,
)
from .rows import RowChange

__all__ = ["AppStore", "IdempotencyStore", "JobStore", "MeterStore", "Store", "VersionStore", "WorldStore"]


class AppStore(abc.ABC):
    """Settings, apps (tenants) and their API keys."""

    @abc.abstractmethod
    async def setting(self, key: str, default: str) -> str:
        """The stored value of ``key``; stores ``default`` first if there is none (atomically)."""

    @abc.abstractmethod
    async def create_app(self, app: AppRecord) -> None: ...

    @abc.abstractmethod
    async def list_apps(self, owner: str, limit: int, after: tuple[float, str] | None) -> list[AppRecord]:
        """The owner's apps, oldest first, strictly after ``(created_at, id)`` when given."""

    @abc.abstractmethod
    async def get_app(self, app_id: str) -> AppRecord | None: ...

    @abc.abstractmethod
    async def update_app(self, app_id: str, name: str | None, caps: Mapping[str, int] | None) -> AppRecord:
        """Change the name and/or merge caps; :class:`~.errors.Missing` when the app is gone."""

    @abc.abstractmethod
    async def set_ceilings(self, app_id: str, ceilings: Mapping[str, int]) -> AppRecord:
        """Merge the operator's caps for the app; :class:`~.errors.Missing` when the app is gone."""

    @abc.abstractmethod
    async def delete_app(self, app_id: str) -> bool:
        """Delete the app with its keys and every resource of it; False when there is none."""

    @abc.abstractmethod
    async def create_key(self, key: KeyRecord) -> None: ...

    @abc.abstractmethod
    async def list_keys(self, app_id: str) -> list[KeyRecord]: ...

    @abc.abstractmethod
    async def revoke_key(self, app_id: str, key_id: str, now: float) -> bool:
        """Revoke; False when no such key in that app. Revoking twice keeps the first time."""

    @abc.abstractmethod
    async def lookup_key(self, key_hash: str, world_id: str | None = None) -> KeyLookup:
        """The key with this hash and, when ``world_id`` is given, that world's metadata — one round
        trip for a request's authentication and its world."""

    @abc.abstractmethod
    async def touch_key(self, key_id: str, now: float) -> None:
        """Record ``last_used_at``."""


class WorldStore(abc.ABC):
    """Worlds: their metadata and their rows (:mod:`.rows`)."""

    @abc.abstractmethod
    async def create(
        self, world: NewWorld, *, spend: Reservation | None = None, finish: IdemFinish | None = None
    ) -> WorldMeta:
        """Insert a world (and its first version) — and in the same transaction spend ``spend`` and
        complete ``finish``. Returns the metadata as stored (a taken slug gets the id's tail)."""

    @abc.abstractmethod
    async def meta(self, world_id: str) -> WorldMeta | None: ...

    @abc.abstractmethod
    async def load(self, world_id: str) -> StoredWorld | None:
        """The metadata and every row, as one snapshot."""

    @abc.abstractmethod
    async def page(
        self, app_id: str, mode: str, visibility: str | None, limit: int, before_seq: int | None
    ) -> list[WorldMeta]:
        """Newest first (by creation), strictly older than ``before_seq`` when given."""

    @abc.abstractmethod
    async def write(
        self, world_id: str, expected: tuple[int, int], change: RowChange, now: float, *, head: str | None = None
    ) -> WorldMeta:
        """Compare-and-set: iff the world is at ``expected`` = ``(rev, meta_rev)``, apply ``change``
        and advance ``rev`` by one (moving HEAD to ``head`` when given, which must be a live version);
        else :class:`~.errors.RevConflict`."""

    @abc.abstractmethod
    async def update_meta(
        self, world_id: str, changes: Mapping[str, Any], now: float, *, expected: tuple[int, int] | None = None
    ) -> WorldMeta:
        """Set metadata (``name``, ``description``, ``cover``, ``visibility``) and the frame fields that
        mirror them; ``meta_rev`` advances, ``rev`` does not. With ``expected``, a compare-and-set as
        in :meth:`write`."""

    @abc.abstractmethod
    async def delete(self, world_id: str) -> bool:
        """Delete the world and everything of it (rows, versions, objects, jobs). False if absent."""


class VersionStore(abc.ABC):
    """Each world's version tree and the content-addressed objects its snapshots name."""

    @abc.abstractmethod
    async def add(
        self, version: VersionRecord, objects: Mapping[str, bytes], *, move_head_from: str | bool | None
    ) -> None:
        """Insert a version and the objects it needs (objects already stored are kept).

        ``move_head_from``: False leaves HEAD alone; otherwise HEAD moves to this version iff it
        still equals that value (None = no HEAD yet) — checked in the same transaction.
        """

    @abc.abstractmethod
    async def tree(self, world_id: str) -> list[VersionRecord]:
        """Oldest first, without manifests."""

    @abc.abstractmethod
    async def get(self, world_id: str, version_id: str) -> VersionRecord | None: ...

    @abc.abstractmethod
    async def chain(self, world_id: str, version_id: str) -> list[bytes]:
        """The manifests met from ``version_id`` by following ``base`` (newest first), deleted ones included."""

    @abc.abstractmethod
    async def objects(self, world_id: str, hashes: Sequence[str]) -> dict[str, bytes]: ...

    @abc.abstractmethod
    async def rename(self, world_id: str, version_id: str, title: str | None) -> bool: ...

    @abc.abstractmethod
    async def delete(self, world_id: str, version_id: str) -> Literal["deleted", "missing", "head"]:
        """Delete a non-HEAD version, re-parenting its children onto its parent (one transaction)."""


class MeterStore(abc.ABC):
    """Daily usage and the reservations that pay for metered work."""

    @abc.abstractmethod
    async def reserve(self, reservation: Reservation, cap: int) -> bool:
        """Add the units iff the day's total stays within ``cap`` (0 = unlimited), and record the
        reservation as pending, in one transaction; False = over cap (nothing recorded)."""

    @abc.abstractmethod
    async def spend(self, reservation: Reservation) -> None:
        """Settle a reservation for good. Spending twice is a no-op; spending one that expired and
        was refunded charges its units again (the work did happen)."""

    @abc.abstractmethod
    async def refund(self, reservation: Reservation) -> None:
        """Give back a pending reservation's units; a no-op once it is spent or refunded."""

    @abc.abstractmethod
    async def refund_expired(self, now: float) -> int:
        """Refund every pending reservation whose ``expires_at`` has passed; how many were refunded."""

    @abc.abstractmethod
    async def usage(self, app_id: str, mode: str, day: str) -> dict[str, int]: ...


class IdempotencyStore(abc.ABC):
    """``Idempotency-Key`` claims and the responses they replay."""

    @abc.abstractmethod
    async def claim(
        self, app_id: str, mode: str, key: str, fingerprint: str, now: float, ttl: float, lock: float
    ) -> IdemClaim: ...

    @abc.abstractmethod
    async def finish(self, app_id: str, mode: str, key: str, status: int, response: bytes, *, owner: str) -> None:
        """Store the final response of a key ``owner`` still holds (later claims replay it)."""

    @abc.abstractmethod
    async def release(self, app_id: str, mode: str, key: str, *, owner: str) -> None:
        """Drop an unfinished claim ``owner`` still holds, so a retry runs afresh."""


class JobStore(abc.ABC):
    """Durable generation jobs."""

    @abc.abstractmethod
    async def create(self, job: JobRecord, cap: int, *, finish: IdemFinish | None = None) -> bool:
        """Reserve the job's units against ``cap`` and enqueue it, in one transaction (False: over cap).

        ``finish`` (its ``body``) completes the request's ``Idempotency-Key`` in that transaction.
        """

    @abc.abstractmethod
    async def get(self, job_id: str) -> JobRecord | None: ...

    @abc.abstractmethod
    async def claim(self, now: float) -> JobRecord | None:
        """Take the oldest queued job: mark it running, count the attempt; None when the queue is empty."""

    @abc.abstractmethod
    async def progress(self, job_id: str, phase: str, progress: float, now: float) -> None: ...

    @abc.abstractmethod
    async def succeed(self, job_id: str, world: NewWorld, now: float) -> bool:
        """Create the world and mark the job succeeded in one transaction (False: job no longer running)."""

    @abc.abstractmethod
    async def fail(self, job_id: str, status: str, error: str, now: float) -> None:
        """Mark the job failed/dead and refund its reservation in one transaction."""

    @abc.abstractmethod
    async def requeue_running(self, max_attempts: int, now: float) -> tuple[int, int]:
        """At start-up: running jobs go back to the queue, or die (refunded) past ``max_attempts``."""


class Store(abc.ABC):
    """One adapter per concept, opened and closed together."""

    apps: AppStore
    worlds: WorldStore
    versions: VersionStore
    meter: MeterStore
    idempotency: IdempotencyStore
    jobs: JobStore

    @abc.abstractmethod
    async def open(self) -> None:
        """Connect and migrate to the latest schema."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Finish the current transaction and close cleanly."""

    @abc.abstractmethod
    async def ping(self) -> None:
        """Raise :class:`~.errors.Unavailable` unless the store answers."""
