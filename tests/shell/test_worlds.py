"""Worlds: create (empty, registered, generated), list, get, patch, delete, fork — and who sees what."""

from __future__ import annotations

import asyncio

from .conftest import bearer, create_world, make_tenant, small_world


async def test_create_empty_world_from_a_name(client, tenant):
    resp = await client.post("/v1/worlds", json={"name": "Blank slate"}, headers=bearer(tenant.sk))
    assert resp.status == 201
    created = await resp.json()
    assert created["status"] == "succeeded" and created["schemaVersion"] == "1.0"
    assert created["slug"].startswith("blank-slate-")
    world = await (await client.get(f"/v1/worlds/{created['worldId']}", headers=bearer(tenant.sk))).json()
    assert world["name"] == "Blank slate" and world["scene"] == {"states": {}, "events": []}
    assert world["rev"] == "1" and world["visibility"] == "private" and world["id"] == created["worldId"]


async def test_register_a_world_keeps_unknown_fields(client, tenant):
    doc = small_world()
    doc["music"] = {"track": "rain.ogg"}
    first = next(iter(doc["scene"]["states"]))
    doc["scene"]["states"][first]["hudLine"] = "keep me"
    world_id = await create_world(client, tenant.sk, doc)
    resp = await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))
    world = await resp.json()
    assert resp.headers["ETag"] == '"1"'
    assert world["music"] == {"track": "rain.ogg"}
    assert world["scene"]["states"][first]["hudLine"] == "keep me"
    assert world["scene"]["events"] == doc["scene"]["events"]


async def test_register_refuses_broken_worlds(client, tenant):
    resp = await client.post("/v1/worlds", json={"world": {"scene": {"states": []}}}, headers=bearer(tenant.sk))
    assert resp.status == 422
    body = await resp.json()
    assert "scene" in body["detail"] and body["errors"]
    broken = small_world()
    broken["scene"]["events"].append({"name": "nowhere", "kind": "transition",
                                      "from": [next(iter(broken["scene"]["states"]))], "to": "missing_state"})
    resp = await client.post("/v1/worlds", json={"world": broken}, headers=bearer(tenant.sk))
    assert resp.status == 422
    body = await resp.json()
    assert body["diagnostics"] and all(set(d) >= {"lint", "severity", "path", "message"} for d in body["diagnostics"])
    assert (await (await client.get("/v1/worlds", headers=bearer(tenant.sk))).json())["worlds"] == []


async def test_create_needs_something_to_create(client, tenant):
    for body in ({}, {"async": True}, {"world": small_world(), "premise": "both"}, {"premise": "x", "colour": 1},
                 {"premise": "x", "size": 2}, {"name": 5}):
        resp = await client.post("/v1/worlds", json=body, headers=bearer(tenant.sk))
        assert resp.status == 422, body
        assert (await resp.json())["detail"]


async def test_generate_sync_charges_one_generation(client, tenant):
    resp = await client.post("/v1/worlds", json={"premise": "a lighthouse at the edge of a storm", "size": 6},
                             headers=bearer(tenant.sk))
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    world = await (await client.get(f"/v1/worlds/{created['worldId']}", headers=bearer(tenant.sk))).json()
    assert len(world["scene"]["states"]) >= 5
    usage = await (await client.get("/v1/usage", headers=bearer(tenant.sk))).json()
    assert usage["usage"]["generation"] == 1
    tree = await (await client.get(f"/v1/worlds/{created['worldId']}/versions", headers=bearer(tenant.sk))).json()
    assert [v["source"] for v in tree["versions"]] == ["generation"] and tree["head"] == tree["versions"][0]["id"]


async def test_generate_with_a_seed_frame_sets_the_entrance_image(client, tenant):
    resp = await client.post("/v1/worlds", json={"premise": "a harbour at dusk", "frame_url": "https://x.test/f.png"},
                             headers=bearer(tenant.sk))
    assert resp.status == 201, await resp.text()
    world = await (await client.get(f"/v1/worlds/{(await resp.json())['worldId']}", headers=bearer(tenant.sk))).json()
    assert world["entrance"]["image"]["src"] == "https://x.test/f.png"
    resp = await client.post("/v1/worlds", json={"frame_b64": "!!!not base64"}, headers=bearer(tenant.sk))
    assert resp.status == 422


async def test_async_generation_is_a_job(client, tenant):
    resp = await client.post("/v1/worlds", json={"premise": "a desert observatory", "async": True},
                             headers=bearer(tenant.sk))
    assert resp.status == 202
    queued = await resp.json()
    assert queued["status"] == "queued" and queued["schemaVersion"] == "1.0"
    for _ in range(200):
        job = await (await client.get(f"/v1/jobs/{queued['jobId']}", headers=bearer(tenant.pk))).json()
        assert job["status"] in ("queued", "running", "succeeded")
        assert 0.0 <= job["progress"] <= 1.0
        if job["status"] == "succeeded":
            break
        await asyncio.sleep(0.02)
    assert job["status"] == "succeeded" and job["progress"] == 1.0 and job["phase"] == "done"
    world = await client.get(f"/v1/worlds/{job['worldId']}", headers=bearer(tenant.sk))
    assert world.status == 200
    versions = await (await client.get(f"/v1/worlds/{job['worldId']}/versions", headers=bearer(tenant.sk))).json()
    assert [v["source"] for v in versions["versions"]] == ["generation"]
    other = await make_tenant(client, "bob")
    assert (await client.get(f"/v1/jobs/{queued['jobId']}", headers=bearer(other.sk))).status == 404
    assert (await client.get(f"/v1/jobs/{queued['jobId']}", headers=bearer(tenant.sk_live))).status == 404
    assert (await client.get("/v1/jobs/nope", headers=bearer(tenant.sk))).status == 404


async def test_list_is_keyset_paginated_newest_first(client, tenant):
    ids = []
    for n in range(7):
        resp = await client.post("/v1/worlds", json={"name": f"w{n}", "visibility": "public" if n % 2 else "private"},
                                 headers=bearer(tenant.sk))
        ids.append((await resp.json())["worldId"])
    seen, cursor = [], None
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = await (await client.get("/v1/worlds", params=query, headers=bearer(tenant.pk))).json()
        assert len(page["worlds"]) <= 3
        seen += [w["id"] for w in page["worlds"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]
    item = page["worlds"][-1]
    assert set(item) == {"id", "name", "description", "cover", "visibility", "slug", "updated_at"}
    public = await (await client.get("/v1/worlds?visibility=public", headers=bearer(tenant.sk))).json()
    assert [w["name"] for w in public["worlds"]] == ["w5", "w3", "w1"]
    for query in ("limit=0", "limit=101", "limit=x", "visibility=secret", "cursor=%%%", "cursor=abc"):
        resp = await client.get(f"/v1/worlds?{query}", headers=bearer(tenant.sk))
        assert resp.status == 400, query
        assert (await resp.json())["detail"]


async def test_patch_metadata_does_not_change_rev(client, tenant):
    world_id = await create_world(client, tenant.sk)
    resp = await client.patch(f"/v1/worlds/{world_id}",
                              json={"name": "Renamed", "description": "d", "cover": "https://x.test/c.png",
                                    "visibility": "public"},
                              headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    meta = await resp.json()
    assert meta["name"] == "Renamed" and meta["visibility"] == "public" and meta["cover"] == "https://x.test/c.png"
    assert meta["schemaVersion"] == "1.0"
    world = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).json()
    assert world["rev"] == "1" and world["name"] == "Renamed" and world["cover"] == "https://x.test/c.png"
    resp = await client.patch(f"/v1/worlds/{world_id}", json={"cover": None}, headers=bearer(tenant.sk))
    assert (await resp.json())["cover"] is None
    for body in ({"visibility": "secret"}, {"rev": "9"}, {"name": ""}):
        assert (await client.patch(f"/v1/worlds/{world_id}", json=body, headers=bearer(tenant.sk))).status == 422
    assert (await client.patch(f"/v1/worlds/{world_id}", json={"name": "x"}, headers=bearer(tenant.pk))).status == 403


async def test_delete_removes_world_and_versions(client, tenant):
    world_id = await create_world(client, tenant.sk)
    await client.post(f"/v1/worlds/{world_id}/versions", json={}, headers=bearer(tenant.sk))
    resp = await client.delete(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))
    assert await resp.json() == {"ok": True, "deleted": world_id}
    assert (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).status == 404
    assert (await client.get(f"/v1/worlds/{world_id}/versions", headers=bearer(tenant.sk))).status == 404
    assert (await client.delete(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).status == 404


async def test_visibility_across_apps_and_modes(client):
    alice, bob = await make_tenant(client, "alice"), await make_tenant(client, "bob")
    private = await create_world(client, alice.sk)
    public = await create_world(client, alice.sk, visibility="public")
    unlisted = await create_world(client, alice.sk, visibility="unlisted")
    live_public = await create_world(client, alice.sk_live, visibility="public")
    assert (await client.get(f"/v1/worlds/{private}", headers=bearer(bob.sk))).status == 404
    assert (await client.get(f"/v1/worlds/{public}", headers=bearer(bob.pk))).status == 200
    assert (await client.get(f"/v1/worlds/{unlisted}", headers=bearer(bob.pk))).status == 200
    assert (await client.get(f"/v1/worlds/{live_public}", headers=bearer(bob.pk))).status == 404
    assert (await client.get(f"/v1/worlds/{live_public}", headers=bearer(bob.pk_live))).status == 200
    assert (await client.get(f"/v1/worlds/{private}", headers=bearer(alice.sk_live))).status == 404
    # readable is not writable
    resp = await client.patch(f"/v1/worlds/{public}", json={"name": "mine"}, headers=bearer(bob.sk))
    assert resp.status == 403 and "fork" in (await resp.json())["detail"]
    assert (await client.delete(f"/v1/worlds/{public}", headers=bearer(bob.sk))).status == 403
    assert (await client.delete(f"/v1/worlds/{private}", headers=bearer(bob.sk))).status == 404
    # lists never mix apps or modes
    assert (await (await client.get("/v1/worlds", headers=bearer(bob.sk))).json())["worlds"] == []
    live = await (await client.get("/v1/worlds", headers=bearer(alice.sk_live))).json()
    assert [w["id"] for w in live["worlds"]] == [live_public]


async def test_fork_own_or_public_into_a_private_world(client):
    alice, bob = await make_tenant(client, "alice"), await make_tenant(client, "bob")
    public = await create_world(client, alice.sk, visibility="public")
    private = await create_world(client, alice.sk)
    resp = await client.post(f"/v1/worlds/{public}/forks", headers=bearer(bob.sk))
    assert resp.status == 201, await resp.text()
    fork_id = (await resp.json())["worldId"]
    fork = await (await client.get(f"/v1/worlds/{fork_id}", headers=bearer(bob.sk))).json()
    source = await (await client.get(f"/v1/worlds/{public}", headers=bearer(bob.sk))).json()
    assert fork["rev"] == "1" and fork["visibility"] == "private" and fork["id"] == fork_id
    assert fork["scene"] == source["scene"]
    versions = await (await client.get(f"/v1/worlds/{fork_id}/versions", headers=bearer(bob.sk))).json()
    assert [v["source"] for v in versions["versions"]] == ["fork"] and versions["head"] == versions["versions"][0]["id"]
    assert (await client.post(f"/v1/worlds/{private}/forks", headers=bearer(bob.sk))).status == 404
    resp = await client.post(f"/v1/worlds/{private}/forks", json={"name": "Mine"}, headers=bearer(alice.sk))
    assert resp.status == 201
    assert (await client.post(f"/v1/worlds/{public}/forks", headers=bearer(bob.pk))).status == 403


async def test_list_refuses_cursors_and_limits_it_never_issued(client, tenant):
    """A forged cursor holding a huge number once reached SQLite and answered 500."""
    import base64

    def cursor(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    for query in (f"cursor={cursor('s' + '9' * 30)}", f"cursor={cursor('s-1')}", f"cursor={cursor('s 5')}",
                  "limit=1_0", "limit=%EF%BC%95", "limit=+5", "limit=0005000"):
        resp = await client.get(f"/v1/worlds?{query}", headers=bearer(tenant.sk))
        assert resp.status == 400, (query, await resp.text())
        body = await resp.json()
        assert body["detail"].split(":")[0] in ("cursor", "limit") and body["errors"], body
    assert (await client.get(f"/v1/worlds?cursor={cursor('s5')}", headers=bearer(tenant.sk))).status == 200
