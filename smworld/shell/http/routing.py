"""The route table and the wire helpers every handler uses: bodies in, Structs out, the headers
that carry versions (``If-Match``, ``If-None-Match``, ``ETag``) and ``Prefer``.

Each handler is declared once with :meth:`Routes.route`; the declaration registers it with aiohttp
and carries what the auth middleware enforces and what :mod:`.openapi` documents — the request and
response Structs the handler actually decodes and encodes.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from aiohttp import web

from smworld.kernel.codec import MAX_DEPTH, describe_validation_error, nested_within
from smworld.kernel.text import control_character_problem

from ..auth import AuthRule, UserPrincipal
from ..errors import Invalid, Malformed, TimedOut, TooLarge, Unauthenticated
from ..services import Services
from ..services.access import Caller
from ..services.preconditions import Expected, Held
from ..wire.common import Body
from .context import CALLER, CONFIG, PRINCIPAL, SERVICES

__all__ = [
    "Handler",
    "Param",
    "RouteInfo",
    "Routes",
    "body_size",
    "caller",
    "etag",
    "expected",
    "held",
    "minimal",
    "not_modified",
    "preference_applied",
    "raw_body",
    "read_body",
    "respond",
    "respond_bytes",
    "route_info",
    "services",
    "user",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
S = TypeVar("S")
_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)
class Param:
    """A documented query parameter."""

    name: str
    schema: Mapping[str, Any]
    description: str = ""


@dataclass(frozen=True)
class RouteInfo:
    """A route's declaration: how it is reached, who may call it, and the Structs it takes and answers."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: AuthRule
    status: int = 200
    body: Any = None
    """The type the request body decodes into (a Struct, or ``dict[str, Any]``); None = no body."""
    body_optional: bool = False
    response: Any = None
    """The type of the success body."""
    also: Mapping[int, Any] | None = None
    """Other success statuses and their body types (``202`` for a queued job)."""
    content_type: str = "application/json"
    query: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()
    idempotent: bool = False
    if_match: bool = False
    conditional: bool = False
    """The route answers 304 to a current ``If-None-Match`` (documented with the header)."""
    lean: bool = False
    """The route honours ``Prefer: return=minimal`` (a graph write)."""
    world: bool = False
    """For a route under ``/v1/worlds/{id}``: the auth middleware reads that world's metadata with the
    API key, in one round trip, for the service to use."""
    description: str = ""

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


class Routes:
    """A module's routes: declare with :meth:`route`, register with :meth:`install`."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.infos: list[RouteInfo] = []

    def route(
        self, method: str, path: str, *, summary: str, auth: AuthRule, **options: Any
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
    info = getattr(request.match_info.handler, "__smworld_route__", None)
    return info if isinstance(info, RouteInfo) else None


def services(request: web.Request) -> Services:
    return request.app[SERVICES].get()


def caller(request: web.Request) -> Caller:
    found: Caller | None = request.get(CALLER)
    if found is None:
        raise Unauthenticated("this route needs an API key")
    return found


def user(request: web.Request) -> UserPrincipal:
    principal = request.get(PRINCIPAL)
    if not isinstance(principal, UserPrincipal):
        raise Unauthenticated("this route needs a user session token")
    return principal


# bodies --------------------------------------------------------------------------------------------

def body_size(request: web.Request) -> int:
    return request.content_length or 0


async def raw_body(request: web.Request) -> bytes:
    """The body's bytes: too large (declared or actual), unreadable or too slow are refused."""
    config = request.app[CONFIG]
    limit = config.max_body_bytes
    if (request.content_length or 0) > limit:
        raise TooLarge(f"request body too large: {request.content_length} bytes declared, the limit is {limit}")
    try:
        return await asyncio.wait_for(request.read(), config.body_timeout_s)
    except TimeoutError:
        raise TimedOut(f"the request body did not arrive within {config.body_timeout_s:g} seconds; "
                       "send it whole and promptly") from None
    except web.HTTPRequestEntityTooLarge:
        raise TooLarge(f"request body too large: the limit is {limit} bytes") from None
    except web.RequestPayloadError as exc:
        cause = getattr(exc.__cause__, "message", None) or "the body could not be read"
        raise Malformed(
            f"unreadable request body ({str(cause).strip()}); send plain JSON or fix its Content-Encoding"
        ) from None


async def read_body(request: web.Request, kind: type[S], *, optional: bool = False, ops: bool = False) -> S:
    """The body decoded into ``kind`` — the Struct the route documents.

    Empty: ``kind()`` when ``optional``, else refused. Not JSON, not UTF-8 or nested too deeply:
    :class:`Malformed`. JSON of the wrong shape: :class:`Invalid` naming the field and the problem —
    or, for ``ops`` (a graph write's ops and arguments), :class:`Malformed` like any malformed batch.
    """
    raw = await raw_body(request)
    if not raw.strip():
        if optional:
            return kind()
        raise Malformed("missing request body: expected a JSON object (Content-Type: application/json)",
                        errors=["body: required"])
    return decode_body(raw, kind, request.content_type, ops=ops)


BODY_DEPTH = MAX_DEPTH + 4
"""How deep a request body may nest: a world (or an op's value) at the kernel's limit, inside the
few levels of its envelope (``{"ops": [{"patch": …}]}``)."""


def decode_body(raw: bytes, kind: type[S], content_type: str = "application/json", *, ops: bool = False) -> S:
    """``raw`` as ``kind`` (see :func:`read_body`)."""
    if not nested_within(raw, BODY_DEPTH):
        raise Malformed(f"malformed JSON body: nested too deeply; arrays and objects may nest at most {BODY_DEPTH} "
                        "levels (a world at most the kernel's limit, inside its envelope)",
                        errors=["body: nested too deeply"])
    try:
        body = msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        problem = describe_validation_error(exc).replace("expected object,", "expected a JSON object,")
        shown = problem if ":" in problem.split(" ")[0] else f"body: {problem}"
        refusal = Malformed if ops else Invalid
        raise refusal(f"invalid body: {shown}", errors=[shown]) from None
    except msgspec.DecodeError as exc:
        hint = "" if "json" in content_type else f" (this body was sent as {content_type})"
        raise Malformed(f"malformed JSON body: {str(exc).removeprefix('JSON is malformed: ')}; send JSON with "
                        f"Content-Type: application/json{hint}", errors=["body: not JSON"]) from None
    except RecursionError:
        raise Malformed("malformed JSON body: nested too deeply; no request needs more than a few dozen levels",
                        errors=["body: nested too deeply"]) from None
    except UnicodeDecodeError as exc:  # msgspec lets a string's invalid UTF-8 through as this
        raise Malformed(f"malformed JSON body: invalid UTF-8 in a string ({exc.reason}); "
                        "JSON must be sent as UTF-8", errors=["body: invalid UTF-8"]) from None
    if isinstance(body, Body):
        _refuse_control_characters(body)
    return body


def _refuse_control_characters(body: Body) -> None:
    """:class:`Invalid` when a text field of the body holds a control or bidi-override character
    (a world's own fields are the gate's to judge: they arrive as objects, not text fields)."""
    for field in msgspec.structs.fields(body):
        value = getattr(body, field.name)
        if isinstance(value, str):
            problem = control_character_problem(value, field.encode_name, multiline=field.name in body.multiline)
            if problem is not None:
                raise Invalid(problem, errors=[problem])


# responses -----------------------------------------------------------------------------------------

def respond(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """``body`` (a wire Struct) as ``application/json; charset=utf-8``."""
    return respond_bytes(_encoder.encode(body), status, headers)


def respond_bytes(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """Already-encoded JSON as ``application/json; charset=utf-8``."""
    return web.Response(body=body, status=status, headers=headers, content_type="application/json", charset="utf-8")


def etag(tag: str | int) -> dict[str, str]:
    return {"ETag": f'"{tag}"'}


def not_modified(tag: str) -> web.Response:
    """304 for a client whose copy (``If-None-Match``) is current: no body, the ETag again."""
    return web.Response(status=304, headers=etag(tag))


# versions and preferences --------------------------------------------------------------------------

_TAG = re.compile(r'^"?([0-9]{1,18}(?:\.[0-9]{1,18})?)"?$')
_IF_MATCH_FORM = 'If-Match: expected the ETag of a read, such as "3" (or 3, or *)'


def _entity_tags(request: web.Request, name: str) -> list[str] | None:
    """The comma-separated parts of header ``name``, stripped (None when absent, ``["*"]`` for ``*``)."""
    raw = request.headers.get(name)
    return None if raw is None else [part.strip() for part in raw.strip().split(",")]


def expected(request: web.Request) -> Expected | None:
    """The request's ``If-Match`` (None when absent). Accepts ``"3"``, ``3``, ``"3.1"``, lists of
    those, and ``*``; anything else (a weak ``W/"3"``, ``"abc"``) is :class:`Malformed` naming the form."""
    parts = _entity_tags(request, "If-Match")
    if parts is None or parts == ["*"]:
        return None if parts is None else Expected(True)
    tags = []
    for part in parts:
        found = _TAG.match(part)
        if found is None:
            weak = " (weak tags, W/…, cannot be used with If-Match)" if part.startswith("W/") else ""
            raise Malformed(f"{_IF_MATCH_FORM}, got {request.headers['If-Match']!r}{weak}; omit the header to "
                            "write to the latest rev", errors=[_IF_MATCH_FORM])
        tags.append(found.group(1))
    return Expected(False, tuple(tags))


def held(request: web.Request) -> Held | None:
    """The request's ``If-None-Match`` (None when absent); tags that name no version never match."""
    parts = _entity_tags(request, "If-None-Match")
    if parts is None or parts == ["*"]:
        return None if parts is None else Held(True)
    tags = (part.removeprefix("W/").strip().strip('"') for part in parts)
    return Held(False, tuple(tag for tag in tags if tag))


def preference_applied(lean: bool) -> dict[str, str]:
    """The ``Preference-Applied`` header of a write that honoured ``Prefer: return=minimal``."""
    return {"Preference-Applied": "return=minimal"} if lean else {}


def minimal(request: web.Request) -> bool:
    """Whether the client sent ``Prefer: return=minimal`` (RFC 7240): answer without the world."""
    preferences = ",".join(request.headers.getall("Prefer", []))
    return any(p.split(";")[0].strip().lower().replace(" ", "") == "return=minimal" for p in preferences.split(","))

