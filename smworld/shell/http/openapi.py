"""The OpenAPI 3.1 document, generated from the live route table.

Every route registered on the application carries its :class:`~.routing.RouteInfo`; the document is
built by walking ``app.router`` — so a route cannot exist undocumented, and a documented route
cannot be missing. Request and response schemas come from the very msgspec Structs the handlers
decode and encode (``msgspec.json.schema_components``); the op names come from the kernel.
"""

from __future__ import annotations

import re
from typing import Any, get_origin

import msgspec
from aiohttp import web

from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.ops import OPS, ApplyError

from ..wire.common import ErrorBody
from .routing import RouteInfo

__all__ = ["build_openapi", "documented_routes"]

_ERROR_TEXT = {
    400: "Malformed request (JSON, parameters, a malformed op batch, or an op that cannot apply)",
    401: "Missing, invalid, expired or revoked credentials",
    402: "Over the app's daily quota; nothing was charged",
    403: "Valid credentials lacking the scope or key kind this call needs",
    404: "No such resource for this caller",
    408: "The request body did not arrive in time",
    409: "Conflict (an idempotent request still in flight; deleting HEAD)",
    412: "If-Match names a stale rev; the body carries the current `rev`",
    413: "Request body over the configured limit",
    422: "Well-formed but invalid (wrong shape, gate rejection, Idempotency-Key reused with another body)",
    429: "Rate limit reached; see Retry-After",
    503: "A dependency (the store) is unavailable; nothing happened — safe to retry",
}
IF_MATCH_PATTERN = r'^ *(\*|"?[0-9]{1,18}(\.[0-9]{1,18})?"?( *, *"?[0-9]{1,18}(\.[0-9]{1,18})?"?)*) *$'
"""What ``If-Match`` accepts: ``*``, or revs as a read returned them (``"3"``, ``3``, ``"3.1"``), comma-separated."""
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


def documented_routes(app: web.Application) -> list[RouteInfo]:
    """Every route of ``app`` that carries a declaration, in registration order."""
    infos = []
    for route in app.router.routes():
        info = getattr(route.handler, "__smworld_route__", None)
        if isinstance(info, RouteInfo):
            infos.append(info)
    return infos


def _path(path: str) -> str:
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def _is_type(value: Any) -> bool:
    """A type msgspec can describe: a class, or a generic alias such as ``dict[str, Any]``."""
    return isinstance(value, type) or get_origin(value) is not None


def _collect(value: Any, found: list[Any]) -> None:
    if _is_type(value):
        if value not in found:
            found.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _collect(item, found)


def _resolve(value: Any, refs: dict[Any, dict[str, Any]]) -> Any:
    """The schema of a declared type; a tuple of types is any of them."""
    if isinstance(value, tuple):
        return {"anyOf": [refs[item] for item in value]}
    return refs[value]


def _ops_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["op"],
        "description": "One GraphOp; its other keys are the op's arguments (see ops.md).",
        "properties": {"op": {"type": "string", "enum": list(OPS)}},
        "additionalProperties": True,
    }


def _errors_of(info: RouteInfo) -> list[int]:
    statuses = set(info.errors)
    if info.auth.scheme != "none":
        statuses.add(401)
    if info.auth.scheme == "key":
        statuses.update((403, 429))
    if "{" in info.path:
        statuses.add(404)
    if info.body is not None:
        statuses.update((400, 408, 413, 422))
    if info.idempotent:
        statuses.update((409, 422))
    if info.if_match:
        statuses.add(412)
    if info.query:
        statuses.add(400)
    return sorted(statuses)


def _operation(info: RouteInfo, refs: dict[type, dict[str, Any]]) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": info.operation_id, "summary": info.summary, "tags": [info.tag]}
    if info.description or info.handler.__doc__:
        op["description"] = info.description or (info.handler.__doc__ or "").strip()
    if info.auth.scheme == "user":
        op["security"] = [{"UserSession": []}]
    elif info.auth.scheme == "key":
        op["security"] = [{"ApiKey": []}]
        if info.auth.scope:
            op["x-required-scope"] = info.auth.scope
    else:
        op["security"] = []
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in _PARAM.findall(info.path)
    ]
    params += [
        {"name": p.name, "in": "query", "required": False, "schema": dict(p.schema), "description": p.description}
        for p in info.query
    ]
    if info.if_match:
        params.append({"name": "If-Match", "in": "header", "required": False,
                       "schema": {"type": "string", "pattern": IF_MATCH_PATTERN},
                       "description": 'the rev you read (`"3"`, `3` or `*`); stale → 412'})
    if info.conditional:
        params.append({"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                       "description": "the ETag you hold; still current → 304 with no body"})
    if info.idempotent:
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                       "description": "retry safely: same key + same body replays the first response"})
    if info.lean:
        params.append({"name": "Prefer", "in": "header", "required": False, "schema": {"type": "string"},
                       "description": "`return=minimal` (RFC 7240): answer `{rev, diagnostics, applyErrors}` "
                       "without the world"})
    if params:
        op["parameters"] = params
    if info.body is not None:
        op["requestBody"] = {
            "required": not info.body_optional,
            "content": {"application/json": {"schema": _resolve(info.body, refs)}},
        }
    success: dict[str, Any] = {"description": info.summary}
    if info.response is not None:
        success["content"] = {info.content_type: {"schema": _resolve(info.response, refs)}}
    responses: dict[str, Any] = {str(info.status): success}
    if info.conditional:
        responses["304"] = {"description": "Not modified: the `If-None-Match` ETag is still current (no body)"}
    for status, kind in (info.also or {}).items():
        responses[str(status)] = {"description": (kind.__doc__ or "").strip().split("\n")[0] or info.summary,
                                  "content": {"application/json": {"schema": _resolve(kind, refs)}}}
    for status in _errors_of(info):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    op["responses"] = responses
    return op


def build_openapi(app: web.Application, version: str = "1.0") -> dict[str, Any]:
    """The whole document for ``app``."""
    infos = documented_routes(app)
    types: list[Any] = []
    for info in infos:
        _collect(info.body, types)
        _collect(info.response, types)
        _collect(list((info.also or {}).values()), types)
    types += [t for t in (Diagnostic, ApplyError, ErrorBody) if t not in types]
    found, components = msgspec.json.schema_components(types, ref_template="#/components/schemas/{name}")
    refs = dict(zip(types, found, strict=True))
    components["GraphOp"] = _ops_schema()
    paths: dict[str, dict[str, Any]] = {}
    for info in infos:
        paths.setdefault(_path(info.path), {})[info.method.lower()] = _operation(info, refs)
    if "OpsBody" in components:
        components["OpsBody"]["properties"]["ops"]["items"] = {"$ref": "#/components/schemas/GraphOp"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "smworld — programmable worlds API",
            "version": version,
            "description": "An open, self-hostable engine for programmable worlds. Worlds are SMWorld 1.0 graphs "
            "of states and events; every write goes through the kernel's ops and gate.",
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": name} for name in dict.fromkeys(i.tag for i in infos)],
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": {
                f"E{status}": {"description": text,
                               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
                for status, text in _ERROR_TEXT.items()
            },
            "securitySchemes": {
                "ApiKey": {"type": "http", "scheme": "bearer",
                           "description": "An app API key: sk_test_…/sk_live_… (secret) or pk_test_…/pk_live_…"},
                "UserSession": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                "description": "An HS256 user-session JWT (`sub` = user id)"},
            },
        },
    }
