"""Authentication as a pure decision — credentials in, a principal or an error out.

Two schemes share ``Authorization: Bearer``:

- **User sessions** (``/v1/apps*``): an HS256 JWT whose ``sub`` is the user id, verified with the
  configured secret (compatible with an external identity provider that shares the secret).
- **API keys** (everything else): opaque random strings ``{sk|pk}_{test|live}_<43 url-safe chars>``.
  The store keeps only ``sha256(key)`` and a display prefix. A fast hash is right here, unlike for
  passwords: each key carries 256 bits from :mod:`secrets`, so no dictionary or brute-force attack
  applies, and a deterministic digest lets every request find its key with one indexed lookup.

The functions here never touch the store or the request; :mod:`smworld.shell.middleware` does the
plumbing (look the hash up, store the principal on the request).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Literal

import jwt

from .errors import Forbidden, Malformed, Unauthenticated
from .store.records import KeyRecord, Mode

__all__ = [
    "ALL_SCOPES",
    "AuthRule",
    "KeyPrincipal",
    "UserPrincipal",
    "authorize_key",
    "bearer_token",
    "hash_key",
    "looks_like_key",
    "mint_key",
    "mint_user_token",
    "resolve_scopes",
    "verify_user_token",
]

ALL_SCOPES: tuple[str, ...] = ("worlds:read", "worlds:write", "sessions:mint", "usage:read")
PUBLISHABLE_SCOPES: tuple[str, ...] = ("worlds:read",)
_KEY = re.compile(r"^(sk|pk)_(test|live)_[A-Za-z0-9_-]{16,128}$")
_PREFIX_LEN = 12


@dataclass(frozen=True)
class AuthRule:
    """What a route demands: ``user`` (a user JWT), ``key`` (an API key, with ``scope``), or ``none``."""

    scheme: Literal["user", "key", "none"]
    scope: str | None = None


@dataclass(frozen=True)
class UserPrincipal:
    """A signed-in user (a management caller)."""

    user_id: str


@dataclass(frozen=True)
class KeyPrincipal:
    """An app acting through one of its API keys."""

    key: KeyRecord

    @property
    def app_id(self) -> str:
        return self.key.app_id

    @property
    def mode(self) -> Mode:
        return self.key.mode


def bearer_token(header: str | None) -> str:
    """The token in ``Authorization: Bearer <token>``; :class:`Unauthenticated` naming what is wrong otherwise."""
    if not header:
        raise Unauthenticated("missing credentials: send `Authorization: Bearer <token>`")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("malformed Authorization header: expected `Bearer <token>`")
    return token.strip()


def looks_like_key(token: str) -> bool:
    """Whether ``token`` has the shape of an API key (checked before any lookup)."""
    return _KEY.match(token) is not None


def hash_key(plaintext: str) -> str:
    """The at-rest form of a key: hex SHA-256 (see the module docstring for why not a slow hash)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def mint_key(kind: Literal["secret", "publishable"], mode: Literal["test", "live"]) -> tuple[str, str, str]:
    """A new key: ``(plaintext, hash, display prefix)``. The plaintext is shown once and never stored."""
    plaintext = f"{'sk' if kind == 'secret' else 'pk'}_{mode}_{secrets.token_urlsafe(32)}"
    return plaintext, hash_key(plaintext), plaintext[: _PREFIX_LEN] + "…"


def resolve_scopes(kind: str, requested: list[str] | None) -> tuple[str, ...]:
    """The scopes a new key gets: all (secret) or ``worlds:read`` (publishable) by default.

    A publishable key asking for more than ``worlds:read``, or any unknown scope, is :class:`Malformed`.
    """
    allowed = ALL_SCOPES if kind == "secret" else PUBLISHABLE_SCOPES
    if requested is None:
        return allowed
    unknown = [s for s in requested if s not in ALL_SCOPES]
    if unknown:
        raise Malformed(f"unknown scope {unknown[0]!r}; known scopes: {', '.join(ALL_SCOPES)}",
                         errors=[f"scopes: unknown scope {s!r}" for s in unknown])
    extra = [s for s in requested if s not in allowed]
    if extra:
        raise Malformed(
            f"publishable keys may only hold worlds:read (asked for {', '.join(extra)}); use a secret key",
            errors=[f"scopes: {s!r} is not allowed on a publishable key" for s in extra],
        )
    return tuple(s for s in ALL_SCOPES if s in requested)


def authorize_key(record: KeyRecord | None, rule: AuthRule) -> KeyPrincipal:
    """Decide on a looked-up key: unknown or revoked → :class:`Unauthenticated`; lacking ``rule.scope``
    → :class:`Forbidden`."""
    if record is None:
        raise Unauthenticated("invalid API key")
    if record.revoked_at is not None:
        raise Unauthenticated(f"API key {record.prefix} was revoked")
    if rule.scope is not None and rule.scope not in record.scopes:
        if record.kind == "publishable":
            raise Forbidden(
                f"publishable keys are read-only: this call needs the {rule.scope} scope; "
                "use a secret key (sk_…) on your server"
            )
        raise Forbidden(f"this API key lacks the {rule.scope} scope")
    return KeyPrincipal(record)


def mint_user_token(secret: str, user_id: str, ttl_s: int, now: float, audience: str | None = None) -> str:
    """An HS256 user-session JWT for ``user_id`` valid ``ttl_s`` seconds from ``now``."""
    claims: dict[str, object] = {"sub": user_id, "iat": int(now), "exp": int(now) + ttl_s}
    if audience is not None:
        claims["aud"] = audience
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_user_token(token: str, secret: str, now: float, audience: str | None = None) -> UserPrincipal:
    """Check signature, expiry (when present) and audience (when configured); :class:`Unauthenticated` otherwise."""
    if looks_like_key(token):
        raise Unauthenticated("this route needs a user session token (a JWT), not an API key")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=audience,
            options={"verify_aud": audience is not None, "require": ["sub"]},
            leeway=30,
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the user session token has expired") from None
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"invalid user session token: {exc}") from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise Unauthenticated("invalid user session token: `sub` must be a non-empty string")
    exp = claims.get("exp")
    if isinstance(exp, int | float) and exp + 30 < now:
        raise Unauthenticated("the user session token has expired")
    return UserPrincipal(subject)
