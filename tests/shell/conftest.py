"""Fixtures for the shell: the real app factory, a real SQLite file, real HTTP, real JWTs."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from smworld.kernel.generate import generate
from smworld.shell.app import create_app
from smworld.shell.auth import mint_user_token
from smworld.shell.config import Config, RateLimit

SECRET = "test-secret-0123456789abcdef-0123456789"


@dataclass
class Tenant:
    """An app with one key of each kind and mode, and its owner's user token."""

    user: str
    token: str
    app_id: str
    sk: str
    pk: str
    sk_live: str
    pk_live: str


def user_token(user: str, ttl: int = 3600) -> str:
    return mint_user_token(SECRET, user, ttl, time.time())


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


def small_world(name: str = "Cellar", seed: int = 0, size: int = 6) -> dict[str, Any]:
    """A gate-clean world (made by the kernel's generator)."""
    world = generate(f"{name.lower()} under an old house", seed=seed, size=size)
    return {**world, "name": name}


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        db=tmp_path / "smworld.db",
        jwt_secret=SECRET,
        rate_test=RateLimit(per_second=10_000.0, burst=100_000),
        rate_live=RateLimit(per_second=10_000.0, burst=100_000),
        sqlite_synchronous="normal",
    )


Client = TestClient  # type: ignore[type-arg]
MakeClient = Callable[..., Awaitable[Client]]


@pytest.fixture
async def client(aiohttp_client: Any, config: Config) -> Client:
    return await aiohttp_client(create_app(config))


async def make_tenant(client: Client, user: str = "alice", name: str = "app") -> Tenant:
    token = user_token(user)
    resp = await client.post("/v1/apps", json={"name": name}, headers=bearer(token))
    assert resp.status == 201, await resp.text()
    app_id = (await resp.json())["id"]
    keys = {}
    for kind in ("secret", "publishable"):
        for mode in ("test", "live"):
            resp = await client.post(f"/v1/apps/{app_id}/keys", json={"kind": kind, "mode": mode},
                                     headers=bearer(token))
            assert resp.status == 201, await resp.text()
            keys[(kind, mode)] = (await resp.json())["key"]
    return Tenant(user, token, app_id, keys[("secret", "test")], keys[("publishable", "test")],
                  keys[("secret", "live")], keys[("publishable", "live")])


@pytest.fixture
async def tenant(client: Client) -> Tenant:
    return await make_tenant(client)


async def create_world(client: Client, key: str, world: dict[str, Any] | None = None, **extra: Any) -> str:
    body = {"world": world or small_world(), **extra}
    resp = await client.post("/v1/worlds", json=body, headers=bearer(key))
    assert resp.status == 201, await resp.text()
    return str((await resp.json())["worldId"])
