"""The SQLite schema as numbered migrations, applied in order, each once, in one transaction.

``PRAGMA user_version`` records the last one applied. A migration is SQL text, or a function of
the connection when it must move data (3: whole documents become rows). Never edit a migration
that has shipped: add the next number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import msgspec

from ..rows import split

__all__ = ["MIGRATIONS"]


def _documents_to_rows(conn: sqlite3.Connection) -> None:
    """3: each world's stored document becomes a frame, a row per state and a row per event
    (:mod:`..rows`), so a write stores what it changed instead of the whole document."""
    for statement in (
        "CREATE TABLE world_states (world_id TEXT NOT NULL, ord INTEGER NOT NULL, id TEXT NOT NULL,"
        " body BLOB NOT NULL, PRIMARY KEY (world_id, ord)) STRICT",
        "CREATE TABLE world_events (world_id TEXT NOT NULL, ord INTEGER NOT NULL,"
        " body BLOB NOT NULL, PRIMARY KEY (world_id, ord)) STRICT",
        "CREATE UNIQUE INDEX world_states_by_id ON world_states (world_id, id)",
        "ALTER TABLE worlds ADD COLUMN frame BLOB NOT NULL DEFAULT x''",
        "ALTER TABLE worlds ADD COLUMN split INTEGER NOT NULL DEFAULT 1",
    ):
        conn.execute(statement)
    decoder = msgspec.json.Decoder()
    for world_id, doc in conn.execute("SELECT id, doc FROM worlds").fetchall():
        rows, _ = split(decoder.decode(doc))
        conn.execute("UPDATE worlds SET frame = ?, split = ? WHERE id = ?", (rows.frame, int(rows.split), world_id))
        conn.executemany("INSERT INTO world_states (world_id, ord, id, body) VALUES (?, ?, ?, ?)",
                         [(world_id, *row) for row in rows.states])
        conn.executemany("INSERT INTO world_events (world_id, ord, body) VALUES (?, ?, ?)",
                         [(world_id, *row) for row in rows.events])
    conn.execute("ALTER TABLE worlds DROP COLUMN doc")


MIGRATIONS: tuple[tuple[int, str | Callable[[sqlite3.Connection], None]], ...] = (
    (
        1,
        """
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;

        CREATE TABLE apps (
            id         TEXT PRIMARY KEY,
            owner      TEXT NOT NULL,
            name       TEXT NOT NULL,
            caps       TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL
        ) STRICT;
        CREATE INDEX apps_by_owner ON apps (owner, created_at);

        CREATE TABLE api_keys (
            id           TEXT PRIMARY KEY,
            app_id       TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
            hash         TEXT NOT NULL UNIQUE,
            prefix       TEXT NOT NULL,
            kind         TEXT NOT NULL CHECK (kind IN ('secret', 'publishable')),
            mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
            scopes       TEXT NOT NULL,
            name         TEXT,
            created_at   REAL NOT NULL,
            last_used_at REAL,
            revoked_at   REAL
        ) STRICT;
        CREATE INDEX api_keys_by_app ON api_keys (app_id, created_at);

        CREATE TABLE worlds (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            id          TEXT NOT NULL UNIQUE,
            app_id      TEXT NOT NULL,
            mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
            name        TEXT NOT NULL,
            description TEXT NOT NULL,
            cover       TEXT,
            visibility  TEXT NOT NULL CHECK (visibility IN ('private', 'unlisted', 'public')),
            slug        TEXT NOT NULL UNIQUE,
            rev         INTEGER NOT NULL,
            head        TEXT,
            doc         BLOB NOT NULL,
            created_at  REAL NOT NULL,
            updated_at  REAL NOT NULL
        ) STRICT;
        CREATE INDEX worlds_by_app ON worlds (app_id, mode, seq);

        CREATE TABLE versions (
            world_id   TEXT NOT NULL,
            id         TEXT NOT NULL,
            seq        INTEGER NOT NULL,
            parent_id  TEXT,
            title      TEXT,
            source     TEXT NOT NULL,
            created_at REAL NOT NULL,
            base       TEXT,
            manifest   BLOB NOT NULL,
            deleted    INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (world_id, id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX versions_by_seq ON versions (world_id, seq);

        CREATE TABLE objects (
            world_id TEXT NOT NULL,
            hash     TEXT NOT NULL,
            body     BLOB NOT NULL,
            PRIMARY KEY (world_id, hash)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE usage (
            app_id TEXT NOT NULL,
            mode   TEXT NOT NULL,
            day    TEXT NOT NULL,
            kind   TEXT NOT NULL,
            used   INTEGER NOT NULL,
            PRIMARY KEY (app_id, mode, day, kind)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE idempotency (
            app_id       TEXT NOT NULL,
            mode         TEXT NOT NULL,
            key          TEXT NOT NULL,
            fingerprint  TEXT NOT NULL,
            status       INTEGER,
            body         BLOB,
            created_at   REAL NOT NULL,
            locked_until REAL NOT NULL,
            PRIMARY KEY (app_id, mode, key)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX idempotency_by_age ON idempotency (created_at);

        CREATE TABLE jobs (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            id          TEXT NOT NULL UNIQUE,
            app_id      TEXT NOT NULL,
            mode        TEXT NOT NULL,
            status      TEXT NOT NULL
                        CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
            phase       TEXT,
            progress    REAL NOT NULL,
            params      TEXT NOT NULL,
            reservation TEXT,
            world_id    TEXT,
            error       TEXT,
            attempts    INTEGER NOT NULL,
            created_at  REAL NOT NULL,
            updated_at  REAL NOT NULL
        ) STRICT;
        CREATE INDEX jobs_by_status ON jobs (status, seq);
        """,
    ),
    (
        2,
        """
        -- Durable quota reservations: written with the usage increment, settled (spent) in the
        -- transaction that makes the paid-for effect, refunded on failure or once expired.
        CREATE TABLE reservations (
            id         TEXT PRIMARY KEY,
            app_id     TEXT NOT NULL,
            mode       TEXT NOT NULL,
            day        TEXT NOT NULL,
            kind       TEXT NOT NULL,
            units      INTEGER NOT NULL,
            state      TEXT NOT NULL CHECK (state IN ('pending', 'spent', 'refunded')),
            expires_at REAL NOT NULL
        ) STRICT;
        CREATE INDEX reservations_pending ON reservations (expires_at) WHERE state = 'pending';
        CREATE INDEX reservations_by_age ON reservations (expires_at);

        -- Which claim holds an idempotency key: only its holder may finish or release it.
        ALTER TABLE idempotency ADD COLUMN owner TEXT NOT NULL DEFAULT '';

        -- Metadata changes (which leave rev alone) are counted apart, for the world's ETag.
        ALTER TABLE worlds ADD COLUMN meta_rev INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (3, _documents_to_rows),
    (
        4,
        """
        -- Caps the operator set per app (smworld admin caps): ceilings the owner's caps stay beneath.
        ALTER TABLE apps ADD COLUMN ceilings TEXT NOT NULL DEFAULT '{}';
        """,
    ),
)
