"""Crash windows: a unit reserved but never spent comes back; an effect and its idempotency record
commit together, so a retry after a crash replays instead of making a second world."""

from __future__ import annotations

import time
import uuid

import msgspec
import pytest

from smworld.shell.app import create_app
from smworld.shell.http.context import SERVICES
from smworld.shell.services import metering
from smworld.shell.services.documents import new_world
from smworld.shell.store.errors import Conflict
from smworld.shell.store.records import AppRecord, IdemFinish, JobRecord, NewWorld, Reservation, WorldMeta
from smworld.shell.store.sqlite import SQLiteStore

from .conftest import bearer, make_tenant

APP = "app_crash"
DOC = b'{"name": "x", "scene": {"states": {}, "events": []}}'
CAPS = {"generation": 5}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _open(config) -> SQLiteStore:
    store = SQLiteStore(config.db)
    await store.open()
    return store


async def _store_with_app(config, now: float) -> SQLiteStore:
    store = await _open(config)
    await store.apps.create_app(AppRecord(APP, "owner", "crash", {}, now))
    return store


def _world(now: float) -> NewWorld:
    return new_world({"id": str(uuid.uuid4()), **msgspec.json.decode(DOC)}, app_id=APP, mode="test",
                     visibility="private", now=now)


def _render(meta: WorldMeta) -> bytes:
    return msgspec.json.encode({"worldId": meta.id, "slug": meta.slug})


async def _used(store: SQLiteStore, day: str) -> int:
    return (await store.meter.usage(APP, "test", day)).get("generation", 0)


# -- window A: reserve, then crash before the world exists -------------------------------------------

async def test_a_reservation_abandoned_by_a_crash_is_refunded_at_restart(aiohttp_client, config):
    now = time.time()
    store = await _store_with_app(config, now)
    reservation = await metering.reserve(store.meter, APP, "test", "generation", CAPS, now,
                                         ttl=config.reservation_ttl_s)
    assert await _used(store, reservation.day) == 1
    await store.close()  # the process dies here: generation never finished, nothing spent or refunded

    clock = Clock(now + 1)  # restarted at once: the reservation may still belong to a live request
    client = await aiohttp_client(create_app(config, clock=clock))
    services = client.app[SERVICES].get()
    restarted = services.store
    assert await _used(restarted, reservation.day) == 1
    clock.now = now + config.reservation_ttl_s + 1
    assert await services.jobs.sweep() == 1  # the worker's periodic sweep
    assert await _used(restarted, reservation.day) == 0
    assert await services.jobs.sweep() == 0  # refunded once, never twice


async def test_restart_after_expiry_refunds_during_start_up(aiohttp_client, config):
    now = time.time()
    store = await _store_with_app(config, now)
    reservation = await metering.reserve(store.meter, APP, "test", "generation", CAPS, now,
                                         ttl=config.reservation_ttl_s)
    await store.close()
    client = await aiohttp_client(create_app(config, clock=Clock(now + config.reservation_ttl_s + 1), run_jobs=False))
    assert await _used(client.app[SERVICES].get().store, reservation.day) == 0


async def test_a_generated_world_spends_its_reservation_so_no_sweep_refunds_it(aiohttp_client, config):
    clock = Clock(time.time())
    client = await aiohttp_client(create_app(config, clock=clock))
    tenant = await make_tenant(client)
    resp = await client.post("/v1/worlds", json={"premise": "a salt marsh at low tide", "size": 5},
                             headers=bearer(tenant.sk))
    assert resp.status == 201
    day = metering.utc_day(clock.now)
    clock.now += config.reservation_ttl_s * 10
    services = client.app[SERVICES].get()
    assert await services.jobs.sweep() == 0
    assert (await services.store.meter.usage(tenant.app_id, "test", day))["generation"] == 1


async def test_spend_refund_and_late_spend_keep_usage_exact(config):
    now = time.time()
    store = await _store_with_app(config, now)
    try:
        spent = await metering.reserve(store.meter, APP, "test", "generation", CAPS, now, ttl=60)
        refunded = await metering.reserve(store.meter, APP, "test", "generation", CAPS, now, ttl=60)
        late = await metering.reserve(store.meter, APP, "test", "generation", CAPS, now, ttl=60)
        assert await _used(store, spent.day) == 3
        await store.meter.spend(spent)
        await store.meter.spend(spent)  # twice is a no-op
        await store.meter.refund(refunded)
        await store.meter.refund(refunded)  # twice is a no-op
        await store.meter.refund(spent)  # a spent one stays spent
        assert await _used(store, spent.day) == 2
        assert await store.meter.refund_expired(now + 61) == 1  # `late` expired while its work ran
        assert await _used(store, spent.day) == 1
        await store.meter.spend(late)  # …and then finished after all: its unit is charged again
        assert await _used(store, spent.day) == 2
        assert await store.meter.refund_expired(now + 120) == 0
        assert await _used(store, spent.day) == 2
    finally:
        await store.close()


# -- window B: the world and its Idempotency-Key record commit together ---------------------------------

async def test_world_and_idempotency_record_commit_in_one_transaction(config):
    now = time.time()
    store = await _store_with_app(config, now)
    claim = await store.idempotency.claim(APP, "test", "create-1", "fp", now, 3600, 120)
    assert claim.state == "new" and claim.owner
    reservation = Reservation(APP, "test", metering.utc_day(now), "generation", 1, id="r1", expires_at=now + 60)
    assert await store.meter.reserve(reservation, 5)
    finish = IdemFinish(APP, "test", "create-1", claim.owner, 201, render=_render)
    created = await store.worlds.create(_world(now), spend=reservation, finish=finish)
    await store.close()  # the process dies before the request's own code runs again

    store = await _open(config)
    try:
        retry = await store.idempotency.claim(APP, "test", "create-1", "fp", now + 1, 3600, 120)
        assert retry.state == "replay" and retry.status == 201 and retry.body == _render(created)
        assert await store.meter.refund_expired(now + 3600) == 0  # spent with the world
        assert await _used(store, reservation.day) == 1
        worlds = await store.worlds.page(APP, "test", None, 10, None)
        assert [w.id for w in worlds] == [created.id]
    finally:
        await store.close()


async def test_fork_and_job_complete_their_idempotency_record_in_their_transaction(client, tenant):
    src = (await (await client.post("/v1/worlds", json={"name": "src"}, headers=bearer(tenant.sk))).json())["worldId"]
    store = client.app[SERVICES].get().store.idempotency
    for path, body, status in ((f"/v1/worlds/{src}/forks", None, 201),
                               ("/v1/worlds", {"premise": "a quarry at dawn", "async": True}, 202)):
        headers = bearer(tenant.sk, **{"Idempotency-Key": f"once-{status}"})
        calls = []
        real = store.finish

        async def counted(*args, real=real, calls=calls, **kwargs):
            calls.append(args)
            await real(*args, **kwargs)

        store.finish = counted  # the separate, after-the-fact transaction must not be needed
        try:
            first = await client.post(path, json=body, headers=headers)
            again = await client.post(path, json=body, headers=headers)
        finally:
            del store.finish
        assert first.status == again.status == status
        assert again.headers["Idempotent-Replayed"] == "true" and await again.json() == await first.json()
        assert calls == []


async def test_a_request_whose_claim_was_taken_over_saves_nothing(config):
    now = time.time()
    store = await _store_with_app(config, now)
    try:
        slow = await store.idempotency.claim(APP, "test", "k", "fp", now, 3600, 120)
        retry = await store.idempotency.claim(APP, "test", "k", "fp", now + 121, 3600, 120)  # lock ran out
        assert retry.state == "new" and retry.owner != slow.owner
        reservation = Reservation(APP, "test", metering.utc_day(now), "generation", 1, id="r2", expires_at=now + 60)
        assert await store.meter.reserve(reservation, 5)
        world = _world(now)
        with pytest.raises(Conflict):
            await store.worlds.create(world, spend=reservation,
                                     finish=IdemFinish(APP, "test", "k", slow.owner, 201, render=_render))
        assert await store.worlds.load(world.meta.id) is None  # rolled back whole: no world, reservation unspent
        await store.meter.refund(reservation)
        assert await _used(store, reservation.day) == 0
        await store.idempotency.release(APP, "test", "k", owner=slow.owner)  # not the holder: no effect
        assert (await store.idempotency.claim(APP, "test", "k", "fp", now + 122, 3600, 120)).state == "in_flight"
        await store.idempotency.finish(APP, "test", "k", 201, b"{}", owner=retry.owner)
        assert (await store.idempotency.claim(APP, "test", "k", "fp", now + 123, 3600, 120)).state == "replay"
    finally:
        await store.close()


async def test_a_queued_job_and_its_idempotency_record_commit_together(config):
    now = time.time()
    store = await _store_with_app(config, now)
    try:
        claim = await store.idempotency.claim(APP, "test", "job-1", "fp", now, 3600, 120)
        job = JobRecord(str(uuid.uuid4()), APP, "test", "queued", "queued", 0.0, {"premise": "x"},
                        Reservation(APP, "test", metering.utc_day(now), "generation", 1), None, None, 0, now, now)
        body = msgspec.json.encode({"jobId": job.id})
        assert await store.jobs.create(job, 5, finish=IdemFinish(APP, "test", "job-1", claim.owner, 202, body=body))
        replay = await store.idempotency.claim(APP, "test", "job-1", "fp", now + 1, 3600, 120)
        assert (replay.state, replay.status, replay.body) == ("replay", 202, body)
    finally:
        await store.close()
