"""A real ``python -m smworld.shell`` process on a free port, for crash and end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from .conftest import SECRET, bearer, user_token

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """Start, wait until ready, stop (gracefully or with SIGKILL)."""

    def __init__(self, db: Path, port: int | None = None, **env: str) -> None:
        self.db = db
        self.port = port or free_port()
        self.env = {**os.environ, "SMWORLD_JWT_SECRET": SECRET, "SMWORLD_LOG_LEVEL": "WARNING",
                    "SMWORLD_RATE_LIMIT_TEST": "10000:100000", **env}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smworld.shell", "--port", str(self.port), "--db", str(self.db)],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                try:
                    async with session.get(f"{self.url}/readyz") as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError("server did not become ready")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


async def secret_key(url: str, user: str) -> str:
    """A new app of ``user`` on the server at ``url``, and a test secret key for it."""
    token = user_token(user)
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/v1/apps", json={"name": user}, headers=bearer(token)) as resp:
            app_id = (await resp.json())["id"]
        async with session.post(f"{url}/v1/apps/{app_id}/keys", json={"kind": "secret", "mode": "test"},
                                headers=bearer(token)) as resp:
            return str((await resp.json())["key"])
