"""The middleware chain: request id + error mapping (outermost), then authentication + rate limit.

- :func:`error_middleware` gives every request an id and turns *every* failure into the spec's
  error body through the one registry (:mod:`.errors`), plus aiohttp's own HTTP exceptions (unknown
  route, wrong method) and anything unexpected (500 with the id, logged with it). A client that
  went away is logged at INFO: nothing is wrong with the server.
- :func:`auth_middleware` reads the matched route's declaration (:class:`RouteInfo`) and applies
  its :class:`AuthRule` through the :class:`~..services.authentication.Authenticator`.
- :func:`add_common_headers` (a response-prepare signal) puts ``X-Request-Id``, the ``RateLimit-*``
  headers and, on read routes, CORS headers on every response, including ones aiohttp builds itself.
"""

from __future__ import annotations

import logging
import re
import uuid

from aiohttp import web

from ..auth import bearer_token
from ..errors import TooLarge
from ..wire.common import ErrorBody
from .context import CALLER, CONFIG, PRINCIPAL, RATE, REQUEST_ID
from .errors import error_response, response_for
from .routing import Handler, route_info, services

__all__ = ["add_common_headers", "auth_middleware", "body_limit", "cors_preflight", "error_middleware"]

log = logging.getLogger("smworld.shell")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_CORS_METHODS = frozenset({"GET", "HEAD"})
_CORS_HEADERS = "Authorization, If-None-Match, X-Request-Id"
_EXPOSED = "ETag, X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"


def _request_id(request: web.Request) -> str:
    incoming = request.headers.get("X-Request-Id", "")
    return incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _from_http(exc: web.HTTPException, request: web.Request) -> web.Response:
    headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "location", "retry-after")}
    if exc.status == 404:
        detail = f"no route {request.method} {request.path}; see /openapi.json for the API"
    elif exc.status == 405:
        allowed = exc.headers.get("Allow", "")
        detail = f"method {request.method} is not allowed on {request.path}; allowed: {allowed}"
    elif exc.status == 413:
        detail = f"request body too large ({exc.text or 'over the configured limit'})"
    else:
        detail = exc.reason or "request refused"
    return error_response(exc.status, ErrorBody(detail=detail), headers)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Assign the request id; map every failure to the spec's error body."""
    request_id = _request_id(request)
    request[REQUEST_ID] = request_id
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _from_http(exc, request)
    except ConnectionResetError:
        log.info("request %s: the client went away during %s %s", request_id, request.method, request.path)
        return error_response(400, ErrorBody(detail="the connection was reset"))
    except Exception as exc:
        known = response_for(exc, request_id)
        if known is not None:
            return known
        log.exception("request %s: unexpected failure on %s %s", request_id, request.method, request.path)
        return error_response(500, ErrorBody(detail=f"internal error; request id {request_id}"))


@web.middleware
async def body_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A declared ``Content-Length`` over the limit is refused at once, before any of it is read."""
    limit = request.app[CONFIG].max_body_bytes
    if (request.content_length or 0) > limit:
        raise TooLarge(f"request body too large: {request.content_length} bytes declared, the limit is {limit}")
    return await handler(request)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply the matched route's :class:`AuthRule` and, for API keys, its rate limit."""
    info = route_info(request)
    if info is None or info.auth.scheme == "none":
        return await handler(request)
    token = bearer_token(request.headers.get("Authorization"))
    auth = services(request).auth
    if info.auth.scheme == "user":
        request[PRINCIPAL] = auth.user(token)
        return await handler(request)
    world_id = request.match_info.get("id") if info.world else None
    caller, decision = await auth.key(token, info.auth, world_id)
    request[PRINCIPAL] = caller.principal
    request[CALLER] = caller
    if decision is not None:
        request[RATE] = decision
    auth.admit(caller.principal, decision)
    return await handler(request)


async def add_common_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``X-Request-Id``, ``RateLimit-*`` and, for browser reads, CORS on every response."""
    response.headers["X-Request-Id"] = request.get(REQUEST_ID) or _request_id(request)
    decision = request.get(RATE)
    if decision is not None:
        response.headers.update(decision.headers())
    if request.headers.get("Origin") and _readable_from_browsers(request):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = _EXPOSED


def _readable_from_browsers(request: web.Request) -> bool:
    """Read routes (GET/HEAD, and their preflight) invite any origin: publishable keys are browser-safe
    and sent as bearer tokens, never cookies. Writes do not invite browsers."""
    if request.method == "OPTIONS":
        wanted = request.headers.get("Access-Control-Request-Method", "").upper()
        return wanted in _CORS_METHODS
    return request.method in _CORS_METHODS


@web.middleware
async def cors_preflight(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a browser's CORS preflight (``OPTIONS`` with ``Access-Control-Request-Method``) for a read
    route; a preflight for a write gets no invitation (no ``Access-Control-Allow-*``)."""
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return await handler(request)
    if not request.headers.get("Origin") or not _readable_from_browsers(request):
        return web.Response(status=204)
    return web.Response(status=204, headers={
        "Access-Control-Allow-Methods": "GET, HEAD",
        "Access-Control-Allow-Headers": _CORS_HEADERS,
        "Access-Control-Max-Age": "600",
    })
