"""The refusals the shell's rules make, in the rules' own words.

Services and the authentication layer raise these; they say what is wrong and carry the fields the
error body shows (``errors``, ``diagnostics``, ``applyErrors``, ``rev``…), but no protocol: what
each one becomes on the wire is decided in one place, :mod:`smworld.shell.http.errors`::

    ShellError            root: a sentence that names the problem and the fix
     ├── Malformed        the request cannot be understood, or an op in it cannot apply
     ├── Unauthenticated  missing, invalid, expired or revoked credentials
     ├── OverQuota        a metered call over its daily cap (nothing charged)
     ├── Forbidden        valid credentials lacking a scope, a key kind, or a right (an operator's cap)
     ├── NotFound         no such resource *for this caller* (tenancy never leaks existence)
     ├── Conflict         deleting HEAD; an idempotent request still in flight
     ├── Stale            ``If-Match`` names a version that is no longer current
     ├── TooLarge         a body over the configured limit
     ├── TimedOut         a body that stopped arriving
     ├── Invalid          well-formed input of the wrong shape; a world the gate refuses
     ├── RateLimited      a key over its rate limit
     └── Unavailable      a dependency is down or busy: refused before any effect, safe to retry
"""

from __future__ import annotations

from collections.abc import Sequence

from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.ops import ApplyError

__all__ = [
    "Conflict",
    "Forbidden",
    "Invalid",
    "Malformed",
    "NotFound",
    "OverQuota",
    "RateLimited",
    "ShellError",
    "Stale",
    "TimedOut",
    "TooLarge",
    "Unauthenticated",
    "Unavailable",
]


class ShellError(Exception):
    """A refusal: ``detail`` is the sentence; the keywords are what the error body also shows."""

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[str] | None = None,
        diagnostics: Sequence[Diagnostic] | None = None,
        apply_errors: Sequence[ApplyError] | None = None,
        rev: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.diagnostics = list(diagnostics) if diagnostics is not None else None
        self.apply_errors = list(apply_errors) if apply_errors is not None else None
        self.rev = rev


class Malformed(ShellError):
    """The request cannot be understood, or an op in it cannot apply."""


class Unauthenticated(ShellError):
    """Credentials are missing, invalid, expired or revoked."""


class OverQuota(ShellError):
    """A metered call is over its daily cap; nothing was charged."""

    def __init__(self, detail: str, *, kind: str, cap: int) -> None:
        super().__init__(detail, errors=[f"caps.{kind}: {cap} per UTC day reached"])
        self.kind = kind
        self.cap = cap


class Forbidden(ShellError):
    """The credentials are valid but lack the scope, key kind or right the call needs."""


class NotFound(ShellError):
    """No such resource for this caller."""


class Conflict(ShellError):
    """The request conflicts with the resource's current state."""


class Stale(ShellError):
    """``If-Match`` named a version that is no longer current; ``rev`` is the current one."""


class TooLarge(ShellError):
    """The body is larger than the configured limit."""


class TimedOut(ShellError):
    """The request body did not arrive in time."""


class Invalid(ShellError):
    """Well-formed input of the wrong shape, or a world the gate refused."""


class RateLimited(ShellError):
    """The key is over its rate limit; come back after ``retry_after_s`` seconds."""

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class Unavailable(ShellError):
    """A dependency is down or busy; nothing was done, so the request is safe to retry."""
