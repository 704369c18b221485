"""Apps (tenants) and their API keys — called with a user session token."""

from __future__ import annotations

from aiohttp import web

from ..auth import AuthRule
from ..http.query import page_limit, parse_app_cursor
from ..http.routing import Param, Routes, read_body, respond, services, user
from ..wire.apps import AppCreate, AppList, AppOut, AppPatch, KeyCreate, KeyList, KeyMinted, KeyRevoked
from ..wire.common import Deleted

__all__ = ["routes"]

routes = Routes("Apps & Keys")
USER = AuthRule("user")
_PAGE = (
    Param("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "page size"),
    Param("cursor", {"type": "string"}, "nextCursor from the previous page"),
)


@routes.route("POST", "/v1/apps", summary="Create an app", auth=USER, status=201, body=AppCreate, response=AppOut,
              errors=(403, 422))
async def create_app(request: web.Request) -> web.Response:
    """Create an app (a tenant) owned by the calling user."""
    data = await read_body(request, AppCreate)
    return respond(await services(request).apps.create(user(request), data), 201)


@routes.route("GET", "/v1/apps", summary="List your apps", auth=USER, response=AppList, query=_PAGE)
async def list_apps(request: web.Request) -> web.Response:
    """Only the calling user's apps, oldest first, a page at a time."""
    limit = page_limit(request)
    after = parse_app_cursor(request)
    return respond(await services(request).apps.page(user(request), limit, after))


@routes.route("GET", "/v1/apps/{appId}", summary="Get an app", auth=USER, response=AppOut)
async def get_app(request: web.Request) -> web.Response:
    """One of your apps, with its effective daily caps."""
    return respond(await services(request).apps.get(user(request), request.match_info["appId"]))


@routes.route("PATCH", "/v1/apps/{appId}", summary="Rename an app or lower its daily caps", auth=USER,
              body=AppPatch, response=AppOut, errors=(403, 422),
              description="Caps may be lowered for spend control, never raised above the operator's caps "
              "(403, naming `caps.<kind>`).")
async def update_app(request: web.Request) -> web.Response:
    """Change the name and/or some daily caps; other caps keep their values."""
    data = await read_body(request, AppPatch)
    return respond(await services(request).apps.update(user(request), request.match_info["appId"], data))


@routes.route("DELETE", "/v1/apps/{appId}", summary="Delete an app", auth=USER, response=Deleted,
              description="Deletes the app with its keys, worlds, versions, jobs and usage.")
async def delete_app(request: web.Request) -> web.Response:
    """Delete an app and everything of it."""
    app_id = request.match_info["appId"]
    await services(request).apps.delete(user(request), app_id)
    return respond(Deleted(ok=True, deleted=app_id))


@routes.route("POST", "/v1/apps/{appId}/keys", summary="Mint an API key", auth=USER, status=201, body=KeyCreate,
              response=KeyMinted, errors=(422,),
              description="Returns the plaintext key ONCE; only its hash and a display prefix are stored.")
async def create_key(request: web.Request) -> web.Response:
    """Mint a key; the plaintext is in this response only."""
    data = await read_body(request, KeyCreate)
    return respond(await services(request).apps.mint(user(request), request.match_info["appId"], data), 201)


@routes.route("GET", "/v1/apps/{appId}/keys", summary="List key metadata", auth=USER, response=KeyList)
async def list_keys(request: web.Request) -> web.Response:
    """Every key of the app (never the plaintext), revoked ones included."""
    return respond(await services(request).apps.keys(user(request), request.match_info["appId"]))


@routes.route("DELETE", "/v1/apps/{appId}/keys/{keyId}", summary="Revoke a key", auth=USER, response=KeyRevoked)
async def revoke_key(request: web.Request) -> web.Response:
    """Revoke a key; it answers 401 from now on."""
    key_id = request.match_info["keyId"]
    await services(request).apps.revoke(user(request), request.match_info["appId"], key_id)
    return respond(KeyRevoked(ok=True, revoked=key_id))
