"""A database made by the previous release (whole documents in ``worlds.doc``) opens, is migrated
on start, and loses nothing: every world reads back the same and can be written again."""

from __future__ import annotations

import sqlite3
import time

import msgspec

from smworld.shell.app import create_app
from smworld.shell.auth import mint_key
from smworld.shell.store.sqlite.migrations import MIGRATIONS

from .conftest import bearer, small_world

WORLD_ID = "0b9c5d2e-4f6a-4b8c-9d0e-1f2a3b4c5d6e"
BROKEN_ID = "1c9c5d2e-4f6a-4b8c-9d0e-1f2a3b4c5d6e"


def _previous_release(path, world: dict, key_hash: str) -> None:
    """The schema and rows the previous release wrote (migrations 1 and 2, documents whole)."""
    conn = sqlite3.connect(path)
    for number, step in MIGRATIONS[:2]:
        assert isinstance(step, str)
        conn.executescript(step)
        conn.execute(f"PRAGMA user_version={number}")
    now = time.time()
    conn.execute("INSERT INTO apps (id, owner, name, caps, created_at) VALUES ('app_old', 'alice', 'old', "
                 "'{\"edit\": 5}', ?)", (now,))
    conn.execute("INSERT INTO api_keys (id, app_id, hash, prefix, kind, mode, scopes, name, created_at) VALUES "
                 "('key_old', 'app_old', ?, 'sk_test_xxx', 'secret', 'test', "
                 "'[\"worlds:read\", \"worlds:write\"]', NULL, ?)", (key_hash, now))
    for world_id, doc in ((WORLD_ID, msgspec.json.encode({**world, "id": WORLD_ID})),
                          (BROKEN_ID, b'{"id": "x", "name": "kept whole", "scene": "not an object"}')):
        conn.execute(
            "INSERT INTO worlds (id, app_id, mode, name, description, cover, visibility, slug, rev, head, doc,"
            " created_at, updated_at, meta_rev) VALUES (?, 'app_old', 'test', 'Cellar', '', NULL, 'private', ?, 7,"
            " NULL, ?, ?, ?, 2)", (world_id, f"cellar-{world_id[:8]}", doc, now, now))
    conn.commit()
    conn.close()


async def test_a_database_of_the_previous_release_is_migrated_with_nothing_lost(aiohttp_client, config):
    world = small_world(size=8)
    key, key_hash, _ = mint_key("secret", "test")
    _previous_release(config.db, world, key_hash)
    client = await aiohttp_client(create_app(config))

    resp = await client.get(f"/v1/worlds/{WORLD_ID}", headers=bearer(key))
    assert resp.status == 200, await resp.text()
    assert resp.headers["ETag"] == '"7.2"'
    body = await resp.json()
    assert {k: body[k] for k in world} == world
    assert body["id"] == WORLD_ID and body["rev"] == "7"

    broken = await (await client.get(f"/v1/worlds/{BROKEN_ID}", headers=bearer(key))).json()
    assert broken["scene"] == "not an object" and broken["name"] == "kept whole"

    state_id = world["entrance"]["state"]
    resp = await client.patch(f"/v1/worlds/{WORLD_ID}/states/{state_id}", json={"base": "a drier cellar"},
                              headers=bearer(key, **{"If-Match": '"7"'}))
    assert resp.status == 200, await resp.text()
    scene = await (await client.get(f"/v1/worlds/{WORLD_ID}/scene", headers=bearer(key))).json()
    assert scene["states"][state_id]["base"] == "a drier cellar" and scene["rev"] == "8"
    assert {k: v for k, v in scene["states"].items() if k != state_id} == {
        k: v for k, v in world["scene"]["states"].items() if k != state_id}

    conn = sqlite3.connect(config.db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert "doc" not in {row[1] for row in conn.execute("PRAGMA table_info(worlds)")}
    assert conn.execute("SELECT COUNT(*) FROM world_states WHERE world_id = ?", (WORLD_ID,)).fetchone()[0] == len(
        world["scene"]["states"])
    conn.close()
