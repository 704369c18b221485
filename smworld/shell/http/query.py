"""Query parameters: page sizes, cursors, flags — each refused with a sentence naming it."""

from __future__ import annotations

import re

from aiohttp import web

from ..errors import Malformed
from ..wire.cursors import decode_cursor

__all__ = ["choice", "flag", "page_limit", "parse_app_cursor", "parse_world_cursor"]

_SEQ = re.compile(r"^s([0-9]{1,18})$")
_APP_POSITION = re.compile(r"^([0-9.e+-]{1,32})\|(app_[0-9a-f]{1,40})$")


def page_limit(request: web.Request) -> int:
    """``?limit=`` from 1 to 100 (default 20)."""
    raw = request.query.get("limit")
    if raw is None:
        return 20
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0
    if not 1 <= value <= 100:
        raise Malformed(f"limit: expected an integer from 1 to 100, got {raw!r}",
                        errors=["limit: expected an integer from 1 to 100"])
    return value


def _bad_cursor() -> Malformed:
    return Malformed("cursor: not a cursor this API returned (pass nextCursor back unchanged)",
                     errors=["cursor: not a cursor this API returned"])


def parse_world_cursor(request: web.Request) -> int | None:
    """The world list position a ``?cursor=`` names (None without one)."""
    raw = request.query.get("cursor")
    if not raw:
        return None
    found = _SEQ.match(decode_cursor(raw) or "")
    if found is None:
        raise _bad_cursor()
    return int(found.group(1))


def parse_app_cursor(request: web.Request) -> tuple[float, str] | None:
    """The app list position a ``?cursor=`` names (None without one)."""
    raw = request.query.get("cursor")
    if not raw:
        return None
    found = _APP_POSITION.match(decode_cursor(raw) or "")
    if found is None:
        raise _bad_cursor()
    try:
        return float(found.group(1)), found.group(2)
    except ValueError:
        raise _bad_cursor() from None


def choice(request: web.Request, name: str, allowed: tuple[str, ...]) -> str | None:
    """``?name=`` when it is one of ``allowed`` (None when absent)."""
    raw = request.query.get(name)
    if raw is not None and raw not in allowed:
        raise Malformed(f"{name}: expected {', '.join(allowed[:-1])} or {allowed[-1]}, got {raw!r}",
                        errors=[f"{name}: expected one of {', '.join(allowed)}"])
    return raw


def flag(request: web.Request, name: str) -> bool:
    """``?name=`` as 0/1/true/false (false when absent)."""
    return choice(request, name, ("0", "1", "true", "false")) in ("1", "true")
