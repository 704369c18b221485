"""Crash safety: SIGKILL the server under write load, restart on the same file, lose nothing acknowledged."""

from __future__ import annotations

import asyncio
import sqlite3

import aiohttp

from .conftest import bearer, small_world
from .server import Server, secret_key


async def test_sigkill_during_writes_loses_no_acknowledged_write(tmp_path):
    server = Server(tmp_path / "crash.db")
    await server.start()
    acknowledged: list[str] = []
    versions: list[str] = []
    try:
        async with aiohttp.ClientSession() as session:
            key = await secret_key(server.url, "crash")
            async with session.post(f"{server.url}/v1/worlds", json={"world": small_world()},
                                    headers=bearer(key)) as resp:
                world_id = (await resp.json())["worldId"]
            stop = asyncio.Event()

            async def writer(w: int) -> None:
                n = 0
                while not stop.is_set():
                    state_id = f"w{w}_{n}"
                    try:
                        async with session.post(f"{server.url}/v1/worlds/{world_id}/states",
                                                json={"id": state_id, "base": "a grey stone corridor"},
                                                headers=bearer(key)) as resp:
                            if resp.status == 201:
                                acknowledged.append(state_id)
                            if n % 10 == 0:
                                async with session.post(f"{server.url}/v1/worlds/{world_id}/versions",
                                                        json={}, headers=bearer(key)) as snap:
                                    if snap.status == 201:
                                        versions.append((await snap.json())["versionId"])
                    except (TimeoutError, aiohttp.ClientError):
                        return
                    n += 1

            writers = [asyncio.create_task(writer(w)) for w in range(6)]
            while len(acknowledged) < 60:
                await asyncio.sleep(0.02)
            server.kill()
            stop.set()
            await asyncio.gather(*writers)
    finally:
        if server.process and server.process.poll() is None:
            server.kill()
    assert len(acknowledged) >= 60

    restarted = Server(tmp_path / "crash.db")
    await restarted.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{restarted.url}/v1/worlds/{world_id}/scene", headers=bearer(key)) as resp:
                scene = await resp.json()
            async with session.get(f"{restarted.url}/v1/worlds/{world_id}/versions", headers=bearer(key)) as resp:
                tree = await resp.json()
        assert set(acknowledged) <= set(scene["states"])
        assert int(scene["rev"]) >= 1 + len(acknowledged)
        assert set(versions) <= {v["id"] for v in tree["versions"]}
    finally:
        assert restarted.stop() == 0
    with sqlite3.connect(tmp_path / "crash.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_graceful_shutdown_closes_the_database_cleanly(tmp_path):
    server = Server(tmp_path / "clean.db")
    await server.start()
    async with aiohttp.ClientSession() as session:
        key = await secret_key(server.url, "crash")
        async with session.post(f"{server.url}/v1/worlds", json={"name": "kept"}, headers=bearer(key)) as resp:
            assert resp.status == 201
    assert server.stop() == 0
    assert not (tmp_path / "clean.db-wal").exists() or (tmp_path / "clean.db-wal").stat().st_size == 0
    with sqlite3.connect(tmp_path / "clean.db") as db:
        assert db.execute("SELECT name FROM worlds").fetchall() == [("kept",)]
