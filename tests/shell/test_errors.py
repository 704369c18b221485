"""The error contract: the spec's body everywhere, 4xx for every bad input, request ids, no 5xx from input."""

from __future__ import annotations

import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smworld.shell.app import create_app

from .conftest import bearer, create_world


async def test_malformed_json_and_wrong_shapes_name_the_problem(client, tenant):
    world_id = await create_world(client, tenant.sk)
    cases = [
        ("POST", "/v1/worlds", b"{", 400, "malformed JSON"),
        ("POST", "/v1/worlds", b"[1, 2]", 422, "expected a JSON object"),
        ("POST", "/v1/worlds", b'{"name": "x", "bogus": 1}', 422, "bogus"),
        ("POST", "/v1/worlds", b'{"name": 7}', 422, "name"),
        ("POST", f"/v1/worlds/{world_id}/states", b"", 400, "missing request body"),
        ("POST", f"/v1/worlds/{world_id}/states", b'"a state"', 400, "expected a JSON object"),
        ("POST", f"/v1/worlds/{world_id}/ops", b'{"ops": [{"op": "nope"}]}', 400, "nope"),
        ("PATCH", f"/v1/worlds/{world_id}", b'{"visibility": "everyone"}', 422, "visibility"),
    ]
    for method, path, data, status, needle in cases:
        resp = await client.request(method, path, data=data, headers=bearer(tenant.sk))
        assert resp.status == status, (path, data, await resp.text())
        body = await resp.json()
        assert needle in body["detail"], (needle, body)
        assert body["schemaVersion"] == "1.0"
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"



async def test_undecodable_bodies_are_400_not_500(client, tenant):
    """Invalid UTF-8 inside a JSON string, and bytes that do not match their Content-Encoding, once
    escaped the JSON parser's error handling as 500s."""
    world_id = await create_world(client, tenant.sk)
    cases = [
        ({}, b'{"name": "\xff"}', "UTF-8"),
        ({"Content-Type": "application/json; charset=latin-1"}, b'{"name": "caf\xe9"}', "UTF-8"),
        ({"Content-Encoding": "gzip"}, b"not gzip", "Content-Encoding"),
        ({"Content-Encoding": "deflate"}, b"not deflate", "Content-Encoding"),
    ]
    for extra, data, needle in cases:
        for path in ("/v1/worlds", f"/v1/worlds/{world_id}/states"):
            headers = bearer(tenant.sk, Connection="close", **extra)  # a broken body ends the connection
            resp = await client.post(path, data=data, headers=headers)
            assert resp.status == 400, (extra, path, await resp.text())
            body = await resp.json()
            assert needle in body["detail"] and body["schemaVersion"] == "1.0"


async def test_oversized_body_is_413(aiohttp_client, config, tenant):
    client = await aiohttp_client(create_app(config.replace(max_body_bytes=4096)))
    from .conftest import make_tenant

    tenant = await make_tenant(client)
    resp = await client.post("/v1/worlds", data=json.dumps({"name": "x" * 10_000}), headers=bearer(tenant.sk))
    assert resp.status == 413
    body = await resp.json()
    assert "4096" in body["detail"] and body["schemaVersion"] == "1.0"


async def test_unknown_routes_and_methods(client, tenant):
    resp = await client.get("/v1/nothing-here", headers=bearer(tenant.sk))
    assert resp.status == 404 and "/openapi.json" in (await resp.json())["detail"]
    resp = await client.put("/v1/worlds", headers=bearer(tenant.sk))
    assert resp.status == 405
    body = await resp.json()
    assert "PUT" in body["detail"] and "GET" in resp.headers["Allow"]
    resp = await client.get("/v1/worlds/not-a-uuid", headers=bearer(tenant.sk))
    assert resp.status == 404


async def test_request_id_on_every_response(client, tenant):
    for resp in (
        await client.get("/healthz"),
        await client.get("/v1/worlds", headers=bearer(tenant.sk)),
        await client.get("/v1/worlds"),
        await client.get("/nowhere"),
    ):
        assert len(resp.headers["X-Request-Id"]) >= 16
    resp = await client.get("/healthz", headers={"X-Request-Id": "trace-123"})
    assert resp.headers["X-Request-Id"] == "trace-123"
    resp = await client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert resp.headers["X-Request-Id"] != "bad id with spaces"


async def test_unexpected_failure_is_500_with_the_request_id(client, tenant, monkeypatch):
    from smworld.shell.http.context import SERVICES

    services = client.app[SERVICES].get()

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.store.worlds, "page", broken)
    resp = await client.get("/v1/worlds", headers=bearer(tenant.sk, **{"X-Request-Id": "req-42"}))
    assert resp.status == 500
    body = await resp.json()
    assert "req-42" in body["detail"] and "disk" not in body["detail"]


async def test_store_unavailable_is_503(client, tenant, monkeypatch):
    import sqlite3

    from smworld.shell.store.sqlite import worlds

    def locked(conn, *args):  # a driver error raised on the connection's thread, inside the snapshot
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(worlds, "rows", locked)
        resp = await client.get("/v1/worlds", headers=bearer(tenant.sk))
        assert resp.status == 503 and "retry" in (await resp.json())["detail"]
    assert (await client.get("/v1/worlds", headers=bearer(tenant.sk))).status == 200


# -- hostile input, generated ---------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
OPNAMES = st.sampled_from(["add_state", "update_state", "delete_state", "add_event", "set_entrance", "rename_state",
                           "add_mission", "set_slot_fill", "nope", ""])
OPISH = st.fixed_dictionaries({"op": OPNAMES}, optional={
    "id": st.text(max_size=10), "state": JSON, "name": JSON, "from": JSON, "to": JSON, "base": JSON,
    "patch": JSON, "kind": st.sampled_from(["transition", "override", "terminal", "x"]),
})
BODIES = st.one_of(
    st.binary(max_size=60),
    JSON.map(lambda v: json.dumps(v).encode()),
    st.lists(OPISH, max_size=4).map(lambda ops: json.dumps({"ops": ops}).encode()),
    OPISH.map(lambda op: json.dumps(op).encode()),
    st.dictionaries(st.sampled_from(["state", "image", "patch", "base", "kind", "world", "versionId", "title"]),
                    JSON, max_size=3).map(lambda d: json.dumps(d).encode()),
)
HEADER = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=20)
SEGMENT = st.text(max_size=12)
_HOSTILE_WORLDS: dict[int, str] = {}
ENDPOINTS = [
    ("POST", "states"), ("PATCH", "states/{x}"), ("DELETE", "states/{x}"), ("POST", "events"),
    ("PATCH", "events/{x}"), ("DELETE", "events/{x}"), ("PATCH", "entrance"), ("POST", "ops"),
    ("POST", "validate"), ("POST", "lint"), ("POST", "checkout"), ("POST", "versions"), ("PATCH", ""),
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    segment=SEGMENT,
    body=BODIES,
    if_match=st.none() | HEADER,
    idem=st.none() | HEADER,
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
    foreign_id=st.booleans(),
)
async def test_hostile_writes_never_5xx_and_never_change_the_world_when_refused(
    client, tenant, endpoint, segment, body, if_match, idem, content_type, foreign_id
):
    if id(client) not in _HOSTILE_WORLDS:  # one world per test run: hypothesis reuses the fixtures
        _HOSTILE_WORLDS[id(client)] = await create_world(client, tenant.sk)
    world_id = _HOSTILE_WORLDS[id(client)]
    before = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).read()
    method, tail = endpoint
    target = quote(segment, safe="") or "x"
    wid = target if foreign_id else world_id
    path = f"/v1/worlds/{wid}/{tail.format(x=target)}".rstrip("/")
    headers = bearer(tenant.sk)
    if if_match is not None:
        headers["If-Match"] = if_match
    if idem is not None:
        headers["Idempotency-Key"] = idem
    if content_type:
        headers["Content-Type"] = content_type
    resp = await client.request(method, path, data=body, headers=headers)
    assert resp.status < 500, (method, path, body, await resp.text())
    payload = await resp.json()
    assert isinstance(payload, dict)
    if resp.status >= 400:
        assert payload["detail"] and payload["schemaVersion"] == "1.0"
        after = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).read()
        assert after == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(max_size=40), auth=st.none() | HEADER, query=st.dictionaries(HEADER, HEADER, max_size=3))
async def test_hostile_reads_never_5xx(client, tenant, path, auth, query):
    headers = {"Authorization": f"Bearer {auth}"} if auth else bearer(tenant.pk)
    resp = await client.get("/v1/" + quote(path, safe="/"), params=query, headers=headers)
    assert resp.status < 500, (path, await resp.text())
