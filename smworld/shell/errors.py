"""The shell's exceptions, and how each becomes the spec's error body.

Every exception a handler, the auth layer, the metering layer or a store raises on purpose derives
from :class:`ShellError`, which carries its HTTP status. The error middleware turns any of them — and
the kernel's own errors — into ``{detail, errors?, diagnostics?, applyErrors?, schemaVersion}``::

    ShellError                      root: an HTTP status and a human sentence
     ├── BadRequest (400)           malformed JSON, a malformed op batch, a REST op that cannot apply
     ├── Unauthorized (401)         missing, invalid, expired or revoked credentials
     ├── PaymentRequired (402)      a metered call over its daily cap (nothing charged)
     ├── Forbidden (403)            valid credentials lacking a scope or the right key kind
     ├── NotFound (404)             no such resource *for this caller* (tenancy never leaks existence)
     ├── Conflict (409)             deleting HEAD; an idempotent request still in flight
     ├── PreconditionFailed (412)   a stale ``If-Match``
     ├── PayloadTooLarge (413)      a body over the configured limit
     ├── Unprocessable (422)        a well-formed body with the wrong shape; a gate rejection
     ├── TooManyRequests (429)      a key over its rate limit
     └── StoreError (500)           the store failed in a way it could not classify
          └── StoreUnavailable (503) the store is busy or down: rejected before any effect, retry
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BadRequest",
    "Conflict",
    "Forbidden",
    "NotFound",
    "PayloadTooLarge",
    "PaymentRequired",
    "PreconditionFailed",
    "ShellError",
    "StoreError",
    "StoreUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
]


class ShellError(Exception):
    """An error with an HTTP status; ``extra`` fields are merged into the body (``rev``, ``diagnostics``)."""

    status = 500

    def __init__(
        self,
        detail: str,
        *,
        errors: list[str] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The spec's error body (without ``schemaVersion``, which the encoder adds)."""
        out: dict[str, Any] = {"detail": self.detail}
        if self.errors:
            out["errors"] = self.errors
        out.update(self.extra)
        return out


class BadRequest(ShellError):
    """The request cannot be understood or an op in it cannot apply."""

    status = 400


class Unauthorized(ShellError):
    """Credentials are missing, invalid, expired or revoked."""

    status = 401

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="smworld"'}, **extra)


class PaymentRequired(ShellError):
    """A metered call is over its daily cap; nothing was charged."""

    status = 402


class Forbidden(ShellError):
    """The credentials are valid but lack the scope or key kind the route needs."""

    status = 403


class NotFound(ShellError):
    """No such resource for this caller."""

    status = 404


class Conflict(ShellError):
    """The request conflicts with the resource's current state."""

    status = 409


class PreconditionFailed(ShellError):
    """``If-Match`` named a rev that is no longer current."""

    status = 412


class PayloadTooLarge(ShellError):
    """The body is larger than the configured limit."""

    status = 413


class Unprocessable(ShellError):
    """The body is well-formed JSON of the wrong shape, or the gate refused the result."""

    status = 422


class TooManyRequests(ShellError):
    """The key is over its rate limit; ``Retry-After`` says when to come back."""

    status = 429


class StoreError(ShellError):
    """The store failed in a way it could not classify (answered as a 500 with the request id)."""

    status = 500


class StoreUnavailable(StoreError):
    """The store is busy or unreachable; nothing was done, so the request is safe to retry."""

    status = 503
