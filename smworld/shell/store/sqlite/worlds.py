"""Worlds on SQLite: a metadata row with the world's frame, and its state and event rows (:mod:`..rows`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from ..errors import Missing, RevConflict
from ..interfaces import WorldStore
from ..records import IdemFinish, NewWorld, Reservation, StoredWorld, WorldMeta
from ..rows import RowChange, Rows, frame_with
from .connection import Database, first, lookup, rows, snapshot, transaction
from .metering import settle
from .versions import insert_version

__all__ = ["META_COLUMNS", "SQLiteWorlds", "delete_world_rows", "insert_world", "meta_from"]

META_COLUMNS = (
    "id, app_id, mode, name, description, cover, visibility, slug, rev, head, created_at, updated_at, seq, meta_rev"
)
_META_FIELDS = frozenset({"name", "description", "cover", "visibility"})
_DOC_FIELDS = ("name", "description", "cover")
"""Metadata the document mirrors at its top level."""


class SQLiteWorlds(WorldStore):
    """:class:`WorldStore` on one SQLite file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @transaction
    def create(
        self, conn: sqlite3.Connection, world: NewWorld, *, spend: Reservation | None = None,
        finish: IdemFinish | None = None,
    ) -> WorldMeta:
        created = insert_world(conn, world)
        settle(conn, spent=spend, finish=finish, meta=created)
        return created

    @lookup
    def meta(self, conn: sqlite3.Connection, world_id: str) -> WorldMeta | None:
        return _meta(conn, world_id)

    @snapshot
    def load(self, conn: sqlite3.Connection, world_id: str) -> StoredWorld | None:
        row = first(conn, f"SELECT {META_COLUMNS}, frame, split FROM worlds WHERE id = ?", (world_id,))
        if row is None:
            return None
        states = [(o, sid, bytes(body)) for o, sid, body in
                  conn.execute("SELECT ord, id, body FROM world_states WHERE world_id = ? ORDER BY ord", (world_id,))]
        events = [(o, bytes(body)) for o, body in
                  conn.execute("SELECT ord, body FROM world_events WHERE world_id = ? ORDER BY ord", (world_id,))]
        return StoredWorld(meta_from(row), Rows(bytes(row["frame"]), states, events, bool(row["split"])))

    @snapshot
    def page(
        self, conn: sqlite3.Connection, app_id: str, mode: str, visibility: str | None, limit: int,
        before_seq: int | None,
    ) -> list[WorldMeta]:
        sql = f"SELECT {META_COLUMNS} FROM worlds WHERE app_id = ? AND mode = ?"
        params: list[Any] = [app_id, mode]
        if visibility is not None:
            sql += " AND visibility = ?"
            params.append(visibility)
        if before_seq is not None:
            sql += " AND seq < ?"
            params.append(before_seq)
        sql += " ORDER BY seq DESC LIMIT ?"
        params.append(limit)
        return [meta_from(row) for row in rows(conn, sql, params)]

    @transaction
    def write(
        self, conn: sqlite3.Connection, world_id: str, expected: tuple[int, int], change: RowChange, now: float,
        *, head: str | None = None,
    ) -> WorldMeta:
        if head is not None and first(
            conn, "SELECT 1 FROM versions WHERE world_id = ? AND id = ? AND deleted = 0", (world_id, head)
        ) is None:
            raise Missing("version", head)
        sets = "rev = rev + 1, updated_at = ?, split = ?"
        params: list[Any] = [now, int(change.split)]
        if change.frame is not None:
            sets += ", frame = ?"
            params.append(change.frame)
        if head is not None:
            sets += ", head = ?"
            params.append(head)
        cur = conn.execute(f"UPDATE worlds SET {sets} WHERE id = ? AND rev = ? AND meta_rev = ?",
                           (*params, world_id, *expected))
        if cur.rowcount == 0:
            _raise_conflict(conn, world_id)
        _apply(conn, world_id, change)
        return _require(conn, world_id)

    @transaction
    def update_meta(
        self, conn: sqlite3.Connection, world_id: str, changes: Mapping[str, Any], now: float,
        *, expected: tuple[int, int] | None = None,
    ) -> WorldMeta:
        unknown = set(changes) - _META_FIELDS
        if unknown:
            raise ValueError(f"update_meta: not metadata: {sorted(unknown)}")
        row = first(conn, "SELECT frame, split, rev, meta_rev FROM worlds WHERE id = ?", (world_id,))
        if row is None:
            raise Missing("world", world_id)
        if expected is not None and (row["rev"], row["meta_rev"]) != expected:
            raise RevConflict(int(row["rev"]))
        frame = frame_with(bytes(row["frame"]), {k: v for k, v in changes.items() if k in _DOC_FIELDS})
        sets = "".join(f"{column} = ?, " for column in changes)
        conn.execute(f"UPDATE worlds SET {sets}frame = ?, meta_rev = meta_rev + 1, updated_at = ? WHERE id = ?",
                     (*changes.values(), frame, now, world_id))
        return _require(conn, world_id)

    @transaction
    def delete(self, conn: sqlite3.Connection, world_id: str) -> bool:
        return delete_world_rows(conn, world_id)


def insert_world(conn: sqlite3.Connection, world: NewWorld) -> WorldMeta:
    """Insert a world (a slug already taken gets the id's tail appended), its rows and first version."""
    meta, slug = world.meta, world.meta.slug
    for attempt in range(2):
        try:
            conn.execute(
                "INSERT INTO worlds (id, app_id, mode, name, description, cover, visibility, slug, rev, head, frame,"
                " split, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    meta.id, meta.app_id, meta.mode, meta.name, meta.description, meta.cover, meta.visibility,
                    slug, meta.rev, world.version.id if world.version else None, world.rows.frame,
                    int(world.rows.split), meta.created_at, meta.updated_at,
                ),
            )
            break
        except sqlite3.IntegrityError as exc:
            if "slug" not in str(exc) or attempt:
                raise
            slug = f"{meta.slug}-{meta.id.replace('-', '')[-12:]}"
    _put(conn, meta.id, world.rows.states, world.rows.events)
    if world.version is not None:
        insert_version(conn, world.version, world.objects or {}, False)
    return _require(conn, meta.id)


def delete_world_rows(conn: sqlite3.Connection, world_id: str) -> bool:
    """Delete a world and everything of it; False when there was none."""
    deleted = conn.execute("DELETE FROM worlds WHERE id = ?", (world_id,)).rowcount > 0
    for table in ("world_states", "world_events", "versions", "objects", "jobs"):
        conn.execute(f"DELETE FROM {table} WHERE world_id = ?", (world_id,))
    return deleted


def _apply(conn: sqlite3.Connection, world_id: str, change: RowChange) -> None:
    if change.replace:
        conn.execute("DELETE FROM world_states WHERE world_id = ?", (world_id,))
        conn.execute("DELETE FROM world_events WHERE world_id = ?", (world_id,))
    else:
        conn.executemany("DELETE FROM world_states WHERE world_id = ? AND ord = ?",
                         [(world_id, o) for o in change.drop_states])
        conn.executemany("DELETE FROM world_events WHERE world_id = ? AND ord = ?",
                         [(world_id, o) for o in change.drop_events])
    _put(conn, world_id, change.put_states, change.put_events)


def _put(conn: sqlite3.Connection, world_id: str, states: Any, events: Any) -> None:
    conn.executemany("INSERT INTO world_states (world_id, ord, id, body) VALUES (?, ?, ?, ?)",
                     [(world_id, *row) for row in states])
    conn.executemany("INSERT INTO world_events (world_id, ord, body) VALUES (?, ?, ?)",
                     [(world_id, *row) for row in events])


def _meta(conn: sqlite3.Connection, world_id: str) -> WorldMeta | None:
    row = first(conn, f"SELECT {META_COLUMNS} FROM worlds WHERE id = ?", (world_id,))
    return meta_from(row) if row else None


def _require(conn: sqlite3.Connection, world_id: str) -> WorldMeta:
    meta = _meta(conn, world_id)
    if meta is None:
        raise Missing("world", world_id)
    return meta


def _raise_conflict(conn: sqlite3.Connection, world_id: str) -> None:
    row = first(conn, "SELECT rev FROM worlds WHERE id = ?", (world_id,))
    if row is None:
        raise Missing("world", world_id)
    raise RevConflict(int(row[0]))


def meta_from(row: sqlite3.Row) -> WorldMeta:
    return WorldMeta(
        id=row["id"], app_id=row["app_id"], mode=row["mode"], name=row["name"], description=row["description"],
        cover=row["cover"], visibility=row["visibility"], slug=row["slug"], rev=row["rev"], head=row["head"],
        created_at=row["created_at"], updated_at=row["updated_at"], seq=row["seq"], meta_rev=row["meta_rev"],
    )
