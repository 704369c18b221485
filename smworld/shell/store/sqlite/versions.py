"""Version trees and content-addressed objects on SQLite.

Deleting a version hides its row instead of rewriting its children's delta manifests: the tree
edge goes (children are re-parented in the same transaction), the manifest stays readable for the
deltas based on it. That keeps a delete one short transaction that cannot race a snapshot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Literal

from ..errors import Missing
from ..interfaces import VersionStore
from ..records import VersionRecord
from .connection import Database, first, rows, snapshot, transaction

__all__ = ["SQLiteVersions", "insert_version"]

_VERSION = "id, world_id, parent_id, title, source, created_at, base, seq"


class SQLiteVersions(VersionStore):
    """:class:`VersionStore` on one SQLite file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @transaction
    def add(
        self, conn: sqlite3.Connection, version: VersionRecord, objects: Mapping[str, bytes], *,
        move_head_from: str | bool | None,
    ) -> None:
        if first(conn, "SELECT 1 FROM worlds WHERE id = ?", (version.world_id,)) is None:
            raise Missing("world", version.world_id)
        insert_version(conn, version, objects, move_head_from)

    @snapshot
    def tree(self, conn: sqlite3.Connection, world_id: str) -> list[VersionRecord]:
        found = rows(
            conn, f"SELECT {_VERSION} FROM versions WHERE world_id = ? AND deleted = 0 ORDER BY seq", (world_id,)
        )
        return [_version(row, b"") for row in found]

    @snapshot
    def get(self, conn: sqlite3.Connection, world_id: str, version_id: str) -> VersionRecord | None:
        row = first(
            conn,
            f"SELECT {_VERSION}, manifest FROM versions WHERE world_id = ? AND id = ? AND deleted = 0",
            (world_id, version_id),
        )
        return _version(row, bytes(row["manifest"])) if row else None

    @snapshot
    def chain(self, conn: sqlite3.Connection, world_id: str, version_id: str) -> list[bytes]:
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

    @snapshot
    def objects(self, conn: sqlite3.Connection, world_id: str, hashes: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        wanted = list(dict.fromkeys(hashes))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in rows(conn, f"SELECT hash, body FROM objects WHERE world_id = ? AND hash IN ({marks})",
                            (world_id, *chunk)):
                found[row[0]] = bytes(row[1])
        return found

    @transaction
    def rename(self, conn: sqlite3.Connection, world_id: str, version_id: str, title: str | None) -> bool:
        cur = conn.execute(
            "UPDATE versions SET title = ? WHERE world_id = ? AND id = ? AND deleted = 0",
            (title, world_id, version_id),
        )
        return cur.rowcount > 0

    @transaction
    def delete(self, conn: sqlite3.Connection, world_id: str, version_id: str) -> Literal["deleted", "missing", "head"]:
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
        conn.execute("UPDATE versions SET deleted = 1, parent_id = NULL WHERE world_id = ? AND id = ?",
                     (world_id, version_id))
        return "deleted"


def insert_version(
    conn: sqlite3.Connection, version: VersionRecord, objects: Mapping[str, bytes], move_head_from: str | bool | None
) -> None:
    """Insert a version row and the objects it names; move HEAD as :meth:`VersionStore.add` says."""
    if version.parent_id is not None and first(
        conn, "SELECT 1 FROM versions WHERE world_id = ? AND id = ? AND deleted = 0",
        (version.world_id, version.parent_id),
    ) is None:
        raise Missing("version", version.parent_id)
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


def _version(row: sqlite3.Row, manifest: bytes) -> VersionRecord:
    return VersionRecord(
        id=row["id"], world_id=row["world_id"], parent_id=row["parent_id"], title=row["title"],
        source=row["source"], created_at=row["created_at"], manifest=manifest, base=row["base"], seq=row["seq"],
    )
