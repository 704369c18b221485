"""Graph editing: read the scene, states and events; write them, each write one or more GraphOps.

Every write goes through :func:`smworld.shell.worlds.commit_ops` — the kernel's ``apply_ops`` and
write gate, then a rev compare-and-set — so these handlers only translate REST into ops.
"""

from __future__ import annotations

from typing import Any

import msgspec
from aiohttp import web

from smworld.kernel import gate
from smworld.kernel.world import events as world_events
from smworld.kernel.world import find_event
from smworld.kernel.world import states as world_states

from ..auth import AuthRule
from ..errors import BadRequest, NotFound, Unprocessable
from ..http import SCHEMA_VERSION, Routes, json_response, read_json
from ..store.base import WorldRecord
from ..worlds import (
    cached_read,
    commit_ops,
    decode_doc,
    decoded_world,
    encode_doc,
    etag,
    gate_refusal,
    off_loop,
    readable_world,
)

__all__ = ["routes"]

routes = Routes("Graph editing")
READ = AuthRule("key", "worlds:read")
WRITE = AuthRule("key", "worlds:write")
WRITE_ERRORS = (400, 403, 404, 412, 422)
_WRITE_RESULT = {
    "type": "object",
    "description": "The graph write result; `rev` is also the ETag.",
    "properties": {
        "world": {"type": "object"},
        "diagnostics": {"type": "array", "items": {"type": "object"}},
        "applyErrors": {"type": "array", "items": {"type": "object"}},
        "rev": {"type": "string"},
        "schemaVersion": {"type": "string"},
    },
}
_OBJECT = {"type": "object", "additionalProperties": True}
EVENT_NAME = "{name:.+}"
"""An event is addressed by its name, which may hold any character — spaces, non-ASCII, ``/``. Clients
percent-encode it as one path segment (``a%2Fb``); the pattern also takes the rest of the path, so a
name whose ``/`` arrives decoded (older servers decode before routing, some proxies do too) still
reaches the same event. aiohttp hands the handler the decoded name."""
_BY_NAME = ("`{name}` is the event's name, percent-encoded as one path segment (`/` → `%2F`, space → `%20`; "
            "a name of only dots, such as `..`, as `%2E%2E`).")
_PARTIAL = {"type": "object", "additionalProperties": True,
            "description": "the partial object (JSON merge patch), or {patch: {...}}"}


async def _object_body(request: web.Request) -> dict[str, Any]:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise BadRequest("body: expected a JSON object", errors=["body: expected object"])
    return body


def _patch_of(body: dict[str, Any]) -> Any:
    """``{patch: {...}}`` when that is the whole body, else the body itself is the merge patch."""
    if set(body) == {"patch"}:
        return body["patch"]
    return body


class _SceneView(msgspec.Struct):
    """``scene`` of a stored document with its states and events left as raw JSON."""

    states: msgspec.Raw = msgspec.Raw(b"{}")
    events: msgspec.Raw = msgspec.Raw(b"[]")


class _DocView(msgspec.Struct):
    """The parts of a stored document the scene shows, without parsing the graph itself."""

    scene: _SceneView = msgspec.field(default_factory=_SceneView)
    entrance: msgspec.Raw = msgspec.Raw(b"null")


_doc_view = msgspec.json.Decoder(_DocView)


def _scene_body(record: WorldRecord) -> bytes:
    """The scene's bytes: the stored states, events and entrance spliced through unparsed.

    Stored documents passed the gate, so ``scene.states`` is an object and ``scene.events`` a list;
    anything else falls back to the kernel's tolerant readers (which show a malformed part as empty).
    """
    rev = str(record.meta.rev)
    try:
        view = _doc_view.decode(record.doc)
    except msgspec.DecodeError:
        view = None
    if view is not None and _starts(view.scene.states, b"{") and _starts(view.scene.events, b"["):
        return encode_doc({"states": view.scene.states, "events": view.scene.events, "entrance": view.entrance,
                           "rev": rev, "schemaVersion": SCHEMA_VERSION})
    world = decode_doc(record.doc)
    return encode_doc({"states": world_states(world), "events": world_events(world),
                       "entrance": world.get("entrance"), "rev": rev, "schemaVersion": SCHEMA_VERSION})


def _starts(raw: msgspec.Raw, opening: bytes) -> bool:
    return bytes(memoryview(raw)[:1]) == opening


async def _scene(request: web.Request) -> web.Response:
    return await cached_read(request, "scene", _scene_body)


_SCENE = {"type": "object", "properties": {"states": _OBJECT, "events": {"type": "array"}, "entrance": {},
                                           "rev": {"type": "string"}}}


@routes.route("GET", "/v1/worlds/{id}/scene", summary="Read the whole graph", auth=READ, errors=(404,),
              response=_SCENE, world="meta", conditional=True,
              description="States, events, entrance and rev (also the ETag); a current `If-None-Match` answers 304.")
async def read_scene(request: web.Request) -> web.Response:
    """The world's graph."""
    return await _scene(request)


@routes.route("GET", "/v1/worlds/{id}/graph", summary="Read the whole graph (alias of /scene)", auth=READ,
              errors=(404,), response=_SCENE, world="meta", conditional=True)
async def read_graph(request: web.Request) -> web.Response:
    """Alias of ``/scene``."""
    return await _scene(request)


@routes.route("GET", "/v1/worlds/{id}/states", summary="List states (nodes)", auth=READ, errors=(404,), world="doc",
              response={"type": "object", "properties": {"states": _OBJECT}})
async def list_states(request: web.Request) -> web.Response:
    """Every state by id."""
    record = await readable_world(request, request.match_info["id"])
    return json_response({"states": world_states(await decoded_world(request, record))}, headers=etag(record.meta.rev))


@routes.route("GET", "/v1/worlds/{id}/states/{stateId}", summary="Get one state", auth=READ, errors=(404,),
              world="doc", response={"type": "object", "properties": {"id": {"type": "string"}, "state": _OBJECT}})
async def get_state(request: web.Request) -> web.Response:
    """One state."""
    record = await readable_world(request, request.match_info["id"])
    state_id = request.match_info["stateId"]
    state = world_states(await decoded_world(request, record)).get(state_id)
    if state is None:
        raise NotFound(f"no state {state_id!r} in this world")
    return json_response({"id": state_id, "state": state}, headers=etag(record.meta.rev))


@routes.route("POST", "/v1/worlds/{id}/states", summary="Add a state (node)", auth=WRITE, status=201,
              body=_OBJECT, response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True,
              description="`{id?, …state}` (the `add_state` op). Omit `id` to have one derived from `base`.")
async def add_state(request: web.Request) -> web.Response:
    """Add a state."""
    body = await _object_body(request)
    return await commit_ops(request, request.match_info["id"], [{**body, "op": "add_state"}], single=True, status=201)


@routes.route("PATCH", "/v1/worlds/{id}/states/{stateId}", summary="Update a state", auth=WRITE, body=_PARTIAL,
              response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True)
async def update_state(request: web.Request) -> web.Response:
    """Merge-patch a state (``update_state``)."""
    body = await _object_body(request)
    op = {"op": "update_state", "id": request.match_info["stateId"], "patch": _patch_of(body)}
    return await commit_ops(request, request.match_info["id"], [op], single=True)


def _refuse_referenced(state_id: str) -> Any:
    def check(world: dict[str, Any]) -> None:
        if state_id not in world_states(world):
            raise NotFound(f"no state {state_id!r} in this world")
        entrance = world.get("entrance")
        if isinstance(entrance, dict) and entrance.get("state") == state_id:
            raise BadRequest(f"state {state_id!r} is the entrance; set another entrance first")
        refs = [e.get("name", f"#{i}") for i, e in enumerate(world_events(world))
                if isinstance(e, dict) and (e.get("to") == state_id
                                            or (isinstance(e.get("from"), list) and state_id in e["from"]))]
        cutscenes = world.get("cutscenes")
        refs += [f"cutscene {c.get('id')}" for c in (cutscenes if isinstance(cutscenes, list) else [])
                 if isinstance(c, dict) and state_id in (c.get("from"), c.get("to"))]
        if refs:
            shown = ", ".join(str(r) for r in refs[:10]) + (" …" if len(refs) > 10 else "")
            raise BadRequest(f"state {state_id!r} is referenced by {shown}; detach those refs first")

    return check


@routes.route("DELETE", "/v1/worlds/{id}/states/{stateId}", summary="Delete a state", auth=WRITE,
              response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True,
              description="Refused (400) if the state is the entrance or is referenced by any event or cutscene.")
async def delete_state(request: web.Request) -> web.Response:
    """Delete an unreferenced state."""
    state_id = request.match_info["stateId"]
    return await commit_ops(request, request.match_info["id"], [{"op": "delete_state", "id": state_id}],
                            single=True, precheck=_refuse_referenced(state_id))


@routes.route("GET", "/v1/worlds/{id}/events", summary="List events (edges)", auth=READ, errors=(404,), world="doc",
              response={"type": "object", "properties": {"events": {"type": "array"}}})
async def list_events(request: web.Request) -> web.Response:
    """Every event, in order."""
    record = await readable_world(request, request.match_info["id"])
    return json_response({"events": world_events(await decoded_world(request, record))}, headers=etag(record.meta.rev))


@routes.route("GET", f"/v1/worlds/{{id}}/events/{EVENT_NAME}", summary="Get one event", auth=READ, errors=(404,),
              world="doc", response={"type": "object", "properties": {"event": _OBJECT}}, description=_BY_NAME)
async def get_event(request: web.Request) -> web.Response:
    """One event, addressed by its unique name."""
    record = await readable_world(request, request.match_info["id"])
    name = request.match_info["name"]
    found = find_event(await decoded_world(request, record), name)
    if found is None:
        raise NotFound(f"no event {name!r} in this world")
    return json_response({"event": found[1]}, headers=etag(record.meta.rev))


@routes.route("POST", "/v1/worlds/{id}/events", summary="Add an event (edge)", auth=WRITE, status=201,
              body=_OBJECT, response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True,
              description="`{kind, from, to?, name?, …}` (the `add_event` op).")
async def add_event(request: web.Request) -> web.Response:
    """Add an event."""
    body = await _object_body(request)
    return await commit_ops(request, request.match_info["id"], [{**body, "op": "add_event"}], single=True, status=201)


@routes.route("PATCH", f"/v1/worlds/{{id}}/events/{EVENT_NAME}", summary="Update an event", auth=WRITE,
              body=_PARTIAL, response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True, description=_BY_NAME)
async def update_event(request: web.Request) -> web.Response:
    """Merge-patch an event (``update_event``); ``name`` in the patch renames it."""
    body = await _object_body(request)
    op = {"op": "update_event", "name": request.match_info["name"], "patch": _patch_of(body)}
    return await commit_ops(request, request.match_info["id"], [op], single=True)


@routes.route("DELETE", f"/v1/worlds/{{id}}/events/{EVENT_NAME}", summary="Delete an event", auth=WRITE,
              response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True, description=_BY_NAME)
async def delete_event(request: web.Request) -> web.Response:
    """Delete an event."""
    op = {"op": "delete_event", "name": request.match_info["name"]}
    return await commit_ops(request, request.match_info["id"], [op], single=True)


@routes.route("PATCH", "/v1/worlds/{id}/entrance", summary="Set the entrance", auth=WRITE,
              body={"type": "object", "required": ["state"],
                    "properties": {"state": {"type": "string"}, "image": {"type": "object"}}},
              response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True)
async def set_entrance(request: web.Request) -> web.Response:
    """Point the entrance at a state (``set_entrance``), optionally with a seed image."""
    body = await _object_body(request)
    return await commit_ops(request, request.match_info["id"], [{**body, "op": "set_entrance"}], single=True)


@routes.route("POST", "/v1/worlds/{id}/ops", summary="Apply a batch of graph ops", auth=WRITE,
              body={"type": "object", "required": ["ops"], "properties": {"ops": {"type": "array", "minItems": 1,
                    "items": {"type": "object", "required": ["op"]}}}},
              response=_WRITE_RESULT, errors=WRITE_ERRORS, if_match=True,
              description="Ops apply in order; unapplicable ones are reported in `applyErrors`; the result goes "
              "once through the gate (422 = rejected as a whole, nothing persists).")
async def apply_batch(request: web.Request) -> web.Response:
    """Apply an ordered batch atomically."""
    body = await _object_body(request)
    if "ops" not in body:
        raise BadRequest("ops: required (send {\"ops\": [...]})", errors=["ops: required"])
    extra = sorted(set(body) - {"ops"})
    if extra:
        raise BadRequest(f"{extra[0]}: unknown field (the body is {{\"ops\": [...]}})",
                         errors=[f"{extra[0]}: unknown field"])
    return await commit_ops(request, request.match_info["id"], body["ops"], single=False)


class _Subject(msgspec.Struct):
    """What validate/lint check: the world, its size in bytes (to decide :func:`off_loop`), and the
    stored bytes when it is the stored world (served as they are)."""

    world: dict[str, Any]
    size: int
    stored: bytes | None = None


async def _subject(request: web.Request) -> _Subject:
    """The inline ``world`` (or ``data``) override if the body has one, else the stored world."""
    body = await read_json(request, empty={})
    if not isinstance(body, dict):
        raise BadRequest("body: expected a JSON object like {\"world\": {...}} or nothing")
    extra = sorted(set(body) - {"world", "data"})
    if extra:
        raise BadRequest(f"{extra[0]}: unknown field (send {{\"world\": {{...}}}} or an empty body)",
                         errors=[f"{extra[0]}: unknown field"])
    record = await readable_world(request, request.match_info["id"])
    inline = body.get("world", body.get("data"))
    if inline is None:
        return _Subject(await decoded_world(request, record), len(record.doc), record.doc)
    if not isinstance(inline, dict):
        raise Unprocessable("world: expected a JSON object", errors=["world: expected object"])
    return _Subject(inline, request.content_length or 0)


_CHECK_BODY = {"type": "object", "properties": {"world": _OBJECT}}


@routes.route("POST", "/v1/worlds/{id}/validate", summary="Validate against the kernel gate", auth=READ,
              body=_CHECK_BODY, body_optional=True, errors=(400, 404, 422),
              response={"type": "object", "properties": {"ok": {"type": "boolean"}, "world": _OBJECT,
                                                         "diagnostics": {"type": "array"}}},
              description="Checks the inline `world` if given, else the stored one; never persists.")
async def validate(request: web.Request) -> web.Response:
    """200 with the world when it has no errors, else 422 with the diagnostics."""
    subject = await _subject(request)
    report = await off_loop(gate.validate, subject.world, doc_bytes=subject.size)
    if not report.ok:
        raise gate_refusal("the world has errors", report.diagnostics)
    world = msgspec.Raw(subject.stored) if subject.stored is not None else subject.world
    return json_response({"ok": True, "world": world, "diagnostics": report.diagnostics,
                          "schemaVersion": SCHEMA_VERSION})


@routes.route("POST", "/v1/worlds/{id}/lint", summary="Lint (advisory)", auth=READ, body=_CHECK_BODY,
              body_optional=True,
              errors=(400, 404),
              response={"type": "object", "properties": {"ok": {"type": "boolean"}, "diagnostics": {"type": "array"},
                                                         "promptBudget": {}}},
              description="Every finding, advisory: never 4xx on doctrine hits.")
async def lint(request: web.Request) -> web.Response:
    """Every gate finding with the prompt budget."""
    subject = await _subject(request)
    report = await off_loop(gate.lint, subject.world, doc_bytes=subject.size)
    return json_response({"ok": report.ok, "diagnostics": report.diagnostics, "promptBudget": report.promptBudget,
                          "schemaVersion": SCHEMA_VERSION})
