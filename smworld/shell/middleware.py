"""The middleware chain: request id + error mapping (outermost), then authentication + rate limit.

- :func:`error_middleware` gives every request an id and turns *every* failure into the spec's
  error body: the shell's own :class:`ShellError` tree, aiohttp's HTTP exceptions (unknown route,
  wrong method, oversized body), the kernel's errors, and anything unexpected (500 with the id,
  logged with it).
- :func:`auth_middleware` reads the matched route's declaration (:class:`RouteInfo`) and applies
  its :class:`AuthRule`; the decision itself lives in :mod:`smworld.shell.auth`. The key is looked
  up in the store on every request (so a revoked key is refused on its very next request), in the
  same round trip as the route's world when the route declares one (``RouteInfo.world``).
- :func:`add_common_headers` (a response-prepare signal) puts ``X-Request-Id`` and the
  ``RateLimit-*`` headers on every response, including ones aiohttp builds itself.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from typing import Any

from aiohttp import web

from smworld.kernel.errors import DecodeError, OpsRequestError, SMWorldError, VersionError

from .auth import (
    KeyPrincipal,
    authorize_key,
    bearer_token,
    hash_key,
    looks_like_key,
    verify_user_token,
)
from .errors import ShellError, TooManyRequests, Unauthorized
from .http import SCHEMA_VERSION, Handler, json_response, route_info
from .keys import CONFIG, PRINCIPAL, RATE, REQUEST_ID, SERVICES, WORLD_READ, WorldRead

__all__ = ["add_common_headers", "auth_middleware", "error_middleware", "error_response", "known_error_response"]

log = logging.getLogger("smworld.shell")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_TOUCH_EVERY_S = 60.0


def error_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
    """The spec's error body at ``status``."""
    return json_response({**body, "schemaVersion": SCHEMA_VERSION}, status=status, headers=headers)


def _from_kernel(exc: SMWorldError) -> web.Response:
    if isinstance(exc, DecodeError):
        problem = f"{exc.path}: {exc.problem}" if exc.path else exc.problem
        return error_response(422, {"detail": f"not a valid SMWorld document: {problem}", "errors": [problem]})
    if isinstance(exc, OpsRequestError):
        return error_response(400, {"detail": str(exc), "errors": exc.errors})
    if isinstance(exc, VersionError):
        return error_response(exc.status, {"detail": str(exc)})
    return error_response(400, {"detail": str(exc)})


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
    return error_response(exc.status, {"detail": detail}, headers)


def known_error_response(exc: BaseException, request_id: str) -> web.Response | None:
    """The response for an error the shell or the kernel raised on purpose (None for anything else)."""
    if isinstance(exc, ShellError):
        body = exc.body()
        if exc.status >= 500:
            log.warning("request %s: %s", request_id, exc.detail)
            body["detail"] = f"{exc.detail} (request id {request_id})"
        return error_response(exc.status, body, exc.headers)
    if isinstance(exc, SMWorldError):
        return _from_kernel(exc)
    return None


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Assign the request id; map every failure to the spec's error body."""
    incoming = request.headers.get("X-Request-Id", "")
    request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    request[REQUEST_ID] = request_id
    try:
        return await handler(request)
    except (ShellError, SMWorldError) as exc:
        response = known_error_response(exc, request_id)
        assert response is not None
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _from_http(exc, request)
    except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
        raise
    except Exception:
        log.exception("request %s: unexpected failure on %s %s", request_id, request.method, request.path)
        return error_response(500, {"detail": f"internal error; request id {request_id}"})


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply the matched route's :class:`AuthRule` and, for API keys, its rate limit."""
    info = route_info(request)
    if info is None or info.auth.scheme == "none":
        return await handler(request)
    services = request.app[SERVICES]
    config = request.app[CONFIG]
    token = bearer_token(request.headers.get("Authorization"))
    now = services.clock()
    if info.auth.scheme == "user":
        request[PRINCIPAL] = verify_user_token(token, services.jwt_secret, now, config.jwt_audience)
        return await handler(request)
    if not looks_like_key(token):
        raise Unauthorized("invalid API key: expected sk_test_…, sk_live_…, pk_test_… or pk_live_…")
    store = services.require_store()
    world_id = request.match_info.get("id") if info.world is not None else None
    found = await store.lookup_key(hash_key(token), world_id, with_doc=info.world == "doc")
    principal = authorize_key(found.key, info.auth)
    request[PRINCIPAL] = principal
    if world_id is not None:
        request[WORLD_READ] = WorldRead(world_id, found.world, found.doc)
    decision = services.limiter.take(principal.key.id, config.rate_limit(principal.mode))
    if decision is not None:
        request[RATE] = decision
        if not decision.allowed:
            raise TooManyRequests(
                f"rate limit reached for key {principal.key.prefix}: {decision.limit} requests burst; "
                f"retry after {decision.retry_after_s}s",
            )
    _touch(services, principal, now)
    return await handler(request)


def _touch(services: Any, principal: KeyPrincipal, now: float) -> None:
    """Record ``last_used_at`` at most once a minute per key, off the request's path."""
    recent: dict[str, float] = services.extra.setdefault("touched", {})
    last = max(recent.get(principal.key.id, 0.0), principal.key.last_used_at or 0.0)
    if now - last < _TOUCH_EVERY_S:
        return
    recent[principal.key.id] = now
    store = services.store

    async def touch() -> None:
        try:
            await store.touch_key(principal.key.id, now)
        except Exception as exc:  # a missed timestamp is not worth failing anything for
            log.debug("touch_key failed: %s", exc)

    task = asyncio.ensure_future(touch())
    background: set[asyncio.Task[None]] = services.extra.setdefault("background", set())
    background.add(task)
    task.add_done_callback(background.discard)


async def add_common_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``X-Request-Id`` and ``RateLimit-*`` on every response."""
    request_id = request.get(REQUEST_ID)
    if request_id is None:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    response.headers["X-Request-Id"] = request_id
    decision = request.get(RATE)
    if decision is not None:
        response.headers.update(decision.headers())
