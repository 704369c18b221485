"""The shell's commands for ``smworld``: ``serve`` and ``admin …``.

``smworld.cli`` defines their flags and imports this module only when one of them runs;
``python -m smworld.shell`` is ``smworld serve``. Admin commands work on an existing database
file (the server may be running: SQLite serializes the writes); only ``serve`` creates one.

A failure a user can fix (a port in use, an unwritable ``--db``, a bad setting) is a
:class:`CommandError`: one line, exit code 2, nothing changed.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
import os
import secrets
import socket
import sqlite3
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

from aiohttp import web

from .app import create_app
from .auth import mint_key, mint_user_token, resolve_scopes
from .config import USAGE_KINDS, Config, ConfigError, unknown_variables
from .services.caps import effective_caps
from .store.errors import StoreError
from .store.interfaces import Store
from .store.records import AppRecord, KeyRecord
from .store.sqlite import SQLiteStore

__all__ = ["CommandError", "serve_command"]

DEV_USER = "dev"
DEV_APP = "Test app"
BOOTSTRAP_KEY = "dev-bootstrap"
SQLITE_HEADER = b"SQLite format 3\x00"
T = TypeVar("T")


class CommandError(Exception):
    """A start-up or admin failure the user can fix: printed as one line, exit code 2."""


def _config(args: argparse.Namespace, **extra: Any) -> Config:
    try:
        config = Config.from_env(db=getattr(args, "db", None), **extra)
    except ConfigError as exc:
        raise CommandError(f"configuration error: {exc}") from None
    for warning in unknown_variables(os.environ):
        print(f"smworld: warning: {warning}", file=sys.stderr)
    return config


def _db_name(args: argparse.Namespace, path: Path) -> str:
    """The database as the user named it: by the flag, by the variable, or the default."""
    if getattr(args, "db", None) is not None:
        return f"--db {path}"
    if os.environ.get("SMWORLD_DB"):
        return f"SMWORLD_DB={path}"
    return f"{path} (the default --db)"


def _check_database(path: Path, where: str, *, create: bool) -> None:
    """Refuse a database path that cannot work, before anything opens it.

    Admin commands (``create=False``) need an existing file; ``serve`` needs a file it can write, or
    a directory it can create one in (SQLite also writes ``-wal`` and ``-shm`` files beside it).
    """
    if path.is_dir():
        raise CommandError(f"{where}: is a directory; give a database file path, e.g. {path / 'smworld.db'}")
    header = b""
    if path.exists():
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise CommandError(f"{where}: is not an SQLite database (its first bytes are not the SQLite header)")
    if not create and not header:
        raise CommandError(f"{where}: no database there (admin commands only open an existing one); "
                           f"`smworld serve --db {path}` creates it on first start")
    if not create:
        return
    directory = path.parent
    existing = next(p for p in (directory, *directory.parents) if p.exists())
    if not existing.is_dir():
        raise CommandError(f"{where}: cannot create it: {existing} is a file, not a directory; "
                           "pick another path with --db or SMWORLD_DB")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"{where}: cannot create the directory {directory} ({exc.strerror or exc}); "
                           "pick a writable path with --db or SMWORLD_DB") from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise CommandError(f"{where}: the directory {directory} is not writable by this user; "
                           "pick a writable path with --db or SMWORLD_DB")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise CommandError(f"{where}: the file is not readable and writable by this user; "
                           "fix its permissions or pick another path with --db or SMWORLD_DB")


def _run_on_store(config: Config, name: str, work: Callable[[Store], Awaitable[T]]) -> T:
    """``work(store)`` on the configured database, opened (and migrated) for this call only."""

    async def run() -> T:
        store = SQLiteStore(config.db, synchronous=config.sqlite_synchronous)
        try:
            await store.open()
        except (OSError, sqlite3.Error, StoreError) as exc:
            await store.close()
            reason = exc.__cause__ or exc
            raise CommandError(f"{name}: cannot open the database ({reason})") from None
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


async def _secret(store: Store, config: Config) -> str:
    return config.jwt_secret or await store.apps.setting("jwt_secret", secrets.token_urlsafe(48))


def _listen(host: str, port: int) -> list[socket.socket]:
    """Bound (not yet listening) sockets for ``host:port``, one per address it resolves to.

    Binding first is the test that the port is free: nothing else (the bootstrap, the store) runs
    when it is taken. The server then serves on exactly these sockets, so there is no window in
    which another process could take the port.
    """
    pick = "pick another with --port N or SMWORLD_PORT=N"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise CommandError(f"--host {host!r}: cannot resolve it ({reason}); give an address of this machine, "
                           "e.g. 127.0.0.1, or 0.0.0.0 for every interface") from None
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, _, address in dict.fromkeys(infos):
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(f"port {port} on {host} is already in use (another smworld serve?); {pick}") from None
        if exc.errno == errno.EACCES:
            raise CommandError(f"port {port}: permission denied (ports below 1024 need privileges); {pick}") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise CommandError(f"--host {host!r}: not an address of this machine; use e.g. 127.0.0.1, or 0.0.0.0 "
                               "for every interface") from None
        raise CommandError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); check --host and --port") from None
    return sockets


def serve_command(args: argparse.Namespace) -> int:
    """Run the server until SIGINT/SIGTERM; in-flight requests finish, then the store closes.

    Start-up checks come first and change nothing when they fail: the settings, then the port
    (bound, so it is ours), then the database (opened and migrated once); only then the dev bootstrap.
    """
    config = _config(args, host=args.host, port=args.port)
    logging.basicConfig(level=config.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sockets = _listen(config.host, config.port)
    try:
        name = _db_name(args, config.db)
        _check_database(config.db, name, create=True)
        if getattr(args, "dev_bootstrap", False):
            print(_run_on_store(config, name, lambda store: _bootstrap(store, config)), flush=True)
        else:
            _run_on_store(config, name, _nothing)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    web.run_app(
        create_app(config),
        sock=sockets,
        shutdown_timeout=config.shutdown_timeout_s,
        print=lambda text: print(text, flush=True),
        access_log=None,
    )
    return 0


async def _nothing(store: Store) -> None:
    return None


def _program() -> str:
    """How the user ran this command (``.venv/bin/smworld`` after ``make run``), for printed hints."""
    invoked = sys.argv[0] if sys.argv else ""
    return invoked if Path(invoked).name == "smworld" else "smworld"


async def _bootstrap(store: Store, config: Config) -> str:
    """Ensure the dev user's test app and one live bootstrap key of each kind; print how to use them.

    Keys are minted only when the app has none of that kind (a first start, or one was revoked):
    a restart never revokes or replaces the keys a running client uses. Plaintext exists only at
    minting, so a later start shows the keys' prefixes and how to mint more. The user token is a
    fresh signature each time (it is not stored).
    """
    now = time.time()
    secret = await _secret(store, config)
    apps = [a for a in await store.apps.list_apps(DEV_USER, 1000, None) if a.name == DEV_APP]
    if apps:
        app = apps[0]
    else:
        app = AppRecord(f"app_{uuid.uuid4().hex[:20]}", DEV_USER, DEV_APP, {}, now)
        await store.apps.create_app(app)
    live = [k for k in await store.apps.list_keys(app.id)
            if k.name == BOOTSTRAP_KEY and k.revoked_at is None and k.mode == "test"]
    shown: dict[str, str] = {}
    minted: dict[str, bool] = {}
    for kind in ("secret", "publishable"):
        existing = [k for k in live if k.kind == kind]
        if existing:
            shown[kind], minted[kind] = existing[-1].prefix, False
        else:
            shown[kind], minted[kind] = await _mint(store, app.id, kind, "test", None, BOOTSTRAP_KEY), True
    token = mint_user_token(secret, DEV_USER, 30 * 24 * 3600, now, config.jwt_audience)
    base = f"http://{config.host}:{config.port}"
    sk = shown["secret"] if minted["secret"] else "$SK"
    pk = shown["publishable"] if minted["publishable"] else "$PK"
    lines = ["", "smworld dev server — keep these; a key's plaintext is shown only when it is minted",
             f"  user token (30 days): {token}",
             f"  test app:             {app.id} ({app.name})"]
    for kind, label, variable in (("secret", "secret key:     ", "SK"), ("publishable", "publishable key:", "PK")):
        if minted[kind]:
            lines.append(f"  {label}      {shown[kind]}")
        else:
            lines.append(f"  {label}      {shown[kind]} (minted on an earlier start; use it as ${variable})")
    if not all(minted.values()):
        lines += ["  lost a key? mint another (the existing ones keep working):",
                  f"    {_program()} admin create-key --db {config.db} --app {app.id} --kind secret",
                  f"    {_program()} admin create-key --db {config.db} --app {app.id} --kind publishable"]
    lines += [
        "",
        "try:",
        f"  curl -s {base}/v1/apps -H 'Authorization: Bearer {token}'",
        f"  curl -s -X POST {base}/v1/worlds -H \"Authorization: Bearer {sk}\" "
        "-H 'Content-Type: application/json' -d '{\"premise\": \"a lighthouse at the edge of a storm\"}'",
        f"  curl -s {base}/v1/worlds -H \"Authorization: Bearer {pk}\"",
        f"  (API reference: {base}/docs)",
        "",
    ]
    return "\n".join(lines)


async def _mint(store: Store, app_id: str, kind: str, mode: str, scopes: list[str] | None, name: str | None) -> str:
    plaintext, key_hash, prefix = mint_key(kind, mode)  # type: ignore[arg-type]
    await store.apps.create_key(KeyRecord(
        f"key_{uuid.uuid4().hex[:20]}", app_id, key_hash, prefix, kind, mode,  # type: ignore[arg-type]
        resolve_scopes(kind, scopes), name, time.time(),
    ))
    return plaintext


def _admin(args: argparse.Namespace, work: Callable[[Store, Config], Awaitable[T]]) -> T:
    """Run an admin command's ``work`` on the existing database the flags name."""
    config = _config(args)
    name = _db_name(args, config.db)
    _check_database(config.db, name, create=False)
    return _run_on_store(config, name, lambda store: work(store, config))


def user_token_command(args: argparse.Namespace) -> int:
    if args.ttl < 1:
        raise CommandError(f"--ttl: expected a positive number of seconds, got {args.ttl}")

    async def work(store: Store, config: Config) -> str:
        return mint_user_token(await _secret(store, config), args.user, args.ttl, time.time(), config.jwt_audience)

    print(_admin(args, work))
    return 0


def create_app_command(args: argparse.Namespace) -> int:
    async def work(store: Store, config: Config) -> dict[str, Any]:
        app = AppRecord(f"app_{uuid.uuid4().hex[:20]}", args.user, args.name, {}, time.time())
        await store.apps.create_app(app)
        return {"id": app.id, "name": app.name, "owner": app.owner}

    print(json.dumps(_admin(args, work)))
    return 0


def create_key_command(args: argparse.Namespace) -> int:
    async def work(store: Store, config: Config) -> dict[str, Any]:
        if await store.apps.get_app(args.app) is None:
            raise CommandError(f"--app: no app {args.app!r} in this database")
        kind: Literal["secret", "publishable"] = args.kind
        key = await _mint(store, args.app, kind, args.mode, args.scopes, None)
        return {"key": key, "kind": args.kind, "mode": args.mode}

    print(json.dumps(_admin(args, work)))
    return 0


def caps_command(args: argparse.Namespace) -> int:
    changes: dict[str, int] = {}
    for item in args.set:
        kind, sep, value = item.partition("=")
        if not sep or kind not in USAGE_KINDS or not value.isdigit():
            raise CommandError(f"--set: expected KIND=N with KIND in {', '.join(USAGE_KINDS)}, got {item!r}")
        changes[kind] = int(value)

    async def work(store: Store, config: Config) -> dict[str, int]:
        app = await store.apps.get_app(args.app)
        if app is None:
            raise CommandError(f"--app: no app {args.app!r} in this database")
        if changes:
            app = await store.apps.set_ceilings(app.id, changes)
        return effective_caps(config, app)

    print(json.dumps(_admin(args, work)))
    return 0
