"""Typed keys for what the application and each request carry (one place, so names never drift)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .cache import ResponseCache, WorldCache
from .config import Config
from .metering import RateDecision, RateLimiter
from .store.base import WorldMeta

if TYPE_CHECKING:
    from .jobs import JobRunner
    from .store.base import Store

__all__ = [
    "CONFIG",
    "IDEMPOTENCY",
    "PRINCIPAL",
    "RATE",
    "REQUEST_ID",
    "SERVICES",
    "WORLD_READ",
    "IdemToken",
    "KeyedLocks",
    "Services",
    "WorldRead",
]


class KeyedLocks:
    """One asyncio lock per key, dropped when nobody holds or waits for it.

    Used to queue writers of the same world inside one process so they do not all read, apply and
    then lose the rev compare-and-set. Correctness never depends on it — the compare-and-set in the
    store does that, across processes too — it only saves the wasted work.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


@dataclass
class Services:
    """What the cleanup context opens at start-up and closes at shutdown.

    Mutable on purpose: the application is frozen before start-up, so the things opened then are
    set on this holder rather than on the application itself.
    """

    clock: Callable[[], float] = time.time
    limiter: RateLimiter = field(default_factory=RateLimiter)
    cache: ResponseCache = field(default_factory=lambda: ResponseCache(0))
    worlds: WorldCache = field(default_factory=lambda: WorldCache(0))
    store: Store | None = None
    jwt_secret: str = ""
    jobs: JobRunner | None = None
    world_locks: KeyedLocks = field(default_factory=KeyedLocks)
    extra: dict[str, Any] = field(default_factory=dict)

    def require_store(self) -> Store:
        if self.store is None:
            from .errors import StoreUnavailable

            raise StoreUnavailable("the store is not open yet; retry shortly")
        return self.store


@dataclass
class IdemToken:
    """The ``Idempotency-Key`` a request claimed. ``in_transaction``: the handler completes it inside
    the transaction that makes its effect (:func:`smworld.shell.idempotency.completion`)."""

    app_id: str
    mode: str
    key: str
    owner: str
    in_transaction: bool = False


@dataclass(frozen=True)
class WorldRead:
    """The ``{id}`` world as read with the request's API key, in the same round trip.

    ``meta`` is None when there is no such world; ``doc`` is None unless the route asked for it.
    """

    world_id: str
    meta: WorldMeta | None
    doc: bytes | None


CONFIG = web.AppKey("smworld_config", Config)
SERVICES = web.AppKey("smworld_services", Services)

REQUEST_ID = web.RequestKey("smworld_request_id", str)
"""The request's id (echoed as ``X-Request-Id``)."""
PRINCIPAL = web.RequestKey("smworld_principal", object)
"""The authenticated :class:`~smworld.shell.auth.UserPrincipal` or :class:`~smworld.shell.auth.KeyPrincipal`."""
RATE = web.RequestKey("smworld_rate", RateDecision)
"""The :class:`~smworld.shell.metering.RateDecision` whose headers every response carries."""
IDEMPOTENCY = web.RequestKey("smworld_idempotency", IdemToken)
"""The claimed ``Idempotency-Key`` of a charging POST (absent without the header)."""
WORLD_READ = web.RequestKey("smworld_world_read", WorldRead)
"""The route's world, fetched by the auth middleware with the key (routes that declare ``world``)."""
