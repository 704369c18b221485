"""Today's usage and caps for the calling key's app and mode."""

from __future__ import annotations

from aiohttp import web

from ..auth import AuthRule
from ..http.routing import Routes, caller, respond, services
from ..wire.usage import UsageOut

__all__ = ["routes"]

routes = Routes("Usage")


@routes.route("GET", "/v1/usage", summary="Get today's usage", auth=AuthRule("key", "usage:read"), response=UsageOut,
              description="Units used today (UTC) per kind, and the app's daily caps (0 = unlimited). Test and "
              "live usage are counted apart.")
async def get_usage(request: web.Request) -> web.Response:
    """Usage and caps for today."""
    return respond(await services(request).apps.usage(caller(request).principal))
