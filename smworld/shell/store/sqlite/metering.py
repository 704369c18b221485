"""Usage, reservations and idempotency keys on SQLite: each method is its own transaction.

The plain functions (:func:`reserve_in`, :func:`refund_in`, :func:`settle`) are the same steps run
inside another concept's transaction — creating a world spends its reservation and completes its
idempotency key in the transaction that creates it.
"""

from __future__ import annotations

import secrets
import sqlite3

from ..errors import Conflict, StoreError
from ..interfaces import IdempotencyStore, MeterStore
from ..records import IdemClaim, IdemFinish, Reservation, WorldMeta
from .connection import Database, first, rows, snapshot, transaction

__all__ = ["SQLiteIdempotency", "SQLiteMeter", "refund_in", "reserve_in", "settle"]

SETTLED_KEPT_S = 24 * 3600.0
"""How long a spent or refunded reservation's row is kept after it expired (then it is forgotten)."""


class SQLiteMeter(MeterStore):
    """:class:`MeterStore` on one SQLite file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @transaction
    def reserve(self, conn: sqlite3.Connection, reservation: Reservation, cap: int) -> bool:
        return reserve_in(conn, reservation, cap)

    @transaction
    def spend(self, conn: sqlite3.Connection, reservation: Reservation) -> None:
        _spend(conn, reservation)

    @transaction
    def refund(self, conn: sqlite3.Connection, reservation: Reservation) -> None:
        refund_in(conn, reservation)

    @transaction
    def refund_expired(self, conn: sqlite3.Connection, now: float) -> int:
        expired = rows(
            conn,
            "SELECT id, app_id, mode, day, kind, units FROM reservations WHERE state = 'pending' AND expires_at < ?",
            (now,),
        )
        for row in expired:
            refund_in(conn, Reservation(row["app_id"], row["mode"], row["day"], row["kind"], row["units"], row["id"]))
        conn.execute("DELETE FROM reservations WHERE state != 'pending' AND expires_at < ?", (now - SETTLED_KEPT_S,))
        return len(expired)

    @snapshot
    def usage(self, conn: sqlite3.Connection, app_id: str, mode: str, day: str) -> dict[str, int]:
        found = rows(conn, "SELECT kind, used FROM usage WHERE app_id = ? AND mode = ? AND day = ?",
                     (app_id, mode, day))
        return {str(row[0]): int(row[1]) for row in found}


class SQLiteIdempotency(IdempotencyStore):
    """:class:`IdempotencyStore` on one SQLite file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @transaction
    def claim(
        self, conn: sqlite3.Connection, app_id: str, mode: str, key: str, fingerprint: str, now: float, ttl: float,
        lock: float,
    ) -> IdemClaim:
        conn.execute("DELETE FROM idempotency WHERE created_at < ?", (now - ttl,))
        row = first(
            conn,
            "SELECT fingerprint, status, body, locked_until FROM idempotency WHERE app_id = ? AND mode = ? AND key = ?",
            (app_id, mode, key),
        )
        owner = secrets.token_hex(8)
        if row is None:
            conn.execute(
                "INSERT INTO idempotency (app_id, mode, key, fingerprint, status, body, created_at, locked_until,"
                " owner) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
                (app_id, mode, key, fingerprint, now, now + lock, owner),
            )
            return IdemClaim("new", owner=owner)
        if row["fingerprint"] != fingerprint:
            return IdemClaim("mismatch")
        if row["status"] is not None:
            return IdemClaim("replay", int(row["status"]), bytes(row["body"]))
        if row["locked_until"] > now:
            return IdemClaim("in_flight")
        conn.execute(
            "UPDATE idempotency SET locked_until = ?, owner = ? WHERE app_id = ? AND mode = ? AND key = ?",
            (now + lock, owner, app_id, mode, key),
        )
        return IdemClaim("new", owner=owner)

    @transaction
    def finish(
        self, conn: sqlite3.Connection, app_id: str, mode: str, key: str, status: int, response: bytes, *, owner: str
    ) -> None:
        _finish(conn, app_id, mode, key, status, response, owner)

    @transaction
    def release(self, conn: sqlite3.Connection, app_id: str, mode: str, key: str, *, owner: str) -> None:
        conn.execute(
            "DELETE FROM idempotency WHERE app_id = ? AND mode = ? AND key = ? AND owner = ? AND status IS NULL",
            (app_id, mode, key, owner),
        )


def reserve_in(conn: sqlite3.Connection, r: Reservation, cap: int) -> bool:
    """Add the units iff they fit under ``cap``; record the reservation as pending when it has an id."""
    row = first(
        conn,
        "SELECT used FROM usage WHERE app_id = ? AND mode = ? AND day = ? AND kind = ?",
        (r.app_id, r.mode, r.day, r.kind),
    )
    used = int(row[0]) if row else 0
    if cap > 0 and used + r.units > cap:
        return False
    _charge(conn, r)
    if r.id:
        conn.execute(
            "INSERT INTO reservations (id, app_id, mode, day, kind, units, state, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            (r.id, r.app_id, r.mode, r.day, r.kind, r.units, r.expires_at),
        )
    return True


def refund_in(conn: sqlite3.Connection, r: Reservation) -> None:
    """Give back a pending reservation (or a job's, which has no row of its own)."""
    if r.id:
        cur = conn.execute("UPDATE reservations SET state = 'refunded' WHERE id = ? AND state = 'pending'", (r.id,))
        if cur.rowcount == 0:
            return
    conn.execute(
        "UPDATE usage SET used = MAX(used - ?, 0) WHERE app_id = ? AND mode = ? AND day = ? AND kind = ?",
        (r.units, r.app_id, r.mode, r.day, r.kind),
    )


def settle(
    conn: sqlite3.Connection, *, spent: Reservation | None, finish: IdemFinish | None, meta: WorldMeta | None
) -> None:
    """The bookkeeping of an effect, in the effect's own transaction: spend its reservation and
    complete its idempotency key (the whole transaction fails with :class:`Conflict` if the key
    was taken over)."""
    if spent is not None:
        _spend(conn, spent)
    if finish is not None:
        body = finish.render(meta) if finish.render is not None and meta is not None else finish.body
        if not _finish(conn, finish.app_id, finish.mode, finish.key, finish.status, body, finish.owner):
            raise Conflict("the idempotency key was taken over by another request")


def _spend(conn: sqlite3.Connection, r: Reservation) -> None:
    row = first(conn, "SELECT state FROM reservations WHERE id = ?", (r.id,))
    if row is None:
        raise StoreError(f"spend: no reservation {r.id!r}")
    if row[0] == "spent":
        return
    if row[0] == "refunded":  # it expired while the work ran: the work did happen, so charge again
        _charge(conn, r)
    conn.execute("UPDATE reservations SET state = 'spent' WHERE id = ?", (r.id,))


def _finish(
    conn: sqlite3.Connection, app_id: str, mode: str, key: str, status: int, response: bytes, owner: str
) -> bool:
    """Store the response if ``owner`` still holds the key; False when it does not."""
    cur = conn.execute(
        "UPDATE idempotency SET status = ?, body = ? "
        "WHERE app_id = ? AND mode = ? AND key = ? AND owner = ? AND status IS NULL",
        (status, response, app_id, mode, key, owner),
    )
    return cur.rowcount > 0


def _charge(conn: sqlite3.Connection, r: Reservation) -> None:
    conn.execute(
        "INSERT INTO usage (app_id, mode, day, kind, used) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (app_id, mode, day, kind) DO UPDATE SET used = used + excluded.used",
        (r.app_id, r.mode, r.day, r.kind, r.units),
    )
