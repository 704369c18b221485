"""Discovery and health: ``/openapi.json``, ``/docs`` (offline), the world JSON Schema, probes."""

from __future__ import annotations

from aiohttp import web

from smworld.kernel import codec

from ..auth import AuthRule
from ..docs_page import PAGE
from ..errors import StoreUnavailable
from ..http import Routes, json_response, services

__all__ = ["routes"]

routes = Routes("Discovery")
NONE = AuthRule("none")
_OPENAPI = "smworld.openapi"


@routes.route("GET", "/openapi.json", summary="The OpenAPI 3.1 document", auth=NONE, response={"type": "object"})
async def openapi_document(request: web.Request) -> web.Response:
    """Generated from the live route table (built once per process)."""
    from ..openapi import build_openapi

    cache = services(request).extra
    if _OPENAPI not in cache:
        cache[_OPENAPI] = json_response(build_openapi(request.app)).body
    return web.Response(body=cache[_OPENAPI], content_type="application/json", charset="utf-8")


@routes.route("GET", "/docs", summary="API reference (renders /openapi.json, works offline)", auth=NONE,
              response={"type": "string"})
async def docs(request: web.Request) -> web.Response:
    """A self-contained page: no CDN, no external script."""
    return web.Response(text=PAGE, content_type="text/html", charset="utf-8")


@routes.route("GET", "/schema/smworld-1.0.json", summary="The SMWorld 1.0 JSON Schema", auth=NONE,
              response={"type": "object"})
async def world_schema(request: web.Request) -> web.Response:
    """Draft 2020-12, generated from the kernel's model."""
    cache = services(request).extra
    if "smworld.schema" not in cache:
        cache["smworld.schema"] = json_response(codec.json_schema()).body
    return web.Response(body=cache["smworld.schema"], content_type="application/schema+json", charset="utf-8")


@routes.route("GET", "/healthz", summary="Liveness", auth=NONE, response={"type": "object"})
async def healthz(request: web.Request) -> web.Response:
    """The process answers."""
    return json_response({"ok": True})


@routes.route("GET", "/readyz", summary="Readiness (storage reachable)", auth=NONE, errors=(503,),
              response={"type": "object"})
async def readyz(request: web.Request) -> web.Response:
    """The store answers a query."""
    try:
        await services(request).require_store().ping()
    except StoreUnavailable as exc:
        raise StoreUnavailable(f"not ready: {exc.detail}") from None
    return json_response({"ok": True, "store": "reachable"})
