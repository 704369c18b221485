"""``Idempotency-Key`` on charging POSTs: replay, mismatch (422), in flight (409).

The claim is one store transaction and yields an owner token (a :class:`~..services.claims.Claim`
the service may complete inside its effect's transaction). Otherwise the response is stored, or
the claim released, in a transaction of its own after the handler. Only the claim's owner can
finish or release it: a request that outlived its lock and was taken over by a retry cannot
overwrite or drop the retry's claim.

What is kept: successes and the deterministic refusals (400, 404, 422). What is not: 402/409/412/429
and 5xx — those depend on the moment, so a retry runs again.
"""

from __future__ import annotations

import asyncio
import hashlib
import re

import msgspec
from aiohttp import web

from ..errors import Conflict, Invalid, Malformed
from ..services.claims import Claim
from .context import CLAIM, REQUEST_ID
from .errors import response_for
from .routing import Handler, RouteInfo, caller, decode_body, raw_body, respond_bytes, services

__all__ = ["fingerprint", "idempotent"]

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_canonical = msgspec.json.Encoder(order="sorted")


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and the body's meaning (key order aside)."""
    digest = hashlib.sha256()
    digest.update(f"{method.upper()} {path}\n".encode())
    if body.strip():
        try:
            digest.update(_canonical.encode(decode_body(body, object)))
        except (Malformed, Invalid):
            digest.update(body)
    return digest.hexdigest()


def _storable(status: int) -> bool:
    return 200 <= status < 300 or status in (400, 404, 422)


def idempotent(info: RouteInfo) -> Handler:
    """Wrap ``info.handler`` with the idempotency protocol when the route declares it."""
    handler = info.handler
    if not info.idempotent:
        return handler

    async def run(request: web.Request) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return await handler(request)
        if not _KEY.match(key):
            raise Malformed("Idempotency-Key: expected 1 to 255 printable ASCII characters without spaces",
                            errors=["Idempotency-Key: 1 to 255 printable ASCII characters"])
        principal = caller(request).principal
        svc = services(request)
        config = svc.config
        store = svc.store.idempotency
        claim = await store.claim(
            principal.app_id, principal.mode, key, fingerprint(request.method, request.path, await raw_body(request)),
            svc.clock(), config.idempotency_ttl_s, config.idempotency_lock_s,
        )
        if claim.state == "replay":
            return respond_bytes(claim.body, claim.status, {"Idempotent-Replayed": "true"})
        if claim.state == "mismatch":
            raise Invalid(
                "Idempotency-Key was already used with a different request (method, path or body); "
                "use a new key for a new request"
            )
        if claim.state == "in_flight":
            raise Conflict("a request with this Idempotency-Key is still in progress; retry in a moment")
        token = Claim(principal.app_id, principal.mode, key, claim.owner)
        request[CLAIM] = token

        async def release() -> None:
            await asyncio.shield(store.release(token.app_id, token.mode, token.key, owner=token.owner))

        response: web.StreamResponse
        try:
            response = await handler(request)
        except Exception as exc:
            known = response_for(exc, request.get(REQUEST_ID, ""))
            if known is None:
                await release()
                raise
            response = known
        except BaseException:
            await release()
            raise
        if token.completed and 200 <= response.status < 300:
            return response  # completed in the service's own transaction
        if isinstance(response, web.Response) and _storable(response.status) and isinstance(response.body, bytes):
            await asyncio.shield(store.finish(token.app_id, token.mode, token.key, response.status, response.body,
                                              owner=token.owner))
        else:
            await release()
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
