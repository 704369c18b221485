"""The shell's commands for ``smworld``: ``serve`` and ``admin …``.

``add_commands(subparsers)`` is what ``smworld.cli`` calls; ``python -m smworld.shell`` runs
``serve`` directly. Admin commands work on the database file (the server may be running: SQLite
serializes the writes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from .app import create_app
from .auth import mint_key, mint_user_token, resolve_scopes
from .config import USAGE_KINDS, Config, ConfigError
from .services.caps import effective_caps
from .store.interfaces import Store
from .store.records import AppRecord, KeyRecord
from .store.sqlite import SQLiteStore

__all__ = ["add_commands", "main"]

DEV_USER = "dev"
DEV_APP = "Test app"


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` and ``admin`` to the ``smworld`` command."""
    serve = sub.add_parser("serve", help="run the HTTP API", description="Run the /v1 HTTP API.")
    _serve_arguments(serve)
    serve.set_defaults(func=serve_command)

    admin = sub.add_parser("admin", help="administer a database: user tokens, apps, keys, caps")
    commands = admin.add_subparsers(dest="admin_command", required=True, metavar="ADMIN_COMMAND")

    p = commands.add_parser("user-token", help="print a user-session JWT for this database's secret")
    _db(p)
    p.add_argument("--user", required=True, help="the user id (the JWT's sub)")
    p.add_argument("--ttl", type=int, default=30 * 24 * 3600, help="lifetime in seconds (default 30 days)")
    p.set_defaults(func=user_token_command)

    p = commands.add_parser("create-app", help="create an app owned by a user; prints it as JSON")
    _db(p)
    p.add_argument("--user", required=True)
    p.add_argument("--name", required=True)
    p.set_defaults(func=create_app_command)

    p = commands.add_parser("create-key", help="mint an API key for an app; prints it (plaintext shown once)")
    _db(p)
    p.add_argument("--app", required=True, help="app id")
    p.add_argument("--kind", choices=("secret", "publishable"), default="secret")
    p.add_argument("--mode", choices=("test", "live"), default="test")
    p.add_argument("--scopes", nargs="*", default=None)
    p.set_defaults(func=create_key_command)

    p = commands.add_parser("caps", help="show or set an app's daily caps (0 = unlimited)")
    _db(p)
    p.add_argument("--app", required=True, help="app id")
    p.add_argument("--set", nargs="*", default=[], metavar="KIND=N", help=f"kinds: {', '.join(USAGE_KINDS)}")
    p.set_defaults(func=caps_command)


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1; env SMWORLD_HOST)")
    p.add_argument("--port", type=int, default=None, help="port (default 8080; env SMWORLD_PORT)")
    p.add_argument("--db", type=Path, default=None, help="SQLite file (default var/smworld.db; env SMWORLD_DB)")
    p.add_argument("--dev-bootstrap", action="store_true",
                   help="create a test app with fresh test keys for the 'dev' user and print them with curl lines")


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None, help="SQLite file (default var/smworld.db; env SMWORLD_DB)")


def _config(args: argparse.Namespace, **extra: Any) -> Config:
    try:
        return Config.from_env(db=getattr(args, "db", None), **extra)
    except ConfigError as exc:
        raise SystemExit(f"smworld: configuration error: {exc}") from None


async def _with_store(config: Config, work: Any) -> Any:
    store = SQLiteStore(config.db, synchronous=config.sqlite_synchronous)
    await store.open()
    try:
        return await work(store)
    finally:
        await store.close()


async def _secret(store: Store, config: Config) -> str:
    import secrets

    return config.jwt_secret or await store.apps.setting("jwt_secret", secrets.token_urlsafe(48))


def serve_command(args: argparse.Namespace) -> int:
    """Run the server until SIGINT/SIGTERM; in-flight requests finish, then the store closes."""
    config = _config(args, host=args.host, port=args.port)
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if getattr(args, "dev_bootstrap", False):
        print(asyncio.run(_with_store(config, lambda store: _bootstrap(store, config))), flush=True)
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        shutdown_timeout=config.shutdown_timeout_s,
        print=lambda text: print(text, flush=True),
        access_log=None,
    )
    return 0


async def _bootstrap(store: Store, config: Config) -> str:
    """Ensure the dev user's test app; mint a fresh test key pair (older bootstrap keys are revoked)."""
    now = time.time()
    secret = await _secret(store, config)
    apps = [a for a in await store.apps.list_apps(DEV_USER, 1000, None) if a.name == DEV_APP]
    if apps:
        app = apps[0]
    else:
        app = AppRecord(f"app_{uuid.uuid4().hex[:20]}", DEV_USER, DEV_APP, {}, now)
        await store.apps.create_app(app)
    for key in await store.apps.list_keys(app.id):
        if key.name == "dev-bootstrap" and key.revoked_at is None:
            await store.apps.revoke_key(app.id, key.id, now)
    sk = await _mint(store, app.id, "secret", "test", None, "dev-bootstrap")
    pk = await _mint(store, app.id, "publishable", "test", None, "dev-bootstrap")
    token = mint_user_token(secret, DEV_USER, 30 * 24 * 3600, now, config.jwt_audience)
    base = f"http://{config.host}:{config.port}"
    return "\n".join([
        "",
        "smworld dev server — keep these; keys are shown once",
        f"  user token (30 days): {token}",
        f"  test app:             {app.id} ({app.name})",
        f"  secret key:           {sk}",
        f"  publishable key:      {pk}",
        "",
        "try:",
        f"  curl -s {base}/v1/apps -H 'Authorization: Bearer {token}'",
        f"  curl -s -X POST {base}/v1/worlds -H 'Authorization: Bearer {sk}' "
        "-H 'Content-Type: application/json' -d '{\"premise\": \"a lighthouse at the edge of a storm\"}'",
        f"  curl -s {base}/v1/worlds -H 'Authorization: Bearer {pk}'",
        f"  (API reference: {base}/docs)",
        "",
    ])


async def _mint(store: Store, app_id: str, kind: str, mode: str, scopes: list[str] | None, name: str | None) -> str:
    plaintext, key_hash, prefix = mint_key(kind, mode)  # type: ignore[arg-type]
    await store.apps.create_key(KeyRecord(
        f"key_{uuid.uuid4().hex[:20]}", app_id, key_hash, prefix, kind, mode,  # type: ignore[arg-type]
        resolve_scopes(kind, scopes), name, time.time(),
    ))
    return plaintext


def user_token_command(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(store: Store) -> str:
        return mint_user_token(await _secret(store, config), args.user, args.ttl, time.time(), config.jwt_audience)

    print(asyncio.run(_with_store(config, work)))
    return 0


def create_app_command(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(store: Store) -> dict[str, Any]:
        app = AppRecord(f"app_{uuid.uuid4().hex[:20]}", args.user, args.name, {}, time.time())
        await store.apps.create_app(app)
        return {"id": app.id, "name": app.name, "owner": app.owner}

    print(json.dumps(asyncio.run(_with_store(config, work))))
    return 0


def create_key_command(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(store: Store) -> dict[str, Any]:
        if await store.apps.get_app(args.app) is None:
            raise SystemExit(f"smworld admin create-key: no app {args.app!r}")
        key = await _mint(store, args.app, args.kind, args.mode, args.scopes, None)
        return {"key": key, "kind": args.kind, "mode": args.mode}

    print(json.dumps(asyncio.run(_with_store(config, work))))
    return 0


def caps_command(args: argparse.Namespace) -> int:
    config = _config(args)
    changes: dict[str, int] = {}
    for item in args.set:
        kind, sep, value = item.partition("=")
        if not sep or kind not in USAGE_KINDS or not value.isdigit():
            print(f"smworld admin caps: expected KIND=N with KIND in {', '.join(USAGE_KINDS)}, got {item!r}",
                  file=sys.stderr)
            return 2
        changes[kind] = int(value)

    async def work(store: Store) -> dict[str, int]:
        app = await store.apps.get_app(args.app)
        if app is None:
            raise SystemExit(f"smworld admin caps: no app {args.app!r}")
        if changes:
            app = await store.apps.set_ceilings(app.id, changes)
        return effective_caps(config, app)

    print(json.dumps(asyncio.run(_with_store(config, work))))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m smworld.shell [--host H] [--port P] [--db PATH] [--dev-bootstrap]``: run the server."""
    parser = argparse.ArgumentParser(prog="python -m smworld.shell", description="Run the smworld /v1 HTTP API.")
    _serve_arguments(parser)
    return serve_command(parser.parse_args(argv))
