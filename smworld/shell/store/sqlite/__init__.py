"""The embedded store: one SQLite file through aiosqlite, in WAL mode.

- :mod:`.connection` — the connections, how one transaction runs, the migrations runner;
  :mod:`.migrations` — the schema.
- :mod:`.apps` — settings, apps, API keys.
- :mod:`.worlds` — worlds, versions, content-addressed objects.
- :mod:`.metering` — usage and reservations, idempotency keys, generation jobs.
- :mod:`.store` — :class:`SQLiteStore`, the :class:`~..base.Store` contract wired to those.
"""

from __future__ import annotations

from .store import SQLiteStore

__all__ = ["SQLiteStore"]
