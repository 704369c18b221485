"""Quotas, reservations and refunds; per-key rate limits.

- **Quota**: a metered call reserves its units *before* any work, in one store transaction that
  checks the cap, adds the units and records the reservation as pending (:meth:`MeterStore.reserve`),
  so concurrent calls at the boundary can never overshoot. Work that succeeds spends the
  reservation in the transaction that makes its effect; work that fails refunds exactly that
  reservation; a reservation left pending by a process that died is refunded once it expires.
  Usage is kept per app, per mode (test usage never eats into live quota), per UTC day, per kind.
- **Rate limits**: a token bucket per key. The buckets live in process memory on purpose: the
  SQLite store is one process by construction, so its memory *is* the shared state, and a
  bucket update per request would otherwise cost a durable write per read. A multi-replica store
  swaps :class:`RateLimiter` for one that keeps buckets in the database; the routes do not change.
"""

from __future__ import annotations

import contextlib
import math
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass

from ..config import USAGE_KINDS, RateLimit
from ..errors import OverQuota
from ..store.interfaces import MeterStore
from ..store.records import Mode, Reservation

__all__ = ["RateDecision", "RateLimiter", "metered", "over_quota", "reserve", "utc_day"]


def utc_day(now: float) -> str:
    """The UTC calendar day of ``now`` (``2025-01-31``): the unit quotas reset on."""
    return time.strftime("%Y-%m-%d", time.gmtime(now))


async def reserve(
    store: MeterStore, app_id: str, mode: Mode, kind: str, caps: Mapping[str, int], now: float, *, ttl: float,
    units: int = 1,
) -> Reservation:
    """Reserve ``units`` of ``kind`` for today, pending for at most ``ttl`` seconds, or raise 402
    (nothing charged)."""
    if kind not in USAGE_KINDS:
        raise ValueError(f"unknown usage kind {kind!r}")
    reservation = Reservation(app_id, mode, utc_day(now), kind, units, id=uuid.uuid4().hex, expires_at=now + ttl)
    cap = int(caps.get(kind, 0))
    if not await store.reserve(reservation, cap):
        raise over_quota(kind, cap)
    return reservation


def over_quota(kind: str, cap: int) -> OverQuota:
    """The refusal of a reservation at ``cap`` (the same words wherever the reservation is made)."""
    return OverQuota(
        f"daily {kind} quota reached ({cap} per UTC day for this app); nothing was charged — "
        "raise the app's cap or retry tomorrow",
        kind=kind,
        cap=cap,
    )


@contextlib.asynccontextmanager
async def metered(
    store: MeterStore, app_id: str, mode: Mode, kind: str, caps: Mapping[str, int], now: float, *, ttl: float
) -> AsyncIterator[Reservation]:
    """Reserve one unit for the block; refund it if the block raises.

    The block spends the reservation itself — inside the store transaction that makes its effect
    (``worlds.create(..., spend=reservation)``), or with :meth:`MeterStore.spend` when its effect is
    elsewhere. One it leaves pending is refunded when it expires.
    """
    reservation = await reserve(store, app_id, mode, kind, caps, now, ttl=ttl)
    try:
        yield reservation
    except BaseException:
        await store.refund(reservation)
        raise


@dataclass(frozen=True)
class RateDecision:
    """The outcome of one request against a bucket, with what the ``RateLimit-*`` headers say."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: int
    retry_after_s: int

    def headers(self) -> dict[str, str]:
        out = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_s),
        }
        if not self.allowed:
            out["Retry-After"] = str(self.retry_after_s)
        return out


class RateLimiter:
    """Token buckets keyed by API key id (see the module docstring for why in memory)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_buckets: int = 100_000) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._max = max_buckets

    def take(self, key_id: str, rate: RateLimit) -> RateDecision | None:
        """Spend one token; None when the limit is disabled."""
        if not rate.enabled:
            return None
        now = self._clock()
        tokens, last = self._buckets.get(key_id, (float(rate.burst), now))
        tokens = min(float(rate.burst), tokens + (now - last) * rate.per_second)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        if len(self._buckets) >= self._max and key_id not in self._buckets:
            self._prune(now, rate)
        self._buckets[key_id] = (tokens, now)
        missing = rate.burst - tokens
        return RateDecision(
            allowed=allowed,
            limit=rate.burst,
            remaining=int(tokens),
            reset_s=math.ceil(missing / rate.per_second),
            retry_after_s=max(1, math.ceil((1.0 - tokens) / rate.per_second)) if not allowed else 0,
        )

    def _prune(self, now: float, rate: RateLimit) -> None:
        """Forget buckets that have refilled completely (they hold no information)."""
        full = [
            key
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * rate.per_second >= rate.burst
        ]
        for key in full:
            del self._buckets[key]
