"""Apps (tenants) and their API keys."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from .common import Body, Name

__all__ = ["AppCreate", "AppList", "AppOut", "AppPatch", "KeyCreate", "KeyList", "KeyMinted", "KeyOut", "KeyRevoked"]

Caps = dict[str, Annotated[int, msgspec.Meta(ge=0)]]
"""Daily caps by usage kind (0 = unlimited)."""


class AppCreate(Body):
    """A new app. ``caps`` (per UTC day) may lower the operator's caps, never raise them."""

    name: Name
    caps: Caps | None = None


class AppPatch(Body):
    """Rename an app and/or change some of its daily caps (within the operator's ceilings)."""

    name: Name | None = None
    caps: Caps | None = None


class AppOut(msgspec.Struct):
    """An app with its effective daily caps (0 = unlimited)."""

    id: str
    name: str
    created_at: str
    caps: dict[str, int]


class AppList(msgspec.Struct):
    """One page of the caller's apps, oldest first; ``nextCursor`` fetches the next (null at the end)."""

    apps: list[AppOut]
    nextCursor: str | None


class KeyCreate(Body):
    """A new API key. Secret keys default to every scope; publishable keys may only hold ``worlds:read``."""

    kind: Literal["secret", "publishable"]
    mode: Literal["test", "live"]
    scopes: list[str] | None = None
    name: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class _KeyFields(msgspec.Struct, kw_only=True):
    """What every view of a key shows."""

    id: str
    prefix: str
    kind: str
    mode: str
    scopes: list[str]
    name: str | None
    created_at: str


class KeyOut(_KeyFields, kw_only=True):
    """A key as listed: never the plaintext."""

    last_used_at: str | None
    revoked_at: str | None


class KeyMinted(_KeyFields, kw_only=True):
    """A new key: the only time the plaintext ``key`` is shown."""

    key: str


class KeyList(msgspec.Struct):
    keys: list[KeyOut]


class KeyRevoked(msgspec.Struct):
    ok: bool
    revoked: str
