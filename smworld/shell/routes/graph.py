"""Graph editing: read the scene, states and events; write them, each write one or more GraphOps.

Every write is :meth:`~..services.worlds.WorldService.apply` — the kernel's ``apply_ops`` and write
gate, then a rev compare-and-set of the changed rows — so these handlers only translate REST into ops.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..auth import AuthRule
from ..http.routing import (
    Routes,
    body_size,
    caller,
    etag,
    expected,
    held,
    minimal,
    not_modified,
    preference_applied,
    read_body,
    respond,
    respond_bytes,
    services,
)
from ..wire.common import Object
from ..wire.graph import (
    CheckBody,
    EntranceBody,
    EventOut,
    EventsOut,
    LintOut,
    OpsBody,
    SceneOut,
    StateOut,
    StatesOut,
    ValidateOut,
    WriteOut,
    WrittenOut,
)

__all__ = ["routes"]

routes = Routes("Graph editing")
READ = AuthRule("key", "worlds:read")
WRITE = AuthRule("key", "worlds:write")
WRITE_ERRORS = (400, 403, 412, 422)
WRITTEN = (WriteOut, WrittenOut)
"""A write answers the world, or — with ``Prefer: return=minimal`` — only what happened."""
EVENT_NAME = "{name:.+}"
"""An event is addressed by its name, which may hold any character — spaces, non-ASCII, ``/``. Clients
percent-encode it as one path segment (``a%2Fb``); the pattern also takes the rest of the path, so a
name whose ``/`` arrives decoded (some proxies decode before routing) still reaches the same event.
aiohttp hands the handler the decoded name."""
_BY_NAME = ("`{name}` is the event's name, percent-encoded as one path segment (`/` → `%2F`, space → `%20`; "
            "a name of only dots, such as `..`, as `%2E%2E`).")
_WRITE: dict[str, Any] = dict(auth=WRITE, response=WRITTEN, errors=WRITE_ERRORS, if_match=True, lean=True, world=True)


async def _write(request: web.Request, ops: list[Any], status: int = 200, *, single: bool = True) -> web.Response:
    lean = minimal(request)
    rev, body = await services(request).worlds.apply(
        caller(request), request.match_info["id"], ops, expected=expected(request), single=single, minimal=lean
    )
    return respond(body, status, etag(rev) | preference_applied(lean))


def _patch_of(body: dict[str, Any]) -> Any:
    """``{patch: {...}}`` when that is the whole body, else the body itself is the merge patch."""
    if set(body) == {"patch"}:
        return body["patch"]
    return body


async def _scene(request: web.Request) -> web.Response:
    read = await services(request).worlds.scene(caller(request), request.match_info["id"], held(request))
    if read.body is None:
        return not_modified(read.tag)
    return respond_bytes(read.body, headers=etag(read.tag))


@routes.route("GET", "/v1/worlds/{id}/scene", summary="Read the whole graph", auth=READ, response=SceneOut,
              world=True, conditional=True,
              description="States, events, entrance and rev (also the ETag); a current `If-None-Match` answers 304.")
async def read_scene(request: web.Request) -> web.Response:
    """The world's graph."""
    return await _scene(request)


@routes.route("GET", "/v1/worlds/{id}/graph", summary="Read the whole graph (alias of /scene)", auth=READ,
              response=SceneOut, world=True, conditional=True)
async def read_graph(request: web.Request) -> web.Response:
    """Alias of ``/scene``."""
    return await _scene(request)


@routes.route("GET", "/v1/worlds/{id}/states", summary="List states (nodes)", auth=READ, world=True,
              response=StatesOut)
async def list_states(request: web.Request) -> web.Response:
    """Every state by id."""
    rev, body = await services(request).worlds.states(caller(request), request.match_info["id"])
    return respond(body, headers=etag(rev))


@routes.route("GET", "/v1/worlds/{id}/states/{stateId}", summary="Get one state", auth=READ, world=True,
              response=StateOut)
async def get_state(request: web.Request) -> web.Response:
    """One state."""
    rev, body = await services(request).worlds.state(caller(request), request.match_info["id"],
                                                      request.match_info["stateId"])
    return respond(body, headers=etag(rev))


@routes.route("POST", "/v1/worlds/{id}/states", summary="Add a state (node)", status=201, body=Object,
              description="`{id?, …state}` (the `add_state` op). Omit `id` to have one derived from `base`.", **_WRITE)
async def add_state(request: web.Request) -> web.Response:
    """Add a state."""
    body = await read_body(request, Object, ops=True)
    return await _write(request, [{**body, "op": "add_state"}], 201)


@routes.route("PATCH", "/v1/worlds/{id}/states/{stateId}", summary="Update a state", body=Object,
              description="The partial state (a JSON merge patch), or `{patch: {...}}` (the `update_state` op).",
              **_WRITE)
async def update_state(request: web.Request) -> web.Response:
    """Merge-patch a state (``update_state``)."""
    body = await read_body(request, Object, ops=True)
    return await _write(request, [{"op": "update_state", "id": request.match_info["stateId"],
                                   "patch": _patch_of(body)}])


@routes.route("DELETE", "/v1/worlds/{id}/states/{stateId}", summary="Delete a state",
              description="Refused (400) while anything references the state: the entrance, an event, a "
              "cutscene, a sequence or story beat, a mission objective or the outro.", **_WRITE)
async def delete_state(request: web.Request) -> web.Response:
    """Delete an unreferenced state."""
    lean = minimal(request)
    rev, body = await services(request).worlds.delete_state(
        caller(request), request.match_info["id"], request.match_info["stateId"], expected=expected(request),
        minimal=lean,
    )
    return respond(body, headers=etag(rev) | preference_applied(lean))


@routes.route("GET", "/v1/worlds/{id}/events", summary="List events (edges)", auth=READ, world=True,
              response=EventsOut)
async def list_events(request: web.Request) -> web.Response:
    """Every event, in order."""
    rev, body = await services(request).worlds.events(caller(request), request.match_info["id"])
    return respond(body, headers=etag(rev))


@routes.route("GET", f"/v1/worlds/{{id}}/events/{EVENT_NAME}", summary="Get one event", auth=READ, world=True,
              response=EventOut, description=_BY_NAME)
async def get_event(request: web.Request) -> web.Response:
    """One event, addressed by its unique name."""
    rev, body = await services(request).worlds.event(caller(request), request.match_info["id"],
                                                      request.match_info["name"])
    return respond(body, headers=etag(rev))


@routes.route("POST", "/v1/worlds/{id}/events", summary="Add an event (edge)", status=201, body=Object,
              description="`{kind, from, to?, name?, …}` (the `add_event` op).", **_WRITE)
async def add_event(request: web.Request) -> web.Response:
    """Add an event."""
    body = await read_body(request, Object, ops=True)
    return await _write(request, [{**body, "op": "add_event"}], 201)


@routes.route("PATCH", f"/v1/worlds/{{id}}/events/{EVENT_NAME}", summary="Update an event", body=Object,
              description=f"The partial event (a JSON merge patch), or `{{patch: {{...}}}}`. {_BY_NAME}", **_WRITE)
async def update_event(request: web.Request) -> web.Response:
    """Merge-patch an event (``update_event``); ``name`` in the patch renames it."""
    body = await read_body(request, Object, ops=True)
    return await _write(request, [{"op": "update_event", "name": request.match_info["name"],
                                   "patch": _patch_of(body)}])


@routes.route("DELETE", f"/v1/worlds/{{id}}/events/{EVENT_NAME}", summary="Delete an event",
              description=_BY_NAME, **_WRITE)
async def delete_event(request: web.Request) -> web.Response:
    """Delete an event."""
    return await _write(request, [{"op": "delete_event", "name": request.match_info["name"]}])


@routes.route("PATCH", "/v1/worlds/{id}/entrance", summary="Set the entrance", body=EntranceBody, **_WRITE)
async def set_entrance(request: web.Request) -> web.Response:
    """Point the entrance at a state (``set_entrance``), optionally with a seed image."""
    body = await read_body(request, EntranceBody, ops=True)
    op: dict[str, Any] = {"op": "set_entrance", "state": body.state}
    if body.image is not None:
        op["image"] = body.image
    return await _write(request, [op])


@routes.route("POST", "/v1/worlds/{id}/ops", summary="Apply a batch of graph ops", body=OpsBody,
              description="Ops apply in order; unapplicable ones are reported in `applyErrors`; the result goes "
              "once through the gate (422 = rejected as a whole, nothing persists).", **_WRITE)
async def apply_batch(request: web.Request) -> web.Response:
    """Apply an ordered batch atomically."""
    body = await read_body(request, OpsBody, ops=True)
    return await _write(request, body.ops, single=False)


@routes.route("POST", "/v1/worlds/{id}/validate", summary="Validate against the kernel gate", auth=READ,
              body=CheckBody, body_optional=True, errors=(422,), response=ValidateOut, world=True,
              description="Checks the inline `world` if given, else the stored one; never persists.")
async def validate(request: web.Request) -> web.Response:
    """200 with the world when it has no errors, else 422 with the diagnostics."""
    body = await read_body(request, CheckBody, optional=True)
    return respond(await services(request).worlds.check(caller(request), request.match_info["id"], body.world,
                                                         body_size(request)))


@routes.route("POST", "/v1/worlds/{id}/lint", summary="Lint (advisory)", auth=READ, body=CheckBody,
              body_optional=True, response=LintOut, world=True,
              description="Every finding, advisory: never 4xx on doctrine hits.")
async def lint(request: web.Request) -> web.Response:
    """Every gate finding with the prompt budget."""
    body = await read_body(request, CheckBody, optional=True)
    return respond(await services(request).worlds.lint(caller(request), request.match_info["id"], body.world,
                                                        body_size(request)))
