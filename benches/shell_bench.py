"""Shell benchmarks through real HTTP: scene reads vs a bare aiohttp handler, and concurrent writes.

``python -m benches --only shell [--json]``

- ``scene GET``: requests/s of ``GET /v1/worlds/{id}/scene`` of a generated world (500 states by
  default) through the whole shell — auth, rate limit, store read, access check, encode — against a
  bare aiohttp handler that returns the same bytes: the framework's ceiling. The ratio (ours/bare
  requests per second) is the share of that ceiling the shell keeps; the target is 0.6. Both
  servers run side by side and are measured in alternating rounds (best round of each), so a
  noisy neighbour on a shared machine hits both alike.
- ``scene GET, If-None-Match``: the same read by a client that already holds the current ETag (304).
- ``writes``: single-op writes (``PATCH …/states/{id}``) from 16 concurrent clients, on one world
  (writers serialize on its rev) and on 16 worlds; throughput, p50 and p99 latency, with the
  durable default (``synchronous=full``) and with ``synchronous=normal``.
- ``writes, 10,000 states``: the same single-op write on one large generated world (~14 MB stored)
  from 4 clients, a bounded number of requests: what a write costs when the document is big (the
  decode it may skip, the encode it cannot).

Server and load generator share one process and event loop, so absolute numbers are a floor and
the client's own cost is in both sides of the ratio.
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from smworld.kernel.generate import generate
from smworld.shell.app import create_app
from smworld.shell.auth import mint_user_token
from smworld.shell.config import Config, RateLimit

from .harness import Row

__all__ = ["shell_rows"]

SECRET = "bench-secret-0123456789abcdef-0123456789"
PREMISE = "a drowned cathedral city under a green winter sky"
CLIENTS = 16
SCENE_TARGET = 0.6
WRITE_WORLD_SIZE = 50
BIG_WORLD_SIZE = 10_000
BIG_CLIENTS = 4
BIG_WRITES = 120


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def _load(total: int, clients: int, request: Callable[[int], Awaitable[int]]) -> tuple[float, list[float]]:
    """Run ``total`` requests from ``clients`` workers; (wall seconds, per-request latencies)."""
    latencies: list[float] = []
    counter = iter(range(total))

    async def worker() -> None:
        for n in counter:
            start = time.perf_counter()
            status = await request(n)
            latencies.append(time.perf_counter() - start)
            if status >= 400:
                raise RuntimeError(f"benchmark request failed with {status}")

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.perf_counter() - start, latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _tenant(session: aiohttp.ClientSession, url: str) -> str:
    """A fresh app and a live secret key (live mode: the rate limit is off in this config)."""
    token = mint_user_token(SECRET, "bench", 3600, time.time())
    auth = {"Authorization": f"Bearer {token}"}
    async with session.post(f"{url}/v1/apps", json={"name": "bench"}, headers=auth) as r:
        app_id = (await r.json())["id"]
    async with session.post(f"{url}/v1/apps/{app_id}/keys", json={"kind": "secret", "mode": "live"},
                            headers=auth) as r:
        return str((await r.json())["key"])


async def _register(session: aiohttp.ClientSession, url: str, key: str, world: dict[str, Any]) -> str:
    async with session.post(f"{url}/v1/worlds", json={"world": world},
                            headers={"Authorization": f"Bearer {key}"}) as r:
        if r.status != 201:
            raise RuntimeError(f"could not register the benchmark world: {r.status} {await r.text()}")
        return str((await r.json())["worldId"])


def _get(session: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> Callable[[int], Awaitable[int]]:
    async def get(_: int) -> int:
        async with session.get(url, headers=headers) as resp:
            await resp.read()
            return resp.status

    return get


async def _scene_rows(session: aiohttp.ClientSession, url: str, key: str, size: int, requests: int,
                      rounds: int) -> list[Row]:
    world_id = await _register(session, url, key, generate(PREMISE, seed=1, size=size))
    headers = {"Authorization": f"Bearer {key}"}
    scene_url = f"{url}/v1/worlds/{world_id}/scene"
    async with session.get(scene_url, headers=headers) as r:
        body = await r.read()
        etag = r.headers["ETag"]

    bare = web.Application()

    async def same_bytes(_: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json", charset="utf-8")

    bare.router.add_get("/scene", same_bytes)
    bare_runner, bare_url = await _serve(bare)
    cached = {**headers, "If-None-Match": etag}
    ours = _get(session, scene_url, headers)
    conditional = _get(session, scene_url, cached)
    peer = _get(session, f"{bare_url}/scene", {})
    best = {"ours": float("inf"), "304": float("inf"), "bare": float("inf")}
    try:
        for run in (ours, peer, conditional):  # warm up connections, caches and code paths
            await _load(CLIENTS * 4, CLIENTS, run)
        for _ in range(rounds):
            for name, run in (("bare", peer), ("ours", ours), ("304", conditional)):
                wall, _ = await _load(requests, CLIENTS, run)
                best[name] = min(best[name], wall)
    finally:
        await bare_runner.cleanup()
    rps = {name: requests / wall for name, wall in best.items()}
    kib = len(body) / 1024
    return [
        Row(f"shell: scene GET ({size} states, {kib:,.0f} KiB)", best["ours"] / requests,
            "bare aiohttp, same bytes", best["bare"] / requests, SCENE_TARGET,
            f"{rps['ours']:,.0f} req/s vs {rps['bare']:,.0f} req/s = {rps['ours'] / rps['bare']:.2f} of bare"),
        Row(f"shell: scene GET, If-None-Match → 304 ({size} states)", best["304"] / requests,
            "bare aiohttp, same bytes", best["bare"] / requests, None, f"{rps['304']:,.0f} req/s"),
    ]


async def _write_rows(session: aiohttp.ClientSession, url: str, key: str, requests: int,
                      synchronous: str) -> list[Row]:
    world = generate(PREMISE, seed=1, size=WRITE_WORLD_SIZE)
    worlds = [await _register(session, url, key, world) for _ in range(CLIENTS)]
    state = next(iter(world["scene"]["states"]))
    headers = {"Authorization": f"Bearer {key}"}
    rows = []
    for label, targets in (("one world", worlds[:1]), ("16 worlds", worlds)):
        writes = max(200, requests // 4)

        async def write(n: int, targets: list[str] = targets) -> int:
            world_id = targets[n % len(targets)]
            patch = {"ambient": [f"a drip of water, beat {n}"]}
            async with session.patch(f"{url}/v1/worlds/{world_id}/states/{state}", json=patch,
                                     headers=headers) as resp:
                await resp.read()
                return resp.status

        wall, latencies = await _load(writes, CLIENTS, write)
        rows.append(Row(
            f"shell: single-op writes ({WRITE_WORLD_SIZE} states), 16 clients, {label}, synchronous={synchronous}",
            wall / writes, None, None, None,
            f"{writes / wall:,.0f} writes/s, p50 {_pct(latencies, 0.5) * 1e3:.1f} ms, "
            f"p99 {_pct(latencies, 0.99) * 1e3:.1f} ms",
        ))
    return rows


async def _big_write_rows(session: aiohttp.ClientSession, url: str, key: str, synchronous: str) -> list[Row]:
    world = generate(PREMISE, seed=1, size=BIG_WORLD_SIZE)
    world_id = await _register(session, url, key, world)
    state = next(iter(world["scene"]["states"]))
    headers = {"Authorization": f"Bearer {key}"}
    target = f"{url}/v1/worlds/{world_id}/states/{state}"

    async def write(n: int) -> int:
        async with session.patch(target, json={"ambient": [f"a drip of water, beat {n}"]}, headers=headers) as resp:
            await resp.read()
            return resp.status

    await _load(BIG_CLIENTS, BIG_CLIENTS, write)  # warm up
    wall, latencies = await _load(BIG_WRITES, BIG_CLIENTS, write)
    return [Row(
        f"shell: single-op writes ({BIG_WORLD_SIZE:,} states), {BIG_CLIENTS} clients, one world, "
        f"synchronous={synchronous}",
        wall / BIG_WRITES, None, None, None,
        f"{BIG_WRITES / wall:,.1f} writes/s, p50 {_pct(latencies, 0.5) * 1e3:.1f} ms, "
        f"p99 {_pct(latencies, 0.99) * 1e3:.1f} ms",
    )]


async def _rows(requests: int, size: int, rounds: int, synchronous: str, scene: bool) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(db=Path(tmp) / "bench.db", jwt_secret=SECRET, rate_live=RateLimit(0.0, 0),
                        sqlite_synchronous=synchronous,  # type: ignore[arg-type]
                        max_body_bytes=64 * 1024 * 1024)  # room to register the 10,000-state world
        runner, url = await _serve(create_app(config))
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CLIENTS * 2)) as session:
                key = await _tenant(session, url)
                if scene:
                    rows += await _scene_rows(session, url, key, size, requests, rounds)
                rows += await _write_rows(session, url, key, requests, synchronous)
                if scene:
                    rows += await _big_write_rows(session, url, key, synchronous)
        finally:
            await runner.cleanup()
    return rows


def shell_rows(requests: int = 2000, size: int = 500, rounds: int = 3) -> list[Row]:
    """Scene reads and writes with the default (durable) store, then writes with ``synchronous=normal``
    (no fsync per commit: survives process crashes, not power loss)."""
    durable = asyncio.run(_rows(requests, size, rounds, "full", scene=True))
    relaxed = asyncio.run(_rows(requests, size, rounds, "normal", scene=False))
    return durable + relaxed
