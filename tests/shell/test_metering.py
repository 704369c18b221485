"""Usage, daily caps with reservations, Idempotency-Key, and per-key rate limits."""

from __future__ import annotations

import asyncio

from smworld.shell.app import create_app
from smworld.shell.config import RateLimit

from .conftest import bearer, make_tenant

PREMISE = {"premise": "a salt marsh at low tide", "size": 5}


async def _set_cap(client, tenant, kind, cap):
    resp = await client.patch(f"/v1/apps/{tenant.app_id}", json={"caps": {kind: cap}}, headers=bearer(tenant.token))
    assert resp.status == 200


async def _usage(client, key):
    resp = await client.get("/v1/usage", headers=bearer(key))
    assert resp.status == 200
    return await resp.json()


async def test_usage_shape(client, tenant):
    usage = await _usage(client, tenant.sk)
    assert set(usage) == {"day", "usage", "caps"}
    assert set(usage["usage"]) == {"generation", "session", "session_seconds", "edit", "say", "tts"}
    assert all(v == 0 for v in usage["usage"].values())
    assert len(usage["day"]) == 10


async def test_over_cap_is_402_and_charges_nothing(client, tenant):
    await _set_cap(client, tenant, "generation", 1)
    assert (await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))).status == 201
    resp = await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))
    assert resp.status == 402 and "quota" in (await resp.json())["detail"]
    resp = await client.post("/v1/worlds", json={**PREMISE, "async": True}, headers=bearer(tenant.sk))
    assert resp.status == 402
    assert (await _usage(client, tenant.sk))["usage"]["generation"] == 1
    # test and live are metered apart; registering or creating empty worlds is not generation
    assert (await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk_live))).status == 201
    assert (await client.post("/v1/worlds", json={"name": "free"}, headers=bearer(tenant.sk))).status == 201


async def test_cap_zero_means_unlimited(aiohttp_client, config):
    unlimited = {**config.default_caps, "generation": 0}
    client = await aiohttp_client(create_app(config.replace(default_caps=unlimited)))
    tenant = await make_tenant(client)
    for _ in range(3):
        assert (await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))).status == 201
    assert (await _usage(client, tenant.sk))["usage"]["generation"] == 3
    await _set_cap(client, tenant, "generation", 5)  # under no ceiling, an owner may set any cap
    assert (await _usage(client, tenant.sk))["caps"]["generation"] == 5


async def test_an_owner_may_lower_caps_but_never_lift_the_operators(aiohttp_client, config):
    client = await aiohttp_client(create_app(config.replace(default_caps={**config.default_caps, "generation": 2})))
    tenant = await make_tenant(client)
    for caps in ({"generation": 0}, {"generation": 3}, {"generation": 1000}):
        resp = await client.patch(f"/v1/apps/{tenant.app_id}", json={"caps": caps}, headers=bearer(tenant.token))
        body = await resp.json()
        assert resp.status == 403 and "caps.generation" in body["detail"], body
        assert body["errors"][0].startswith("caps.generation:")
    resp = await client.post("/v1/apps", json={"name": "greedy", "caps": {"generation": 0}},
                             headers=bearer(tenant.token))
    assert resp.status == 403
    await _set_cap(client, tenant, "generation", 1)  # lowering is spend control: allowed
    assert (await _usage(client, tenant.sk))["caps"]["generation"] == 1
    assert (await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))).status == 201
    resp = await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))
    assert resp.status == 402 and (await resp.json())["errors"] == ["caps.generation: 1 per UTC day reached"]


async def test_fifty_concurrent_metered_calls_against_a_cap_of_ten(client, tenant):
    await _set_cap(client, tenant, "generation", 10)
    responses = await asyncio.gather(*(
        client.post("/v1/worlds", json={**PREMISE, "seed": n}, headers=bearer(tenant.sk)) for n in range(50)
    ))
    statuses = sorted(r.status for r in responses)
    assert statuses.count(201) == 10 and statuses.count(402) == 40
    assert (await _usage(client, tenant.sk))["usage"]["generation"] == 10
    listed = await (await client.get("/v1/worlds?limit=100", headers=bearer(tenant.sk))).json()
    assert len(listed["worlds"]) == 10


async def test_failed_generation_refunds(client, tenant, monkeypatch):
    from smworld.shell.services import generation

    def explode(*args, **kwargs):
        raise RuntimeError("generator down")

    monkeypatch.setattr(generation, "generate", explode)
    resp = await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))
    assert resp.status == 422 and "refunded" in (await resp.json())["detail"]
    assert (await _usage(client, tenant.sk))["usage"]["generation"] == 0


async def test_idempotent_replay_mismatch(client, tenant):
    headers = bearer(tenant.sk, **{"Idempotency-Key": "create-1"})
    first = await client.post("/v1/worlds", json=PREMISE, headers=headers)
    assert first.status == 201 and "Idempotent-Replayed" not in first.headers
    again = await client.post("/v1/worlds", json=PREMISE, headers=headers)
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert await again.json() == await first.json()
    other = await client.post("/v1/worlds", json={**PREMISE, "seed": 9}, headers=headers)
    assert other.status == 422 and "Idempotency-Key" in (await other.json())["detail"]
    assert (await _usage(client, tenant.sk))["usage"]["generation"] == 1
    # keys are per app and mode: the same key elsewhere is a new request
    bob = await make_tenant(client, "bob")
    resp = await client.post("/v1/worlds", json=PREMISE, headers=bearer(bob.sk, **{"Idempotency-Key": "create-1"}))
    assert resp.status == 201 and "Idempotent-Replayed" not in resp.headers
    assert (await client.post("/v1/worlds", json=PREMISE,
                              headers=bearer(tenant.sk, **{"Idempotency-Key": "x" * 300}))).status == 400


async def test_twenty_concurrent_creates_with_one_key_make_one_world(client, tenant):
    headers = bearer(tenant.sk, **{"Idempotency-Key": "burst"})
    responses = await asyncio.gather(*(client.post("/v1/worlds", json=PREMISE, headers=headers) for _ in range(20)))
    statuses = [r.status for r in responses]
    assert set(statuses) <= {201, 409}, statuses
    created = {(await r.json())["worldId"] for r in responses if r.status == 201}
    assert len(created) == 1
    conflict = next((r for r in responses if r.status == 409), None)
    if conflict is not None:
        assert "in progress" in (await conflict.json())["detail"]
    assert (await _usage(client, tenant.sk))["usage"]["generation"] == 1
    listed = await (await client.get("/v1/worlds", headers=bearer(tenant.sk))).json()
    assert len(listed["worlds"]) == 1
    replay = await client.post("/v1/worlds", json=PREMISE, headers=headers)
    assert replay.status == 201 and (await replay.json())["worldId"] in created


async def test_idempotent_errors_are_not_kept_when_they_depend_on_the_moment(client, tenant):
    await _set_cap(client, tenant, "generation", 1)
    await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))
    headers = bearer(tenant.sk, **{"Idempotency-Key": "after-cap"})
    assert (await client.post("/v1/worlds", json=PREMISE, headers=headers)).status == 402
    await _set_cap(client, tenant, "generation", 5)
    resp = await client.post("/v1/worlds", json=PREMISE, headers=headers)
    assert resp.status == 201 and "Idempotent-Replayed" not in resp.headers


async def test_fork_honours_idempotency(client, tenant):
    created = await client.post("/v1/worlds", json={"name": "src"}, headers=bearer(tenant.sk))
    world_id = (await created.json())["worldId"]
    headers = bearer(tenant.sk, **{"Idempotency-Key": "fork-1"})
    a = await client.post(f"/v1/worlds/{world_id}/forks", headers=headers)
    b = await client.post(f"/v1/worlds/{world_id}/forks", headers=headers)
    assert a.status == b.status == 201 and (await a.json()) == (await b.json())
    assert b.headers["Idempotent-Replayed"] == "true"


async def test_rate_limit_429_with_headers(aiohttp_client, config):
    client = await aiohttp_client(create_app(config.replace(rate_test=RateLimit(per_second=0.5, burst=3))))
    tenant = await make_tenant(client)
    seen = []
    for _ in range(4):
        resp = await client.get("/v1/worlds", headers=bearer(tenant.sk))
        seen.append(resp)
        assert resp.headers["RateLimit-Limit"] == "3"
        assert "RateLimit-Remaining" in resp.headers and "RateLimit-Reset" in resp.headers
    assert [r.status for r in seen] == [200, 200, 200, 429]
    limited = seen[-1]
    assert int(limited.headers["Retry-After"]) >= 1 and limited.headers["RateLimit-Remaining"] == "0"
    assert "rate limit" in (await limited.json())["detail"]
    # buckets are per key: another key of the same app is unaffected
    assert (await client.get("/v1/worlds", headers=bearer(tenant.pk))).status == 200


async def test_402_names_the_cap_and_the_fix_sync_or_async(client, tenant):
    await _set_cap(client, tenant, "generation", 1)
    assert (await client.post("/v1/worlds", json=PREMISE, headers=bearer(tenant.sk))).status == 201
    bodies = []
    for extra in ({}, {"async": True}):
        resp = await client.post("/v1/worlds", json={**PREMISE, **extra}, headers=bearer(tenant.sk))
        assert resp.status == 402
        bodies.append(await resp.json())
    assert bodies[0] == bodies[1]
    assert bodies[0]["kind"] == "generation" and bodies[0]["cap"] == 1 and "raise the app's cap" in bodies[0]["detail"]
