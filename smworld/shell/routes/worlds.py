"""Worlds: create (empty, registered, generated — sync or as a durable job), list, get, patch, delete, fork."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import uuid
from typing import Annotated, Any, Literal

import msgspec
from aiohttp import web

from smworld.kernel import codec, gate

from ..auth import AuthRule
from ..errors import BadRequest, NotFound, Unprocessable
from ..generation import GenerationFailed, generate_world
from ..http import (
    SCHEMA_VERSION,
    Param,
    Routes,
    convert,
    json_bytes_response,
    json_response,
    key_principal,
    read_json,
    services,
)
from ..idempotency import completion
from ..keys import CONFIG
from ..metering import metered, over_quota, utc_day
from ..snapshots import snapshot_records
from ..store.base import JobRecord, Reservation, WorldMeta
from ..worlds import (
    cached_read,
    decode_doc,
    decoded_world,
    encode_doc,
    gate_refusal,
    meta_summary,
    new_meta,
    off_loop,
    readable_world,
    with_meta,
    world_body,
    world_document,
    writable_meta,
)

__all__ = ["routes"]

routes = Routes("Worlds")
READ = AuthRule("key", "worlds:read")
WRITE = AuthRule("key", "worlds:write")
Visibility = Literal["private", "unlisted", "public"]
Text = Annotated[str, msgspec.Meta(max_length=10_000)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class WorldCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Generate from ``premise`` and/or a seed frame, register a ``world`` document, or create an empty one
    from ``name`` alone. ``seed``/``size`` steer the procedural generator (same premise + seed → same world)."""

    premise: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)] | None = None
    frame_url: Annotated[str, msgspec.Meta(max_length=4096)] | None = None
    frame_b64: str | None = None
    name: Name | None = None
    description: Text | None = None
    pov: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    world: dict[str, Any] | None = None
    async_: bool = msgspec.field(default=False, name="async")
    visibility: Visibility = "private"
    seed: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] | None = None
    size: Annotated[int, msgspec.Meta(ge=5, le=10_000)] | None = None


class WorldPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Metadata only: the graph and ``rev`` are untouched. ``cover: null`` removes the cover."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    cover: Annotated[str, msgspec.Meta(max_length=2000000)] | msgspec.UnsetType | None = msgspec.UNSET
    visibility: Visibility | msgspec.UnsetType = msgspec.UNSET


class ForkCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Optionally name the fork (default: the source's name)."""

    name: Name | None = None


class Created(msgspec.Struct):
    worldId: str
    slug: str
    status: str
    cover: str | None
    schemaVersion: str


class Queued(msgspec.Struct):
    jobId: str
    status: str
    schemaVersion: str


class WorldSummary(msgspec.Struct):
    id: str
    name: str
    description: str
    cover: str | None
    visibility: str
    slug: str
    updated_at: str


class WorldMetaOut(WorldSummary):
    schemaVersion: str


class WorldList(msgspec.Struct):
    worlds: list[WorldSummary]
    nextCursor: str | None


def _new_meta(request: web.Request, world_id: str, doc: dict[str, Any], visibility: str) -> WorldMeta:
    principal = key_principal(request)
    return new_meta(principal.app_id, principal.mode, world_id, doc, visibility, services(request).clock())


def _document(data: WorldCreate, world: dict[str, Any], world_id: str) -> dict[str, Any]:
    return world_document(world, world_id, data.name, data.description)


def _created_body(meta: WorldMeta) -> bytes:
    return encode_doc({"worldId": meta.id, "slug": meta.slug, "status": "succeeded", "cover": meta.cover,
                       "schemaVersion": SCHEMA_VERSION})


def _created(meta: WorldMeta) -> web.Response:
    return json_bytes_response(_created_body(meta), 201, {"Location": f"/v1/worlds/{meta.id}"})


async def _register(request: web.Request, data: WorldCreate, world: dict[str, Any]) -> web.Response:
    def check() -> tuple[dict[str, Any], gate.Report]:
        decoded = codec.decode(world)
        return decoded, gate.validate(decoded)

    decoded, report = await off_loop(check, doc_bytes=request.content_length or 0)
    if not report.ok:
        raise gate_refusal("the world has errors and was not saved", report.diagnostics)
    return await _save_new(request, data, decoded)


async def _save_new(request: web.Request, data: WorldCreate, world: dict[str, Any]) -> web.Response:
    """Store a registered (gate-checked) or empty ``world`` as a new world with no version yet."""
    world_id = str(uuid.uuid4())
    doc = _document(data, world, world_id)
    meta = await services(request).require_store().create_world(
        _new_meta(request, world_id, doc, data.visibility), encode_doc(doc), None, {},
        finish=completion(request, 201, render=_created_body),
    )
    return _created(meta)


def _generation_params(data: WorldCreate) -> dict[str, Any]:
    if data.frame_b64 is not None:
        try:
            base64.b64decode(data.frame_b64.split(",", 1)[-1], validate=True)
        except (binascii.Error, ValueError):
            raise Unprocessable("frame_b64: not valid base64", errors=["frame_b64: not valid base64"]) from None
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None and k not in ("world", "async_")}


async def _generate_sync(request: web.Request, data: WorldCreate) -> web.Response:
    principal = key_principal(request)
    svc = services(request)
    store = svc.require_store()
    caps = await _caps(request)
    params = _generation_params(data)
    ttl = request.app[CONFIG].reservation_ttl_s
    async with metered(store, principal.app_id, principal.mode, "generation", caps, svc.clock(),
                       ttl=ttl) as reservation:
        try:
            world = await asyncio.to_thread(generate_world, params)
        except GenerationFailed as exc:
            raise Unprocessable(f"generation failed; the unit was refunded: {exc}") from None
        world_id = str(uuid.uuid4())
        doc = _document(data, world, world_id)
        meta = _new_meta(request, world_id, doc, data.visibility)
        version, objects = snapshot_records(doc, world_id, version_id=str(uuid.uuid4()), parent=None,
                                            source="generation", title="generated", created_at=meta.created_at)
        meta = await store.create_world(meta, encode_doc(doc), version, objects, spend=reservation,
                                        finish=completion(request, 201, render=_created_body))
    return _created(meta)


async def _generate_async(request: web.Request, data: WorldCreate) -> web.Response:
    principal = key_principal(request)
    svc = services(request)
    now = svc.clock()
    caps = await _caps(request)
    job = JobRecord(
        id=str(uuid.uuid4()), app_id=principal.app_id, mode=principal.mode, status="queued",  # type: ignore[arg-type]
        phase="queued", progress=0.0, params={**_generation_params(data), "visibility": data.visibility},
        reservation=Reservation(principal.app_id, principal.mode, utc_day(now), "generation", 1),  # type: ignore[arg-type]
        world_id=None, error=None, attempts=0, created_at=now, updated_at=now,
    )
    body = encode_doc({"jobId": job.id, "status": "queued", "schemaVersion": SCHEMA_VERSION})
    cap = int(caps.get("generation", 0))
    if not await svc.require_store().create_job(job, cap, finish=completion(request, 202, body=body)):
        raise over_quota("generation", cap)
    if svc.jobs is not None:
        svc.jobs.wake()
    return json_bytes_response(body, 202, {"Location": f"/v1/jobs/{job.id}"})


async def _caps(request: web.Request) -> dict[str, int]:
    principal = key_principal(request)
    app = await services(request).require_store().get_app(principal.app_id)
    return request.app[CONFIG].caps(app.caps if app else {})


@routes.route(
    "POST", "/v1/worlds", summary="Create a world", auth=WRITE, status=201, body=WorldCreate,
    response=Created, errors=(402, 409, 422), idempotent=True,
    description="Generate from a premise and/or seed frame (reserves one `generation` unit first; "
    "`async: true` → 202 and a durable job), register a given `world` (through the gate), or create an "
    "empty world from `name` alone. Honors `Idempotency-Key`.",
)
async def create_world(request: web.Request) -> web.Response:
    """Create a world; see the description for the three ways."""
    data = convert(await read_json(request), WorldCreate)
    if data.world is not None:
        if data.premise or data.frame_url or data.frame_b64:
            raise Unprocessable("send either a `world` to register or a `premise`/frame to generate, not both")
        return await _register(request, data, data.world)
    if data.premise or data.frame_url or data.frame_b64:
        if data.async_:
            return await _generate_async(request, data)
        return await _generate_sync(request, data)
    if data.name is not None:
        empty: dict[str, Any] = {"name": data.name, "scene": {"states": {}, "events": []}}
        if data.description is not None:
            empty["description"] = data.description
        return await _save_new(request, data, empty)
    raise Unprocessable(
        "nothing to create: send a `premise` (or `frame_url`/`frame_b64`) to generate, a `world` to register, "
        "or a `name` for an empty world",
        errors=["body: one of premise, frame_url, frame_b64, world, name is required"],
    )


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"s{seq}".encode()).decode().rstrip("=")


_SEQ = re.compile(r"^s([0-9]{1,18})$")
"""A decoded cursor: ``s`` and a row sequence number small enough for a 64-bit database integer."""


def _parse_cursor(raw: str) -> int:
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        text = ""
    found = _SEQ.match(text)
    if found is None:
        raise BadRequest("cursor: not a cursor this API returned (pass nextCursor back unchanged)",
                         errors=["cursor: not a cursor this API returned"])
    return int(found.group(1))


def _limit(raw: str | None) -> int:
    if raw is None:
        return 20
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    if not 1 <= value <= 100:
        raise BadRequest(f"limit: expected an integer from 1 to 100, got {raw!r}",
                         errors=["limit: expected an integer from 1 to 100"])
    return value


@routes.route(
    "GET", "/v1/worlds", summary="List your worlds", auth=READ, response=WorldList, errors=(400,),
    query=(
        Param("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "page size"),
        Param("cursor", {"type": "string"}, "nextCursor from the previous page"),
        Param("visibility", {"type": "string", "enum": ["private", "unlisted", "public"]}, "only this visibility"),
    ),
)
async def list_worlds(request: web.Request) -> web.Response:
    """The app's worlds in this key's mode, newest first, with keyset pagination."""
    principal = key_principal(request)
    limit = _limit(request.query.get("limit"))
    cursor = request.query.get("cursor")
    before = _parse_cursor(cursor) if cursor else None
    visibility = request.query.get("visibility")
    if visibility is not None and visibility not in ("private", "unlisted", "public"):
        raise BadRequest(f"visibility: expected private, unlisted or public, got {visibility!r}")
    rows = await services(request).require_store().list_worlds(
        principal.app_id, principal.mode, visibility, limit + 1, before
    )
    page = rows[:limit]
    next_cursor = _cursor(page[-1].seq) if len(rows) > limit else None
    return json_response({"worlds": [meta_summary(m) for m in page], "nextCursor": next_cursor})


@routes.route("GET", "/v1/worlds/{id}", summary="Get a world", auth=READ, errors=(404,), world="meta",
              conditional=True,
              response={"type": "object", "description": "the SMWorld document plus rev, visibility, slug, times"},
              description="`ETag` is the rev (`\"<rev>.<n>\"` after the n-th metadata change); a current "
              "`If-None-Match` answers 304.")
async def get_world(request: web.Request) -> web.Response:
    """Your world, or another app's public/unlisted world (read-only)."""
    return await cached_read(request, "world", world_body)


@routes.route("PATCH", "/v1/worlds/{id}", summary="Update world metadata", auth=WRITE, body=WorldPatch,
              errors=(403, 404, 422), world="meta", response=WorldMetaOut)
async def update_world(request: web.Request) -> web.Response:
    """Name, description, cover, visibility. No rev change."""
    world_id = request.match_info["id"]
    data = convert(await read_json(request), WorldPatch)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    await writable_meta(request, world_id)
    doc_fields = {k: v for k, v in changes.items() if k in ("name", "description", "cover")}

    def rewrite(doc: bytes) -> bytes:  # runs inside the store's transaction, on the document as it is now
        return encode_doc(with_meta(decode_doc(doc), **doc_fields))

    svc = services(request)
    meta = await svc.require_store().update_world_meta(world_id, changes, rewrite, svc.clock())
    return json_response({**meta_summary(meta), "schemaVersion": SCHEMA_VERSION})


@routes.route("DELETE", "/v1/worlds/{id}", summary="Delete a world", auth=WRITE, errors=(403, 404),
              response={"type": "object", "properties": {"ok": {"type": "boolean"}, "deleted": {"type": "string"}}})
async def delete_world(request: web.Request) -> web.Response:
    """Delete a world with its versions and jobs."""
    world_id = request.match_info["id"]
    await writable_meta(request, world_id)
    svc = services(request)
    deleted = await svc.require_store().delete_world(world_id)
    svc.cache.forget(world_id)
    svc.worlds.forget(world_id)
    if not deleted:  # a concurrent DELETE got there first
        raise NotFound(f"no world {world_id!r} (for this API key's app and mode)")
    return json_response({"ok": True, "deleted": world_id})


@routes.route("POST", "/v1/worlds/{id}/forks", summary="Fork a world", auth=WRITE, status=201, body=ForkCreate,
              body_optional=True,
              errors=(404, 409, 422), idempotent=True,
              response={"type": "object", "properties": {"worldId": {"type": "string"}}},
              description="Clone your own or a public world into a new private world of your app: fresh rev 1 "
              "and a fresh version tree with one `fork` snapshot. Honors `Idempotency-Key`.")
async def fork_world(request: web.Request) -> web.Response:
    """Fork into a new private world."""
    source = await readable_world(request, request.match_info["id"])
    data = convert(await read_json(request, empty={}), ForkCreate)
    world_id = str(uuid.uuid4())
    fields: dict[str, Any] = {"id": world_id}
    if data.name is not None:
        fields["name"] = data.name
    doc = with_meta(await decoded_world(request, source), **fields)
    meta = _new_meta(request, world_id, doc, "private")
    version, objects = snapshot_records(doc, world_id, version_id=str(uuid.uuid4()), parent=None, source="fork",
                                        title=f"fork of {source.meta.name}", created_at=meta.created_at)
    created = await services(request).require_store().create_world(
        meta, encode_doc(doc), version, objects, finish=completion(request, 201, render=_fork_body)
    )
    return json_bytes_response(_fork_body(created), 201, {"Location": f"/v1/worlds/{created.id}"})


def _fork_body(meta: WorldMeta) -> bytes:
    return encode_doc({"worldId": meta.id, "slug": meta.slug, "schemaVersion": SCHEMA_VERSION})
