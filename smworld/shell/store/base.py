"""The store interface: everything the shell keeps, behind one small abstract class.

Adapters (SQLite here; PostgreSQL later) implement :class:`Store` and translate their driver's
errors into :mod:`smworld.shell.errors` inside the adapter, so routes never see a driver exception.
Every cross-request invariant — a world's rev compare-and-set, a quota reservation, an idempotency
claim, a job claim — is one call here and one transaction in the adapter, so several shell
replicas sharing one database keep them.

Records are frozen dataclasses; times are epoch seconds (floats) and are formatted at the edge.

Effects and their bookkeeping commit together. Creating a world also spends the quota reservation
that paid for it (:class:`Reservation`) and completes the request's ``Idempotency-Key``
(:class:`IdemFinish`) in the same transaction, so a crash can never leave a world whose retry
would make a second one, nor a unit charged for a world that was never made: a reservation
nobody spends is refunded once it expires (:meth:`Store.refund_expired_reservations`).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "AppRecord",
    "IdemClaim",
    "IdemFinish",
    "JobRecord",
    "KeyLookup",
    "KeyRecord",
    "Reservation",
    "RevConflict",
    "Store",
    "VersionRecord",
    "WorldMeta",
    "WorldRecord",
]

Mode = Literal["test", "live"]


@dataclass(frozen=True)
class AppRecord:
    """A tenant, owned by one user (the JWT ``sub``)."""

    id: str
    owner: str
    name: str
    caps: Mapping[str, int]
    created_at: float


@dataclass(frozen=True)
class KeyRecord:
    """An API key as stored: never the plaintext, only its hash and a display prefix."""

    id: str
    app_id: str
    hash: str
    prefix: str
    kind: Literal["secret", "publishable"]
    mode: Mode
    scopes: tuple[str, ...]
    name: str | None
    created_at: float
    last_used_at: float | None = None
    revoked_at: float | None = None


@dataclass(frozen=True)
class WorldMeta:
    """The metadata of a world (what lists and metadata PATCH deal in).

    ``rev`` counts graph writes and checkouts; ``meta_rev`` counts metadata changes (name,
    description, cover, visibility), which leave ``rev`` alone. Together they name one exact
    version of everything ``GET /v1/worlds/{id}`` shows.
    """

    id: str
    app_id: str
    mode: Mode
    name: str
    description: str
    cover: str | None
    visibility: Literal["private", "unlisted", "public"]
    slug: str
    rev: int
    head: str | None
    created_at: float
    updated_at: float
    seq: int = 0
    meta_rev: int = 0


@dataclass(frozen=True)
class WorldRecord:
    """A world's metadata plus its document (compact JSON bytes)."""

    meta: WorldMeta
    doc: bytes


@dataclass(frozen=True)
class VersionRecord:
    """One node of a world's version tree.

    ``manifest`` names the content-addressed objects (the kernel's full or delta manifest);
    ``base`` is the version a delta manifest applies to (None for a full one). Deleting a version
    hides it from the tree but keeps its manifest while deltas are based on it.
    """

    id: str
    world_id: str
    parent_id: str | None
    title: str | None
    source: str
    created_at: float
    manifest: bytes = b""
    base: str | None = None
    seq: int = 0


@dataclass(frozen=True)
class Reservation:
    """Units reserved against a day's cap; spending or refunding needs exactly this record.

    A reservation made by :meth:`Store.reserve` is durable: a row (``id``) in state *pending*,
    written with the usage increment, until the work it paid for spends it (in the transaction that
    makes the work's effect) or refunds it. A pending one still there after ``expires_at`` belongs
    to a process that died mid-work and is refunded. A job's reservation has no ``id``: it lives in
    the job's row, and the job's lifecycle spends or refunds it.
    """

    app_id: str
    mode: Mode
    day: str
    kind: str
    units: int
    id: str = ""
    expires_at: float = 0.0


@dataclass(frozen=True)
class IdemClaim:
    """The outcome of claiming an idempotency key.

    ``state``: ``new`` (the caller owns the key and must finish or release it), ``replay`` (``status``
    and ``body`` are the stored response), ``mismatch`` (same key, different request), ``in_flight``.
    """

    state: Literal["new", "replay", "mismatch", "in_flight"]
    status: int = 0
    body: bytes = b""
    owner: str = ""
    """For ``new``: this claim's token. Finishing or releasing the key needs it, so a request whose
    claim was taken over (it outlived the lock) can no longer complete or drop the key."""


@dataclass(frozen=True)
class IdemFinish:
    """Complete a claimed ``Idempotency-Key`` inside the transaction that makes the request's effect.

    The stored response is ``status`` with ``render(meta)`` as its body (``meta``: the world the
    transaction created, as stored), or ``body`` when there is no world to show. If the claim is no
    longer ``owner``'s the transaction fails with :class:`~smworld.shell.errors.Conflict` and makes
    nothing.
    """

    app_id: str
    mode: str
    key: str
    owner: str
    status: int
    render: Callable[[WorldMeta], bytes] | None = None
    body: bytes = b""


@dataclass(frozen=True)
class KeyLookup:
    """An API key looked up by hash and, when asked for, a world read in the same round trip.

    ``world`` is None when there is no such world; ``doc`` is None unless the document was asked for.
    """

    key: KeyRecord | None
    world: WorldMeta | None = None
    doc: bytes | None = None


@dataclass(frozen=True)
class JobRecord:
    """A durable generation job."""

    id: str
    app_id: str
    mode: Mode
    status: Literal["queued", "running", "succeeded", "failed", "dead"]
    phase: str | None
    progress: float
    params: Mapping[str, Any]
    reservation: Reservation | None
    world_id: str | None
    error: str | None
    attempts: int
    created_at: float
    updated_at: float


class RevConflict(Exception):
    """A compare-and-set on a world's version lost: ``current`` is the rev now stored.

    ``current`` may equal the expected rev: a metadata PATCH (``meta_rev``) committed in between.
    """

    def __init__(self, current: int) -> None:
        super().__init__(f"rev is now {current}")
        self.current = current


class Store(abc.ABC):
    """What the shell needs from persistence. Methods are coroutines; each is one transaction."""

    # lifecycle -----------------------------------------------------------------------------
    @abc.abstractmethod
    async def open(self) -> None:
        """Connect and migrate to the latest schema."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Finish the current transaction and close cleanly (checkpointing any log)."""

    @abc.abstractmethod
    async def ping(self) -> None:
        """Raise :class:`~smworld.shell.errors.StoreUnavailable` unless the store answers."""

    @abc.abstractmethod
    async def setting(self, key: str, default: str) -> str:
        """The stored value of ``key``; stores ``default`` first if there is none (atomically)."""

    # apps and keys ---------------------------------------------------------------------------
    @abc.abstractmethod
    async def create_app(self, app: AppRecord) -> None: ...

    @abc.abstractmethod
    async def list_apps(self, owner: str) -> list[AppRecord]: ...

    @abc.abstractmethod
    async def get_app(self, app_id: str) -> AppRecord | None: ...

    @abc.abstractmethod
    async def update_app(self, app_id: str, *, name: str | None, caps: Mapping[str, int] | None) -> AppRecord:
        """Change name and/or merge caps; raises ``NotFound`` when the app is gone."""

    @abc.abstractmethod
    async def create_key(self, key: KeyRecord) -> None: ...

    @abc.abstractmethod
    async def list_keys(self, app_id: str) -> list[KeyRecord]: ...

    @abc.abstractmethod
    async def revoke_key(self, app_id: str, key_id: str, now: float) -> bool:
        """Revoke; False when no such key in that app. Revoking twice keeps the first time."""

    @abc.abstractmethod
    async def lookup_key(self, key_hash: str, world_id: str | None = None, *, with_doc: bool = False) -> KeyLookup:
        """The key with this hash, and the metadata (and document, ``with_doc``) of ``world_id``
        when given — one round trip for a request's authentication and its world."""

    @abc.abstractmethod
    async def touch_key(self, key_id: str, now: float) -> None:
        """Record ``last_used_at``."""

    # worlds ----------------------------------------------------------------------------------
    @abc.abstractmethod
    async def create_world(
        self,
        meta: WorldMeta,
        doc: bytes,
        version: VersionRecord | None,
        objects: Mapping[str, bytes],
        *,
        spend: Reservation | None = None,
        finish: IdemFinish | None = None,
    ) -> WorldMeta:
        """Insert a world (and optionally its first version + objects). Returns it with ``seq``.

        In the same transaction: spend ``spend`` (see :meth:`spend`) and complete ``finish``.
        """

    @abc.abstractmethod
    async def get_world(self, world_id: str) -> WorldRecord | None: ...

    @abc.abstractmethod
    async def get_world_meta(self, world_id: str) -> WorldMeta | None: ...

    @abc.abstractmethod
    async def list_worlds(
        self, app_id: str, mode: str, visibility: str | None, limit: int, before_seq: int | None
    ) -> list[WorldMeta]:
        """Newest first (by creation), strictly older than ``before_seq`` when given."""

    @abc.abstractmethod
    async def update_world_meta(
        self, world_id: str, changes: Mapping[str, Any], rewrite: Callable[[bytes], bytes], now: float
    ) -> WorldMeta:
        """Change metadata columns and the document that mirrors them: ``meta_rev`` advances, ``rev`` does not.

        ``rewrite(doc) -> doc`` (pure, quick) is applied to the document as read *inside* the same
        transaction, so a concurrent PATCH or graph write is never overwritten by a stale copy.
        """

    @abc.abstractmethod
    async def write_world(
        self, world_id: str, expected_rev: int, doc: bytes, now: float, *, expected_meta_rev: int
    ) -> WorldMeta:
        """Compare-and-set: store ``doc`` as rev ``expected_rev + 1``; raise :class:`RevConflict` if stale.

        ``doc`` was built from a read that also saw ``expected_meta_rev``: a metadata PATCH since then
        changed the document's name/description/cover, so that is a conflict too (else it is lost).
        """

    @abc.abstractmethod
    async def delete_world(self, world_id: str) -> bool:
        """Delete the world and everything of it (versions, objects, jobs). False if absent."""

    # versions --------------------------------------------------------------------------------
    @abc.abstractmethod
    async def add_version(
        self, version: VersionRecord, objects: Mapping[str, bytes], *, move_head_from: str | bool | None
    ) -> None:
        """Insert a version and the objects it needs (objects already stored are kept).

        ``move_head_from``: False leaves HEAD alone; otherwise HEAD moves to this version iff it
        still equals that value (None = no HEAD yet) — checked in the same transaction.
        """

    @abc.abstractmethod
    async def list_versions(self, world_id: str) -> list[VersionRecord]:
        """Oldest first, without manifests."""

    @abc.abstractmethod
    async def get_version(self, world_id: str, version_id: str) -> VersionRecord | None: ...

    @abc.abstractmethod
    async def version_chain(self, world_id: str, version_id: str) -> list[bytes]:
        """The manifests met from ``version_id`` by following ``base`` (newest first), deleted ones included."""

    @abc.abstractmethod
    async def get_objects(self, world_id: str, hashes: Sequence[str]) -> dict[str, bytes]: ...

    @abc.abstractmethod
    async def rename_version(self, world_id: str, version_id: str, title: str | None) -> bool: ...

    @abc.abstractmethod
    async def delete_version(self, world_id: str, version_id: str) -> Literal["deleted", "missing", "head"]:
        """Delete a non-HEAD version, re-parenting its children onto its parent (one transaction)."""

    @abc.abstractmethod
    async def checkout(
        self, world_id: str, version_id: str, expected_rev: int, doc: bytes, now: float, *, expected_meta_rev: int
    ) -> WorldMeta:
        """Set the document to ``doc`` and HEAD to ``version_id`` atomically (CAS as in ``write_world``)."""

    # metering --------------------------------------------------------------------------------
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
    async def refund_expired_reservations(self, now: float) -> int:
        """Refund every pending reservation whose ``expires_at`` has passed; how many were refunded."""

    @abc.abstractmethod
    async def usage(self, app_id: str, mode: str, day: str) -> dict[str, int]: ...

    @abc.abstractmethod
    async def claim_idempotency(
        self, app_id: str, mode: str, key: str, fingerprint: str, now: float, ttl: float, lock: float
    ) -> IdemClaim: ...

    @abc.abstractmethod
    async def finish_idempotency(
        self, app_id: str, mode: str, key: str, status: int, response: bytes, *, owner: str
    ) -> None:
        """Store the final response of a key ``owner`` still holds (later claims replay it)."""

    @abc.abstractmethod
    async def release_idempotency(self, app_id: str, mode: str, key: str, *, owner: str) -> None:
        """Drop an unfinished claim ``owner`` still holds, so a retry runs afresh."""

    # jobs ------------------------------------------------------------------------------------
    @abc.abstractmethod
    async def create_job(self, job: JobRecord, cap: int, *, finish: IdemFinish | None = None) -> bool:
        """Reserve the job's units against ``cap`` and enqueue it, in one transaction (False: over cap).

        ``finish`` (its ``body``) completes the request's ``Idempotency-Key`` in that transaction.
        """

    @abc.abstractmethod
    async def get_job(self, job_id: str) -> JobRecord | None: ...

    @abc.abstractmethod
    async def claim_job(self, now: float) -> JobRecord | None:
        """Take the oldest queued job: mark it running, count the attempt; None when the queue is empty."""

    @abc.abstractmethod
    async def job_progress(self, job_id: str, phase: str, progress: float, now: float) -> None: ...

    @abc.abstractmethod
    async def finish_job_success(
        self, job_id: str, meta: WorldMeta, doc: bytes, version: VersionRecord | None,
        objects: Mapping[str, bytes], now: float,
    ) -> bool:
        """Create the world and mark the job succeeded in one transaction (False: job no longer running)."""

    @abc.abstractmethod
    async def finish_job_failure(self, job_id: str, status: str, error: str, now: float) -> None:
        """Mark the job failed/dead and refund its reservation in one transaction."""

    @abc.abstractmethod
    async def requeue_running_jobs(self, max_attempts: int, now: float) -> tuple[int, int]:
        """At start-up: running jobs go back to the queue, or die (refunded) past ``max_attempts``."""
