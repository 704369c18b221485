"""Usage and reservations, idempotency keys, and generation jobs: the transaction bodies.

Each function is ``(conn, …) -> value`` and runs whole inside one transaction or read snapshot
(see :mod:`.connection`). The protocols themselves are described on :class:`~..base.Store`.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Mapping

from ...errors import Conflict, StoreError
from ..base import IdemClaim, IdemFinish, JobRecord, Reservation, VersionRecord, WorldMeta
from .connection import first, rows
from .worlds import insert_world

__all__ = [
    "claim_idempotency",
    "claim_job",
    "create_job",
    "fail_job",
    "finish_idempotency",
    "finish_job_success",
    "get_job",
    "job_progress",
    "refund",
    "refund_expired_reservations",
    "release_idempotency",
    "requeue_running_jobs",
    "reserve",
    "settle",
    "spend",
    "usage",
]

_JOB = (
    "id, app_id, mode, status, phase, progress, params, reservation, world_id, error, attempts, "
    "created_at, updated_at"
)
SETTLED_KEPT_S = 24 * 3600.0
"""How long a spent or refunded reservation's row is kept after it expired (then it is forgotten)."""


# usage and reservations ------------------------------------------------------------------------

def reserve(conn: sqlite3.Connection, r: Reservation, cap: int) -> bool:
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


def spend(conn: sqlite3.Connection, r: Reservation) -> None:
    row = first(conn, "SELECT state FROM reservations WHERE id = ?", (r.id,))
    if row is None:
        raise StoreError(f"spend: no reservation {r.id!r}")
    if row[0] == "spent":
        return
    if row[0] == "refunded":  # it expired while the work ran: the work did happen, so charge again
        _charge(conn, r)
    conn.execute("UPDATE reservations SET state = 'spent' WHERE id = ?", (r.id,))


def refund(conn: sqlite3.Connection, r: Reservation) -> None:
    if r.id:
        cur = conn.execute("UPDATE reservations SET state = 'refunded' WHERE id = ? AND state = 'pending'", (r.id,))
        if cur.rowcount == 0:
            return
    _uncharge(conn, r)


def refund_expired_reservations(conn: sqlite3.Connection, now: float) -> int:
    expired = rows(
        conn,
        "SELECT id, app_id, mode, day, kind, units FROM reservations WHERE state = 'pending' AND expires_at < ?",
        (now,),
    )
    for row in expired:
        refund(conn, Reservation(row["app_id"], row["mode"], row["day"], row["kind"], row["units"], row["id"]))
    conn.execute("DELETE FROM reservations WHERE state != 'pending' AND expires_at < ?", (now - SETTLED_KEPT_S,))
    return len(expired)


def usage(conn: sqlite3.Connection, app_id: str, mode: str, day: str) -> dict[str, int]:
    found = rows(conn, "SELECT kind, used FROM usage WHERE app_id = ? AND mode = ? AND day = ?", (app_id, mode, day))
    return {str(row[0]): int(row[1]) for row in found}


def _charge(conn: sqlite3.Connection, r: Reservation) -> None:
    conn.execute(
        "INSERT INTO usage (app_id, mode, day, kind, used) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (app_id, mode, day, kind) DO UPDATE SET used = used + excluded.used",
        (r.app_id, r.mode, r.day, r.kind, r.units),
    )


def _uncharge(conn: sqlite3.Connection, r: Reservation) -> None:
    conn.execute(
        "UPDATE usage SET used = MAX(used - ?, 0) WHERE app_id = ? AND mode = ? AND day = ? AND kind = ?",
        (r.units, r.app_id, r.mode, r.day, r.kind),
    )


# idempotency -----------------------------------------------------------------------------------

def claim_idempotency(
    conn: sqlite3.Connection, app_id: str, mode: str, key: str, fingerprint: str, now: float, ttl: float, lock: float
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
            "INSERT INTO idempotency (app_id, mode, key, fingerprint, status, body, created_at, locked_until, owner)"
            " VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
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


def finish_idempotency(
    conn: sqlite3.Connection, app_id: str, mode: str, key: str, status: int, response: bytes, owner: str
) -> bool:
    """Store the response if ``owner`` still holds the key; False when it does not."""
    cur = conn.execute(
        "UPDATE idempotency SET status = ?, body = ? "
        "WHERE app_id = ? AND mode = ? AND key = ? AND owner = ? AND status IS NULL",
        (status, response, app_id, mode, key, owner),
    )
    return cur.rowcount > 0


def release_idempotency(conn: sqlite3.Connection, app_id: str, mode: str, key: str, owner: str) -> None:
    conn.execute(
        "DELETE FROM idempotency WHERE app_id = ? AND mode = ? AND key = ? AND owner = ? AND status IS NULL",
        (app_id, mode, key, owner),
    )


def settle(
    conn: sqlite3.Connection, *, spent: Reservation | None, finish: IdemFinish | None, meta: WorldMeta | None
) -> None:
    """The bookkeeping of an effect, in the effect's own transaction: spend its reservation and
    complete its idempotency key (the whole transaction fails with 409 if the key was taken over)."""
    if spent is not None:
        spend(conn, spent)
    if finish is not None:
        body = finish.render(meta) if finish.render is not None and meta is not None else finish.body
        if not finish_idempotency(conn, finish.app_id, finish.mode, finish.key, finish.status, body, finish.owner):
            raise Conflict(
                "this request's Idempotency-Key was taken over by a retry while it ran; nothing was saved — "
                "retry with the same key to get the other request's result"
            )


# jobs ------------------------------------------------------------------------------------------

def create_job(conn: sqlite3.Connection, job: JobRecord, cap: int, finish: IdemFinish | None) -> bool:
    if job.reservation is not None and not reserve(conn, job.reservation, cap):
        return False
    conn.execute(
        f"INSERT INTO jobs ({_JOB}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            job.id, job.app_id, job.mode, job.status, job.phase, job.progress, json.dumps(dict(job.params)),
            _reservation_json(job.reservation), job.world_id, job.error, job.attempts, job.created_at, job.updated_at,
        ),
    )
    settle(conn, spent=None, finish=finish, meta=None)
    return True


def get_job(conn: sqlite3.Connection, job_id: str) -> JobRecord | None:
    row = first(conn, f"SELECT {_JOB} FROM jobs WHERE id = ?", (job_id,))
    return _job(row) if row else None


def claim_job(conn: sqlite3.Connection, now: float) -> JobRecord | None:
    row = first(conn, "SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1")
    if row is None:
        return None
    conn.execute(
        "UPDATE jobs SET status = 'running', phase = 'starting', attempts = attempts + 1, updated_at = ? WHERE id = ?",
        (now, row["id"]),
    )
    return get_job(conn, row["id"])


def job_progress(conn: sqlite3.Connection, job_id: str, phase: str, progress: float, now: float) -> None:
    conn.execute(
        "UPDATE jobs SET phase = ?, progress = ?, updated_at = ? WHERE id = ? AND status = 'running'",
        (phase, progress, now, job_id),
    )


def finish_job_success(
    conn: sqlite3.Connection, job_id: str, meta: WorldMeta, doc: bytes, version: VersionRecord | None,
    objects: Mapping[str, bytes], now: float,
) -> bool:
    cur = conn.execute(
        "UPDATE jobs SET status = 'succeeded', phase = 'done', progress = 1.0, world_id = ?, updated_at = ?"
        " WHERE id = ? AND status = 'running'",
        (meta.id, now, job_id),
    )
    if cur.rowcount == 0:
        return False
    insert_world(conn, meta, doc, version, objects)
    return True


def fail_job(conn: sqlite3.Connection, job_id: str, status: str, error: str, now: float) -> None:
    """Mark a queued/running job failed or dead and refund its reservation."""
    row = first(conn, "SELECT reservation FROM jobs WHERE id = ? AND status IN ('queued', 'running')", (job_id,))
    if row is None:
        return
    conn.execute(
        "UPDATE jobs SET status = ?, phase = 'done', error = ?, updated_at = ? WHERE id = ?",
        (status, error, now, job_id),
    )
    reservation = _reservation_from(row[0])
    if reservation is not None:
        refund(conn, reservation)


def requeue_running_jobs(conn: sqlite3.Connection, max_attempts: int, now: float) -> tuple[int, int]:
    requeued = dead = 0
    for row in rows(conn, "SELECT id, attempts FROM jobs WHERE status = 'running'"):
        if row["attempts"] >= max_attempts:
            fail_job(conn, row["id"], "dead", "the server stopped while this job ran, too often", now)
            dead += 1
        else:
            conn.execute(
                "UPDATE jobs SET status = 'queued', phase = 'queued', updated_at = ? WHERE id = ?", (now, row["id"])
            )
            requeued += 1
    return requeued, dead


def _job(row: sqlite3.Row) -> JobRecord:
    return JobRecord(
        id=row["id"], app_id=row["app_id"], mode=row["mode"], status=row["status"], phase=row["phase"],
        progress=row["progress"], params=json.loads(row["params"]),
        reservation=_reservation_from(row["reservation"]), world_id=row["world_id"], error=row["error"],
        attempts=row["attempts"], created_at=row["created_at"], updated_at=row["updated_at"],
    )


def _reservation_json(reservation: Reservation | None) -> str | None:
    if reservation is None:
        return None
    r = reservation
    return json.dumps({"app_id": r.app_id, "mode": r.mode, "day": r.day, "kind": r.kind, "units": r.units})


def _reservation_from(raw: str | None) -> Reservation | None:
    if not raw:
        return None
    data = json.loads(raw)
    return Reservation(data["app_id"], data["mode"], data["day"], data["kind"], int(data["units"]))
