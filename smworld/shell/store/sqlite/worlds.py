"""Worlds, their versions and content-addressed objects: the transaction bodies.

Each function is ``(conn, …) -> value`` and runs whole inside one transaction or read snapshot
(see :mod:`.connection`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from ...errors import NotFound, StoreError
from ..base import RevConflict, VersionRecord, WorldMeta, WorldRecord
from .connection import first, rows

__all__ = [
    "META_COLUMNS",
    "add_version",
    "checkout",
    "delete_version",
    "delete_world",
    "get_objects",
    "get_version",
    "get_world",
    "get_world_meta",
    "insert_world",
    "list_versions",
    "list_worlds",
    "meta_from",
    "rename_version",
    "update_world_meta",
    "version_chain",
    "write_world",
]

META_COLUMNS = (
    "id, app_id, mode, name, description, cover, visibility, slug, rev, head, created_at, updated_at, seq, meta_rev"
)
_VERSION = "id, world_id, parent_id, title, source, created_at, base, seq"
_META_CHANGES = frozenset({"name", "description", "cover", "visibility"})


# worlds --------------------------------------------------------------------------------------

def insert_world(
    conn: sqlite3.Connection, meta: WorldMeta, doc: bytes, version: VersionRecord | None, objects: Mapping[str, bytes]
) -> WorldMeta:
    """Insert a world (a slug already taken gets the id's tail appended) and its first version."""
    slug = meta.slug
    for attempt in range(2):
        try:
            conn.execute(
                "INSERT INTO worlds (id, app_id, mode, name, description, cover, visibility, slug, rev, head, doc,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    meta.id, meta.app_id, meta.mode, meta.name, meta.description, meta.cover, meta.visibility,
                    slug, meta.rev, version.id if version else None, doc, meta.created_at, meta.updated_at,
                ),
            )
            break
        except sqlite3.IntegrityError as exc:
            if "slug" not in str(exc) or attempt:
                raise
            slug = f"{meta.slug}-{meta.id.replace('-', '')[-12:]}"
    if version is not None:
        add_version(conn, version, objects, False)
    return _meta_in(conn, meta.id)


def get_world(conn: sqlite3.Connection, world_id: str) -> WorldRecord | None:
    row = first(conn, f"SELECT {META_COLUMNS}, doc FROM worlds WHERE id = ?", (world_id,))
    return WorldRecord(meta_from(row), bytes(row["doc"])) if row else None


def get_world_meta(conn: sqlite3.Connection, world_id: str) -> WorldMeta | None:
    row = first(conn, f"SELECT {META_COLUMNS} FROM worlds WHERE id = ?", (world_id,))
    return meta_from(row) if row else None


def list_worlds(
    conn: sqlite3.Connection, app_id: str, mode: str, visibility: str | None, limit: int, before_seq: int | None
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


def check_meta_changes(changes: Mapping[str, Any]) -> None:
    """Refuse columns metadata PATCH may not set (checked before any transaction starts)."""
    if not set(changes) <= _META_CHANGES:
        raise StoreError(f"update_world_meta: unknown columns {sorted(set(changes) - _META_CHANGES)}")


def update_world_meta(
    conn: sqlite3.Connection, world_id: str, changes: Mapping[str, Any], rewrite: Callable[[bytes], bytes], now: float
) -> WorldMeta:
    """Set the metadata columns and ``rewrite`` the document that mirrors them, reading the document
    in this same transaction: a graph write or another PATCH committed in between is never undone."""
    check_meta_changes(changes)
    row = first(conn, "SELECT doc FROM worlds WHERE id = ?", (world_id,))
    if row is None:
        raise NotFound(f"no world {world_id!r}")
    sets = "".join(f"{column} = ?, " for column in changes)
    conn.execute(
        f"UPDATE worlds SET {sets}doc = ?, meta_rev = meta_rev + 1, updated_at = ? WHERE id = ?",
        (*changes.values(), rewrite(bytes(row["doc"])), now, world_id),
    )
    return _meta_in(conn, world_id)


def write_world(
    conn: sqlite3.Connection, world_id: str, expected: tuple[int, int], doc: bytes, now: float
) -> WorldMeta:
    """Store ``doc`` iff the world is still at ``expected`` = ``(rev, meta_rev)``; rev advances."""
    cur = conn.execute(
        "UPDATE worlds SET doc = ?, rev = rev + 1, updated_at = ? WHERE id = ? AND rev = ? AND meta_rev = ?",
        (doc, now, world_id, *expected),
    )
    if cur.rowcount == 0:
        _raise_conflict(conn, world_id)
    return _meta_in(conn, world_id)


def delete_world(conn: sqlite3.Connection, world_id: str) -> bool:
    cur = conn.execute("DELETE FROM worlds WHERE id = ?", (world_id,))
    conn.execute("DELETE FROM versions WHERE world_id = ?", (world_id,))
    conn.execute("DELETE FROM objects WHERE world_id = ?", (world_id,))
    conn.execute("DELETE FROM jobs WHERE world_id = ?", (world_id,))
    return cur.rowcount > 0


# versions ------------------------------------------------------------------------------------

def add_version(
    conn: sqlite3.Connection, version: VersionRecord, objects: Mapping[str, bytes], move_head_from: str | bool | None
) -> None:
    if first(conn, "SELECT 1 FROM worlds WHERE id = ?", (version.world_id,)) is None:
        raise NotFound(f"no world {version.world_id!r}")
    if version.parent_id is not None:
        parent = first(
            conn,
            "SELECT 1 FROM versions WHERE world_id = ? AND id = ? AND deleted = 0",
            (version.world_id, version.parent_id),
        )
        if parent is None:
            raise NotFound(f"no version {version.parent_id!r} in this world")
    if objects:
        conn.executemany(
            "INSERT OR IGNORE INTO objects (world_id, hash, body) VALUES (?, ?, ?)",
            [(version.world_id, h, body) for h, body in objects.items()],
        )
    conn.execute(
        "INSERT INTO versions (world_id, id, seq, parent_id, title, source, created_at, base, manifest) "
        "VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE world_id = ?), ?, ?, ?, ?, ?, ?)",
        (
            version.world_id, version.id, version.world_id, version.parent_id, version.title, version.source,
            version.created_at, version.base, version.manifest,
        ),
    )
    if move_head_from is not False:
        conn.execute(
            "UPDATE worlds SET head = ? WHERE id = ? AND head IS ?", (version.id, version.world_id, move_head_from)
        )


def list_versions(conn: sqlite3.Connection, world_id: str) -> list[VersionRecord]:
    found = rows(
        conn, f"SELECT {_VERSION} FROM versions WHERE world_id = ? AND deleted = 0 ORDER BY seq", (world_id,)
    )
    return [_version(row, b"") for row in found]


def get_version(conn: sqlite3.Connection, world_id: str, version_id: str) -> VersionRecord | None:
    row = first(
        conn,
        f"SELECT {_VERSION}, manifest FROM versions WHERE world_id = ? AND id = ? AND deleted = 0",
        (world_id, version_id),
    )
    return _version(row, bytes(row["manifest"])) if row else None


def version_chain(conn: sqlite3.Connection, world_id: str, version_id: str) -> list[bytes]:
    found = rows(
        conn,
        "WITH RECURSIVE chain (id, base, manifest, depth) AS ("
        " SELECT id, base, manifest, 0 FROM versions WHERE world_id = ? AND id = ?"
        " UNION ALL"
        " SELECT v.id, v.base, v.manifest, chain.depth + 1 FROM versions v JOIN chain"
        " ON v.world_id = ? AND v.id = chain.base"
        ") SELECT manifest FROM chain ORDER BY depth",
        (world_id, version_id, world_id),
    )
    return [bytes(row[0]) for row in found]


def get_objects(conn: sqlite3.Connection, world_id: str, hashes: Sequence[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    wanted = list(dict.fromkeys(hashes))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in rows(conn, f"SELECT hash, body FROM objects WHERE world_id = ? AND hash IN ({marks})",
                        (world_id, *chunk)):
            found[row[0]] = bytes(row[1])
    return found


def rename_version(conn: sqlite3.Connection, world_id: str, version_id: str, title: str | None) -> bool:
    cur = conn.execute(
        "UPDATE versions SET title = ? WHERE world_id = ? AND id = ? AND deleted = 0", (title, world_id, version_id)
    )
    return cur.rowcount > 0


def delete_version(conn: sqlite3.Connection, world_id: str, version_id: str) -> Literal["deleted", "missing", "head"]:
    row = first(
        conn,
        "SELECT v.parent_id, w.head FROM versions v JOIN worlds w ON w.id = v.world_id "
        "WHERE v.world_id = ? AND v.id = ? AND v.deleted = 0",
        (world_id, version_id),
    )
    if row is None:
        return "missing"
    if row["head"] == version_id:
        return "head"
    conn.execute(
        "UPDATE versions SET parent_id = ? WHERE world_id = ? AND parent_id = ?",
        (row["parent_id"], world_id, version_id),
    )
    # The row stays (hidden) while delta manifests are based on it; its tree edge is gone.
    conn.execute("UPDATE versions SET deleted = 1, parent_id = NULL WHERE world_id = ? AND id = ?",
                 (world_id, version_id))
    return "deleted"


def checkout(
    conn: sqlite3.Connection, world_id: str, version_id: str, expected: tuple[int, int], doc: bytes, now: float
) -> WorldMeta:
    """Like :func:`write_world`, and HEAD moves to ``version_id`` in the same statement."""
    found = first(conn, "SELECT 1 FROM versions WHERE world_id = ? AND id = ? AND deleted = 0", (world_id, version_id))
    if found is None:
        raise NotFound(f"no version {version_id!r} in this world")
    cur = conn.execute(
        "UPDATE worlds SET doc = ?, rev = rev + 1, head = ?, updated_at = ? WHERE id = ? AND rev = ? AND meta_rev = ?",
        (doc, version_id, now, world_id, *expected),
    )
    if cur.rowcount == 0:
        _raise_conflict(conn, world_id)
    return _meta_in(conn, world_id)


# rows → records --------------------------------------------------------------------------------

def _meta_in(conn: sqlite3.Connection, world_id: str) -> WorldMeta:
    meta = get_world_meta(conn, world_id)
    if meta is None:
        raise NotFound(f"no world {world_id!r}")
    return meta


def _raise_conflict(conn: sqlite3.Connection, world_id: str) -> None:
    row = first(conn, "SELECT rev FROM worlds WHERE id = ?", (world_id,))
    if row is None:
        raise NotFound(f"no world {world_id!r}")
    raise RevConflict(int(row[0]))


def meta_from(row: sqlite3.Row) -> WorldMeta:
    return WorldMeta(
        id=row["id"], app_id=row["app_id"], mode=row["mode"], name=row["name"], description=row["description"],
        cover=row["cover"], visibility=row["visibility"], slug=row["slug"], rev=row["rev"], head=row["head"],
        created_at=row["created_at"], updated_at=row["updated_at"], seq=row["seq"], meta_rev=row["meta_rev"],
    )


def _version(row: sqlite3.Row, manifest: bytes) -> VersionRecord:
    return VersionRecord(
        id=row["id"], world_id=row["world_id"], parent_id=row["parent_id"], title=row["title"],
        source=row["source"], created_at=row["created_at"], manifest=manifest, base=row["base"], seq=row["seq"],
    )
