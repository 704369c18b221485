"""Generation jobs: poll a durable async generation."""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from ..auth import AuthRule
from ..errors import NotFound
from ..http import SCHEMA_VERSION, Routes, json_response, key_principal, services

__all__ = ["routes"]

routes = Routes("Worlds")


class JobOut(msgspec.Struct, omit_defaults=True):
    jobId: str
    status: str
    phase: str | None = None
    progress: float | None = None
    worldId: str | None = None
    error: str | None = None
    schemaVersion: str = SCHEMA_VERSION


@routes.route("GET", "/v1/jobs/{jobId}", summary="Get generation job status", auth=AuthRule("key", "worlds:read"),
              errors=(404,), response=JobOut)
async def get_job(request: web.Request) -> web.Response:
    """Status, phase and progress (0..1) of a job created with ``async: true``."""
    principal = key_principal(request)
    job_id = request.match_info["jobId"]
    job = await services(request).require_store().get_job(job_id)
    if job is None or job.app_id != principal.app_id or job.mode != principal.mode:
        raise NotFound(f"no job {job_id!r}")
    body: dict[str, Any] = {"jobId": job.id, "status": job.status, "phase": job.phase,
                            "progress": round(job.progress, 3), "schemaVersion": SCHEMA_VERSION}
    if job.world_id:
        body["worldId"] = job.world_id
    if job.error:
        body["error"] = job.error
    return json_response(body)
