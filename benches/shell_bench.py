"""Shell benchmarks through real HTTP: scene reads vs a bare aiohttp handler, durable writes by world
size, and the server's resident memory holding a large world.

``python -m benches --only shell [--quick] [--json]``

- ``scene GET``: requests/s of ``GET /v1/worlds/{id}/scene`` of a generated world (500 states)
  through the whole shell — auth, rate limit, store read, access check, encode — against a bare
  aiohttp handler that returns the same bytes: the framework's ceiling. The ratio (ours/bare
  requests per second) is the share of that ceiling the shell keeps; the target is 0.6. Both
  servers run in this process side by side and are measured in alternating rounds (best round of
  each), so a noisy neighbour on a shared machine hits both alike.
- ``scene GET, If-None-Match``: the same read by a client that already holds the current ETag (304).
- ``single-op durable writes``: ``PATCH /v1/worlds/{id}/states/{stateId}`` (one ``update_state``,
  a one-line change, no ``If-Match``, ``Prefer: return=minimal``) from the same number of
  concurrent clients on one generated world of 50, 1,000 and 10,000 states, ``synchronous=full``
  (an fsync per commit): throughput, p50, p99, mean response size, and how many requests were
  measured (a fixed count, cut short by a time budget on a slow server). The sizes are measured
  in alternating rounds (their sums reported), so a noisy neighbour hits them alike. The 10,000- and
  1,000-state rows are then compared with the 50-state one: ratio = throughput(N) /
  throughput(50); the target at 10,000 states is 0.5 (a write should cost what it changes, not
  what the world weighs). One 50-state row with ``synchronous=normal`` shows the fsync's share.
- ``server RSS``: resident memory (``VmRSS``; peak ``VmHWM``) of the server process before and
  after a 10,000-state world is registered (``POST /v1/worlds``), read once (``GET …/scene``) and
  written once.

The write and memory rows run the server as its own process (``python -m smworld.shell``, one
fresh server and database per world, keys made beforehand with ``smworld admin``), so the load
generator's cost is not the server's and the memory is the server's alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from smworld.kernel.generate import generate
from smworld.shell.app import create_app
from smworld.shell.auth import mint_user_token
from smworld.shell.config import Config, RateLimit
from smworld.shell.store.sqlite import SQLiteStore

from .harness import Row

__all__ = ["shell_rows"]

SECRET = "bench-secret-0123456789abcdef-0123456789"
PREMISE = "a drowned cathedral city under a green winter sky"
SCENE_CLIENTS = 16
SCENE_SIZE = 500
SCENE_TARGET = 0.6
WRITE_CLIENTS = 8
WRITE_SIZES = (50, 1_000, 10_000)
BASE_SIZE = 50
BIG_SIZE = 10_000
WRITE_TARGET = 0.5
MAX_BODY = 64 * 1024 * 1024  # room to register the 10,000-state world


@dataclass(frozen=True)
class Plan:
    """How much to measure: ``full`` for ``make bench``, ``quick`` while developing."""

    scene_requests: int
    scene_rounds: int
    writes: dict[int, int]
    """Requests per world size, over all rounds (fewer if the time budget cuts them short)."""
    write_budget_s: float
    """Per world size, over all rounds."""
    write_rounds: int


FULL = Plan(scene_requests=2000, scene_rounds=3, writes={50: 1200, 1_000: 600, 10_000: 150},
            write_budget_s=30.0, write_rounds=3)
QUICK = Plan(scene_requests=300, scene_rounds=1, writes={50: 200, 1_000: 80, 10_000: 30},
             write_budget_s=8.0, write_rounds=1)


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Load:
    wall_s: float
    latencies: list[float]
    response_bytes: int

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.count / self.wall_s

    def note(self) -> str:
        return (f"{self.count} writes, {self.rate:,.1f}/s, p50 {_pct(self.latencies, 0.5) * 1e3:.1f} ms, "
                f"p99 {_pct(self.latencies, 0.99) * 1e3:.1f} ms, resp {_size(self.response_bytes / self.count)}")


def _size(n: float) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n:.0f} B"


async def _load(total: int, clients: int, request: Callable[[int], Awaitable[tuple[int, int]]],
                budget_s: float | None = None) -> Load:
    """Up to ``total`` requests from ``clients`` workers; no new request starts after ``budget_s``."""
    latencies: list[float] = []
    sizes = 0
    counter = iter(range(total))
    start = time.perf_counter()

    async def worker() -> None:
        nonlocal sizes
        for n in counter:
            began = time.perf_counter()
            if budget_s is not None and began - start > budget_s:
                return
            status, size = await request(n)
            latencies.append(time.perf_counter() - began)
            sizes += size
            if status >= 400:
                raise RuntimeError(f"benchmark request failed with {status}")

    await asyncio.gather(*(worker() for _ in range(clients)))
    return Load(time.perf_counter() - start, latencies, sizes)


def _get(session: aiohttp.ClientSession, url: str,
         headers: dict[str, str]) -> Callable[[int], Awaitable[tuple[int, int]]]:
    async def get(_: int) -> tuple[int, int]:
        async with session.get(url, headers=headers) as resp:
            return resp.status, len(await resp.read())

    return get


async def _register(session: aiohttp.ClientSession, url: str, key: str, world: dict[str, Any]) -> str:
    async with session.post(f"{url}/v1/worlds", json={"world": world},
                            headers={"Authorization": f"Bearer {key}"}) as r:
        if r.status != 201:
            raise RuntimeError(f"could not register the benchmark world: {r.status} {await r.text()}")
        return str((await r.json())["worldId"])


# --- scene reads: in this process, beside a bare aiohttp handler ------------------------------------


async def _serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


async def _tenant(session: aiohttp.ClientSession, url: str) -> str:
    """A fresh app and a live secret key (live mode: the rate limit is off in this config)."""
    token = mint_user_token(SECRET, "bench", 3600, time.time())
    auth = {"Authorization": f"Bearer {token}"}
    async with session.post(f"{url}/v1/apps", json={"name": "bench"}, headers=auth) as r:
        app_id = (await r.json())["id"]
    async with session.post(f"{url}/v1/apps/{app_id}/keys", json={"kind": "secret", "mode": "live"},
                            headers=auth) as r:
        return str((await r.json())["key"])


async def _scene_rows(plan: Plan) -> list[Row]:
    requests, size = plan.scene_requests, SCENE_SIZE
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(db=Path(tmp) / "bench.db", jwt_secret=SECRET, rate_live=RateLimit(0.0, 0),
                        max_body_bytes=MAX_BODY)
        runner, url = await _serve(create_app(config))
        try:
            connector = aiohttp.TCPConnector(limit=SCENE_CLIENTS * 2)
            async with aiohttp.ClientSession(connector=connector) as session:
                key = await _tenant(session, url)
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
                ours = _get(session, scene_url, headers)
                conditional = _get(session, scene_url, {**headers, "If-None-Match": etag})
                peer = _get(session, f"{bare_url}/scene", {})
                best = {"ours": float("inf"), "304": float("inf"), "bare": float("inf")}
                try:
                    for run in (ours, peer, conditional):  # warm up connections, caches and code paths
                        await _load(SCENE_CLIENTS * 4, SCENE_CLIENTS, run)
                    for _ in range(plan.scene_rounds):
                        for name, run in (("bare", peer), ("ours", ours), ("304", conditional)):
                            best[name] = min(best[name], (await _load(requests, SCENE_CLIENTS, run)).wall_s)
                finally:
                    await bare_runner.cleanup()
        finally:
            await runner.cleanup()
    rps = {name: requests / wall for name, wall in best.items()}
    kib = len(body) / 1024
    return [
        Row(f"shell: scene GET ({size} states, {kib:,.0f} KiB)", best["ours"] / requests,
            "bare aiohttp, same bytes", best["bare"] / requests, SCENE_TARGET,
            f"{rps['ours']:,.0f} req/s vs {rps['bare']:,.0f} req/s = {rps['ours'] / rps['bare']:.2f} of bare"),
        Row(f"shell: scene GET, If-None-Match → 304 ({size} states)", best["304"] / requests,
            "bare aiohttp, same bytes", best["bare"] / requests, None, f"{rps['304']:,.0f} req/s"),
    ]


# --- writes and memory: the server in its own process -----------------------------------------------


@dataclass
class Server:
    url: str
    key: str
    process: subprocess.Popen[bytes]

    def memory(self) -> dict[str, int] | None:
        """``VmRSS`` and ``VmHWM`` in bytes, or None where there is no /proc."""
        try:
            text = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        found = {}
        for line in text.splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) * 1024
        return found


def _admin(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "smworld.cli", "admin", *args], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"smworld admin {args[0]} failed: {done.stderr.strip()}")
    return dict(json.loads(done.stdout))


@asynccontextmanager
async def _server(synchronous: str) -> AsyncIterator[Server]:
    """A fresh database with a live secret key (made by ``smworld admin``), served by
    ``python -m smworld.shell`` until the block ends."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        env = {**os.environ, "SMWORLD_SQLITE_SYNCHRONOUS": synchronous, "SMWORLD_RATE_LIMIT_LIVE": "0",
               "SMWORLD_MAX_BODY_BYTES": str(MAX_BODY), "SMWORLD_LOG_LEVEL": "WARNING",
               "SMWORLD_CAP_GENERATION": "0", "SMWORLD_CAP_EDIT": "0"}
        store = SQLiteStore(db)  # admin commands open only an existing database: make it (migrated, empty)
        await store.open()
        await store.close()
        app = _admin(env, "create-app", "--db", db, "--user", "bench", "--name", "bench")
        key = str(_admin(env, "create-key", "--db", db, "--app", app["id"], "--kind", "secret",
                         "--mode", "live")["key"])
        port = _port()
        log = Path(tmp) / "server.log"
        with log.open("wb") as sink:
            process = subprocess.Popen([sys.executable, "-m", "smworld.shell", "--port", str(port), "--db", db],
                                       env=env, stdout=sink, stderr=subprocess.STDOUT)
        server = Server(f"http://127.0.0.1:{port}", key, process)
        try:
            await _ready(server, log)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _ready(server: Server, log: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s

    def tail() -> str:
        return log.read_text(errors="replace")[-2000:]

    async with aiohttp.ClientSession() as session:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"the benchmark server exited: {tail()}")
            try:
                async with session.get(f"{server.url}/readyz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the benchmark server did not become ready: {tail()}")
            await asyncio.sleep(0.1)


def _writer(session: aiohttp.ClientSession, server: Server, world_id: str,
            state: str) -> Callable[[int], Awaitable[tuple[int, int]]]:
    target = f"{server.url}/v1/worlds/{world_id}/states/{state}"
    headers = {"Authorization": f"Bearer {server.key}", "Prefer": "return=minimal"}

    async def write(n: int) -> tuple[int, int]:
        async with session.patch(target, json={"ambient": [f"a drip of water, beat {n}"]}, headers=headers) as resp:
            return resp.status, len(await resp.read())

    return write


@dataclass
class Target:
    """One server holding one world, and the writes measured on it so far."""

    size: int
    synchronous: str
    write: Callable[[int], Awaitable[tuple[int, int]]]
    loads: list[Load]

    def total(self) -> Load:
        return Load(sum(load.wall_s for load in self.loads), [t for load in self.loads for t in load.latencies],
                    sum(load.response_bytes for load in self.loads))


async def _measure_writes(plan: Plan) -> tuple[dict[tuple[int, str], Load], list[dict[str, int] | None]]:
    """Writes on one world per (size, synchronous), each on its own fresh server, measured in
    alternating rounds so a neighbour's load hits every size alike. Also the memory of the
    10,000-state server: before its world arrives, after it is registered, read once and written
    once (and the time that took), and after the measured writes."""
    memory: list[dict[str, int] | None] = []
    cases = [(size, "full") for size in WRITE_SIZES] + [(BASE_SIZE, "normal")]
    async with AsyncExitStack() as stack:
        connector = aiohttp.TCPConnector(limit=WRITE_CLIENTS * 2 * len(cases))
        session = await stack.enter_async_context(
            aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=600)))
        targets: list[Target] = []
        big: Server | None = None
        for size, synchronous in cases:
            server = await stack.enter_async_context(_server(synchronous))
            world = generate(PREMISE, seed=1, size=size)
            state = next(iter(world["scene"]["states"]))
            track = size == BIG_SIZE
            began = time.perf_counter()
            if track:
                big = server
                memory.append(server.memory())
            world_id = await _register(session, server.url, server.key, world)
            del world
            write = _writer(session, server, world_id, state)
            if track:
                scene = _get(session, f"{server.url}/v1/worlds/{world_id}/scene",
                             {"Authorization": f"Bearer {server.key}"})
                for status, _ in (await scene(0), await write(-1)):
                    if status >= 400:
                        raise RuntimeError(f"benchmark request failed with {status}")
                memory.append(server.memory())
                memory.append({"load_ns": int((time.perf_counter() - began) * 1e9)})
            await _load(WRITE_CLIENTS * 2, WRITE_CLIENTS, write)  # warm up
            targets.append(Target(size, synchronous, write, []))
        for _ in range(plan.write_rounds):
            for target in targets:
                target.loads.append(await _load(plan.writes[target.size] // plan.write_rounds, WRITE_CLIENTS,
                                                target.write, plan.write_budget_s / plan.write_rounds))
        memory.append(big.memory() if big is not None else None)
    return {(t.size, t.synchronous): t.total() for t in targets}, memory


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MiB"


async def _write_rows(plan: Plan) -> list[Row]:
    measured, memory = await _measure_writes(plan)
    loads = {size: measured[size, "full"] for size in WRITE_SIZES}
    relaxed = measured[BASE_SIZE, "normal"]

    def label(size: int, synchronous: str = "full") -> str:
        kind = "durable " if synchronous == "full" else ""
        return (f"shell: single-op {kind}writes through the API, {size:,} states, {WRITE_CLIENTS} clients, "
                f"synchronous={synchronous}")

    rows = [Row(label(size), load.wall_s / load.count, None, None, None, load.note()) for size, load in loads.items()]
    rows.append(Row(label(BASE_SIZE, "normal"), relaxed.wall_s / relaxed.count, None, None, None, relaxed.note()))
    base = loads[BASE_SIZE]
    for size in sorted(WRITE_SIZES, reverse=True):
        if size == BASE_SIZE:
            continue
        load = loads[size]
        rows.append(Row(f"shell: {size:,}-state write throughput vs {BASE_SIZE}-state",
                        load.wall_s / load.count, f"{BASE_SIZE}-state writes, same run and clients",
                        base.wall_s / base.count, WRITE_TARGET if size == BIG_SIZE else None,
                        f"{load.rate:,.1f} vs {base.rate:,.1f} writes/s"))
    rows.append(_memory_row(memory))
    return rows


def _memory_row(memory: list[dict[str, int] | None]) -> Row:
    name = f"shell: server RSS, {BIG_SIZE:,}-state world registered, read once, written once"
    before, loaded, took, after = memory
    seconds = took["load_ns"] / 1e9 if took else 0.0
    if before is None or loaded is None or after is None:
        return Row(name, seconds, None, None, None, "RSS unavailable (no /proc on this system)", shown="—")
    return Row(name, seconds, None, None, None,
               f"RSS {_mib(before['VmRSS'])} before; peak {_mib(loaded['VmHWM'])}; "
               f"{_mib(after['VmRSS'])} after the writes (peak {_mib(after['VmHWM'])}); loading took {seconds:.1f} s",
               shown=_mib(loaded["VmRSS"]))


def shell_rows(quick: bool = False) -> list[Row]:
    """Scene reads in this process, then writes and memory against a server in its own process."""
    plan = QUICK if quick else FULL
    return asyncio.run(_scene_rows(plan)) + asyncio.run(_write_rows(plan))
