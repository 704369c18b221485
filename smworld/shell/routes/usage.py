"""Today's usage and caps for the calling key's app and mode."""

from __future__ import annotations

import msgspec
from aiohttp import web

from ..auth import AuthRule
from ..config import USAGE_KINDS
from ..http import Routes, json_response, key_principal, services
from ..keys import CONFIG
from ..metering import utc_day

__all__ = ["routes"]

routes = Routes("Usage")


class UsageOut(msgspec.Struct):
    day: str
    usage: dict[str, int]
    caps: dict[str, int]


@routes.route("GET", "/v1/usage", summary="Get today's usage", auth=AuthRule("key", "usage:read"), response=UsageOut,
              description="Units used today (UTC) per kind, and the app's daily caps (0 = unlimited). Test and "
              "live usage are counted apart.")
async def get_usage(request: web.Request) -> web.Response:
    """Usage and caps for today."""
    principal = key_principal(request)
    svc = services(request)
    store = svc.require_store()
    day = utc_day(svc.clock())
    used = await store.usage(principal.app_id, principal.mode, day)
    app = await store.get_app(principal.app_id)
    caps = request.app[CONFIG].caps(app.caps if app else {})
    return json_response({
        "day": day,
        "usage": {kind: used.get(kind, 0) for kind in USAGE_KINDS},
        "caps": {kind: int(caps.get(kind, 0)) for kind in USAGE_KINDS},
    })
