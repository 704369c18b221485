"""Wire helpers every route uses: the route table with its metadata, JSON in and out, ``If-Match``.

Each handler is declared once with :meth:`Routes.route`; the declaration both registers it with
aiohttp and carries what the auth middleware enforces and what :mod:`smworld.shell.openapi`
documents — one source of truth for the route table.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import msgspec
from aiohttp import web

from .auth import AuthRule, KeyPrincipal, UserPrincipal
from .errors import BadRequest, PayloadTooLarge, Unauthorized, Unprocessable
from .keys import CONFIG, PRINCIPAL, SERVICES, Services

__all__ = [
    "SCHEMA_VERSION",
    "Handler",
    "IfMatch",
    "Param",
    "RouteInfo",
    "Routes",
    "convert",
    "if_match",
    "if_none_match",
    "iso",
    "json_bytes_response",
    "json_response",
    "key_principal",
    "not_modified",
    "read_json",
    "route_info",
    "services",
    "user_principal",
]

SCHEMA_VERSION = "1.0"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
S = TypeVar("S")
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


@dataclass(frozen=True)
class Param:
    """A documented query parameter."""

    name: str
    schema: Mapping[str, Any]
    description: str = ""


@dataclass(frozen=True)
class RouteInfo:
    """A route's declaration: how it is reached, who may call it, and what it takes and answers."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: AuthRule
    status: int = 200
    body: Any = None
    """A msgspec type or a JSON Schema dict for the request body; None = no body."""
    body_optional: bool = False
    response: Any = None
    """A msgspec type or a JSON Schema dict for the success body."""
    query: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()
    idempotent: bool = False
    if_match: bool = False
    conditional: bool = False
    """The route answers 304 to a current ``If-None-Match`` (documented with the header)."""
    world: Literal["meta", "doc"] | None = None
    """For a route under ``/v1/worlds/{id}``: the auth middleware reads that world's metadata (or its
    whole document) with the API key, in one round trip, for the handler to use."""
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


class Routes:
    """A module's routes: declare with :meth:`route`, register with :meth:`install`."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.infos: list[RouteInfo] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        auth: AuthRule,
        **options: Any,
    ) -> Callable[[Handler], Handler]:
        def declare(handler: Handler) -> Handler:
            self.infos.append(RouteInfo(method, path, handler, summary, self.tag, auth, **options))
            return handler

        return declare

    def install(self, app: web.Application, wrap: Callable[[RouteInfo], Handler]) -> None:
        """Add every route to ``app``; ``wrap`` builds the callable aiohttp runs (e.g. idempotency)."""
        for info in self.infos:
            runnable = wrap(info)
            runnable.__smworld_route__ = info  # type: ignore[attr-defined]
            app.router.add_route(info.method, info.path, runnable, name=info.operation_id)


def route_info(request: web.Request) -> RouteInfo | None:
    """The declaration of the route ``request`` matched (None for unmatched/system routes)."""
    handler = request.match_info.handler
    info = getattr(handler, "__smworld_route__", None)
    return info if isinstance(info, RouteInfo) else None


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def key_principal(request: web.Request) -> KeyPrincipal:
    principal = request.get(PRINCIPAL)
    if not isinstance(principal, KeyPrincipal):
        raise Unauthorized("this route needs an API key")
    return principal


def user_principal(request: web.Request) -> UserPrincipal:
    principal = request.get(PRINCIPAL)
    if not isinstance(principal, UserPrincipal):
        raise Unauthorized("this route needs a user session token")
    return principal


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """``body`` (dicts, lists, msgspec Structs) as ``application/json; charset=utf-8``."""
    return json_bytes_response(_encoder.encode(body), status, headers)


def json_bytes_response(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """Already-encoded JSON ``body`` as ``application/json; charset=utf-8``."""
    return web.Response(body=body, status=status, headers=headers, content_type="application/json", charset="utf-8")


def not_modified(tag: str) -> web.Response:
    """304 for a client whose copy (``If-None-Match``) is current: no body, the ETag again."""
    return web.Response(status=304, headers={"ETag": f'"{tag}"'})


async def read_json(request: web.Request, *, empty: Any = ...) -> Any:
    """The parsed JSON body. An empty body is ``empty`` when given, else a 400.

    Oversized → 413; undecodable (a ``Content-Encoding`` the bytes do not match, a truncated chunked
    body) → 400; not JSON → 400 naming the position. (The content type is not required to say
    JSON: clients that forget the header still get their request understood.)
    """
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        limit = request.app[CONFIG].max_body_bytes
        raise PayloadTooLarge(f"request body too large: the limit is {limit} bytes") from None
    except web.RequestPayloadError as exc:
        cause = getattr(exc.__cause__, "message", None) or "the body could not be read"
        raise BadRequest(
            f"unreadable request body ({str(cause).strip()}); send plain JSON or fix its Content-Encoding"
        ) from None
    if not raw.strip():
        if empty is ...:
            raise BadRequest("missing request body: expected a JSON object")
        return empty
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError as exc:
        raise BadRequest(f"malformed JSON body: {str(exc).removeprefix('JSON is malformed: ')}") from None
    except UnicodeDecodeError as exc:  # msgspec lets a string's invalid UTF-8 through as this
        raise BadRequest(f"malformed JSON body: invalid UTF-8 in a string ({exc.reason}); "
                         "JSON must be sent as UTF-8") from None


def convert(data: Any, kind: type[S], where: str = "body") -> S:
    """``data`` as ``kind`` (a msgspec Struct); a 422 naming the field and the problem otherwise."""
    if not isinstance(data, dict):
        got = "array" if isinstance(data, list) else type(data).__name__
        raise Unprocessable(f"{where}: expected a JSON object, got {got}", errors=[f"{where}: expected object"])
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        problem = field_problem(exc)
        raise Unprocessable(f"invalid {where}: {problem}", errors=[problem]) from None


_AT = re.compile(r"^(.*) - at `\$(.*)`$")


def field_problem(exc: msgspec.ValidationError) -> str:
    """msgspec's message as ``<field>: <problem>`` (``name: expected str, got int``)."""
    message = str(exc)
    match = _AT.match(message)
    path = ""
    if match:
        message, path = match.group(1), match.group(2).lstrip(".")
    unknown = re.match(r"Object contains unknown field `(.*)`", message)
    if unknown:
        field_name = f"{path}.{unknown.group(1)}" if path else unknown.group(1)
        return f"{field_name}: unknown field"
    missing = re.match(r"Object missing required field `(.*)`", message)
    if missing:
        field_name = f"{path}.{missing.group(1)}" if path else missing.group(1)
        return f"{field_name}: required"
    message = message.replace("`", "")
    message = message[:1].lower() + message[1:]
    return f"{path or 'body'}: {message}"


def iso(ts: float | None) -> str | None:
    """Epoch seconds as RFC 3339 UTC with milliseconds (``2025-01-31T12:00:00.123Z``)."""
    if ts is None:
        return None
    whole = int(ts)
    millis = round((ts - whole) * 1000)
    if millis == 1000:
        whole, millis = whole + 1, 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{millis:03d}Z"


def _tags(raw: str) -> tuple[str, ...]:
    """The entity tags of an ``If-Match``/``If-None-Match`` list, quotes and ``W/`` stripped."""
    tags = []
    for part in raw.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip().strip('"'))
    return tuple(t for t in tags if t)


@dataclass(frozen=True)
class IfMatch:
    """A parsed ``If-Match``: ``any_`` for ``*``, else the tags it lists (quotes and ``W/`` stripped).

    A tag names a rev: ``"3"``, or ``"3.1"`` as a world document's ETag reads after a metadata change
    (graph writes only compare the rev part).
    """

    any_: bool
    tags: tuple[str, ...]

    def matches(self, rev: int) -> bool:
        wanted = str(rev)
        return self.any_ or any(tag.partition(".")[0] == wanted for tag in self.tags)

    def shown(self) -> str:
        return "*" if self.any_ else ", ".join(self.tags)


def if_match(request: web.Request) -> IfMatch | None:
    """The request's ``If-Match`` (None when absent). Accepts ``"3"``, ``3``, ``W/"3"`` and ``*``.

    A header that lists no tag at all is a 400 naming it (a 412 would read "changed since rev ");
    a tag that names no current rev is the usual 412.
    """
    raw = request.headers.get("If-Match")
    if raw is None:
        return None
    raw = raw.strip()
    if raw == "*":
        return IfMatch(True, ())
    tags = _tags(raw)
    if not tags:
        raise BadRequest(
            f"If-Match: expected the ETag of a read (such as \"3\") or *, got {raw!r}; omit the header to "
            "write to the latest rev",
            errors=["If-Match: expected an ETag such as \"3\", or *"],
        )
    return IfMatch(False, tags)


def if_none_match(request: web.Request, tag: str) -> bool:
    """Whether the request's ``If-None-Match`` names ``tag`` (or is ``*``): the client's copy is current."""
    raw = request.headers.get("If-None-Match")
    if raw is None:
        return False
    raw = raw.strip()
    return raw == "*" or tag in _tags(raw)
