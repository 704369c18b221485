"""Issue 8 (hardening), the shell's items: each one proved with real HTTP through the app factory, the
hostile ones also as hypothesis properties (any depth, any ``If-Match``, any ``Content-Length``)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any

import aiohttp
import msgspec
import pytest
from aiohttp import web
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from smworld.kernel.codec import MAX_DEPTH
from smworld.shell.app import create_app
from smworld.shell.http.routing import BODY_DEPTH, RouteInfo
from smworld.shell.routes import ALL

from .conftest import bearer, create_world, make_tenant, small_world
from .server import Server, free_port, secret_key

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENTRANCE = small_world()["entrance"]["state"]
EVENT = {"name": "climb to the attic", "kind": "transition", "from": [ENTRANCE], "to": "attic",
         "base": "a hand pulls down a folding ladder"}
ATTIC = {"id": "attic", "base": "a dusty attic under slanted timber beams"}

# One world per test run for the properties: hypothesis reuses the function-scoped fixtures.
_WORLDS: dict[int, str] = {}


async def _world_for(client: Any, key: str) -> str:
    if id(client) not in _WORLDS:
        _WORLDS[id(client)] = await create_world(client, key)
    return _WORLDS[id(client)]


async def _error(resp: aiohttp.ClientResponse) -> dict[str, Any]:
    body = await resp.json()
    assert isinstance(body, dict) and body["detail"] and body["schemaVersion"] == "1.0", body
    return body


# 1. deep nesting ----------------------------------------------------------------------------------

def _deep(depth: int, kinds: str = "[", closed: bool = True) -> bytes:
    """``depth`` nested containers; ``kinds`` cycles through ``[`` (array) and ``{`` (object)."""
    opens, closes = [], []
    for level in range(depth):
        if kinds[level % len(kinds)] == "[":
            opens.append(b"[")
            closes.append(b"]")
        else:
            opens.append(b'{"a":')
            closes.append(b"}")
    return b"".join(opens) + (b"1" + b"".join(reversed(closes)) if closed else b"")


def _reach(kind: Any) -> Any:
    """How to put a value where ``kind``'s decoder parses it untyped (so it descends into it), or None."""
    mi = msgspec.inspect
    info = mi.type_info(kind) if not isinstance(kind, mi.Type) else kind
    if isinstance(info, mi.Metadata):
        return _reach(info.type)
    if isinstance(info, mi.AnyType):
        return lambda deep: deep
    if isinstance(info, mi.DictType) and isinstance(info.value_type, mi.AnyType):
        return lambda deep: b'{"a":' + deep + b"}"
    if isinstance(info, mi.ListType):
        inner = _reach(info.item_type)
        return inner and (lambda deep: b"[" + inner(deep) + b"]")
    if isinstance(info, mi.UnionType):
        for member in info.types:
            found = _reach(member)
            if found:
                return found
    if isinstance(info, mi.StructType):
        for field in info.fields:
            inner = _reach(field.type)
            if inner:
                name = json.dumps(field.encode_name).encode()
                return lambda deep, name=name, inner=inner: b"{" + name + b":" + inner(deep) + b"}"
    return None


def _body_routes() -> list[RouteInfo]:
    return [info for routes in ALL for info in routes.infos if info.body is not None]


def _fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: values.get(m.group(1), "x"), path)


async def test_deep_nesting_on_every_json_body_route_is_refused_without_a_5xx(client, tenant):
    world_id = await create_world(client, tenant.sk)
    version = await (await client.post(f"/v1/worlds/{world_id}/versions", json={}, headers=bearer(tenant.sk))).json()
    values = {"id": world_id, "stateId": ENTRANCE, "name": "x", "appId": tenant.app_id,
              "vid": version["versionId"], "a": version["versionId"], "b": version["versionId"]}
    routes = _body_routes()
    assert len(routes) >= 15
    reached = 0
    for info in routes:
        path = _fill(info.path, values)
        headers = bearer(tenant.token if info.auth.scheme == "user" else tenant.sk)
        for raw in (b"[" * 2000, b'{"a":' * 2000, _deep(2000), _deep(2000, "{"), _deep(5000, "[{")):
            resp = await client.request(info.method, path, data=raw, headers=headers)
            assert resp.status == 400, (info.method, info.path, raw[:12], resp.status, await resp.text())
            assert "nested too deeply" in (await _error(resp))["detail"]
        reach = _reach(info.body)
        if reach is None:  # no untyped field: the decoder refuses the shape before any depth
            continue
        reached += 1
        for deep in (_deep(2000), _deep(2000, "{"), _deep(1500, "{["), _deep(3000, closed=False)):
            resp = await client.request(info.method, path, data=reach(deep), headers=headers)
            assert resp.status == 400, (info.method, info.path, resp.status, await resp.text())
            body = await _error(resp)
            assert "nested too deeply" in body["detail"], (info.path, body)
    assert reached >= 8  # states, events (add/patch), entrance, ops, validate, lint, POST /v1/worlds


NEST_KINDS = st.sampled_from(["[", "{", "[{", "{[", "[[{"])
_WORLD = json.dumps(small_world()).encode()


def _places(world_id: str) -> list[tuple[str, Any, bool]]:
    """(path, wrap, whether the decoder descends into the value: it sits where any JSON is allowed)."""
    entrance = ENTRANCE.encode()
    ops = f"/v1/worlds/{world_id}/ops"
    return [
        (ops, lambda d: b'{"ops":[{"op":"add_state","id":"deep","base":"a b c","narration":' + d + b"}]}", True),
        (ops, lambda d: b'{"ops":[{"op":"update_state","id":"' + entrance + b'","patch":{"ambient":' + d + b"}}]}",
         True),
        (ops, lambda d: b'{"ops":[{"op":"delete_event","name":' + d + b"}]}", True),
        (ops, lambda d: b'{"ops":[{"a":' + d + b"}]}", True),
        (ops, lambda d: d, False),
        (ops, lambda d: b'{"ops":[' + d + b"]}", False),
        ("/v1/worlds", lambda d: b'{"world":{"a":' + d + b"}}", True),
        ("/v1/worlds", lambda d: b'{"world":{"scene":{"states":{"s":' + d + b"}}}}", True),
        ("/v1/worlds", lambda d: b'{"world":' + _WORLD[:-1] + b',"x":' + d + b"}}", True),
        ("/v1/worlds", lambda d: d, False),
        ("/v1/worlds", lambda d: b'{"name":' + d + b"}", False),
        ("/v1/worlds", lambda d: b'{"world":' + d + b"}", False),
    ]


@pytest.fixture
async def live(tmp_path):
    """A real server process: its recursion limit is the interpreter's default, unlike a test under hypothesis
    (which raises the limit while it runs, so an in-process app would accept deeper documents than in production).
    Logging is off: each known-bug 500 below logs a traceback of ~1,000 frames, enough to fill the stderr pipe."""
    server = Server(tmp_path / "live.db", SMWORLD_LOG_LEVEL="CRITICAL")
    await server.start()
    try:
        key = await secret_key(server.url, "raw")
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{server.url}/v1/worlds", json={"world": small_world()},
                                    headers=bearer(key)) as resp:
                world_id = (await resp.json())["worldId"]
            yield server, session, key, world_id
    finally:
        assert server.stop() == 0
        assert server.process is not None and server.process.stderr is not None
        server.process.stderr.close()


@PROPERTY
@given(depth=st.integers(1, 5000), kinds=NEST_KINDS, closed=st.booleans(), slot=st.integers(0, 11))
@example(depth=999, kinds="{", closed=True, slot=3)
@example(depth=1000, kinds="[", closed=True, slot=6)
@example(depth=5000, kinds="[", closed=False, slot=9)
@example(depth=2000, kinds="{", closed=False, slot=2)
async def test_any_depth_is_never_5xx_and_1000_levels_say_nested_too_deeply(live, depth, kinds, closed, slot):
    server, session, key, world_id = live
    path, wrap, descends = _places(world_id)[slot]
    async with session.post(f"{server.url}{path}", data=wrap(_deep(depth, kinds, closed)),
                            headers=bearer(key)) as resp:
        status, text = resp.status, await resp.text()
    assert status in (200, 201, 400, 422), (path, depth, slot, status, text)
    if depth >= BODY_DEPTH:  # whatever the position: refused from the bytes, before anything is parsed
        assert status == 400 and "nested too deeply" in json.loads(text)["detail"], (path, depth, slot, text)
    elif not descends:  # a typed position: the shape is refused
        assert status in (400, 422), (path, depth, slot, text)


async def test_nesting_below_python_s_recursion_limit_is_refused_too(client, tenant):
    """600 levels pass msgspec's own guard; the explicit limit refuses them before the kernel walks them."""
    world_id = await create_world(client, tenant.sk)
    for depth in (600, BODY_DEPTH):
        resp = await client.post(f"/v1/worlds/{world_id}/ops", headers=bearer(tenant.sk),
                                 data=b'{"ops":[{"op":"update_state","id":"' + ENTRANCE.encode()
                                 + b'","patch":{"ambient":' + _deep(depth) + b"}}]}")
        assert resp.status == 400 and "nested too deeply" in (await resp.json())["detail"]
    resp = await client.post(f"/v1/worlds/{world_id}/ops", headers=bearer(tenant.sk),
                             data=b'{"ops":[{"op":"update_state","id":"' + ENTRANCE.encode()
                             + b'","patch":{"ambient":' + _deep(MAX_DEPTH - 4) + b"}}]}")
    assert resp.status < 500 and "nested too deeply" not in await resp.text()


# 4. another app's public world --------------------------------------------------------------------

async def test_other_apps_may_read_and_fork_a_public_world_but_not_its_versions(client, tenant):
    world_id = await create_world(client, tenant.sk)
    resp = await client.patch(f"/v1/worlds/{world_id}", json={"visibility": "public"}, headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    first = (await (await client.post(f"/v1/worlds/{world_id}/versions", json={},
                                      headers=bearer(tenant.sk))).json())["versionId"]
    await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    second = (await (await client.post(f"/v1/worlds/{world_id}/versions", json={},
                                       headers=bearer(tenant.sk))).json())["versionId"]
    other = await make_tenant(client, "bob", "other")
    history = [f"/v1/worlds/{world_id}/versions", f"/v1/worlds/{world_id}/versions/{first}",
               f"/v1/worlds/{world_id}/versions/{first}/diff/{second}",
               f"/v1/worlds/{world_id}/versions/{first}/diff/{second}?detail=1"]
    for path in history:
        for key in (tenant.sk, tenant.pk):
            assert (await client.get(path, headers=bearer(key))).status == 200, path
        for key in (other.sk, other.pk, other.sk_live):
            resp = await client.get(path, headers=bearer(key))
            assert resp.status == 404, (path, resp.status, await resp.text())
            body = await _error(resp)
            assert "snapshot" not in body and "versions" not in body
    for key in (other.sk, other.pk):
        resp = await client.get(f"/v1/worlds/{world_id}", headers=bearer(key))
        assert resp.status == 200 and "attic" in (await resp.json())["scene"]["states"]
    resp = await client.post(f"/v1/worlds/{world_id}/forks", json={}, headers=bearer(other.sk))
    assert resp.status == 201, await resp.text()
    fork = (await resp.json())["worldId"]
    resp = await client.get(f"/v1/worlds/{fork}/versions", headers=bearer(other.sk))
    assert resp.status == 200
    assert {v["id"] for v in (await resp.json())["versions"]}.isdisjoint({first, second})


# 6. slow or lying clients --------------------------------------------------------------------------

def _head(key: str, length: int | str, path: str = "/v1/worlds", **extra: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: localhost", f"Authorization: Bearer {key}",
             "Content-Type: application/json", f"Content-Length: {length}", "Connection: close",
             *(f"{k}: {v}" for k, v in extra.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _status_line(host: str, port: int, data: bytes, wait: float = 3.0) -> tuple[bytes, float]:
    """Send ``data`` (and nothing more, the socket stays open); the first response line and how long it took."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(data)
        await writer.drain()
        start = time.monotonic()
        line = await asyncio.wait_for(reader.readline(), wait)
        return line, time.monotonic() - start
    finally:
        writer.close()


def _code(line: bytes) -> int:
    found = re.match(rb"^HTTP/1\.[01] (\d{3}) ", line)
    assert found, line
    return int(found.group(1))


async def test_lying_and_stalled_clients_against_a_real_server(tmp_path):
    server = Server(tmp_path / "raw.db", SMWORLD_MAX_BODY_BYTES="65536", SMWORLD_BODY_TIMEOUT="0.5",
                    SMWORLD_LOG_LEVEL="INFO")
    await server.start()
    try:
        key = await secret_key(server.url, "raw")
        # declared too large: answered from the header, no byte of the body sent
        line, took = await _status_line("127.0.0.1", server.port, _head(key, 10_000_000), wait=2.0)
        assert _code(line) == 413 and took < 2.0
        line, _ = await _status_line("127.0.0.1", server.port, _head(key, 10**12), wait=2.0)
        assert _code(line) == 413
        # a body that stops arriving: 408 once SMWORLD_BODY_TIMEOUT has passed
        line, took = await _status_line("127.0.0.1", server.port, _head(key, 100) + b'{"name":"x', wait=5.0)
        assert _code(line) == 408 and 0.4 <= took < 5.0
        # a client that goes away mid-body
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(_head(key, 100) + b'{"name":"x')
        await writer.drain()
        writer.close()
        await asyncio.sleep(0.5)
        line, _ = await _status_line("127.0.0.1", server.port, _head(key, 14) + b'{"name": "ok"}')
        assert _code(line) == 201  # the server carries on
    finally:
        assert server.stop() == 0
    assert server.process is not None and server.process.stderr is not None
    log = server.process.stderr.read().decode()
    server.process.stderr.close()
    assert "INFO smworld.shell: request" in log and "client went away" in log, log[-2000:]
    assert "Traceback" not in log and " ERROR " not in log, log[-4000:]


@pytest.fixture
async def raw_site(config):
    """The app served as production serves it (``handler_cancellation`` off: aiohttp's TestServer turns it on, so
    a handler there is cancelled when its client leaves and never sees the disconnect), with a 64 KiB body limit
    and a 0.3 s body timeout. Yields (host, port, a secret key)."""
    runner = web.AppRunner(create_app(config.replace(max_body_bytes=65536, body_timeout_s=0.3)),
                           handler_cancellation=False, access_log=None)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield "127.0.0.1", port, await secret_key(f"http://127.0.0.1:{port}", "raw")
    finally:
        await runner.cleanup()


async def test_disconnect_mid_body_is_logged_at_info_not_error(raw_site, caplog):
    caplog.set_level(logging.INFO)
    host, port, key = raw_site
    _, writer = await asyncio.open_connection(host, port)
    writer.write(_head(key, 100) + b'{"name":"x')
    await writer.drain()
    writer.close()
    for _ in range(100):
        if any("went away" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.03)
    gone = [r for r in caplog.records if "went away" in r.getMessage()]
    assert gone and all(r.levelno == logging.INFO and r.exc_info is None for r in gone), caplog.text
    assert "POST /v1/worlds" in gone[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    line, _ = await _status_line(host, port, _head(key, 14) + b'{"name": "ok"}')
    assert _code(line) == 201  # and the server carries on


async def test_declared_length_over_the_limit_is_413_before_auth_and_before_the_body(raw_site):
    host, port, key = raw_site
    for token in ("sk_test_not_a_key", key):
        line, took = await _status_line(host, port, _head(token, 65537), wait=2.0)
        assert _code(line) == 413 and took < 2.0
    line, _ = await _status_line(host, port, _head(key, 65536), wait=2.0)  # at the limit: waits for the body
    assert _code(line) == 408


@PROPERTY
@given(length=st.one_of(st.integers(0, 100), st.integers(65_530, 65_540), st.integers(0, 10**12)),
       body=st.one_of(st.sampled_from([b"", b'{"name": "cl"}', b"{", b"[]", b"null"]), st.binary(max_size=32)))
@example(length=10**12, body=b"")
@example(length=65_536, body=b"")
@example(length=14, body=b'{"name": "cl"}')
async def test_any_content_length_is_never_5xx(raw_site, length, body):
    host, port, key = raw_site
    line, _ = await _status_line(host, port, _head(key, length) + body, wait=5.0)
    if not line:  # the server may drop a connection whose leftover bytes are not HTTP
        assert length < len(body), (length, body)
        return
    code = _code(line)
    assert code < 500, (length, body, line)
    if length > 65_536:
        assert code == 413
    elif length > len(body):
        assert code == 408
    elif length == len(body):
        assert code in (201, 400, 422)


# 8. If-Match ---------------------------------------------------------------------------------------

async def test_if_match_that_is_not_a_rev_is_400_naming_the_form(client, tenant):
    world_id = await create_world(client, tenant.sk)
    before = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).read()
    writes = [("POST", f"/v1/worlds/{world_id}/states", ATTIC), ("POST", f"/v1/worlds/{world_id}/ops",
              {"ops": [{"op": "update_state", "id": ENTRANCE, "patch": {"narration": "Dust."}}]}),
              ("PATCH", f"/v1/worlds/{world_id}", {"name": "Renamed"})]
    for value in ('"abc"', 'W/"5"', '"o:g"', "", "1 2", '"1", ', "*, 1", "-1", '"' + "9" * 19 + '"'):
        for method, path, body in writes:
            resp = await client.request(method, path, json=body, headers=bearer(tenant.sk, **{"If-Match": value}))
            assert resp.status == 400, (value, path, resp.status, await resp.text())
            detail = (await _error(resp))["detail"]
            assert detail.startswith("If-Match:") and '"3"' in detail, detail
    after = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).read()
    assert after == before


async def test_if_match_accepts_quoted_bare_star_and_dotted_tags(client, tenant):
    world_id = await create_world(client, tenant.sk)
    path = f"/v1/worlds/{world_id}/ops"

    def op(text: str) -> dict[str, Any]:
        return {"ops": [{"op": "update_state", "id": ENTRANCE, "patch": {"narration": text}}]}

    for value, rev in (('"1"', "2"), ("2", "3"), ("*", "4"), (' "9" , "4" ', "5")):
        resp = await client.post(path, json=op(f"Dust {rev}."), headers=bearer(tenant.sk, **{"If-Match": value}))
        assert resp.status == 200, (value, await resp.text())
        assert resp.headers["ETag"] == f'"{rev}"'
    resp = await client.patch(f"/v1/worlds/{world_id}", json={"name": "Meta"}, headers=bearer(tenant.sk))
    assert resp.headers["ETag"] == '"5.1"'
    resp = await client.post(path, json=op("Dust 6."), headers=bearer(tenant.sk, **{"If-Match": '"5.1"'}))
    assert resp.status == 200, await resp.text()
    for value in ('"3"', "3", '"3.1"', "3.1"):  # well-formed but stale: a precondition failure, not a 400
        resp = await client.post(path, json=op("x"), headers=bearer(tenant.sk, **{"If-Match": value}))
        assert resp.status == 412, (value, await resp.text())
        assert (await resp.json())["rev"] == "6"


async def test_body_validation_comes_before_the_precondition(client, tenant):
    world_id = await create_world(client, tenant.sk)
    resp = await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    assert resp.status == 201  # rev 2: "1" is stale now
    stale = bearer(tenant.sk, **{"If-Match": '"1"'})
    for body in ({"ops": []}, {"ops": [{"op": "nope"}]}, {"ops": "x"}, {"nope": 1}):
        resp = await client.post(f"/v1/worlds/{world_id}/ops", json=body, headers=stale)
        assert resp.status == 400, (body, resp.status, await resp.text())
    for method, path, body in (("POST", f"/v1/worlds/{world_id}/states", [1]),
                               ("PATCH", f"/v1/worlds/{world_id}/entrance", {"nope": 1}),
                               ("POST", f"/v1/worlds/{world_id}/checkout", {})):
        resp = await client.request(method, path, json=body, headers=stale)
        assert resp.status in (400, 422), (path, resp.status, await resp.text())
    resp = await client.patch(f"/v1/worlds/{world_id}", json={"visibility": "everyone"}, headers=stale)
    assert resp.status == 422, await resp.text()


async def test_metadata_patch_honours_if_match_against_the_world_etag(client, tenant):
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}"
    resp = await client.get(url, headers=bearer(tenant.sk))
    assert resp.headers["ETag"] == '"1"'
    resp = await client.patch(url, json={"name": "First"}, headers=bearer(tenant.sk, **{"If-Match": '"1"'}))
    assert resp.status == 200, await resp.text()
    assert resp.headers["ETag"] == '"1.1"' and (await resp.json())["name"] == "First"
    read = await client.get(url, headers=bearer(tenant.sk))
    assert read.headers["ETag"] == '"1.1"'
    before = await read.read()
    for stale in ('"1"', "1", '"1.0"', '"2"'):
        resp = await client.patch(url, json={"name": "Lost"}, headers=bearer(tenant.sk, **{"If-Match": stale}))
        assert resp.status == 412, (stale, await resp.text())
        assert (await _error(resp))["rev"] == "1.1"
    read = await client.get(url, headers=bearer(tenant.sk))
    assert await read.read() == before and read.headers["ETag"] == '"1.1"'
    resp = await client.patch(url, json={"name": "Second"}, headers=bearer(tenant.sk, **{"If-Match": '"1.1"'}))
    assert resp.status == 200 and resp.headers["ETag"] == '"1.2"'
    resp = await client.patch(url, json={"visibility": "unlisted"}, headers=bearer(tenant.sk, **{"If-Match": "*"}))
    assert resp.status == 200 and resp.headers["ETag"] == '"1.3"'


IF_MATCH_FORM = re.compile(r'^ *(\*|"?[0-9]{1,18}(\.[0-9]{1,18})?"?( *, *"?[0-9]{1,18}(\.[0-9]{1,18})?"?)*) *$')
_TAG = st.builds(lambda q1, n, frac, q2: f'{q1}{n}{frac}{q2}', st.sampled_from(["", '"']),
                 st.integers(0, 10**19), st.sampled_from(["", ".0", ".1", ".12", ".", ".x"]),
                 st.sampled_from(["", '"']))
IF_MATCH = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=24),
    st.lists(_TAG, min_size=1, max_size=3).flatmap(
        lambda tags: st.sampled_from([",", ", ", " , ", ",,"]).map(lambda sep: sep.join(tags))),
    st.sampled_from(["*", " * ", "**", 'W/"1"', '"1"', "", " ", '""', "'1'"]),
)


@PROPERTY
@given(value=IF_MATCH)
@example(value='"1", "2"')
@example(value=" 1 ")
async def test_any_if_match_is_200_400_or_412_and_only_rev_forms_get_past_400(client, tenant, value):
    world_id = await _world_for(client, tenant.sk)
    resp = await client.post(f"/v1/worlds/{world_id}/ops",
                             json={"ops": [{"op": "update_state", "id": ENTRANCE, "patch": {"narration": "Dust."}}]},
                             headers=bearer(tenant.sk, **{"If-Match": value}))
    text = await resp.text()
    assert resp.status in (200, 201, 400, 412), (value, resp.status, text)
    if IF_MATCH_FORM.match(value):
        assert resp.status != 400, (value, text)
    else:
        assert resp.status == 400, (value, resp.status, text)
        assert json.loads(text)["detail"].startswith("If-Match:"), text


# 9. null and caps name what the user sent ---------------------------------------------------------

async def test_null_in_a_typed_field_says_null_and_cap_errors_name_the_kind(client, tenant):
    for body in ({"name": None}, {"name": "ok", "caps": {"generation": None}}):
        resp = await client.post("/v1/apps", json=body, headers=bearer(tenant.token))
        assert resp.status == 422, await resp.text()
        detail = (await _error(resp))["detail"]
        assert "null" in detail and "NoneType" not in detail, detail
    world_id = await create_world(client, tenant.sk)
    resp = await client.patch(f"/v1/worlds/{world_id}", json={"name": None}, headers=bearer(tenant.sk))
    assert resp.status == 422 and "NoneType" not in (await _error(resp))["detail"]
    resp = await client.patch(f"/v1/apps/{tenant.app_id}", json={"caps": {"generatoin": 5}},
                              headers=bearer(tenant.token))
    assert resp.status == 422, await resp.text()
    body = await _error(resp)
    assert "caps.generatoin" in body["detail"] and "generation" in body["detail"], body


# 10. content types -----------------------------------------------------------------------------------

async def test_a_body_that_is_not_json_is_told_to_send_json(client, tenant):
    for content_type, data in (("application/x-www-form-urlencoded", b"name=foo"), ("text/plain", b"hello"),
                               ("application/json", b"name=foo"), ("multipart/form-data; boundary=x", b"--x--")):
        resp = await client.post("/v1/worlds", data=data, headers=bearer(tenant.sk, **{"Content-Type": content_type}))
        assert resp.status == 400, (content_type, await resp.text())
        detail = (await _error(resp))["detail"]
        assert "send JSON" in detail and "Content-Type: application/json" in detail, detail


async def test_curl_default_form_type_with_a_json_body_keeps_working(client, tenant):
    form = bearer(tenant.sk, **{"Content-Type": "application/x-www-form-urlencoded"})
    resp = await client.post("/v1/worlds", data=json.dumps({"world": small_world()}), headers=form)
    assert resp.status == 201, await resp.text()
    world_id = (await resp.json())["worldId"]
    resp = await client.post(f"/v1/worlds/{world_id}/states", data=json.dumps(ATTIC), headers=form)
    assert resp.status == 201, await resp.text()
    resp = await client.post("/v1/worlds", data=json.dumps({"world": None, "name": "Empty"}), headers=form)
    assert resp.status == 201, await resp.text()


async def test_openapi_states_real_content_types_and_documents_world_null(client):
    doc = await (await client.get("/openapi.json")).json()
    docs = doc["paths"]["/docs"]["get"]["responses"]["200"]["content"]
    schema = doc["paths"]["/schema/smworld-1.0.json"]["get"]["responses"]["200"]["content"]
    assert list(docs) == ["text/html"] and list(schema) == ["application/schema+json"]
    resp = await client.get("/docs")
    assert resp.content_type == "text/html"
    resp = await client.get("/schema/smworld-1.0.json")
    assert resp.content_type == "application/schema+json"
    create = doc["components"]["schemas"]["WorldCreate"]
    described = create.get("description", "") + create["properties"]["world"].get("description", "")
    assert "world: null" in described or "`null`" in described, create
    assert {"type": "null"} in create["properties"]["world"]["anyOf"]


# 11. CORS ------------------------------------------------------------------------------------------

ORIGIN = {"Origin": "https://example.com"}


async def test_read_routes_invite_browsers(client, tenant):
    world_id = await create_world(client, tenant.sk)
    for path in (f"/v1/worlds/{world_id}", f"/v1/worlds/{world_id}/scene", "/v1/worlds"):
        resp = await client.options(path, headers={**ORIGIN, "Access-Control-Request-Method": "GET",
                                                   "Access-Control-Request-Headers": "authorization"})
        assert resp.status == 204, (path, await resp.text())
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert "GET" in resp.headers["Access-Control-Allow-Methods"]
        assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]
    resp = await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.pk, **ORIGIN))
    assert resp.status == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in resp.headers["Access-Control-Expose-Headers"] and resp.headers["ETag"]
    resp = await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.pk))
    assert "Access-Control-Allow-Origin" not in resp.headers


async def test_write_routes_do_not_invite_browsers(client, tenant):
    world_id = await create_world(client, tenant.sk)
    for method in ("POST", "PATCH", "DELETE", "PUT"):
        for path in (f"/v1/worlds/{world_id}", f"/v1/worlds/{world_id}/states", "/v1/worlds"):
            resp = await client.options(path, headers={**ORIGIN, "Access-Control-Request-Method": method})
            assert resp.status < 500
            assert "Access-Control-Allow-Origin" not in resp.headers, (method, path)
            assert "Access-Control-Allow-Methods" not in resp.headers, (method, path)
    resp = await client.post("/v1/worlds", json={"name": "Browser"}, headers=bearer(tenant.sk, **ORIGIN))
    assert resp.status == 201 and "Access-Control-Allow-Origin" not in resp.headers
    resp = await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk, **ORIGIN))
    assert resp.status == 201 and "Access-Control-Allow-Origin" not in resp.headers


# 13. Prefer: return=minimal -------------------------------------------------------------------------

WRITE_KEYS = {"rev", "diagnostics", "applyErrors", "schemaVersion"}


async def test_prefer_return_minimal_answers_without_the_world(client, tenant):
    world_id = await create_world(client, tenant.sk)
    base = f"/v1/worlds/{world_id}"
    lean = bearer(tenant.sk, Prefer="return=minimal")
    version = (await (await client.post(f"{base}/versions", json={}, headers=bearer(tenant.sk))).json())["versionId"]
    writes = [
        ("POST", f"{base}/states", ATTIC, 201),
        ("PATCH", f"{base}/states/attic", {"ending": {"kind": "win", "title": "Up"}}, 200),
        ("POST", f"{base}/events", EVENT, 201),
        ("POST", f"{base}/ops", {"ops": [{"op": "update_state", "id": "attic", "patch": {"narration": "Up."}}]}, 200),
        ("DELETE", f"{base}/events/climb to the attic", None, 200),
    ]
    for method, path, body, status in writes:
        resp = await client.request(method, path, json=body, headers=lean)
        assert resp.status == status, (path, await resp.text())
        payload = await resp.json()
        assert set(payload) == WRITE_KEYS, (path, payload)
        assert resp.headers["Preference-Applied"] == "return=minimal"
        assert resp.headers["ETag"] == f'"{payload["rev"]}"'
    resp = await client.post(f"{base}/checkout", json={"versionId": version}, headers=lean)
    assert resp.status == 200, await resp.text()
    payload = await resp.json()
    assert set(payload) == {"rev", "head", "schemaVersion"} and payload["head"] == version
    assert resp.headers["Preference-Applied"] == "return=minimal" and resp.headers["ETag"] == f'"{payload["rev"]}"'
    # without the header: the world, and no Preference-Applied
    resp = await client.post(f"{base}/states", json=ATTIC, headers=bearer(tenant.sk))
    assert resp.status == 201 and "world" in await resp.json() and "Preference-Applied" not in resp.headers
    resp = await client.post(f"{base}/checkout", json={"versionId": version}, headers=bearer(tenant.sk))
    assert resp.status == 200 and "world" in await resp.json() and "Preference-Applied" not in resp.headers
    # other preferences, spellings and lists
    for prefer in ("return=representation", "respond-async", "return=minimal-ish"):
        resp = await client.post(f"{base}/ops", headers=bearer(tenant.sk, Prefer=prefer),
                                 json={"ops": [{"op": "update_state", "id": ENTRANCE, "patch": {"narration": "A."}}]})
        assert resp.status == 200 and "world" in await resp.json(), prefer
    for prefer in ("RETURN=MINIMAL", "handling=lenient, return=minimal", "return = minimal; x=1"):
        resp = await client.post(f"{base}/ops", headers=bearer(tenant.sk, Prefer=prefer),
                                 json={"ops": [{"op": "update_state", "id": ENTRANCE, "patch": {"narration": "B."}}]})
        assert resp.status == 200 and set(await resp.json()) == WRITE_KEYS, prefer


# 9. control characters in the request's own text fields ---------------------------------------------

REFUSED = st.sampled_from([*map(chr, range(0x00, 0x09)), *map(chr, range(0x0B, 0x20)), "\x7f", "\x85",
                           *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(char=REFUSED, where=st.integers(0, 8), field=st.sampled_from(["name", "premise", "description"]))
async def test_any_control_character_in_a_name_or_premise_is_refused_with_a_sentence(client, tenant, char, where,
                                                                                      field):
    text = "a lantern-lit market"
    body = {field: text[:where] + char + text[where:]}
    if field == "description":
        body["name"] = "market"
    resp = await client.post("/v1/worlds", json=body, headers=bearer(tenant.sk))
    detail = (await resp.json())["detail"]
    assert resp.status == 422, detail
    assert detail.startswith(f"{field} contains U+{ord(char):04X}") and detail.endswith("remove it.")


async def test_prose_fields_may_hold_line_breaks_names_may_not(client, tenant):
    resp = await client.post("/v1/worlds", json={"name": "two\nlines"}, headers=bearer(tenant.sk))
    assert resp.status == 422 and "name contains U+000A LINE FEED" in (await resp.json())["detail"]
    resp = await client.post("/v1/worlds", json={"name": "market", "description": "a market.\nAt night."},
                             headers=bearer(tenant.sk))
    assert resp.status == 201, await resp.text()
    world_id = (await resp.json())["worldId"]
    resp = await client.patch(f"/v1/worlds/{world_id}", json={"name": "evil\u202etxt"}, headers=bearer(tenant.sk))
    assert resp.status == 422 and "U+202E RIGHT-TO-LEFT OVERRIDE" in (await resp.json())["detail"]
    resp = await client.post(f"/v1/apps/{tenant.app_id}/keys", json={"kind": "secret", "mode": "test", "name": "k\x00"},
                             headers=bearer(tenant.token))
    assert resp.status == 422 and "U+0000 NULL" in (await resp.json())["detail"]
