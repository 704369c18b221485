"""Apps (tenants) and their API keys — called with a user session token."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

import msgspec
from aiohttp import web

from ..auth import AuthRule, mint_key, resolve_scopes
from ..config import USAGE_KINDS
from ..errors import NotFound, Unprocessable
from ..http import Routes, convert, iso, json_response, read_json, services, user_principal
from ..keys import CONFIG
from ..store.base import AppRecord, KeyRecord

__all__ = ["routes"]

routes = Routes("Apps & Keys")
USER = AuthRule("user")
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Caps = dict[str, Annotated[int, msgspec.Meta(ge=0)]]


class AppCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new app. ``caps`` (per UTC day, 0 = unlimited) override the server's defaults per kind."""

    name: Name
    caps: Caps | None = None


class AppPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Rename an app and/or change some of its daily caps."""

    name: Name | None = None
    caps: Caps | None = None


class KeyCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A new API key. Secret keys default to every scope; publishable keys may only hold ``worlds:read``."""

    kind: Literal["secret", "publishable"]
    mode: Literal["test", "live"]
    scopes: list[str] | None = None
    name: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class AppOut(msgspec.Struct):
    id: str
    name: str
    created_at: str
    caps: dict[str, int]


class _KeyFields(msgspec.Struct):
    """What every view of a key shows (for the OpenAPI document; the handlers build plain dicts)."""

    id: str
    prefix: str
    kind: str
    mode: str
    scopes: list[str]
    name: str | None
    created_at: str


class KeyOut(_KeyFields):
    last_used_at: str | None
    revoked_at: str | None


class KeyMinted(_KeyFields):
    """A new key: the only time the plaintext ``key`` is shown."""

    key: str


def _check_caps(caps: dict[str, int] | None) -> None:
    unknown = sorted(set(caps or {}) - set(USAGE_KINDS))
    if unknown:
        raise Unprocessable(
            f"caps: unknown kind {unknown[0]!r}; known kinds: {', '.join(USAGE_KINDS)}",
            errors=[f"caps.{kind}: unknown kind" for kind in unknown],
        )


def _app_out(request: web.Request, app: AppRecord) -> dict[str, Any]:
    caps = request.app[CONFIG].caps(app.caps)
    return {"id": app.id, "name": app.name, "created_at": iso(app.created_at), "caps": caps}


def _key_out(key: KeyRecord) -> dict[str, Any]:
    return {
        "id": key.id,
        "prefix": key.prefix,
        "kind": key.kind,
        "mode": key.mode,
        "scopes": list(key.scopes),
        "name": key.name,
        "created_at": iso(key.created_at),
        "last_used_at": iso(key.last_used_at),
        "revoked_at": iso(key.revoked_at),
    }


async def _own_app(request: web.Request) -> AppRecord:
    app_id = request.match_info["appId"]
    app = await services(request).require_store().get_app(app_id)
    if app is None or app.owner != user_principal(request).user_id:
        raise NotFound(f"no app {app_id!r} for this user")
    return app


@routes.route("POST", "/v1/apps", summary="Create an app", auth=USER, status=201, body=AppCreate, response=AppOut,
              errors=(422,))
async def create_app(request: web.Request) -> web.Response:
    """Create an app (a tenant) owned by the calling user."""
    data = convert(await read_json(request), AppCreate)
    _check_caps(data.caps)
    svc = services(request)
    app = AppRecord(f"app_{uuid.uuid4().hex[:20]}", user_principal(request).user_id, data.name,
                    dict(data.caps or {}), svc.clock())
    await svc.require_store().create_app(app)
    return json_response(_app_out(request, app), 201)


@routes.route("GET", "/v1/apps", summary="List your apps", auth=USER,
              response={"type": "object", "properties": {"apps": {"type": "array"}}})
async def list_apps(request: web.Request) -> web.Response:
    """Only the calling user's apps, oldest first."""
    apps = await services(request).require_store().list_apps(user_principal(request).user_id)
    return json_response({"apps": [_app_out(request, app) for app in apps]})


@routes.route("GET", "/v1/apps/{appId}", summary="Get an app", auth=USER, response=AppOut, errors=(404,))
async def get_app(request: web.Request) -> web.Response:
    """One of your apps, with its effective daily caps."""
    return json_response(_app_out(request, await _own_app(request)))


@routes.route("PATCH", "/v1/apps/{appId}", summary="Rename an app or set its daily caps", auth=USER,
              body=AppPatch, response=AppOut, errors=(404, 422))
async def update_app(request: web.Request) -> web.Response:
    """Change the name and/or some daily caps (cap 0 = unlimited); other caps keep their values."""
    app = await _own_app(request)
    data = convert(await read_json(request), AppPatch)
    _check_caps(data.caps)
    updated = await services(request).require_store().update_app(app.id, name=data.name, caps=data.caps)
    return json_response(_app_out(request, updated))


@routes.route("POST", "/v1/apps/{appId}/keys", summary="Mint an API key", auth=USER, status=201, body=KeyCreate,
              response=KeyMinted, errors=(404, 422),
              description="Returns the plaintext key ONCE; only its hash and a display prefix are stored.")
async def create_key(request: web.Request) -> web.Response:
    """Mint a key; the plaintext is in this response only."""
    app = await _own_app(request)
    data = convert(await read_json(request), KeyCreate)
    scopes = resolve_scopes(data.kind, data.scopes)
    plaintext, key_hash, prefix = mint_key(data.kind, data.mode)
    svc = services(request)
    key = KeyRecord(f"key_{uuid.uuid4().hex[:20]}", app.id, key_hash, prefix, data.kind, data.mode, scopes,
                    data.name, svc.clock())
    await svc.require_store().create_key(key)
    body = {"id": key.id, "key": plaintext, "prefix": prefix, "kind": key.kind, "mode": key.mode,
            "scopes": list(scopes), "name": key.name, "created_at": iso(key.created_at)}
    return json_response(body, 201)


@routes.route("GET", "/v1/apps/{appId}/keys", summary="List key metadata", auth=USER, errors=(404,),
              response={"type": "object", "properties": {"keys": {"type": "array"}}})
async def list_keys(request: web.Request) -> web.Response:
    """Every key of the app (never the plaintext), revoked ones included."""
    app = await _own_app(request)
    keys = await services(request).require_store().list_keys(app.id)
    return json_response({"keys": [_key_out(key) for key in keys]})


@routes.route("DELETE", "/v1/apps/{appId}/keys/{keyId}", summary="Revoke a key", auth=USER, errors=(404,),
              response={"type": "object", "properties": {"ok": {"type": "boolean"}, "revoked": {"type": "string"}}})
async def revoke_key(request: web.Request) -> web.Response:
    """Revoke a key; it answers 401 from now on."""
    app = await _own_app(request)
    key_id = request.match_info["keyId"]
    svc = services(request)
    if not await svc.require_store().revoke_key(app.id, key_id, svc.clock()):
        raise NotFound(f"no key {key_id!r} in app {app.id!r}")
    return json_response({"ok": True, "revoked": key_id})
