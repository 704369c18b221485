"""The one place errors become HTTP: a registry from exception type to status, looked up along the MRO.

The services' refusals (:mod:`smworld.shell.errors`), the store's errors (:mod:`..store.errors`),
the kernel's (:mod:`smworld.kernel.errors`) and aiohttp's own HTTP exceptions all end here, as the
spec's error body (:class:`~..wire.common.ErrorBody`). A type the registry does not know is a bug:
500 with the request id, logged with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import msgspec
from aiohttp import web

from smworld.kernel.errors import DecodeError, OpsRequestError, SMWorldError, VersionError

from .. import errors
from ..store import errors as store
from ..wire.common import ErrorBody

__all__ = ["Problem", "problem_for", "response_for"]

log = logging.getLogger("smworld.shell")
_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)
class Problem:
    """An error as it goes on the wire: status, body, extra headers."""

    status: int
    body: ErrorBody
    headers: dict[str, str] = field(default_factory=dict)


def _refusal(status: int, headers: Callable[[errors.ShellError], dict[str, str]] | None = None
             ) -> Callable[[BaseException], Problem]:
    def problem(exc: BaseException) -> Problem:
        assert isinstance(exc, errors.ShellError)
        body = ErrorBody(detail=exc.detail)
        if exc.errors:
            body.errors = exc.errors
        if exc.diagnostics is not None:
            body.diagnostics = exc.diagnostics
        if exc.apply_errors is not None:
            body.applyErrors = exc.apply_errors
        if exc.rev is not None:
            body.rev = exc.rev
        if isinstance(exc, errors.OverQuota):
            body.kind, body.cap = exc.kind, exc.cap
        return Problem(status, body, headers(exc) if headers else {})

    return problem


def _retry_after(exc: errors.ShellError) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, errors.RateLimited) else {}


def _missing(exc: BaseException) -> Problem:
    assert isinstance(exc, store.Missing)
    return Problem(404, ErrorBody(detail=f"no {exc.kind} {exc.key!r} (it may have just been deleted)"))


def _store_conflict(exc: BaseException) -> Problem:
    assert isinstance(exc, store.Conflict)
    return Problem(409, ErrorBody(detail=f"{exc.reason}; nothing was saved — retry the request"))


def _store_rev_conflict(exc: BaseException) -> Problem:
    assert isinstance(exc, store.RevConflict)
    return Problem(409, ErrorBody(detail="the world changed while this request ran; nothing was saved — retry",
                                  rev=str(exc.current)))


def _unavailable(exc: BaseException) -> Problem:
    reason = exc.reason if isinstance(exc, store.StoreError) else str(exc)
    return Problem(503, ErrorBody(detail=f"the store is unavailable ({reason}); nothing was changed — retry shortly"),
                   {"Retry-After": "1"})


def _store_failure(exc: BaseException) -> Problem:
    assert isinstance(exc, store.StoreError)
    log.warning("store failure: %s", exc.reason)
    return Problem(500, ErrorBody(detail="the store failed"))


def _not_a_world(exc: BaseException) -> Problem:
    assert isinstance(exc, DecodeError)
    problem = f"{exc.path}: {exc.problem}" if exc.path else exc.problem
    return Problem(422, ErrorBody(detail=f"not a valid SMWorld document: {problem}", errors=[problem]))


def _bad_batch(exc: BaseException) -> Problem:
    assert isinstance(exc, OpsRequestError)
    return Problem(400, ErrorBody(detail=str(exc), errors=exc.errors))


def _version_error(exc: BaseException) -> Problem:
    assert isinstance(exc, VersionError)
    return Problem(404 if exc.status == 404 else 409, ErrorBody(detail=str(exc)))


def _kernel(exc: BaseException) -> Problem:
    return Problem(400, ErrorBody(detail=str(exc)))


REGISTRY: dict[type[BaseException], Callable[[BaseException], Problem]] = {
    errors.Malformed: _refusal(400),
    errors.Unauthenticated: _refusal(401, lambda exc: {"WWW-Authenticate": 'Bearer realm="smworld"'}),
    errors.OverQuota: _refusal(402),
    errors.Forbidden: _refusal(403),
    errors.NotFound: _refusal(404),
    errors.TimedOut: _refusal(408),
    errors.Conflict: _refusal(409),
    errors.Stale: _refusal(412),
    errors.TooLarge: _refusal(413),
    errors.Invalid: _refusal(422),
    errors.RateLimited: _refusal(429, _retry_after),
    errors.Unavailable: _refusal(503, lambda exc: {"Retry-After": "1"}),
    store.Missing: _missing,
    store.RevConflict: _store_rev_conflict,
    store.Conflict: _store_conflict,
    store.Unavailable: _unavailable,
    store.StoreError: _store_failure,
    DecodeError: _not_a_world,
    OpsRequestError: _bad_batch,
    VersionError: _version_error,
    SMWorldError: _kernel,
}
"""Exception type → its problem. Looked up along the exception's MRO, so the most specific wins."""


def problem_for(exc: BaseException) -> Problem | None:
    """The problem for an error raised on purpose (None for anything else: a bug)."""
    for kind in type(exc).__mro__:
        handler = REGISTRY.get(kind)
        if handler is not None:
            return handler(exc)
    return None


def response_for(exc: BaseException, request_id: str) -> web.Response | None:
    """The response for an error raised on purpose (None for anything else). A 5xx detail names the
    request id, which the log line carries too."""
    problem = problem_for(exc)
    if problem is None:
        return None
    body = problem.body
    if problem.status >= 500:
        log.warning("request %s: %s", request_id, body.detail)
        body.detail = f"{body.detail} (request id {request_id})"
    return error_response(problem.status, body, problem.headers)


def error_response(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=_encoder.encode(body), status=status, headers=headers, content_type="application/json",
                        charset="utf-8")
