"""Settings, apps and API keys on SQLite: each method is its own transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

from ..errors import Missing
from ..interfaces import AppStore
from ..records import AppRecord, KeyLookup, KeyRecord
from .connection import Database, first, lookup, rows, snapshot, transaction
from .worlds import META_COLUMNS, delete_world_rows, meta_from

__all__ = ["SQLiteApps"]

_KEY = "id, app_id, hash, prefix, kind, mode, scopes, name, created_at, last_used_at, revoked_at"


class SQLiteApps(AppStore):
    """:class:`AppStore` on one SQLite file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @transaction
    def setting(self, conn: sqlite3.Connection, key: str, default: str) -> str:
        conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (key, default))
        row = first(conn, "SELECT value FROM settings WHERE key = ?", (key,))
        return str(row[0]) if row else default

    @transaction
    def create_app(self, conn: sqlite3.Connection, app: AppRecord) -> None:
        conn.execute(
            "INSERT INTO apps (id, owner, name, caps, created_at, ceilings) VALUES (?, ?, ?, ?, ?, ?)",
            (app.id, app.owner, app.name, json.dumps(dict(app.caps)), app.created_at, json.dumps(dict(app.ceilings))),
        )

    @snapshot
    def list_apps(
        self, conn: sqlite3.Connection, owner: str, limit: int, after: tuple[float, str] | None
    ) -> list[AppRecord]:
        if after is None:
            found = rows(conn, "SELECT * FROM apps WHERE owner = ? ORDER BY created_at, id LIMIT ?", (owner, limit))
        else:
            found = rows(conn, "SELECT * FROM apps WHERE owner = ? AND (created_at, id) > (?, ?) "
                         "ORDER BY created_at, id LIMIT ?", (owner, *after, limit))
        return [_app(row) for row in found]

    @snapshot
    def get_app(self, conn: sqlite3.Connection, app_id: str) -> AppRecord | None:
        return _get_app(conn, app_id)

    @transaction
    def update_app(
        self, conn: sqlite3.Connection, app_id: str, name: str | None, caps: Mapping[str, int] | None
    ) -> AppRecord:
        app = _get_app(conn, app_id)
        if app is None:
            raise Missing("app", app_id)
        merged = {**app.caps, **(caps or {})}
        new_name = app.name if name is None else name
        conn.execute("UPDATE apps SET name = ?, caps = ? WHERE id = ?", (new_name, json.dumps(merged), app_id))
        return AppRecord(app.id, app.owner, new_name, merged, app.created_at, app.ceilings)

    @transaction
    def set_ceilings(self, conn: sqlite3.Connection, app_id: str, ceilings: Mapping[str, int]) -> AppRecord:
        app = _get_app(conn, app_id)
        if app is None:
            raise Missing("app", app_id)
        merged = {**app.ceilings, **ceilings}
        conn.execute("UPDATE apps SET ceilings = ? WHERE id = ?", (json.dumps(merged), app_id))
        return AppRecord(app.id, app.owner, app.name, app.caps, app.created_at, merged)

    @transaction
    def delete_app(self, conn: sqlite3.Connection, app_id: str) -> bool:
        for (world_id,) in rows(conn, "SELECT id FROM worlds WHERE app_id = ?", (app_id,)):
            delete_world_rows(conn, world_id)
        for table in ("jobs", "usage", "reservations", "idempotency", "api_keys"):
            conn.execute(f"DELETE FROM {table} WHERE app_id = ?", (app_id,))
        return conn.execute("DELETE FROM apps WHERE id = ?", (app_id,)).rowcount > 0

    @transaction
    def create_key(self, conn: sqlite3.Connection, key: KeyRecord) -> None:
        conn.execute(
            f"INSERT INTO api_keys ({_KEY}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key.id, key.app_id, key.hash, key.prefix, key.kind, key.mode, json.dumps(list(key.scopes)),
                key.name, key.created_at, key.last_used_at, key.revoked_at,
            ),
        )

    @snapshot
    def list_keys(self, conn: sqlite3.Connection, app_id: str) -> list[KeyRecord]:
        found = rows(conn, f"SELECT {_KEY} FROM api_keys WHERE app_id = ? ORDER BY created_at, id", (app_id,))
        return [_key(row) for row in found]

    @transaction
    def revoke_key(self, conn: sqlite3.Connection, app_id: str, key_id: str, now: float) -> bool:
        cur = conn.execute(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND app_id = ?",
            (now, key_id, app_id),
        )
        return cur.rowcount > 0

    @lookup
    def lookup_key(self, conn: sqlite3.Connection, key_hash: str, world_id: str | None = None) -> KeyLookup:
        row = first(conn, f"SELECT {_KEY} FROM api_keys WHERE hash = ?", (key_hash,))
        if row is None:
            return KeyLookup(None)
        key = _key(row)
        if world_id is None:
            return KeyLookup(key)
        world = first(conn, f"SELECT {META_COLUMNS} FROM worlds WHERE id = ?", (world_id,))
        return KeyLookup(key, meta_from(world) if world is not None else None)

    @transaction
    def touch_key(self, conn: sqlite3.Connection, key_id: str, now: float) -> None:
        conn.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (now, key_id))


def _get_app(conn: sqlite3.Connection, app_id: str) -> AppRecord | None:
    row = first(conn, "SELECT * FROM apps WHERE id = ?", (app_id,))
    return _app(row) if row else None


def _app(row: sqlite3.Row) -> AppRecord:
    return AppRecord(row["id"], row["owner"], row["name"], json.loads(row["caps"]), row["created_at"],
                     json.loads(row["ceilings"]))


def _key(row: sqlite3.Row) -> KeyRecord:
    return KeyRecord(
        id=row["id"], app_id=row["app_id"], hash=row["hash"], prefix=row["prefix"], kind=row["kind"],
        mode=row["mode"], scopes=tuple(json.loads(row["scopes"])), name=row["name"],
        created_at=row["created_at"], last_used_at=row["last_used_at"], revoked_at=row["revoked_at"],
    )
