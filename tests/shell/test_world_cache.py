"""The app's decoded-world cache and the off-loop rule: shared worlds are never changed, a write's
result serves the next write, and only large work leaves the event loop."""

from __future__ import annotations

import copy
import threading
import types
from typing import Any

import pytest

from smworld.shell.cache import WorldCache
from smworld.shell.http.context import SERVICES
from smworld.shell.services import worlds as worlds_module
from smworld.shell.services.worlds import Loaded, off_loop

from .conftest import bearer, create_world, small_world


def _services(client: Any) -> Any:
    return client.app[SERVICES].get()


def _cache(client: Any) -> WorldCache[Loaded]:
    return _services(client).worlds._worlds


async def _stored(client: Any, world_id: str) -> tuple[dict[str, Any], tuple[int, int]]:
    stored = await _services(client).store.worlds.load(world_id)
    return worlds_module._decode(stored.rows), (stored.meta.rev, stored.meta.meta_rev)


async def test_racing_writes_share_the_cached_world_without_corrupting_it(client, tenant):
    world_id = await create_world(client, tenant.sk)
    cache = _cache(client)
    resp = await client.get(f"/v1/worlds/{world_id}/states", headers=bearer(tenant.sk))
    assert resp.status == 200
    loaded = cache.get(world_id, (1, 0))
    assert loaded is not None
    base = loaded.world
    pristine = copy.deepcopy(base)
    state = next(iter(base["scene"]["states"]))
    url = f"/v1/worlds/{world_id}/states/{state}"

    first = await client.patch(url, json={"ambient": ["a first drip"]},
                               headers=bearer(tenant.sk, **{"If-Match": '"1"'}))
    assert first.status == 200, await first.text()
    second = await client.patch(url, json={"ambient": ["a second drip"]},
                                headers=bearer(tenant.sk, **{"If-Match": '"1"'}))
    assert second.status == 412

    assert base == pristine  # the rev-1 world the first write applied to is unchanged
    stored, version = await _stored(client, world_id)
    assert version == (2, 0)
    cached = cache.get(world_id, version)
    assert cached is not None and cached.world == stored == (await first.json())["world"]
    assert cached.world["scene"]["states"][state]["ambient"] == ["a first drip"]
    # a read of the same rev serves that very object, and leaves it as the store holds it
    resp = await client.get(url, headers=bearer(tenant.sk))
    assert (await resp.json())["state"]["ambient"] == ["a first drip"]
    assert cache.get(world_id, version) is cached and cached.world == stored


async def test_a_write_puts_its_result_in_the_cache_so_the_next_write_skips_the_decode(client, tenant, monkeypatch):
    world_id = await create_world(client, tenant.sk)
    state = next(iter(small_world()["scene"]["states"]))
    decodes: list[int] = []

    real = worlds_module._decode

    def counting(stored: Any) -> dict[str, Any]:
        decodes.append(stored.size)
        return real(stored)

    monkeypatch.setattr(worlds_module, "_decode", counting)
    url = f"/v1/worlds/{world_id}/states/{state}"
    for n in range(3):
        resp = await client.patch(url, json={"ambient": [f"beat {n}"]}, headers=bearer(tenant.sk))
        assert resp.status == 200, await resp.text()
    assert len(decodes) == 1  # only the first write decoded the stored document
    stored, version = await _stored(client, world_id)
    assert version == (4, 0) and _cache(client).get(world_id, version).world == stored


async def test_metadata_change_and_delete_never_serve_an_old_cached_world(client, tenant):
    world_id = await create_world(client, tenant.sk)
    cache = _cache(client)
    await client.get(f"/v1/worlds/{world_id}/states", headers=bearer(tenant.sk))
    resp = await client.patch(f"/v1/worlds/{world_id}", json={"name": "Renamed"}, headers=bearer(tenant.sk))
    assert resp.status == 200
    resp = await client.post(f"/v1/worlds/{world_id}/validate", headers=bearer(tenant.sk))
    assert resp.status == 200 and (await resp.json())["world"]["name"] == "Renamed"
    stored, version = await _stored(client, world_id)
    assert version == (1, 1) and cache.get(world_id, version).world == stored
    resp = await client.delete(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))
    assert resp.status == 200 and cache.get(world_id, version) is None


async def test_off_loop_runs_only_large_work_in_a_worker_thread():
    here = threading.get_ident()
    assert await off_loop(threading.get_ident) == here
    assert await off_loop(threading.get_ident, doc_bytes=worlds_module.LARGE_DOC_BYTES) == here
    assert await off_loop(threading.get_ident, ops=worlds_module.LARGE_BATCH) == here
    assert await off_loop(threading.get_ident, doc_bytes=worlds_module.LARGE_DOC_BYTES + 1) != here
    assert await off_loop(threading.get_ident, ops=worlds_module.LARGE_BATCH + 1) != here
    assert await off_loop(divmod, 7, 2) == (3, 1)


@pytest.fixture
def threaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions :func:`off_loop` sent to a worker thread."""
    sent: list[str] = []
    real = worlds_module.asyncio

    async def to_thread(fn: Any, *args: Any) -> Any:
        sent.append(fn.__name__)
        return await real.to_thread(fn, *args)

    class Asyncio(types.SimpleNamespace):  # the module's asyncio, with to_thread counted
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    monkeypatch.setattr(worlds_module, "asyncio", Asyncio(to_thread=to_thread))
    return sent


async def test_small_requests_stay_on_the_loop(client, tenant, threaded):
    world_id = await create_world(client, tenant.sk)
    for check in ("validate", "lint"):
        resp = await client.post(f"/v1/worlds/{world_id}/{check}", headers=bearer(tenant.sk))
        assert resp.status == 200
    resp = await client.post(f"/v1/worlds/{world_id}/ops", json={"ops": [{"op": "add_state", "id": "attic",
                             "base": "a dusty attic under slanted timber beams"}]}, headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    assert threaded == []


async def test_large_work_goes_to_a_worker_thread(client, tenant, threaded, monkeypatch):
    monkeypatch.setattr(worlds_module, "LARGE_DOC_BYTES", 0)  # every document counts as large
    world_id = await create_world(client, tenant.sk)
    assert threaded == ["check"]  # registering: codec.decode and the gate
    resp = await client.post(f"/v1/worlds/{world_id}/validate", headers=bearer(tenant.sk))
    assert resp.status == 200
    # decoding the stored rows, encoding the world validate answers with, the gate
    assert threaded == ["check", "_decode", "validate", "encode"]
    resp = await client.post(f"/v1/worlds/{world_id}/lint", headers=bearer(tenant.sk))
    assert resp.status == 200
    assert "_decode" not in threaded[4:] and threaded[-1] == "lint"  # lint reused the cached world
    done = len(threaded)
    ops = [{"op": "add_state", "id": "attic", "base": "a dusty attic under slanted timber beams"}]
    resp = await client.post(f"/v1/worlds/{world_id}/ops", json={"ops": ops}, headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    assert threaded[done:] == ["apply_ops", "encode"]


async def test_lint_of_a_cached_world_does_only_the_lint(client, tenant, threaded, monkeypatch):
    monkeypatch.setattr(worlds_module, "LARGE_DOC_BYTES", 0)  # every document counts as large
    world_id = await create_world(client, tenant.sk)
    assert (await client.post(f"/v1/worlds/{world_id}/validate", headers=bearer(tenant.sk))).status == 200
    done = len(threaded)
    assert (await client.post(f"/v1/worlds/{world_id}/lint", headers=bearer(tenant.sk))).status == 200
    assert threaded[done:] == ["lint"]


async def test_a_long_batch_goes_to_a_worker_thread(client, tenant, threaded):
    world_id = await create_world(client, tenant.sk)
    state = next(iter(small_world()["scene"]["states"]))
    ops = [{"op": "update_state", "id": state, "patch": {"ambient": [f"beat {n}"]}}
           for n in range(worlds_module.LARGE_BATCH + 1)]
    resp = await client.post(f"/v1/worlds/{world_id}/ops", json={"ops": ops}, headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    assert threaded == ["apply_ops", "change"]  # applying the batch, and diffing its result into rows
    assert (await resp.json())["world"]["scene"]["states"][state]["ambient"] == [f"beat {worlds_module.LARGE_BATCH}"]


def test_world_cache_is_an_exact_version_lru_bounded_by_document_bytes():
    cache = WorldCache(max_bytes=400)
    one, two = {"n": 1}, {"n": 2}
    cache.put("w1", (1, 0), one, 100)
    assert cache.get("w1", (1, 0)) is one
    assert cache.get("w1", (1, 1)) is None and cache.get("w1", (2, 0)) is None
    cache.put("w1", (2, 0), two, 100)
    cache.put("w1", (1, 0), one, 100)  # an older version never replaces a newer one
    assert cache.get("w1", (2, 0)) is two and cache.size == 100 and len(cache) == 1
    for name in ("w2", "w3", "w4", "w5"):
        cache.put(name, (1, 0), {}, 100)
    assert cache.size <= 400 and cache.get("w1", (2, 0)) is None  # least recently used went first
    cache.put("big", (1, 0), {}, 101)  # over a quarter of the budget: not kept
    assert cache.get("big", (1, 0)) is None
    cache.forget("w5")
    assert cache.get("w5", (1, 0)) is None
    off = WorldCache(0)
    off.put("w", (1, 0), {}, 2)
    assert len(off) == 0
