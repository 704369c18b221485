"""Versions: snapshot, tree + HEAD, get, rename, delete, diff, checkout — and content-addressed storage."""

from __future__ import annotations

import sqlite3
import time
import uuid

import msgspec

from smworld.shell.services.documents import new_world
from smworld.shell.services.snapshots import materialize, resolve_version, snapshot_records
from smworld.shell.store.sqlite import SQLiteStore

from .conftest import bearer, create_world, make_tenant

ROOM = "a small square room with whitewashed walls"


async def _snapshot(client, key, world_id, **body):
    resp = await client.post(f"/v1/worlds/{world_id}/versions", json=body, headers=bearer(key))
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def _add_state(client, key, world_id, state_id):
    resp = await client.post(f"/v1/worlds/{world_id}/states", json={"id": state_id, "base": ROOM},
                             headers=bearer(key))
    assert resp.status == 201, await resp.text()


async def test_snapshot_list_get_and_head(client, tenant):
    world_id = await create_world(client, tenant.sk)
    first = await _snapshot(client, tenant.sk, world_id, title="start")
    assert first["version"]["parentVersionId"] is None and first["version"]["source"] == "snapshot"
    assert first["version"]["title"] == "start" and first["versionId"] == first["version"]["id"]
    await _add_state(client, tenant.sk, world_id, "annex")
    second = await _snapshot(client, tenant.sk, world_id)
    assert second["version"]["parentVersionId"] == first["versionId"]
    tree = await (await client.get(f"/v1/worlds/{world_id}/versions", headers=bearer(tenant.pk))).json()
    assert [v["id"] for v in tree["versions"]] == [first["versionId"], second["versionId"]]
    assert tree["head"] == second["versionId"]
    got = await (await client.get(f"/v1/worlds/{world_id}/versions/{first['versionId']}",
                                  headers=bearer(tenant.pk))).json()
    assert set(got) >= {"id", "parentVersionId", "title", "source", "created_at", "snapshot"}
    assert "annex" not in got["snapshot"]["scene"]["states"]
    got = await (await client.get(f"/v1/worlds/{world_id}/versions/{second['versionId']}",
                                  headers=bearer(tenant.pk))).json()
    world = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.pk))).json()
    assert got["snapshot"]["scene"] == world["scene"]
    assert (await client.get(f"/v1/worlds/{world_id}/versions/nope", headers=bearer(tenant.pk))).status == 404
    # snapshots do not advance rev
    assert world["rev"] == "2"


async def test_branching_off_an_old_parent_keeps_head(client, tenant):
    world_id = await create_world(client, tenant.sk)
    root = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    await _add_state(client, tenant.sk, world_id, "annex")
    tip = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    branch = await _snapshot(client, tenant.sk, world_id, parentVersionId=root, title="branch", source="experiment")
    assert branch["version"]["parentVersionId"] == root and branch["version"]["source"] == "experiment"
    tree = await (await client.get(f"/v1/worlds/{world_id}/versions", headers=bearer(tenant.sk))).json()
    assert tree["head"] == tip
    resp = await client.post(f"/v1/worlds/{world_id}/versions", json={"parentVersionId": "nope"},
                             headers=bearer(tenant.sk))
    assert resp.status == 404
    resp = await client.post(f"/v1/worlds/{world_id}/versions", json={"tag": "x"}, headers=bearer(tenant.sk))
    assert resp.status == 422


async def test_rename_and_delete(client, tenant):
    world_id = await create_world(client, tenant.sk)
    root = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    await _add_state(client, tenant.sk, world_id, "annex")
    middle = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    await _add_state(client, tenant.sk, world_id, "cellar_two")
    tip = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    resp = await client.patch(f"/v1/worlds/{world_id}/versions/{middle}", json={"title": "renamed"},
                              headers=bearer(tenant.sk))
    assert await resp.json() == {"ok": True, "versionId": middle, "title": "renamed"}
    assert (await client.patch(f"/v1/worlds/{world_id}/versions/nope", json={"title": "x"},
                               headers=bearer(tenant.sk))).status == 404
    resp = await client.delete(f"/v1/worlds/{world_id}/versions/{tip}", headers=bearer(tenant.sk))
    assert resp.status == 409 and "HEAD" in (await resp.json())["detail"]
    resp = await client.delete(f"/v1/worlds/{world_id}/versions/{middle}", headers=bearer(tenant.sk))
    assert await resp.json() == {"ok": True, "deleted": middle}
    tree = await (await client.get(f"/v1/worlds/{world_id}/versions", headers=bearer(tenant.sk))).json()
    assert [(v["id"], v["parentVersionId"]) for v in tree["versions"]] == [(root, None), (tip, root)]
    # the re-parented child still reads in full (its delta was based on the deleted version)
    got = await (await client.get(f"/v1/worlds/{world_id}/versions/{tip}", headers=bearer(tenant.sk))).json()
    assert {"annex", "cellar_two"} <= set(got["snapshot"]["scene"]["states"])
    assert (await client.delete(f"/v1/worlds/{world_id}/versions/{middle}", headers=bearer(tenant.sk))).status == 404


async def test_diff(client, tenant):
    world_id = await create_world(client, tenant.sk)
    a = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    await _add_state(client, tenant.sk, world_id, "annex")
    b = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    resp = await client.get(f"/v1/worlds/{world_id}/versions/{a}/diff/{b}", headers=bearer(tenant.pk))
    assert resp.status == 200
    changes = await resp.json()
    assert changes["a"] == a and changes["b"] == b
    assert changes["states"]["added"] == ["annex"] and changes["states"]["removed"] == []
    back = await (await client.get(f"/v1/worlds/{world_id}/versions/{b}/diff/{a}?detail=1",
                                   headers=bearer(tenant.pk))).json()
    assert back["states"]["removed"] == ["annex"]
    assert (await client.get(f"/v1/worlds/{world_id}/versions/{a}/diff/nope", headers=bearer(tenant.pk))).status == 404
    assert (await client.get(f"/v1/worlds/{world_id}/versions/{a}/diff/{b}?detail=maybe",
                             headers=bearer(tenant.pk))).status == 400


async def test_checkout_restores_moves_head_and_advances_rev(client, tenant):
    world_id = await create_world(client, tenant.sk)
    a = (await _snapshot(client, tenant.sk, world_id))["versionId"]
    await _add_state(client, tenant.sk, world_id, "annex")
    await _snapshot(client, tenant.sk, world_id)
    resp = await client.post(f"/v1/worlds/{world_id}/checkout", json={"versionId": a},
                             headers=bearer(tenant.sk, **{"If-Match": '"1"'}))
    assert resp.status == 412 and (await resp.json())["rev"] == "2"
    resp = await client.post(f"/v1/worlds/{world_id}/checkout", json={"versionId": a},
                             headers=bearer(tenant.sk, **{"If-Match": '"2"'}))
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["rev"] == "3" and body["head"] == a and resp.headers["ETag"] == '"3"'
    assert "annex" not in body["world"]["scene"]["states"]
    world = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).json()
    assert "annex" not in world["scene"]["states"] and world["rev"] == "3"
    # a later save branches off the checked-out version
    c = await _snapshot(client, tenant.sk, world_id)
    assert c["version"]["parentVersionId"] == a
    tree = await (await client.get(f"/v1/worlds/{world_id}/versions", headers=bearer(tenant.sk))).json()
    assert tree["head"] == c["versionId"]
    resp = await client.post(f"/v1/worlds/{world_id}/checkout", json={"versionId": "nope"}, headers=bearer(tenant.sk))
    assert resp.status == 404
    assert (await client.post(f"/v1/worlds/{world_id}/checkout", json={}, headers=bearer(tenant.sk))).status == 422


async def test_versions_are_tenant_isolated(client):
    alice, bob = await make_tenant(client, "alice"), await make_tenant(client, "bob")
    world_id = await create_world(client, alice.sk)
    vid = (await _snapshot(client, alice.sk, world_id))["versionId"]
    for method, path in (("GET", "versions"), ("GET", f"versions/{vid}"), ("POST", "versions"),
                         ("DELETE", f"versions/{vid}"), ("GET", f"versions/{vid}/diff/{vid}")):
        for key in (bob.sk, alice.sk_live):
            resp = await client.request(method, f"/v1/worlds/{world_id}/{path}", headers=bearer(key))
            assert resp.status == 404, (method, path)
    assert (await client.post(f"/v1/worlds/{world_id}/versions", headers=bearer(alice.pk))).status == 403


def _big_world(states: int) -> dict:
    return {
        "name": "Big",
        "entrance": {"state": "room_0"},
        "scene": {
            "states": {
                f"room_{i}": {
                    "base": f"room {i}: a long gallery of pale limestone arches under a vaulted ceiling, "
                            f"lit by tall windows; dust drifts through slanted beams over worn flagstones ({i})",
                    "camera": {"static": "wide shot from the doorway", "dynamic": "slow dolly forward"},
                }
                for i in range(states)
            },
            "events": [
                {"name": f"go {i}", "kind": "transition", "from": [f"room_{i}"], "to": f"room_{i + 1}",
                 "base": "walking through the arch"}
                for i in range(0, states - 1, 10)
            ],
        },
    }


async def test_thousand_one_state_apart_snapshots_share_storage(tmp_path):
    """1,000 snapshots of a 1,000-state world, each one state apart, cost well under 10× one snapshot."""
    store = SQLiteStore(tmp_path / "versions.db", synchronous="normal")
    await store.open()
    try:
        world = _big_world(1000)
        one_snapshot = len(msgspec.json.encode(world))
        world_id = str(uuid.uuid4())
        now = time.time()
        await store.worlds.create(new_world({**world, "id": world_id}, app_id="app", mode="test",
                                            visibility="private", now=now))
        parent, parent_contents = None, None
        for n in range(1000):
            states = dict(world["scene"]["states"])
            key = f"room_{n}"
            states[key] = {**states[key], "base": states[key]["base"] + f" — revision {n}"}
            world = {**world, "scene": {**world["scene"], "states": states}}
            version, objects = snapshot_records(world, world_id, version_id=str(uuid.uuid4()), parent=parent,
                                                source="snapshot", title=None, created_at=now,
                                                parent_contents=parent_contents)
            await store.versions.add(version, objects, move_head_from=parent)
            parent = version.id
            parent_contents = await resolve_version(store.versions, world_id, parent)
        restored = await materialize(store.versions, world_id, parent)
        assert restored == world
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "versions.db") as db:
        stored = db.execute(
            "SELECT (SELECT SUM(LENGTH(manifest)) FROM versions) + (SELECT SUM(LENGTH(body)) FROM objects)"
        ).fetchone()[0]
        count = db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
    assert count == 1000
    ratio = stored / one_snapshot
    print(f"1,000 snapshots: {stored} bytes = {ratio:.2f}× one snapshot ({one_snapshot} bytes)")
    assert ratio < 5
