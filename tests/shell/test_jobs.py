"""Durable generation jobs: a restart re-queues running jobs (or gives up and refunds), never duplicates."""

from __future__ import annotations

import asyncio
import time
import uuid

from smworld.shell.app import create_app
from smworld.shell.auth import mint_key
from smworld.shell.services.documents import new_world
from smworld.shell.services.metering import utc_day
from smworld.shell.store.records import AppRecord, JobRecord, KeyRecord, NewWorld, Reservation
from smworld.shell.store.sqlite import SQLiteStore

from .conftest import bearer


async def _seed(config, attempts: int) -> tuple[str, str, str]:
    """An app, a key and a job left 'running' by a process that died."""
    store = SQLiteStore(config.db)
    await store.open()
    now = time.time()
    app = AppRecord("app_jobs", "owner", "jobs", {}, now)
    await store.apps.create_app(app)
    plaintext, key_hash, prefix = mint_key("secret", "test")
    await store.apps.create_key(KeyRecord("key_jobs", app.id, key_hash, prefix, "secret", "test",
                                     ("worlds:read", "worlds:write", "usage:read"), None, now))
    reservation = Reservation(app.id, "test", utc_day(now), "generation", 1)
    job = JobRecord(str(uuid.uuid4()), app.id, "test", "queued", "queued", 0.0,
                    {"premise": "a quarry at dawn", "size": 5, "visibility": "private"}, reservation, None, None,
                    0, now, now)
    assert await store.jobs.create(job, cap=10)
    claimed = await store.jobs.claim(now)
    assert claimed is not None and claimed.status == "running"
    for _ in range(attempts - 1):  # earlier crashed attempts
        await store.jobs.requeue_running(max_attempts=99, now=now)
        await store.jobs.claim(now)
    await store.close()
    return plaintext, job.id, app.id


async def _poll(client, key, job_id):
    for _ in range(300):
        job = await (await client.get(f"/v1/jobs/{job_id}", headers=bearer(key))).json()
        if job["status"] not in ("queued", "running"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(f"job stuck: {job}")


async def test_a_job_running_at_a_crash_is_requeued_and_finishes_once(aiohttp_client, config):
    key, job_id, _ = await _seed(config, attempts=1)
    client = await aiohttp_client(create_app(config))
    job = await _poll(client, key, job_id)
    assert job["status"] == "succeeded" and job["worldId"]
    worlds = (await (await client.get("/v1/worlds", headers=bearer(key))).json())["worlds"]
    assert [w["id"] for w in worlds] == [job["worldId"]]
    usage = await (await client.get("/v1/usage", headers=bearer(key))).json()
    assert usage["usage"]["generation"] == 1


async def test_a_job_that_keeps_crashing_dies_and_is_refunded(aiohttp_client, config):
    key, job_id, _ = await _seed(config, attempts=config.job_max_attempts)
    client = await aiohttp_client(create_app(config))
    job = await _poll(client, key, job_id)
    assert job["status"] == "dead" and "stopped" in job["error"]
    usage = await (await client.get("/v1/usage", headers=bearer(key))).json()
    assert usage["usage"]["generation"] == 0
    assert (await (await client.get("/v1/worlds", headers=bearer(key))).json())["worlds"] == []


async def test_a_failed_generation_fails_the_job_and_refunds(client, tenant, monkeypatch):
    from smworld.shell.services import generation

    def explode(*args, **kwargs):
        raise RuntimeError("no")

    monkeypatch.setattr(generation, "generate", explode)
    resp = await client.post("/v1/worlds", json={"premise": "a ruined mill", "async": True},
                             headers=bearer(tenant.sk))
    job = await _poll(client, tenant.sk, (await resp.json())["jobId"])
    assert job["status"] == "failed" and "generator" in job["error"]
    usage = await (await client.get("/v1/usage", headers=bearer(tenant.sk))).json()
    assert usage["usage"]["generation"] == 0


async def test_finishing_a_job_twice_creates_one_world(config):
    store = SQLiteStore(config.db)
    await store.open()
    try:
        now = time.time()
        await store.apps.create_app(AppRecord("app_x", "o", "x", {}, now))
        job = JobRecord(str(uuid.uuid4()), "app_x", "test", "queued", "queued", 0.0, {}, None, None, None, 0, now,
                        now)
        await store.jobs.create(job, cap=0)
        await store.jobs.claim(now)

        def world() -> NewWorld:
            doc = {"id": str(uuid.uuid4()), "name": "x", "scene": {"states": {}, "events": []}}
            return new_world(doc, app_id="app_x", mode="test", visibility="private", now=now)

        first, second = world(), world()
        assert await store.jobs.succeed(job.id, first, now)
        assert not await store.jobs.succeed(job.id, second, now)
        assert await store.worlds.load(first.meta.id) is not None and await store.worlds.load(second.meta.id) is None
    finally:
        await store.close()
