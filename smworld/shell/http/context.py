"""Typed keys for what the application and each request carry (one place, so names never drift)."""

from __future__ import annotations

from aiohttp import web

from ..config import Config
from ..errors import Unavailable
from ..services import Services
from ..services.access import Caller
from ..services.claims import Claim
from ..services.metering import RateDecision

__all__ = ["CALLER", "CLAIM", "CONFIG", "PRINCIPAL", "RATE", "REQUEST_ID", "SERVICES", "Opened"]


class Opened:
    """The services, once the cleanup context has opened them (the application is frozen by then,
    so they are set on this holder rather than on the application)."""

    services: Services | None = None

    def get(self) -> Services:
        if self.services is None:
            raise Unavailable("the server is starting or stopping; retry shortly")
        return self.services


CONFIG = web.AppKey("smworld_config", Config)
SERVICES = web.AppKey("smworld_services", Opened)

REQUEST_ID = web.RequestKey("smworld_request_id", str)
"""The request's id (echoed as ``X-Request-Id``)."""
PRINCIPAL = web.RequestKey("smworld_principal", object)
"""The authenticated :class:`~smworld.shell.auth.UserPrincipal` or :class:`~smworld.shell.auth.KeyPrincipal`."""
CALLER = web.RequestKey("smworld_caller", Caller)
"""For an API key: the caller, with the route's world read in the same round trip."""
RATE = web.RequestKey("smworld_rate", RateDecision)
"""The rate-limit decision whose ``RateLimit-*`` headers every response carries."""
CLAIM = web.RequestKey("smworld_claim", Claim)
"""The claimed ``Idempotency-Key`` of a charging POST (absent without the header)."""
