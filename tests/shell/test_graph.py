"""Graph editing: reads, single-op REST writes, batches, validate/lint, rev + ETag + If-Match."""

from __future__ import annotations

from smworld.shell.app import create_app

from .conftest import bearer, create_world, make_tenant, small_world

ATTIC = {"id": "attic", "base": "a dusty attic under slanted timber beams"}


async def _scene(client, key, world_id):
    resp = await client.get(f"/v1/worlds/{world_id}/scene", headers=bearer(key))
    assert resp.status == 200
    return await resp.json(), resp.headers["ETag"]


async def test_scene_and_alias_carry_rev_and_etag(client, tenant):
    doc = small_world()
    world_id = await create_world(client, tenant.sk, doc)
    scene, etag = await _scene(client, tenant.pk, world_id)
    assert etag == '"1"' and scene["rev"] == "1"
    assert scene["states"] == doc["scene"]["states"] and scene["events"] == doc["scene"]["events"]
    assert scene["entrance"] == doc["entrance"]
    alias = await (await client.get(f"/v1/worlds/{world_id}/graph", headers=bearer(tenant.pk))).json()
    assert alias == scene


async def test_state_crud(client, tenant):
    world_id = await create_world(client, tenant.sk)
    resp = await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    assert resp.status == 201, await resp.text()
    result = await resp.json()
    assert set(result) >= {"world", "diagnostics", "applyErrors", "rev", "schemaVersion"}
    assert result["rev"] == "2" and resp.headers["ETag"] == '"2"'
    assert result["world"]["scene"]["states"]["attic"]["base"] == ATTIC["base"]
    resp = await client.get(f"/v1/worlds/{world_id}/states/attic", headers=bearer(tenant.pk))
    assert await resp.json() == {"id": "attic", "state": {"base": ATTIC["base"]}}
    states = await (await client.get(f"/v1/worlds/{world_id}/states", headers=bearer(tenant.pk))).json()
    assert "attic" in states["states"]
    # a partial state, and the {patch} form
    resp = await client.patch(f"/v1/worlds/{world_id}/states/attic", json={"ambient": ["dust motes in a sunbeam"]},
                              headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    resp = await client.patch(f"/v1/worlds/{world_id}/states/attic",
                              json={"patch": {"base": "a bare attic under slanted beams"}}, headers=bearer(tenant.sk))
    state = (await resp.json())["world"]["scene"]["states"]["attic"]
    assert state == {"base": "a bare attic under slanted beams", "ambient": ["dust motes in a sunbeam"]}
    resp = await client.delete(f"/v1/worlds/{world_id}/states/attic", headers=bearer(tenant.sk))
    assert resp.status == 200 and (await resp.json())["rev"] == "5"
    assert (await client.get(f"/v1/worlds/{world_id}/states/attic", headers=bearer(tenant.pk))).status == 404


async def test_single_op_that_cannot_apply_answers_its_status_and_changes_nothing(client, tenant):
    world_id = await create_world(client, tenant.sk)
    await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    before, _ = await _scene(client, tenant.sk, world_id)
    resp = await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    assert resp.status == 400
    body = await resp.json()
    assert "already exists" in body["detail"] and body["applyErrors"][0]["status"] == 400
    resp = await client.patch(f"/v1/worlds/{world_id}/states/ghost", json={"base": "x y z"}, headers=bearer(tenant.sk))
    assert resp.status == 404
    resp = await client.delete(f"/v1/worlds/{world_id}/events/ghost", headers=bearer(tenant.sk))
    assert resp.status == 404
    after, _ = await _scene(client, tenant.sk, world_id)
    assert after == before


async def test_delete_state_is_strict(client, tenant):
    doc = small_world()
    world_id = await create_world(client, tenant.sk, doc)
    entrance = doc["entrance"]["state"]
    resp = await client.delete(f"/v1/worlds/{world_id}/states/{entrance}", headers=bearer(tenant.sk))
    assert resp.status == 400 and "entrance" in (await resp.json())["detail"]
    referenced = next(s for s in doc["scene"]["states"] if s != entrance
                      and any(e.get("to") == s or s in e["from"] for e in doc["scene"]["events"]))
    resp = await client.delete(f"/v1/worlds/{world_id}/states/{referenced}", headers=bearer(tenant.sk))
    assert resp.status == 400 and "detach" in (await resp.json())["detail"]
    assert (await client.delete(f"/v1/worlds/{world_id}/states/nope", headers=bearer(tenant.sk))).status == 404
    scene, _ = await _scene(client, tenant.sk, world_id)
    assert scene["rev"] == "1"


async def test_event_crud_and_entrance(client, tenant):
    doc = small_world()
    world_id = await create_world(client, tenant.sk, doc)
    entrance = doc["entrance"]["state"]
    await client.post(f"/v1/worlds/{world_id}/states", json=ATTIC, headers=bearer(tenant.sk))
    await client.patch(f"/v1/worlds/{world_id}/states/attic", json={"ending": {"kind": "win", "title": "Up"}},
                       headers=bearer(tenant.sk))
    event = {"name": "climb to the attic", "kind": "transition", "from": [entrance], "to": "attic",
             "base": "a hand pulls down a folding ladder"}
    resp = await client.post(f"/v1/worlds/{world_id}/events", json=event, headers=bearer(tenant.sk))
    assert resp.status == 201, await resp.text()
    resp = await client.get(f"/v1/worlds/{world_id}/events/climb to the attic", headers=bearer(tenant.pk))
    assert resp.status == 200 and (await resp.json())["event"]["to"] == "attic"
    resp = await client.patch(f"/v1/worlds/{world_id}/events/climb to the attic", json={"hotkey": "u"},
                              headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    events = await (await client.get(f"/v1/worlds/{world_id}/events", headers=bearer(tenant.pk))).json()
    assert next(e for e in events["events"] if e["name"] == "climb to the attic")["hotkey"] == "u"
    resp = await client.post(f"/v1/worlds/{world_id}/events", json={**event, "from": ["nowhere"], "name": "n"},
                             headers=bearer(tenant.sk))
    assert resp.status == 404
    resp = await client.patch(f"/v1/worlds/{world_id}/entrance", json={"state": "ghost"}, headers=bearer(tenant.sk))
    assert resp.status == 404
    resp = await client.patch(f"/v1/worlds/{world_id}/entrance",
                              json={"state": entrance, "image": {"src": "https://x.test/seed.png"}},
                              headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["world"]["entrance"]["image"]["src"] == "https://x.test/seed.png"
    resp = await client.delete(f"/v1/worlds/{world_id}/events/climb to the attic", headers=bearer(tenant.sk))
    assert resp.status == 200
    assert (await client.get(f"/v1/worlds/{world_id}/events/climb to the attic",
                             headers=bearer(tenant.pk))).status == 404


async def test_ops_batch(client, tenant):
    world_id = await create_world(client, tenant.sk)
    ops = [{"op": "add_state", **ATTIC}, {"op": "update_state", "id": "ghost", "patch": {"base": "x"}}]
    resp = await client.post(f"/v1/worlds/{world_id}/ops", json={"ops": ops}, headers=bearer(tenant.sk))
    assert resp.status == 200, await resp.text()
    result = await resp.json()
    assert result["rev"] == "2"
    assert [(e["index"], e["op"], e["status"]) for e in result["applyErrors"]] == [(1, "update_state", 404)]
    for body in ({"ops": []}, {"ops": [{"op": "set_hotkey"}]}, {"ops": "x"}, {}, {"ops": [1]}, {"ops": [], "x": 1}):
        resp = await client.post(f"/v1/worlds/{world_id}/ops", json=body, headers=bearer(tenant.sk))
        assert resp.status == 400, body
        assert (await resp.json())["detail"]
    scene, _ = await _scene(client, tenant.sk, world_id)
    # an ending on a state with outgoing transitions: the op applies, the gate refuses the result
    bad = [{"op": "set_state_ending", "state": scene["entrance"]["state"], "kind": "win", "title": "Too soon"}]
    resp = await client.post(f"/v1/worlds/{world_id}/ops", json={"ops": bad}, headers=bearer(tenant.sk))
    assert resp.status == 422
    body = await resp.json()
    assert any(d["severity"] == "error" for d in body["diagnostics"]) and "applyErrors" in body
    after, etag = await _scene(client, tenant.sk, world_id)
    assert etag == '"2"' and after == scene


async def test_if_match(client, tenant):
    world_id = await create_world(client, tenant.sk)
    url = f"/v1/worlds/{world_id}/states"
    for n, tag in enumerate(('"1"', "2", '"3"', "*")):
        resp = await client.post(url, json={"id": f"room_{n}", "base": "a small square room with white walls"},
                                 headers=bearer(tenant.sk, **{"If-Match": tag}))
        assert resp.status == 201, (tag, await resp.text())
    resp = await client.post(url, json={"id": "late", "base": "a late room with grey walls"},
                             headers=bearer(tenant.sk, **{"If-Match": '"3"'}))
    assert resp.status == 412
    body = await resp.json()
    assert body["rev"] == "5"
    assert body["detail"] == "world changed since rev 3; it is now rev 5 — reload and retry"
    resp = await client.post(url, json={"id": "late", "base": "a late room with grey walls"},
                             headers=bearer(tenant.sk, **{"If-Match": "banana"}))
    assert resp.status == 400 and "If-Match" in (await resp.json())["detail"]
    scene, _ = await _scene(client, tenant.sk, world_id)
    assert "late" not in scene["states"] and scene["rev"] == "5"


async def test_validate_and_lint(client, tenant):
    doc = small_world()
    world_id = await create_world(client, tenant.sk, doc)
    resp = await client.post(f"/v1/worlds/{world_id}/validate", headers=bearer(tenant.pk))
    assert resp.status == 200
    body = await resp.json()
    assert body["ok"] is True and body["world"]["scene"] == doc["scene"]
    broken = small_world()
    broken["scene"]["events"].append({"name": "leap", "kind": "transition",
                                      "from": [broken["entrance"]["state"]], "to": "the_void"})
    resp = await client.post(f"/v1/worlds/{world_id}/validate", json={"world": broken}, headers=bearer(tenant.sk))
    assert resp.status == 422
    assert (await resp.json())["diagnostics"]
    resp = await client.post(f"/v1/worlds/{world_id}/lint", json={"world": broken}, headers=bearer(tenant.sk))
    assert resp.status == 200
    linted = await resp.json()
    assert linted["ok"] is False and linted["diagnostics"] and "promptBudget" in linted
    resp = await client.post(f"/v1/worlds/{world_id}/lint", headers=bearer(tenant.sk))
    assert (await resp.json())["ok"] is True
    for body in ([], {"world": 3}, {"wrld": {}}):
        resp = await client.post(f"/v1/worlds/{world_id}/validate", json=body, headers=bearer(tenant.sk))
        assert resp.status in (400, 422), body
    scene, _ = await _scene(client, tenant.sk, world_id)
    assert scene["rev"] == "1"


async def test_writes_need_the_owner_and_a_secret_key(client):
    alice, bob = await make_tenant(client, "alice"), await make_tenant(client, "bob")
    public = await create_world(client, alice.sk, visibility="public")
    private = await create_world(client, alice.sk)
    url = "/v1/worlds/{}/states"
    resp = await client.post(url.format(private), json=ATTIC, headers=bearer(alice.pk))
    assert resp.status == 403 and "worlds:write" in (await resp.json())["detail"]
    assert (await client.post(url.format(private), json=ATTIC, headers=bearer(bob.sk))).status == 404
    assert (await client.post(url.format(public), json=ATTIC, headers=bearer(bob.sk))).status == 403
    assert (await client.post(url.format(private), json=ATTIC, headers=bearer(alice.sk_live))).status == 404
    assert (await client.get(f"/v1/worlds/{public}/scene", headers=bearer(bob.pk))).status == 200
    assert (await client.get(f"/v1/worlds/{private}/scene", headers=bearer(bob.pk))).status == 404


EVENT_NAMES = ["look / listen", "café/crème brûlée", "100% sure?", "a#b", "a%2Fb", "/lead", "trail/", "a//b",
               " spaced ", "..", "東/西"]


async def test_events_are_addressed_by_any_name_percent_encoded(client, tenant):
    from urllib.parse import quote

    from yarl import URL

    doc = small_world()
    world_id = await create_world(client, tenant.sk, doc)
    entrance = doc["entrance"]["state"]
    other = next(s for s in doc["scene"]["states"] if s != entrance)

    def url(name: str) -> URL:  # sent exactly as encoded: a client must not re-normalize the segment
        segment = quote(name, safe="")
        if set(name) == {"."}:  # `.` and `..` are path steps unless encoded
            segment = "%2E" * len(name)
        base = str(client.make_url("/")).rstrip("/")
        return URL(f"{base}/v1/worlds/{world_id}/events/{segment}", encoded=True)

    for name in EVENT_NAMES:
        event = {"name": name, "kind": "transition", "from": [entrance], "to": other,
                 "base": "a short walk over wet stones"}
        resp = await client.post(f"/v1/worlds/{world_id}/events", json=event, headers=bearer(tenant.sk))
        assert resp.status == 201, (name, await resp.text())
        resp = await client.session.get(url(name), headers=bearer(tenant.pk))
        assert resp.status == 200, name
        assert (await resp.json())["event"]["name"] == name
        resp = await client.session.patch(url(name), json={"hotkey": "z"}, headers=bearer(tenant.sk))
        assert resp.status == 200, (name, await resp.text())
        found = next(e for e in (await resp.json())["world"]["scene"]["events"] if e["name"] == name)
        assert found["hotkey"] == "z"
        resp = await client.session.delete(url(name), headers=bearer(tenant.sk))
        assert resp.status == 200, (name, await resp.text())
        assert (await client.session.get(url(name), headers=bearer(tenant.pk))).status == 404
    # a `/` that arrives unencoded still reaches the event of that name
    event = {"name": "up/down", "kind": "transition", "from": [entrance], "to": other, "base": "a steep stair"}
    assert (await client.post(f"/v1/worlds/{world_id}/events", json=event, headers=bearer(tenant.sk))).status == 201
    resp = await client.get(f"/v1/worlds/{world_id}/events/up/down", headers=bearer(tenant.pk))
    assert resp.status == 200 and (await resp.json())["event"]["name"] == "up/down"
    assert (await client.get(f"/v1/worlds/{world_id}/events/up", headers=bearer(tenant.pk))).status == 404


async def test_an_empty_if_match_is_400_naming_the_header(client, tenant):
    world_id = await create_world(client, tenant.sk)
    for tag in ("", '""', " , "):
        resp = await client.post(f"/v1/worlds/{world_id}/states", json={"id": "attic", "base": "a dusty attic"},
                                 headers=bearer(tenant.sk, **{"If-Match": tag}))
        assert resp.status == 400, (tag, await resp.text())
        assert (await resp.json())["detail"].startswith("If-Match:")
    scene, etag = await _scene(client, tenant.sk, world_id)
    assert "attic" not in scene["states"] and etag == '"1"'


async def test_what_a_write_stores_is_what_a_fresh_server_reads_back(aiohttp_client, config, client, tenant):
    """Batches that reuse ids (a rename into a freed id, a state deleted and added again) and the writes
    after them: a second server over the same file, with nothing cached, reads the very same world."""
    world_id = await create_world(client, tenant.sk)
    ops = f"/v1/worlds/{world_id}/ops"
    room = "a plain square room with grey walls"
    batches = [
        [{"op": "add_state", "id": name, "base": room} for name in ("den", "loft", "cellar")],
        [{"op": "delete_state", "id": "den"}, {"op": "add_state", "id": "den", "base": "a den with a low ceiling"}],
        [{"op": "add_state", "id": "porch", "base": "a porch under a tin roof"}],
        [{"op": "update_state", "id": "loft", "patch": {"base": "a loft full of hay bales"}}],
        [{"op": "rename_state", "from": "cellar", "to": "wine_cellar"},
         {"op": "add_state", "id": "cellar", "base": "a coal cellar"}],
    ]
    for batch in batches:
        resp = await client.post(ops, json={"ops": batch}, headers=bearer(tenant.sk, Prefer="return=minimal"))
        assert resp.status == 200, await resp.text()
    cached = await (await client.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).json()
    fresh = await aiohttp_client(create_app(config))
    stored = await (await fresh.get(f"/v1/worlds/{world_id}", headers=bearer(tenant.sk))).json()
    assert stored == cached
    assert list(stored["scene"]["states"])[-5:] == ["loft", "wine_cellar", "den", "porch", "cellar"]
