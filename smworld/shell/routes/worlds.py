"""Worlds: create (generate, register, empty), list, get, change metadata, delete, fork."""

from __future__ import annotations

import msgspec
from aiohttp import web

from ..auth import AuthRule
from ..http.context import CLAIM
from ..http.query import choice, page_limit, parse_world_cursor
from ..http.routing import (
    Param,
    Routes,
    body_size,
    caller,
    etag,
    expected,
    held,
    not_modified,
    read_body,
    respond,
    respond_bytes,
    services,
)
from ..services.new_worlds import summary
from ..services.preconditions import world_tag
from ..wire.common import Deleted
from ..wire.worlds import (
    Created,
    ForkCreate,
    Forked,
    Queued,
    WorldCreate,
    WorldDocument,
    WorldList,
    WorldMetaOut,
    WorldPatch,
)

__all__ = ["routes"]

routes = Routes("Worlds")
READ = AuthRule("key", "worlds:read")
WRITE = AuthRule("key", "worlds:write")
VISIBILITIES = ("private", "unlisted", "public")


@routes.route(
    "POST", "/v1/worlds", summary="Create a world", auth=WRITE, status=201, body=WorldCreate,
    response=Created, also={202: Queued}, errors=(402, 409, 422), idempotent=True,
    description="Generate from a premise and/or seed frame (reserves one `generation` unit first; "
    "`async: true` → 202 and a durable job), register a given `world` (through the gate), or create an "
    "empty world from `name` alone. Honors `Idempotency-Key`.",
)
async def create_world(request: web.Request) -> web.Response:
    """Create a world; see the description for the three ways."""
    data = await read_body(request, WorldCreate)
    made = await services(request).new_worlds.create(caller(request), data, body_size(request), request.get(CLAIM))
    if isinstance(made, Queued):
        return respond(made, 202, {"Location": f"/v1/jobs/{made.jobId}"})
    return respond(made, 201, {"Location": f"/v1/worlds/{made.worldId}"})


@routes.route(
    "GET", "/v1/worlds", summary="List your worlds", auth=READ, response=WorldList,
    query=(
        Param("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "page size"),
        Param("cursor", {"type": "string"}, "nextCursor from the previous page"),
        Param("visibility", {"type": "string", "enum": list(VISIBILITIES)}, "only this visibility"),
    ),
)
async def list_worlds(request: web.Request) -> web.Response:
    """The app's worlds in this key's mode, newest first, with keyset pagination."""
    limit = page_limit(request)
    before = parse_world_cursor(request)
    visibility = choice(request, "visibility", VISIBILITIES)
    return respond(await services(request).new_worlds.page(caller(request), limit, before, visibility))


@routes.route("GET", "/v1/worlds/{id}", summary="Get a world", auth=READ, world=True, conditional=True,
              response=WorldDocument,
              description="The SMWorld document's own top-level fields plus these. `ETag` is the rev "
              "(`<rev>.<n>` after the n-th metadata change); a current `If-None-Match` answers 304.")
async def get_world(request: web.Request) -> web.Response:
    """Your world, or another app's public/unlisted world (read-only)."""
    read = await services(request).worlds.document(caller(request), request.match_info["id"], held(request))
    if read.body is None:
        return not_modified(read.tag)
    return respond_bytes(read.body, headers=etag(read.tag))


@routes.route("PATCH", "/v1/worlds/{id}", summary="Update world metadata", auth=WRITE, body=WorldPatch,
              errors=(403, 422), world=True, if_match=True, response=WorldMetaOut,
              description="Name, description, cover, visibility — no rev change. `If-Match` compares the "
              "world's ETag as `GET /v1/worlds/{id}` returned it (412 when it moved).")
async def update_world(request: web.Request) -> web.Response:
    """Name, description, cover, visibility. No rev change."""
    data = await read_body(request, WorldPatch)
    match = expected(request)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    meta = await services(request).worlds.update_meta(caller(request), request.match_info["id"], changes,
                                                      expected=match)
    shown = summary(meta)
    body = WorldMetaOut(**msgspec.structs.asdict(shown))
    return respond(body, headers=etag(world_tag(meta)))


@routes.route("DELETE", "/v1/worlds/{id}", summary="Delete a world", auth=WRITE, errors=(403,), world=True,
              response=Deleted)
async def delete_world(request: web.Request) -> web.Response:
    """Delete a world with its versions and jobs."""
    world_id = request.match_info["id"]
    await services(request).worlds.delete(caller(request), world_id)
    return respond(Deleted(ok=True, deleted=world_id))


@routes.route("POST", "/v1/worlds/{id}/forks", summary="Fork a world", auth=WRITE, status=201, body=ForkCreate,
              body_optional=True, errors=(409, 422), idempotent=True, world=True, response=Forked,
              description="Clone your own or a public world into a new private world of your app: fresh rev 1 "
              "and a fresh version tree with one `fork` snapshot. Honors `Idempotency-Key`.")
async def fork_world(request: web.Request) -> web.Response:
    """Fork into a new private world."""
    data = await read_body(request, ForkCreate, optional=True)
    forked = await services(request).new_worlds.fork(caller(request), request.match_info["id"], data.name,
                                                     request.get(CLAIM))
    return respond(forked, 201, {"Location": f"/v1/worlds/{forked.worldId}"})
