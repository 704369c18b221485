"""Authenticating a request's credentials: user tokens, and API keys with their rate limits.

The decisions are the pure functions of :mod:`smworld.shell.auth`; this adds what needs state: the
key looked up in the store on every request (so a revoked key is refused on its very next request),
in the same round trip as the route's world; the per-key token bucket; and ``last_used_at``,
written at most once a minute per key, off the request's path.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from ..auth import AuthRule, KeyPrincipal, UserPrincipal, authorize_key, hash_key, looks_like_key, verify_user_token
from ..config import Config
from ..errors import RateLimited, Unauthenticated
from ..store.interfaces import Store
from .access import Caller
from .metering import RateDecision, RateLimiter

__all__ = ["Authenticator"]

log = logging.getLogger("smworld.shell")
_TOUCH_EVERY_S = 60.0


class Authenticator:
    """Turns bearer tokens into principals."""

    def __init__(self, store: Store, config: Config, clock: Callable[[], float], jwt_secret: str) -> None:
        self._store = store
        self._config = config
        self._clock = clock
        self._secret = jwt_secret
        self.limiter = RateLimiter()
        self._touched: dict[str, float] = {}
        self._background: set[asyncio.Task[None]] = set()

    def user(self, token: str) -> UserPrincipal:
        """A user-session JWT's user."""
        return verify_user_token(token, self._secret, self._clock(), self._config.jwt_audience)

    async def key(self, token: str, rule: AuthRule, world_id: str | None) -> tuple[Caller, RateDecision | None]:
        """An API key's caller (with ``world_id``'s metadata, read in the same round trip) and its
        rate-limit decision, which :meth:`admit` then enforces."""
        if not looks_like_key(token):
            raise Unauthenticated("invalid API key: expected sk_test_…, sk_live_…, pk_test_… or pk_live_…")
        found = await self._store.apps.lookup_key(hash_key(token), world_id)
        principal = authorize_key(found.key, rule)
        decision = self.limiter.take(principal.key.id, self._config.rate_limit(principal.mode))
        self._touch(principal)
        return Caller(principal, world_id, found.world), decision

    @staticmethod
    def admit(principal: KeyPrincipal, decision: RateDecision | None) -> None:
        """:class:`RateLimited` when the key's bucket is empty."""
        if decision is not None and not decision.allowed:
            raise RateLimited(
                f"rate limit reached for key {principal.key.prefix}: {decision.limit} requests burst; "
                f"retry after {decision.retry_after_s}s",
                retry_after_s=decision.retry_after_s,
            )

    def _touch(self, principal: KeyPrincipal) -> None:
        now = self._clock()
        key = principal.key
        if now - max(self._touched.get(key.id, 0.0), key.last_used_at or 0.0) < _TOUCH_EVERY_S:
            return
        self._touched[key.id] = now
        task = asyncio.ensure_future(self._record_use(key.id, now))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _record_use(self, key_id: str, now: float) -> None:
        try:
            await self._store.apps.touch_key(key_id, now)
        except Exception as exc:  # a missed timestamp is not worth failing anything for
            log.debug("touch_key failed: %s", exc)

    async def close(self) -> None:
        """Wait for the ``last_used_at`` writes still running."""
        await asyncio.gather(*self._background, return_exceptions=True)
