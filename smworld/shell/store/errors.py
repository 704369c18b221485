"""The store's own errors: what a persistence adapter can tell its caller, in no protocol's words.

Adapters translate their driver's exceptions into these inside the adapter, so nothing above the
store ever sees ``sqlite3`` (or ``psycopg``) errors. The one registry in
:mod:`smworld.shell.http.errors` decides what each becomes on the wire::

    StoreError              root: the store failed in a way it could not classify
     ├── Missing            the row a write needs is gone (a world, an app, a version, a parent)
     ├── Conflict           the write conflicts with what is stored (a taken-over idempotency claim)
     │    └── RevConflict   a compare-and-set on a world's (rev, meta_rev) lost; ``current`` is the rev now
     └── Unavailable        busy, locked, closed or unreachable: nothing happened, safe to retry
"""

from __future__ import annotations

__all__ = ["Conflict", "Missing", "RevConflict", "StoreError", "Unavailable"]


class StoreError(Exception):
    """The store failed in a way it could not classify."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Missing(StoreError):
    """A row the operation needs does not exist: ``kind`` names what (``world``, ``version``, …)."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"no {kind} {key!r}")
        self.kind = kind
        self.key = key


class Conflict(StoreError):
    """The operation conflicts with what is stored; nothing was written."""


class RevConflict(Conflict):
    """A compare-and-set on a world's version lost: ``current`` is the rev now stored.

    ``current`` may equal the expected rev: a metadata change (``meta_rev``) committed in between.
    """

    def __init__(self, current: int) -> None:
        super().__init__(f"rev is now {current}")
        self.current = current


class Unavailable(StoreError):
    """The store is busy, closed or unreachable; nothing was done, so the call is safe to retry."""
