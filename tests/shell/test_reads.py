"""Whole-world reads: ETags and 304s, the per-app cache of encoded reads, one store round trip per
read, and a key check on every request (revocation is immediate; ``last_used_at`` is write-behind)."""

from __future__ import annotations

import contextvars
import functools
import time
from typing import Any

import pytest

from smworld.shell.app import create_app
from smworld.shell.cache import ResponseCache
from smworld.shell.http.context import SERVICES
from smworld.shell.services import worlds as worlds_module
from smworld.shell.store import interfaces
from smworld.shell.store.sqlite.apps import SQLiteApps
from smworld.shell.store.sqlite.connection import Database
from smworld.shell.store.sqlite.jobs import SQLiteJobs
from smworld.shell.store.sqlite.metering import SQLiteIdempotency, SQLiteMeter
from smworld.shell.store.sqlite.versions import SQLiteVersions
from smworld.shell.store.sqlite.worlds import SQLiteWorlds

from .conftest import bearer, create_world, make_tenant, small_world

ATTIC = {"id": "attic", "base": "a dusty attic under slanted timber beams"}


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


_ADAPTERS = {"apps": (SQLiteApps, interfaces.AppStore), "worlds": (SQLiteWorlds, interfaces.WorldStore),
             "versions": (SQLiteVersions, interfaces.VersionStore), "meter": (SQLiteMeter, interfaces.MeterStore),
             "idempotency": (SQLiteIdempotency, interfaces.IdempotencyStore), "jobs": (SQLiteJobs, interfaces.JobStore)}
_calling: contextvars.ContextVar[str] = contextvars.ContextVar("store_call", default="?")


@pytest.fixture
def store_calls(monkeypatch):
    """Every store transaction (read snapshot or write) as the app runs them, by the interface
    method that ran it (``"apps.lookup_key"``): the kind is counted where the round trip happens
    (:class:`Database`), the name where the adapter is called."""
    calls: list[tuple[str, str]] = []
    real_read, real_write, real_lookup = Database.read, Database.write, Database.lookup

    async def read(self, body, *args, **kwargs):
        calls.append(("read", _calling.get()))
        return await real_read(self, body, *args, **kwargs)

    async def write(self, body, *args, **kwargs):
        calls.append(("write", _calling.get()))
        return await real_write(self, body, *args, **kwargs)

    def lookup(self, body):
        calls.append(("lookup", _calling.get()))
        return real_lookup(self, body)

    def named(concept: str, name: str, method: Any) -> Any:
        @functools.wraps(method)
        async def run(self, *args, **kwargs):
            token = _calling.set(f"{concept}.{name}")
            try:
                return await method(self, *args, **kwargs)
            finally:
                _calling.reset(token)

        return run

    for concept, (adapter, interface) in _ADAPTERS.items():
        for name in interface.__abstractmethods__:
            monkeypatch.setattr(adapter, name, named(concept, name, getattr(adapter, name)))
    monkeypatch.setattr(Database, "read", read)
    monkeypatch.setattr(Database, "write", write)
    monkeypatch.setattr(Database, "lookup", lookup)
    return calls


async def test_scene_if_none_match_answers_304_until_the_graph_changes(client, tenant):
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}/scene"
    first = await client.get(url, headers=bearer(tenant.pk))
    assert first.status == 200 and first.headers["ETag"] == '"1"'
    for tag in ('"1"', "1", 'W/"1"', '"7", "1"', "*"):
        resp = await client.get(url, headers=bearer(tenant.pk, **{"If-None-Match": tag}))
        assert resp.status == 304, tag
        assert resp.headers["ETag"] == '"1"' and await resp.read() == b""
    await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    resp = await client.get(url, headers=bearer(tenant.pk, **{"If-None-Match": '"1"'}))
    assert resp.status == 200 and resp.headers["ETag"] == '"2"' and "attic" in (await resp.json())["states"]
    alias = await client.get(f"/v1/worlds/{world_id}/graph", headers=bearer(tenant.pk, **{"If-None-Match": '"2"'}))
    assert alias.status == 304
    other = await make_tenant(client, "mallory")  # a 304 is never an existence leak
    resp = await client.get(url, headers=bearer(other.sk, **{"If-None-Match": "*"}))
    assert resp.status == 404


async def test_world_etag_changes_with_metadata_so_a_304_never_hides_a_rename(client, tenant):
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}"
    resp = await client.get(url, headers=bearer(tenant.sk))
    assert resp.headers["ETag"] == '"1"'
    assert (await client.get(url, headers=bearer(tenant.sk, **{"If-None-Match": '"1"'}))).status == 304
    await client.patch(url, json={"name": "Renamed"}, headers=bearer(tenant.sk))
    resp = await client.get(url, headers=bearer(tenant.sk, **{"If-None-Match": '"1"'}))
    assert resp.status == 200 and (await resp.json())["name"] == "Renamed" and (await resp.json())["rev"] == "1"
    assert resp.headers["ETag"] == '"1.1"'
    assert (await client.get(url, headers=bearer(tenant.sk, **{"If-None-Match": '"1.1"'}))).status == 304
    # the scene did not change, so its ETag did not either; and "1.1" still names rev 1 for If-Match
    assert (await client.get(f"{url}/scene", headers=bearer(tenant.sk))).headers["ETag"] == '"1"'
    resp = await client.post(f"{url}/states", json=ATTIC, headers=bearer(tenant.sk, **{"If-Match": '"1.1"'}))
    assert resp.status == 201
    resp = await client.post(f"{url}/states", json={**ATTIC, "id": "cellar"},
                             headers=bearer(tenant.sk, **{"If-Match": '"1.1"'}))
    assert resp.status == 412


async def test_an_unchanged_scene_is_encoded_once_and_read_in_one_round_trip(client, tenant, store_calls,
                                                                              monkeypatch):
    world_id = await create_world(client, tenant.sk, small_world(size=30))
    rendered = []
    real = worlds_module._scene_body

    def counting(meta, stored):
        rendered.append(meta.rev)
        return real(meta, stored)

    monkeypatch.setattr(worlds_module, "_scene_body", counting)
    url = f"/v1/worlds/{world_id}/scene"
    first = await (await client.get(url, headers=bearer(tenant.sk))).read()
    store_calls.clear()
    for _ in range(3):
        assert await (await client.get(url, headers=bearer(tenant.sk))).read() == first
    assert rendered == [1]
    # key + world metadata together, a point read on the loop; touch is write-behind
    assert store_calls == [("lookup", "apps.lookup_key")] * 3
    await client.patch(f"/v1/worlds/{world_id}", json={"description": "metadata only"}, headers=bearer(tenant.sk))
    assert await (await client.get(url, headers=bearer(tenant.sk))).read() == first
    assert rendered == [1]
    await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    scene = await (await client.get(url, headers=bearer(tenant.sk))).json()
    assert rendered == [1, 2] and "attic" in scene["states"] and scene["rev"] == "2"


async def test_states_and_events_reads_take_one_round_trip(client, tenant, store_calls):
    world_id = await create_world(client, tenant.sk)
    store_calls.clear()
    for path in ("states", "events", "versions", "states"):
        assert (await client.get(f"/v1/worlds/{world_id}/{path}", headers=bearer(tenant.sk))).status == 200
    # the first read decodes the world (the key lookup carries only its metadata); then it is cached
    assert store_calls[:2] == [("lookup", "apps.lookup_key"), ("read", "worlds.load")]
    assert store_calls[2:] == [("lookup", "apps.lookup_key"),
                               ("lookup", "apps.lookup_key"), ("read", "versions.tree"),
                               ("lookup", "apps.lookup_key")]


async def test_the_cache_never_serves_what_access_rules_forbid(client, tenant):
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}/scene"
    other = await make_tenant(client, "bob")
    await client.patch(f"/v1/worlds/{world_id}", json={"visibility": "public"}, headers=bearer(tenant.sk))
    assert (await client.get(url, headers=bearer(other.sk))).status == 200
    assert (await client.get(f"/v1/worlds/{world_id}", headers=bearer(other.sk))).status == 200
    await client.patch(f"/v1/worlds/{world_id}", json={"visibility": "private"}, headers=bearer(tenant.sk))
    assert (await client.get(url, headers=bearer(other.sk))).status == 404
    assert (await client.get(f"/v1/worlds/{world_id}", headers=bearer(other.sk))).status == 404
    assert (await client.get(url, headers=bearer(tenant.sk_live))).status == 404  # live keys never see test worlds
    assert (await client.delete(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).status == 200
    assert (await client.get(url, headers=bearer(tenant.sk))).status == 404
    assert len(client.app[SERVICES].get().worlds._responses) == 0


async def test_a_key_revoked_elsewhere_is_refused_on_its_next_cached_read(client, tenant):
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}/scene"
    assert (await client.get(url, headers=bearer(tenant.pk))).status == 200
    assert (await client.get(url, headers=bearer(tenant.pk))).status == 200  # now served from the cache
    store = client.app[SERVICES].get().store
    key = next(k for k in await store.apps.list_keys(tenant.app_id) if k.kind == "publishable" and k.mode == "test")
    await store.apps.revoke_key(tenant.app_id, key.id, time.time())  # as the admin CLI would: not through this app
    resp = await client.get(url, headers=bearer(tenant.pk))
    assert resp.status == 401 and "revoked" in (await resp.json())["detail"]


async def test_last_used_at_is_written_at_most_once_a_minute_per_key(aiohttp_client, config, store_calls):
    clock = Clock(time.time())
    client = await aiohttp_client(create_app(config, clock=clock))
    tenant = await make_tenant(client)

    async def touches_after(requests: int) -> int:
        store_calls.clear()
        for _ in range(requests):
            assert (await client.get("/v1/worlds", headers=bearer(tenant.sk))).status == 200
        for task in list(client.app[SERVICES].get().auth._background):
            await task
        return store_calls.count(("write", "apps.touch_key"))

    assert await touches_after(5) == 1
    clock.now += 30
    assert await touches_after(5) == 0
    clock.now += 31
    assert await touches_after(5) == 1
    keys = await client.app[SERVICES].get().store.apps.list_keys(tenant.app_id)
    assert next(k for k in keys if k.kind == "secret" and k.mode == "test").last_used_at == clock.now


async def test_each_app_owns_its_cache(aiohttp_client, config):
    one = await aiohttp_client(create_app(config))
    two = await aiohttp_client(create_app(config.replace(response_cache_bytes=0)))
    assert one.app[SERVICES].get().worlds._responses is not two.app[SERVICES].get().worlds._responses
    tenant = await make_tenant(one)
    world_id = await create_world(one, tenant.sk)
    for client in (one, two):
        assert (await client.get(f"/v1/worlds/{world_id}/scene", headers=bearer(tenant.sk))).status == 200
    assert len(one.app[SERVICES].get().worlds._responses) == 1 and len(two.app[SERVICES].get().worlds._responses) == 0


def test_response_cache_is_an_exact_version_lru_bounded_by_bytes():
    cache = ResponseCache(max_bytes=400)
    cache.put("w1", "scene", (1,), b"a" * 100)
    assert cache.get("w1", "scene", (1,)) == b"a" * 100
    assert cache.get("w1", "scene", (2,)) is None and cache.get("w1", "world", (1,)) is None
    cache.put("w1", "scene", (3,), b"c" * 100)
    cache.put("w1", "scene", (2,), b"b" * 100)  # an older version never replaces a newer one
    assert cache.get("w1", "scene", (3,)) == b"c" * 100 and cache.size == 100
    cache.put("w2", "scene", (1,), b"x" * 100)
    cache.put("w3", "scene", (1,), b"y" * 100)
    cache.get("w1", "scene", (3,))  # w1 is now the most recently used
    cache.put("w4", "scene", (1,), b"z" * 100)
    cache.put("w5", "scene", (1,), b"q" * 100)
    assert cache.size <= 400 and cache.get("w2", "scene", (1,)) is None
    assert cache.get("w1", "scene", (3,)) is not None
    cache.put("big", "scene", (1,), b"!" * 101)  # over a quarter of the budget: not kept
    assert cache.get("big", "scene", (1,)) is None
    cache.forget("w1")
    assert cache.get("w1", "scene", (3,)) is None
    off = ResponseCache(0)
    off.put("w", "scene", (1,), b"{}")
    assert len(off) == 0
