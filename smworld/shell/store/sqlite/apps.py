"""Settings, apps and API keys: the transaction bodies (each ``(conn, …) -> value``, run whole)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

from ...errors import NotFound
from ..base import AppRecord, KeyLookup, KeyRecord
from .connection import first, rows
from .worlds import META_COLUMNS, meta_from

__all__ = [
    "create_app",
    "create_key",
    "get_app",
    "list_apps",
    "list_keys",
    "lookup_key",
    "revoke_key",
    "setting",
    "touch_key",
    "update_app",
]

_KEY = "id, app_id, hash, prefix, kind, mode, scopes, name, created_at, last_used_at, revoked_at"


def setting(conn: sqlite3.Connection, key: str, default: str) -> str:
    conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (key, default))
    row = first(conn, "SELECT value FROM settings WHERE key = ?", (key,))
    return str(row[0]) if row else default


def create_app(conn: sqlite3.Connection, app: AppRecord) -> None:
    conn.execute(
        "INSERT INTO apps (id, owner, name, caps, created_at) VALUES (?, ?, ?, ?, ?)",
        (app.id, app.owner, app.name, json.dumps(dict(app.caps)), app.created_at),
    )


def list_apps(conn: sqlite3.Connection, owner: str) -> list[AppRecord]:
    return [_app(row) for row in rows(conn, "SELECT * FROM apps WHERE owner = ? ORDER BY created_at, id", (owner,))]


def get_app(conn: sqlite3.Connection, app_id: str) -> AppRecord | None:
    row = first(conn, "SELECT * FROM apps WHERE id = ?", (app_id,))
    return _app(row) if row else None


def update_app(conn: sqlite3.Connection, app_id: str, name: str | None, caps: Mapping[str, int] | None) -> AppRecord:
    app = get_app(conn, app_id)
    if app is None:
        raise NotFound(f"no app {app_id!r}")
    merged = {**app.caps, **(caps or {})}
    new_name = app.name if name is None else name
    conn.execute("UPDATE apps SET name = ?, caps = ? WHERE id = ?", (new_name, json.dumps(merged), app_id))
    return AppRecord(app.id, app.owner, new_name, merged, app.created_at)


def create_key(conn: sqlite3.Connection, key: KeyRecord) -> None:
    conn.execute(
        f"INSERT INTO api_keys ({_KEY}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key.id, key.app_id, key.hash, key.prefix, key.kind, key.mode, json.dumps(list(key.scopes)),
            key.name, key.created_at, key.last_used_at, key.revoked_at,
        ),
    )


def list_keys(conn: sqlite3.Connection, app_id: str) -> list[KeyRecord]:
    found = rows(conn, f"SELECT {_KEY} FROM api_keys WHERE app_id = ? ORDER BY created_at, id", (app_id,))
    return [_key(row) for row in found]


def revoke_key(conn: sqlite3.Connection, app_id: str, key_id: str, now: float) -> bool:
    cur = conn.execute(
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND app_id = ?", (now, key_id, app_id)
    )
    return cur.rowcount > 0


def lookup_key(conn: sqlite3.Connection, key_hash: str, world_id: str | None, with_doc: bool) -> KeyLookup:
    row = first(conn, f"SELECT {_KEY} FROM api_keys WHERE hash = ?", (key_hash,))
    if row is None:
        return KeyLookup(None)
    key = _key(row)
    if world_id is None:
        return KeyLookup(key)
    columns = f"{META_COLUMNS}, doc" if with_doc else META_COLUMNS
    world = first(conn, f"SELECT {columns} FROM worlds WHERE id = ?", (world_id,))
    if world is None:
        return KeyLookup(key)
    return KeyLookup(key, meta_from(world), bytes(world["doc"]) if with_doc else None)


def touch_key(conn: sqlite3.Connection, key_id: str, now: float) -> None:
    conn.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (now, key_id))


def _app(row: sqlite3.Row) -> AppRecord:
    return AppRecord(row["id"], row["owner"], row["name"], json.loads(row["caps"]), row["created_at"])


def _key(row: sqlite3.Row) -> KeyRecord:
    return KeyRecord(
        id=row["id"], app_id=row["app_id"], hash=row["hash"], prefix=row["prefix"], kind=row["kind"],
        mode=row["mode"], scopes=tuple(json.loads(row["scopes"])), name=row["name"],
        created_at=row["created_at"], last_used_at=row["last_used_at"], revoked_at=row["revoked_at"],
    )
