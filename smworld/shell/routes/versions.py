"""Versions: a git-style tree of full snapshots per world, with HEAD, diff and checkout."""

from __future__ import annotations

from aiohttp import web

from ..auth import AuthRule
from ..http.query import flag
from ..http.routing import (
    Param,
    Routes,
    caller,
    etag,
    expected,
    minimal,
    preference_applied,
    read_body,
    respond,
    services,
)
from ..wire.common import Deleted
from ..wire.versions import (
    CheckedOut,
    CheckedOutHead,
    Checkout,
    DiffOut,
    VersionCreate,
    VersionCreated,
    VersionList,
    VersionRename,
    VersionRenamed,
    VersionSnapshot,
)

__all__ = ["routes"]

routes = Routes("Versions")
READ = AuthRule("key", "worlds:read")
WRITE = AuthRule("key", "worlds:write")
_OWNER = " A world's history is its own app's: other apps get 404."


@routes.route("POST", "/v1/worlds/{id}/versions", summary="Snapshot a version", auth=WRITE, status=201,
              body=VersionCreate, body_optional=True, errors=(403, 422), response=VersionCreated, world=True,
              description="Snapshot the CURRENT graph. A save onto HEAD advances HEAD; a snapshot off an older "
              "parent forks a branch without moving HEAD.")
async def create_version(request: web.Request) -> web.Response:
    """Snapshot the world's current graph as a new version."""
    data = await read_body(request, VersionCreate, optional=True)
    return respond(await services(request).versions.create(caller(request), request.match_info["id"], data), 201)


@routes.route("GET", "/v1/worlds/{id}/versions", summary="List the version tree", auth=READ, world=True,
              response=VersionList, description="Every version, oldest first." + _OWNER)
async def list_versions(request: web.Request) -> web.Response:
    """Every version, oldest first; rebuild the tree from ``parentVersionId``."""
    return respond(await services(request).versions.tree(caller(request), request.match_info["id"]))


@routes.route("GET", "/v1/worlds/{id}/versions/{vid}", summary="Get one version snapshot", auth=READ, world=True,
              response=VersionSnapshot, description="A version with its full snapshot." + _OWNER)
async def get_version(request: web.Request) -> web.Response:
    """A version with its full snapshot."""
    return respond(await services(request).versions.get(caller(request), request.match_info["id"],
                                                         request.match_info["vid"]))


@routes.route("PATCH", "/v1/worlds/{id}/versions/{vid}", summary="Rename a version", auth=WRITE, world=True,
              body=VersionRename, errors=(403, 422), response=VersionRenamed)
async def rename_version(request: web.Request) -> web.Response:
    """Change a version's title."""
    data = await read_body(request, VersionRename)
    version_id = request.match_info["vid"]
    await services(request).versions.rename(caller(request), request.match_info["id"], version_id, data.title)
    return respond(VersionRenamed(ok=True, versionId=version_id, title=data.title))


@routes.route("DELETE", "/v1/worlds/{id}/versions/{vid}", summary="Delete a version", auth=WRITE, world=True,
              errors=(403, 409), response=Deleted,
              description="Deleting HEAD is refused (409); the version's children are re-parented onto its parent.")
async def delete_version(request: web.Request) -> web.Response:
    """Delete a version that is not HEAD."""
    version_id = request.match_info["vid"]
    await services(request).versions.delete(caller(request), request.match_info["id"], version_id)
    return respond(Deleted(ok=True, deleted=version_id))


@routes.route("GET", "/v1/worlds/{id}/versions/{a}/diff/{b}", summary="Diff two versions", auth=READ, world=True,
              response=DiffOut, query=(Param("detail", {"type": "string", "enum": ["0", "1", "true", "false"]},
                                             "1 adds per-field changes"),),
              description="From version `a` (base) to `b` (target)." + _OWNER)
async def diff_versions(request: web.Request) -> web.Response:
    """Structural diff from version ``a`` (base) to ``b`` (target)."""
    detail = flag(request, "detail")
    return respond(await services(request).versions.diff(caller(request), request.match_info["id"],
                                                          request.match_info["a"], request.match_info["b"],
                                                          detail=detail))


@routes.route("POST", "/v1/worlds/{id}/checkout", summary="Check out a version", auth=WRITE, body=Checkout,
              errors=(403, 412, 422), if_match=True, response=(CheckedOut, CheckedOutHead), world=True, lean=True,
              description="Set the working graph to a version's snapshot AND move HEAD onto it, atomically; "
              "rev advances. Honors If-Match.")
async def checkout(request: web.Request) -> web.Response:
    """Restore a version into the working graph."""
    data = await read_body(request, Checkout)
    lean = minimal(request)
    rev, body = await services(request).worlds.checkout(caller(request), request.match_info["id"], data.versionId,
                                                         expected=expected(request), minimal=lean)
    return respond(body, headers=etag(rev) | preference_applied(lean))
