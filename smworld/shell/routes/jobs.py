"""Generation jobs: poll a durable async generation."""

from __future__ import annotations

from aiohttp import web

from ..auth import AuthRule
from ..http.routing import Routes, caller, respond, services
from ..wire.usage import JobOut

__all__ = ["routes"]

routes = Routes("Worlds")


@routes.route("GET", "/v1/jobs/{jobId}", summary="Get generation job status", auth=AuthRule("key", "worlds:read"),
              response=JobOut)
async def get_job(request: web.Request) -> web.Response:
    """Status, phase and progress (0..1) of a job created with ``async: true``."""
    return respond(await services(request).new_worlds.job(caller(request), request.match_info["jobId"]))
