"""Discovery and health: ``/openapi.json``, ``/docs`` (offline), the world JSON Schema, probes."""

from __future__ import annotations

import msgspec
from aiohttp import web

from smworld.kernel import codec

from ..auth import AuthRule
from ..http.docs_page import PAGE
from ..http.openapi import build_openapi
from ..http.routing import Routes, respond, services
from ..wire.common import Health, Object, Ready

__all__ = ["routes"]

routes = Routes("Discovery")
NONE = AuthRule("none")


@routes.route("GET", "/openapi.json", summary="The OpenAPI 3.1 document", auth=NONE, response=Object)
async def openapi_document(request: web.Request) -> web.Response:
    """Generated from the live route table (built once per process)."""
    documents = services(request).documents
    if "openapi" not in documents:
        documents["openapi"] = msgspec.json.encode(build_openapi(request.app))
    return web.Response(body=documents["openapi"], content_type="application/json", charset="utf-8")


@routes.route("GET", "/docs", summary="API reference (renders /openapi.json, works offline)", auth=NONE,
              response=str, content_type="text/html")
async def docs(request: web.Request) -> web.Response:
    """A self-contained page: no CDN, no external script."""
    return web.Response(text=PAGE, content_type="text/html", charset="utf-8")


@routes.route("GET", "/schema/smworld-1.0.json", summary="The SMWorld 1.0 JSON Schema", auth=NONE,
              response=Object, content_type="application/schema+json")
async def world_schema(request: web.Request) -> web.Response:
    """Draft 2020-12, generated from the kernel's model."""
    documents = services(request).documents
    if "schema" not in documents:
        documents["schema"] = msgspec.json.encode(codec.json_schema())
    return web.Response(body=documents["schema"], content_type="application/schema+json", charset="utf-8")


@routes.route("GET", "/healthz", summary="Liveness", auth=NONE, response=Health)
async def healthz(request: web.Request) -> web.Response:
    """The process answers."""
    return respond(Health(ok=True))


@routes.route("GET", "/readyz", summary="Readiness (storage reachable)", auth=NONE, errors=(503,), response=Ready)
async def readyz(request: web.Request) -> web.Response:
    """The store answers a query."""
    await services(request).store.ping()
    return respond(Ready(ok=True, store="reachable"))
