"""Schemathesis against ``/openapi.json`` of a real server, every check on (server errors, status
codes, content types, headers and bodies against their schemas, …): zero failures (bounded run)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import aiohttp

from .conftest import bearer, small_world, user_token
from .server import Server

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


async def _fixtures(url: str) -> tuple[str, str, dict[str, str]]:
    """A user token, a secret key, and ids of real resources for the path parameters."""
    token = user_token("fuzz")
    world = small_world()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{url}/v1/apps", json={"name": "fuzz"}, headers=bearer(token)) as resp:
            app_id = (await resp.json())["id"]
        async with session.post(f"{url}/v1/apps/{app_id}/keys", json={"kind": "secret", "mode": "test"},
                                headers=bearer(token)) as resp:
            minted = await resp.json()
        key = minted["key"]
        async with session.post(f"{url}/v1/worlds", json={"world": world}, headers=bearer(key)) as resp:
            world_id = (await resp.json())["worldId"]
        async with session.post(f"{url}/v1/worlds/{world_id}/versions", json={}, headers=bearer(key)) as resp:
            version_id = (await resp.json())["versionId"]
        async with session.post(f"{url}/v1/worlds", json={"premise": "a fuzzed cave", "async": True},
                                headers=bearer(key)) as resp:
            job_id = (await resp.json())["jobId"]
    ids = {"id": world_id, "vid": version_id, "a": version_id, "b": version_id, "jobId": job_id,
           "stateId": world["entrance"]["state"], "name": world["scene"]["events"][0]["name"],
           "appId": app_id, "keyId": minted["id"]}
    return token, key, ids


ACCEPTED = ["2XX", "3XX", 400, 401, 403, 404, 409, 412, 422, 429]
"""What a schema-valid request may get (``positive_data_acceptance``): the schema says what a body
looks like, not what the gate, an op's arguments or an opaque cursor accept — a transition to a
state that does not exist is well-formed and still refused (400/422)."""


REJECTED = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
"""What a schema-violating request may get: schemathesis's own list, plus 413 — an oversized body
is refused from its declared length before it is read, so its shape is never looked at."""


def _config(path: Path, ids: dict[str, str]) -> Path:
    lines = ["[checks.positive_data_acceptance]", f"expected-statuses = {ACCEPTED!r}".replace("'", '"'),
             "[checks.negative_data_rejection]", f"expected-statuses = {REJECTED!r}",
             "[parameters]"] + [f'"path.{name}" = "{value}"' for name, value in ids.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(url: str, config: Path, header: str, *filters: str, examples: int = 8,
         seconds: int = 25) -> subprocess.CompletedProcess[str]:
    command = [
        str(SCHEMATHESIS if SCHEMATHESIS.exists() else shutil.which("schemathesis")), "--config-file", str(config),
        "run", f"{url}/openapi.json",
        "--checks", "all", "--max-examples", str(examples), "--workers", "1",
        "--max-time", str(seconds), "--seed", "1", "--no-color", "--suppress-health-check", "all",
        "--phases", "examples,coverage,fuzzing", "--request-timeout", "20", "-H", header, *filters,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120, check=False)


async def test_schemathesis_finds_no_failure(tmp_path):
    server = Server(tmp_path / "fuzz.db", SMWORLD_MAX_BODY_BYTES="65536")
    await server.start()
    try:
        token, key, ids = await _fixtures(server.url)
        config = _config(tmp_path / "schemathesis.toml", ids)
        key_run = _run(server.url, config, f"Authorization: Bearer {key}", "--exclude-path-regex", "^/v1/apps")
        user_run = _run(server.url, config, f"Authorization: Bearer {token}", "--include-path-regex", "^/v1/apps",
                        examples=5, seconds=10)
    finally:
        assert server.stop() == 0
    for run in (key_run, user_run):
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert "Server error" not in run.stdout
