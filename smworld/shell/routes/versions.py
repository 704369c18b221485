"""Versions: a git-style tree of full snapshots per world, with HEAD, diff and checkout."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from aiohttp import web

from smworld.kernel.diff import diff

from ..auth import AuthRule
from ..errors import BadRequest, Conflict, NotFound
from ..http import SCHEMA_VERSION, IfMatch, Param, Routes, convert, iso, json_response, read_json, services
from ..snapshots import materialize, resolve_version, snapshot_records
from ..store.base import VersionRecord
from ..worlds import (
    check_rev,
    decoded_world,
    encode_doc,
    etag,
    readable_meta,
    with_meta,
    writable_meta,
    writable_world,
    write_with_retries,
)

__all__ = ["routes"]

routes = Routes("Versions")
READ = AuthRule("key", "worlds:read")
WRITE = AuthRule("key", "worlds:write")
Title = Annotated[str, msgspec.Meta(max_length=500)]


class VersionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """Snapshot the current graph. ``parentVersionId`` defaults to HEAD; ``source`` to ``snapshot``."""

    title: Title | None = None
    parentVersionId: str | None = None
    source: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] = "snapshot"


class VersionRename(msgspec.Struct, forbid_unknown_fields=True):
    title: Title | None


class Checkout(msgspec.Struct, forbid_unknown_fields=True):
    versionId: str


class VersionOut(msgspec.Struct):
    id: str
    parentVersionId: str | None
    source: str
    title: str | None
    created_at: str


def _version_out(version: VersionRecord) -> dict[str, Any]:
    return {
        "id": version.id,
        "parentVersionId": version.parent_id,
        "source": version.source,
        "title": version.title,
        "created_at": iso(version.created_at),
    }


async def _version(request: web.Request, world_id: str, version_id: str) -> VersionRecord:
    version = await services(request).require_store().get_version(world_id, version_id)
    if version is None:
        raise NotFound(f"no version {version_id!r} in world {world_id!r}")
    return version


@routes.route("POST", "/v1/worlds/{id}/versions", summary="Snapshot a version", auth=WRITE, status=201,
              body=VersionCreate, body_optional=True, errors=(403, 404, 422),
              response={"type": "object",
                        "properties": {"versionId": {"type": "string"}, "version": VersionOut}},
              description="Snapshot the CURRENT graph. A save onto HEAD advances HEAD; a snapshot off an older "
              "parent forks a branch without moving HEAD.")
async def create_version(request: web.Request) -> web.Response:
    """Snapshot the world's current graph as a new version."""
    world_id = request.match_info["id"]
    data = convert(await read_json(request, empty={}), VersionCreate)
    record = await writable_world(request, world_id)
    store = services(request).require_store()
    head = record.meta.head
    parent = data.parentVersionId if data.parentVersionId is not None else head
    parent_contents = None
    if parent is not None:
        await _version(request, world_id, parent)
        parent_contents = await resolve_version(store, world_id, parent)
    version, objects = snapshot_records(
        await decoded_world(request, record), world_id, version_id=str(uuid.uuid4()), parent=parent, source=data.source,
        title=data.title, created_at=services(request).clock(), parent_contents=parent_contents,
    )
    await store.add_version(version, objects, move_head_from=head if parent == head else False)
    return json_response({"versionId": version.id, "version": _version_out(version)}, 201)


@routes.route("GET", "/v1/worlds/{id}/versions", summary="List the version tree", auth=READ, errors=(404,),
              world="meta",
              response={"type": "object", "properties": {"versions": {"type": "array", "items": VersionOut},
                                                         "head": {"type": ["string", "null"]}}})
async def list_versions(request: web.Request) -> web.Response:
    """Every version, oldest first; rebuild the tree from ``parentVersionId``."""
    meta = await readable_meta(request, request.match_info["id"])
    versions = await services(request).require_store().list_versions(meta.id)
    return json_response({"versions": [_version_out(v) for v in versions], "head": meta.head})


@routes.route("GET", "/v1/worlds/{id}/versions/{vid}", summary="Get one version snapshot", auth=READ,
              errors=(404,), response={"type": "object"}, world="meta")
async def get_version(request: web.Request) -> web.Response:
    """A version with its full snapshot."""
    meta = await readable_meta(request, request.match_info["id"])
    version = await _version(request, meta.id, request.match_info["vid"])
    snapshot = await materialize(services(request).require_store(), meta.id, version.id)
    body = {**_version_out(version), "snapshot": snapshot, "schemaVersion": SCHEMA_VERSION}
    return json_response(body)


@routes.route("PATCH", "/v1/worlds/{id}/versions/{vid}", summary="Rename a version", auth=WRITE,
              body=VersionRename, errors=(403, 404, 422), response={"type": "object"})
async def rename_version(request: web.Request) -> web.Response:
    """Change a version's title."""
    meta = await writable_meta(request, request.match_info["id"])
    version_id = request.match_info["vid"]
    data = convert(await read_json(request), VersionRename)
    if not await services(request).require_store().rename_version(meta.id, version_id, data.title):
        raise NotFound(f"no version {version_id!r} in world {meta.id!r}")
    return json_response({"ok": True, "versionId": version_id, "title": data.title})


@routes.route("DELETE", "/v1/worlds/{id}/versions/{vid}", summary="Delete a version", auth=WRITE,
              errors=(403, 404, 409), response={"type": "object"},
              description="Deleting HEAD is refused (409); the version's children are re-parented onto its parent.")
async def delete_version(request: web.Request) -> web.Response:
    """Delete a version that is not HEAD."""
    meta = await writable_meta(request, request.match_info["id"])
    version_id = request.match_info["vid"]
    outcome = await services(request).require_store().delete_version(meta.id, version_id)
    if outcome == "missing":
        raise NotFound(f"no version {version_id!r} in world {meta.id!r}")
    if outcome == "head":
        raise Conflict(f"version {version_id!r} is HEAD; check out another version before deleting it")
    return json_response({"ok": True, "deleted": version_id})


@routes.route("GET", "/v1/worlds/{id}/versions/{a}/diff/{b}", summary="Diff two versions", auth=READ,
              errors=(400, 404), response={"type": "object"}, world="meta",
              query=(Param("detail", {"type": "string", "enum": ["0", "1", "true", "false"]},
                           "1 adds per-field changes"),))
async def diff_versions(request: web.Request) -> web.Response:
    """Structural diff from version ``a`` (base) to ``b`` (target)."""
    meta = await readable_meta(request, request.match_info["id"])
    a, b = request.match_info["a"], request.match_info["b"]
    detail_raw = request.query.get("detail", "0")
    if detail_raw not in ("0", "1", "true", "false"):
        raise BadRequest(f"detail: expected 0 or 1, got {detail_raw!r}")
    store = services(request).require_store()
    await _version(request, meta.id, a)
    await _version(request, meta.id, b)
    world_a = await materialize(store, meta.id, a)
    world_b = await materialize(store, meta.id, b)
    changes = diff(world_a, world_b, detail=detail_raw in ("1", "true"))
    return json_response({"a": a, "b": b, **changes})


@routes.route("POST", "/v1/worlds/{id}/checkout", summary="Check out a version", auth=WRITE, body=Checkout,
              errors=(403, 404, 412, 422), if_match=True, response={"type": "object"},
              description="Set the working graph to a version's snapshot AND move HEAD onto it, atomically; "
              "rev advances. Honors If-Match.")
async def checkout(request: web.Request) -> web.Response:
    """Restore a version into the working graph."""
    world_id = request.match_info["id"]
    data = convert(await read_json(request), Checkout)
    store = services(request).require_store()

    async def attempt(match: IfMatch | None) -> web.Response:
        meta = await writable_meta(request, world_id)
        check_rev(match, meta.rev)
        version = await _version(request, world_id, data.versionId)
        snapshot = await materialize(store, world_id, version.id)
        world = with_meta(snapshot, id=meta.id, name=meta.name, description=meta.description, cover=meta.cover)
        doc = encode_doc(world)
        updated = await store.checkout(world_id, version.id, meta.rev, doc, services(request).clock(),
                                       expected_meta_rev=meta.meta_rev)
        services(request).worlds.put(world_id, (updated.rev, updated.meta_rev), world, len(doc))
        body = {"world": msgspec.Raw(doc), "rev": str(updated.rev), "head": updated.head,
                "schemaVersion": SCHEMA_VERSION}
        return json_response(body, headers=etag(updated.rev))

    return await write_with_retries(request, world_id, attempt)
