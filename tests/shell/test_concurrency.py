"""Concurrent writers on one world: every acknowledged write survives, stale ones get 412."""

from __future__ import annotations

import asyncio

from .conftest import bearer, create_world

WRITERS, WRITES = 8, 50


async def test_eight_writers_fifty_writes_with_if_match_retry(client, tenant):
    world_id = await create_world(client, tenant.sk)
    acknowledged: list[str] = []
    statuses: list[int] = []

    async def writer(w: int) -> None:
        for n in range(WRITES):
            state_id = f"w{w}_n{n}"
            while True:
                scene = await client.get(f"/v1/worlds/{world_id}/scene", headers=bearer(tenant.sk))
                etag = scene.headers["ETag"]
                resp = await client.post(
                    f"/v1/worlds/{world_id}/states",
                    json={"id": state_id, "base": "a narrow corridor of grey stone"},
                    headers=bearer(tenant.sk, **{"If-Match": etag}),
                )
                statuses.append(resp.status)
                if resp.status == 201:
                    acknowledged.append(state_id)
                    break
                assert resp.status == 412, await resp.text()
                body = await resp.json()
                assert int(body["rev"]) > int(etag.strip('"'))

    await asyncio.gather(*(writer(w) for w in range(WRITERS)))
    assert len(acknowledged) == WRITERS * WRITES
    scene = await (await client.get(f"/v1/worlds/{world_id}/scene", headers=bearer(tenant.sk))).json()
    assert set(acknowledged) <= set(scene["states"])
    assert scene["rev"] == str(1 + WRITERS * WRITES)
    assert set(statuses) <= {201, 412}
    print(f"{len(statuses)} attempts for {len(acknowledged)} writes")


async def test_concurrent_writes_without_if_match_all_land(client, tenant):
    world_id = await create_world(client, tenant.sk)
    responses = await asyncio.gather(*(
        client.post(f"/v1/worlds/{world_id}/states", json={"id": f"room_{n}", "base": "a quiet white room"},
                    headers=bearer(tenant.sk))
        for n in range(40)
    ))
    assert [r.status for r in responses] == [201] * 40
    revs = sorted([int((await r.json())["rev"]) for r in responses])
    assert revs == list(range(2, 42))
    scene = await (await client.get(f"/v1/worlds/{world_id}/scene", headers=bearer(tenant.sk))).json()
    assert {f"room_{n}" for n in range(40)} <= set(scene["states"])


async def test_two_writes_with_the_same_if_match_exactly_one_wins(client, tenant):
    world_id = await create_world(client, tenant.sk)
    for round_ in range(5):
        scene = await client.get(f"/v1/worlds/{world_id}/scene", headers=bearer(tenant.sk))
        etag = scene.headers["ETag"]
        a, b = await asyncio.gather(*(
            client.post(f"/v1/worlds/{world_id}/states", json={"id": f"r{round_}_{side}", "base": "a bare room"},
                        headers=bearer(tenant.sk, **{"If-Match": etag}))
            for side in ("a", "b")
        ))
        assert sorted((a.status, b.status)) == [201, 412]


async def test_concurrent_metadata_patches_all_land_in_the_document(client, tenant):
    """Each PATCH rewrites the metadata copy inside the stored document in its own transaction, so
    concurrent PATCHes of different fields (and graph writes beside them) never undo one another."""
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}"
    for round_ in range(5):
        name, description, cover = f"Name {round_}", f"Description {round_}", f"https://x.test/{round_}.png"
        responses = await asyncio.gather(
            client.patch(url, json={"name": name}, headers=bearer(tenant.sk)),
            client.patch(url, json={"description": description}, headers=bearer(tenant.sk)),
            client.patch(url, json={"cover": cover}, headers=bearer(tenant.sk)),
            client.post(f"{url}/states", json={"id": f"room_{round_}", "base": "a bare room"},
                        headers=bearer(tenant.sk)),
        )
        assert [r.status for r in responses] == [200, 200, 200, 201]
        world = await (await client.get(url, headers=bearer(tenant.sk))).json()
        assert (world["name"], world["description"], world["cover"]) == (name, description, cover)
        assert {f"room_{n}" for n in range(round_ + 1)} <= set(world["scene"]["states"])
        assert world["rev"] == str(2 + round_)


async def test_checkout_beside_a_metadata_patch_keeps_both(client, tenant):
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}"
    version = (await (await client.post(f"{url}/versions", json={}, headers=bearer(tenant.sk))).json())["versionId"]
    for round_ in range(5):
        name = f"Name {round_}"
        checkout, patch = await asyncio.gather(
            client.post(f"{url}/checkout", json={"versionId": version}, headers=bearer(tenant.sk)),
            client.patch(url, json={"name": name}, headers=bearer(tenant.sk)),
        )
        assert (checkout.status, patch.status) == (200, 200), await checkout.text()
        world = await (await client.get(url, headers=bearer(tenant.sk))).json()
        assert world["name"] == name and world["rev"] == str(2 + round_)
