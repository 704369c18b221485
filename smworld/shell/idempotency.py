"""``Idempotency-Key`` on charging POSTs: replay, mismatch (422), in flight (409).

The claim is one store transaction and yields an owner token. A handler whose effect is a store
transaction (creating a world, a fork, a job) completes the key *inside* that transaction
(:func:`completion`), so a crash can never leave the effect made but the key unfinished — a retry
would make it twice. Otherwise the result is stored, or the claim released, in a transaction of
its own after the handler. Only the claim's owner can finish or release it: a request that
outlived its lock and was taken over by a retry cannot overwrite or drop the retry's claim.

What is kept: successes and the deterministic refusals (400, 404, 422). What is not: 402/409/412/429
and 5xx — those depend on the moment, so a retry runs again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from aiohttp import web

from .errors import BadRequest, Conflict, Unprocessable
from .http import Handler, RouteInfo, json_response, key_principal, read_json, services
from .keys import CONFIG, IDEMPOTENCY, REQUEST_ID, IdemToken
from .metering import fingerprint
from .middleware import known_error_response
from .store.base import IdemFinish, WorldMeta

__all__ = ["completion", "idempotent"]

_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


def _storable(status: int) -> bool:
    return 200 <= status < 300 or status in (400, 404, 422)


def completion(
    request: web.Request, status: int, *, render: Callable[[WorldMeta], bytes] | None = None, body: bytes = b""
) -> IdemFinish | None:
    """What the handler's effect transaction must store for the request's ``Idempotency-Key``
    (None when the request has none). The response it then returns must be the same."""
    token = request.get(IDEMPOTENCY)
    if token is None:
        return None
    token.in_transaction = True
    return IdemFinish(token.app_id, token.mode, token.key, token.owner, status, render, body)


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
            raise BadRequest("Idempotency-Key: expected 1 to 255 printable ASCII characters without spaces")
        principal = key_principal(request)
        svc = services(request)
        store = svc.require_store()
        config = request.app[CONFIG]
        body = await read_json(request, empty={})
        claim = await store.claim_idempotency(
            principal.app_id, principal.mode, key, fingerprint(request.method, request.path, body),
            svc.clock(), config.idempotency_ttl_s, config.idempotency_lock_s,
        )
        if claim.state == "replay":
            replay = json_response(None, claim.status, {"Idempotent-Replayed": "true"})
            replay.body = claim.body
            return replay
        if claim.state == "mismatch":
            raise Unprocessable(
                "Idempotency-Key was already used with a different request (method, path or body); "
                "use a new key for a new request"
            )
        if claim.state == "in_flight":
            raise Conflict("a request with this Idempotency-Key is still in progress; retry in a moment")
        token = IdemToken(principal.app_id, principal.mode, key, claim.owner)
        request[IDEMPOTENCY] = token

        async def release() -> None:
            await asyncio.shield(store.release_idempotency(token.app_id, token.mode, token.key, owner=token.owner))

        response: web.StreamResponse
        try:
            response = await handler(request)
        except Exception as exc:
            known = known_error_response(exc, request.get(REQUEST_ID, ""))
            if known is None:
                await release()
                raise
            response = known
        except BaseException:
            await release()
            raise
        if token.in_transaction and 200 <= response.status < 300:
            return response  # completed in the handler's own transaction
        if isinstance(response, web.Response) and _storable(response.status) and isinstance(response.body, bytes):
            await asyncio.shield(store.finish_idempotency(
                token.app_id, token.mode, token.key, response.status, response.body, owner=token.owner
            ))
        else:
            await release()
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
