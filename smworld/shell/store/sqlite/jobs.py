"""Durable generation jobs on SQLite: each method is its own transaction."""

from __future__ import annotations

import json
import sqlite3

from ..interfaces import JobStore
from ..records import IdemFinish, JobRecord, NewWorld, Reservation
from .connection import Database, first, rows, snapshot, transaction
from .metering import refund_in, reserve_in, settle
from .worlds import insert_world

__all__ = ["SQLiteJobs"]

_JOB = (
    "id, app_id, mode, status, phase, progress, params, reservation, world_id, error, attempts, "
    "created_at, updated_at"
)


class SQLiteJobs(JobStore):
    """:class:`JobStore` on one SQLite file."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @transaction
    def create(self, conn: sqlite3.Connection, job: JobRecord, cap: int, *, finish: IdemFinish | None = None) -> bool:
        if job.reservation is not None and not reserve_in(conn, job.reservation, cap):
            return False
        conn.execute(
            f"INSERT INTO jobs ({_JOB}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                job.id, job.app_id, job.mode, job.status, job.phase, job.progress, json.dumps(dict(job.params)),
                _reservation_json(job.reservation), job.world_id, job.error, job.attempts, job.created_at,
                job.updated_at,
            ),
        )
        settle(conn, spent=None, finish=finish, meta=None)
        return True

    @snapshot
    def get(self, conn: sqlite3.Connection, job_id: str) -> JobRecord | None:
        return _get(conn, job_id)

    @transaction
    def claim(self, conn: sqlite3.Connection, now: float) -> JobRecord | None:
        row = first(conn, "SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq LIMIT 1")
        if row is None:
            return None
        conn.execute(
            "UPDATE jobs SET status = 'running', phase = 'starting', attempts = attempts + 1, updated_at = ?"
            " WHERE id = ?",
            (now, row["id"]),
        )
        return _get(conn, row["id"])

    @transaction
    def progress(self, conn: sqlite3.Connection, job_id: str, phase: str, progress: float, now: float) -> None:
        conn.execute(
            "UPDATE jobs SET phase = ?, progress = ?, updated_at = ? WHERE id = ? AND status = 'running'",
            (phase, progress, now, job_id),
        )

    @transaction
    def succeed(self, conn: sqlite3.Connection, job_id: str, world: NewWorld, now: float) -> bool:
        cur = conn.execute(
            "UPDATE jobs SET status = 'succeeded', phase = 'done', progress = 1.0, world_id = ?, updated_at = ?"
            " WHERE id = ? AND status = 'running'",
            (world.meta.id, now, job_id),
        )
        if cur.rowcount == 0:
            return False
        insert_world(conn, world)
        return True

    @transaction
    def fail(self, conn: sqlite3.Connection, job_id: str, status: str, error: str, now: float) -> None:
        _fail(conn, job_id, status, error, now)

    @transaction
    def requeue_running(self, conn: sqlite3.Connection, max_attempts: int, now: float) -> tuple[int, int]:
        requeued = dead = 0
        for row in rows(conn, "SELECT id, attempts FROM jobs WHERE status = 'running'"):
            if row["attempts"] >= max_attempts:
                _fail(conn, row["id"], "dead", "the server stopped while this job ran, too often", now)
                dead += 1
            else:
                conn.execute("UPDATE jobs SET status = 'queued', phase = 'queued', updated_at = ? WHERE id = ?",
                             (now, row["id"]))
                requeued += 1
        return requeued, dead


def _get(conn: sqlite3.Connection, job_id: str) -> JobRecord | None:
    row = first(conn, f"SELECT {_JOB} FROM jobs WHERE id = ?", (job_id,))
    return _job(row) if row else None


def _fail(conn: sqlite3.Connection, job_id: str, status: str, error: str, now: float) -> None:
    """Mark a queued/running job failed or dead and refund its reservation."""
    row = first(conn, "SELECT reservation FROM jobs WHERE id = ? AND status IN ('queued', 'running')", (job_id,))
    if row is None:
        return
    conn.execute("UPDATE jobs SET status = ?, phase = 'done', error = ?, updated_at = ? WHERE id = ?",
                 (status, error, now, job_id))
    reservation = _reservation_from(row[0])
    if reservation is not None:
        refund_in(conn, reservation)


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
