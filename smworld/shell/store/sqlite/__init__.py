"""The embedded store: one SQLite file through aiosqlite, in WAL mode.

- :mod:`.connection` — the connections, how one transaction runs, ``@transaction``/``@snapshot``;
  :mod:`.migrations` — the schema.
- one adapter per concept, each method its own transaction: :mod:`.apps` (settings, apps, keys),
  :mod:`.worlds` (worlds as rows), :mod:`.versions` (version trees, objects), :mod:`.metering`
  (usage, reservations, idempotency keys), :mod:`.jobs` (generation jobs).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..interfaces import Store
from .apps import SQLiteApps
from .connection import Database
from .jobs import SQLiteJobs
from .metering import SQLiteIdempotency, SQLiteMeter
from .versions import SQLiteVersions
from .worlds import SQLiteWorlds

__all__ = ["SQLiteStore"]


class SQLiteStore(Store):
    """Every store interface on one SQLite file. ``readers`` read-only connections serve reads."""

    def __init__(self, path: Path | str, *, synchronous: str = "full", readers: int = 2) -> None:
        self.path = Path(path)
        self.db = Database(self.path, synchronous=synchronous, readers=readers)
        self.apps = SQLiteApps(self.db)
        self.worlds = SQLiteWorlds(self.db)
        self.versions = SQLiteVersions(self.db)
        self.meter = SQLiteMeter(self.db)
        self.idempotency = SQLiteIdempotency(self.db)
        self.jobs = SQLiteJobs(self.db)

    async def open(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        await self.db.close()

    async def ping(self) -> None:
        await self.db.read(_ping)


def _ping(conn: sqlite3.Connection) -> None:
    conn.execute("SELECT 1").fetchall()
