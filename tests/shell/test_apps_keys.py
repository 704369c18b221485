"""Apps and API keys (user session), and how every credential is judged (401 vs 403)."""

from __future__ import annotations

import time

from smworld.shell.auth import mint_user_token

from .conftest import SECRET, bearer, create_world, make_tenant, user_token


async def test_create_and_list_apps_only_the_callers(client):
    alice, bob = user_token("alice"), user_token("bob")
    resp = await client.post("/v1/apps", json={"name": "Alpha"}, headers=bearer(alice))
    assert resp.status == 201
    app = await resp.json()
    assert set(app) >= {"id", "name", "created_at"} and app["name"] == "Alpha"
    await client.post("/v1/apps", json={"name": "Bravo"}, headers=bearer(bob))
    listed = await (await client.get("/v1/apps", headers=bearer(alice))).json()
    assert [a["name"] for a in listed["apps"]] == ["Alpha"]
    assert (await client.get(f"/v1/apps/{app['id']}", headers=bearer(bob))).status == 404
    assert (await client.get(f"/v1/apps/{app['id']}/keys", headers=bearer(bob))).status == 404


async def test_create_app_refuses_bad_bodies(client):
    alice = user_token("alice")
    for body, status in (({}, 422), ({"name": ""}, 422), ({"name": "x", "color": "red"}, 422), ([], 422)):
        resp = await client.post("/v1/apps", json=body, headers=bearer(alice))
        assert resp.status == status, body
        assert (await resp.json())["detail"]
    resp = await client.post("/v1/apps", data=b"{nope", headers=bearer(alice))
    assert resp.status == 400 and "malformed JSON" in (await resp.json())["detail"]
    resp = await client.post("/v1/apps", json={"name": "x", "caps": {"gpu": 1}}, headers=bearer(alice))
    assert resp.status == 422 and "gpu" in (await resp.json())["detail"]


async def test_mint_key_shows_plaintext_once_and_stores_a_prefix(client):
    tenant = await make_tenant(client)
    resp = await client.post(f"/v1/apps/{tenant.app_id}/keys", json={"kind": "secret", "mode": "test", "name": "ci"},
                             headers=bearer(tenant.token))
    minted = await resp.json()
    assert resp.status == 201
    assert minted["key"].startswith("sk_test_") and minted["prefix"].startswith("sk_test_")
    assert minted["scopes"] == ["worlds:read", "worlds:write", "sessions:mint", "usage:read"]
    listed = (await (await client.get(f"/v1/apps/{tenant.app_id}/keys", headers=bearer(tenant.token))).json())["keys"]
    assert len(listed) == 5
    assert all("key" not in k for k in listed)
    assert all(minted["key"] not in str(k) for k in listed)
    row = next(k for k in listed if k["id"] == minted["id"])
    assert row["name"] == "ci" and row["revoked_at"] is None and row["last_used_at"] is None


async def test_publishable_keys_hold_read_only(client):
    tenant = await make_tenant(client)
    url = f"/v1/apps/{tenant.app_id}/keys"
    resp = await client.post(url, json={"kind": "publishable", "mode": "test"}, headers=bearer(tenant.token))
    assert (await resp.json())["scopes"] == ["worlds:read"]
    resp = await client.post(url, json={"kind": "publishable", "mode": "test", "scopes": ["worlds:write"]},
                             headers=bearer(tenant.token))
    assert resp.status == 400 and "worlds:write" in (await resp.json())["detail"]
    resp = await client.post(url, json={"kind": "secret", "mode": "test", "scopes": ["worlds:fly"]},
                             headers=bearer(tenant.token))
    assert resp.status == 400
    resp = await client.post(url, json={"kind": "secret", "mode": "prod"}, headers=bearer(tenant.token))
    assert resp.status == 422 and "mode" in (await resp.json())["detail"]


async def test_revoked_key_answers_401_at_once_and_last_used_is_recorded(client):
    tenant = await make_tenant(client)
    assert (await client.get("/v1/worlds", headers=bearer(tenant.sk))).status == 200
    keys = (await (await client.get(f"/v1/apps/{tenant.app_id}/keys", headers=bearer(tenant.token))).json())["keys"]
    sk_row = next(k for k in keys if tenant.sk.startswith(k["prefix"].rstrip("…")) and k["kind"] == "secret"
                  and k["mode"] == "test")
    for _ in range(50):  # last_used_at is written off the request path
        keys = (await (await client.get(f"/v1/apps/{tenant.app_id}/keys", headers=bearer(tenant.token))).json())
        if next(k for k in keys["keys"] if k["id"] == sk_row["id"])["last_used_at"]:
            break
    else:
        raise AssertionError("last_used_at never recorded")
    resp = await client.delete(f"/v1/apps/{tenant.app_id}/keys/{sk_row['id']}", headers=bearer(tenant.token))
    assert await resp.json() == {"ok": True, "revoked": sk_row["id"]}
    resp = await client.get("/v1/worlds", headers=bearer(tenant.sk))
    assert resp.status == 401 and "revoked" in (await resp.json())["detail"]
    resp = await client.delete(f"/v1/apps/{tenant.app_id}/keys/key_nope", headers=bearer(tenant.token))
    assert resp.status == 404


async def test_credentials_401_and_403(client):
    tenant = await make_tenant(client)
    cases = [
        ({}, "/v1/worlds", 401),
        ({"Authorization": "Basic abc"}, "/v1/worlds", 401),
        (bearer("sk_test_" + "x" * 43), "/v1/worlds", 401),
        (bearer("not-a-key"), "/v1/worlds", 401),
        (bearer(tenant.token), "/v1/worlds", 401),  # a user JWT is not an API key
        (bearer(tenant.sk), "/v1/apps", 401),  # an API key is not a user session
        (bearer(mint_user_token("wrong-secret-0123456789abcdef-0123456789", "alice", 60, time.time())), "/v1/apps",
         401),
        (bearer(mint_user_token(SECRET, "alice", 60, time.time() - 3600)), "/v1/apps", 401),
        (bearer(tenant.pk), "/v1/usage", 403),
    ]
    for headers, path, status in cases:
        resp = await client.get(path, headers=headers)
        assert resp.status == status, (headers, path, await resp.text())
        body = await resp.json()
        assert body["detail"] and body["schemaVersion"] == "1.0"
    resp = await client.get("/v1/usage", headers=bearer(tenant.pk))
    assert "usage:read" in (await resp.json())["detail"]


async def test_scoped_secret_key_gets_403_naming_the_scope(client):
    tenant = await make_tenant(client)
    resp = await client.post(f"/v1/apps/{tenant.app_id}/keys",
                             json={"kind": "secret", "mode": "test", "scopes": ["worlds:read"]},
                             headers=bearer(tenant.token))
    reader = (await resp.json())["key"]
    resp = await client.post("/v1/worlds", json={"name": "x"}, headers=bearer(reader))
    assert resp.status == 403 and "worlds:write" in (await resp.json())["detail"]
    world_id = await create_world(client, tenant.sk)
    assert (await client.get(f"/v1/worlds/{world_id}", headers=bearer(reader))).status == 200


async def test_app_caps_are_settable_through_the_api(client):
    tenant = await make_tenant(client)
    resp = await client.patch(f"/v1/apps/{tenant.app_id}", json={"caps": {"generation": 3}},
                              headers=bearer(tenant.token))
    assert resp.status == 200 and (await resp.json())["caps"]["generation"] == 3
    usage = await (await client.get("/v1/usage", headers=bearer(tenant.sk))).json()
    assert usage["caps"]["generation"] == 3
    resp = await client.patch(f"/v1/apps/{tenant.app_id}", json={"caps": {"generation": -1}},
                              headers=bearer(tenant.token))
    assert resp.status == 422


async def test_apps_are_listed_a_page_at_a_time(client):
    token = user_token("pager")
    made = []
    for n in range(5):
        resp = await client.post("/v1/apps", json={"name": f"app {n}"}, headers=bearer(token))
        made.append((await resp.json())["id"])
    seen, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = await (await client.get(f"/v1/apps{query}", headers=bearer(token))).json()
        assert len(page["apps"]) <= 2
        seen += [app["id"] for app in page["apps"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert seen == made  # oldest first, each once
    for bad in ("?limit=0", "?limit=101", "?cursor=not-a-cursor"):
        resp = await client.get(f"/v1/apps{bad}", headers=bearer(token))
        assert resp.status == 400 and (await resp.json())["errors"]


async def test_deleting_an_app_takes_its_keys_and_worlds_with_it(client):
    tenant = await make_tenant(client, user="leaver")
    world = await create_world(client, tenant.sk)
    other = await make_tenant(client, user="stayer")
    resp = await client.delete(f"/v1/apps/{tenant.app_id}", headers=bearer(other.token))
    assert resp.status == 404  # another user's app does not exist for them
    resp = await client.delete(f"/v1/apps/{tenant.app_id}", headers=bearer(tenant.token))
    assert resp.status == 200 and await resp.json() == {"ok": True, "deleted": tenant.app_id}
    assert (await client.get(f"/v1/worlds/{world}", headers=bearer(tenant.sk))).status == 401  # its keys are gone
    assert (await client.get(f"/v1/apps/{tenant.app_id}", headers=bearer(tenant.token))).status == 404
    assert (await client.delete(f"/v1/apps/{tenant.app_id}", headers=bearer(tenant.token))).status == 404
    assert (await client.get("/v1/worlds", headers=bearer(other.sk))).status == 200  # others untouched
