"""The records the store keeps and returns: frozen dataclasses, times as epoch seconds (floats).

Effects and their bookkeeping commit together. Creating a world also spends the quota reservation
that paid for it (:class:`Reservation`) and completes the request's ``Idempotency-Key``
(:class:`IdemFinish`) in the same transaction, so a crash can never leave a world whose retry
would make a second one, nor a unit charged for a world that was never made: a reservation
nobody spends is refunded once it expires.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .rows import Rows

__all__ = [
    "AppRecord",
    "IdemClaim",
    "IdemFinish",
    "JobRecord",
    "KeyLookup",
    "KeyRecord",
    "Mode",
    "NewWorld",
    "Reservation",
    "StoredWorld",
    "VersionRecord",
    "WorldMeta",
]

Mode = Literal["test", "live"]


@dataclass(frozen=True)
class AppRecord:
    """A tenant, owned by one user (the JWT ``sub``)."""

    id: str
    owner: str
    name: str
    caps: Mapping[str, int]
    """Caps the owner set (spend control), beneath the ceilings."""
    created_at: float
    ceilings: Mapping[str, int] = field(default_factory=dict)
    """Caps the operator set for this app (over the server's defaults)."""


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
class StoredWorld:
    """A world as stored: its metadata and its rows (see :mod:`.rows`)."""

    meta: WorldMeta
    rows: Rows


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
class NewWorld:
    """Everything a new world is stored with: its metadata row, its rows, and optionally its first
    version (snapshot row plus the content-addressed objects it names)."""

    meta: WorldMeta
    rows: Rows
    version: VersionRecord | None = None
    objects: Mapping[str, bytes] | None = None


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
    """An API key looked up by hash and, when asked for, a world's metadata read in the same round trip.

    ``world`` is None when there is no such world (or none was asked for).
    """

    key: KeyRecord | None
    world: WorldMeta | None = None


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
