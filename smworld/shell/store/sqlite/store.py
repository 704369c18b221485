""":class:`SQLiteStore`: the :class:`~..base.Store` contract on one SQLite file.

Each method is one transaction (or one read snapshot) whose body is a plain function in the
module of its concept — :mod:`.apps`, :mod:`.worlds`, :mod:`.metering` — run whole on a
connection's thread by :class:`~.connection.Database`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from ..base import (
    AppRecord,
    IdemClaim,
    IdemFinish,
    JobRecord,
    KeyLookup,
    KeyRecord,
    Reservation,
    Store,
    VersionRecord,
    WorldMeta,
    WorldRecord,
)
from . import apps, metering, worlds
from .connection import Database

__all__ = ["SQLiteStore"]


class SQLiteStore(Store):
    """:class:`Store` on one SQLite file. ``readers`` read-only connections serve reads."""

    def __init__(self, path: Path | str, *, synchronous: str = "full", readers: int = 2) -> None:
        self.path = Path(path)
        self._db = Database(self.path, synchronous=synchronous, readers=readers)

    # lifecycle -----------------------------------------------------------------------------
    async def open(self) -> None:
        await self._db.open()

    async def close(self) -> None:
        await self._db.close()

    async def ping(self) -> None:
        await self._db.read(_ping)

    async def setting(self, key: str, default: str) -> str:
        return await self._db.write(apps.setting, key, default)

    # apps and keys ---------------------------------------------------------------------------
    async def create_app(self, app: AppRecord) -> None:
        await self._db.write(apps.create_app, app)

    async def list_apps(self, owner: str) -> list[AppRecord]:
        return await self._db.read(apps.list_apps, owner)

    async def get_app(self, app_id: str) -> AppRecord | None:
        return await self._db.read(apps.get_app, app_id)

    async def update_app(self, app_id: str, *, name: str | None, caps: Mapping[str, int] | None) -> AppRecord:
        return await self._db.write(apps.update_app, app_id, name, caps)

    async def create_key(self, key: KeyRecord) -> None:
        await self._db.write(apps.create_key, key)

    async def list_keys(self, app_id: str) -> list[KeyRecord]:
        return await self._db.read(apps.list_keys, app_id)

    async def revoke_key(self, app_id: str, key_id: str, now: float) -> bool:
        return await self._db.write(apps.revoke_key, app_id, key_id, now)

    async def lookup_key(self, key_hash: str, world_id: str | None = None, *, with_doc: bool = False) -> KeyLookup:
        return await self._db.read(apps.lookup_key, key_hash, world_id, with_doc)

    async def touch_key(self, key_id: str, now: float) -> None:
        await self._db.write(apps.touch_key, key_id, now)

    # worlds ----------------------------------------------------------------------------------
    async def create_world(
        self,
        meta: WorldMeta,
        doc: bytes,
        version: VersionRecord | None,
        objects: Mapping[str, bytes],
        *,
        spend: Reservation | None = None,
        finish: IdemFinish | None = None,
    ) -> WorldMeta:
        def body(conn: sqlite3.Connection) -> WorldMeta:
            created = worlds.insert_world(conn, meta, doc, version, objects)
            metering.settle(conn, spent=spend, finish=finish, meta=created)
            return created

        return await self._db.write(body)

    async def get_world(self, world_id: str) -> WorldRecord | None:
        return await self._db.read(worlds.get_world, world_id)

    async def get_world_meta(self, world_id: str) -> WorldMeta | None:
        return await self._db.read(worlds.get_world_meta, world_id)

    async def list_worlds(
        self, app_id: str, mode: str, visibility: str | None, limit: int, before_seq: int | None
    ) -> list[WorldMeta]:
        return await self._db.read(worlds.list_worlds, app_id, mode, visibility, limit, before_seq)

    async def update_world_meta(
        self, world_id: str, changes: Mapping[str, Any], rewrite: Callable[[bytes], bytes], now: float
    ) -> WorldMeta:
        worlds.check_meta_changes(changes)
        return await self._db.write(worlds.update_world_meta, world_id, changes, rewrite, now)

    async def write_world(
        self, world_id: str, expected_rev: int, doc: bytes, now: float, *, expected_meta_rev: int
    ) -> WorldMeta:
        return await self._db.write(worlds.write_world, world_id, (expected_rev, expected_meta_rev), doc, now)

    async def delete_world(self, world_id: str) -> bool:
        return await self._db.write(worlds.delete_world, world_id)

    # versions --------------------------------------------------------------------------------
    async def add_version(
        self, version: VersionRecord, objects: Mapping[str, bytes], *, move_head_from: str | bool | None
    ) -> None:
        await self._db.write(worlds.add_version, version, objects, move_head_from)

    async def list_versions(self, world_id: str) -> list[VersionRecord]:
        return await self._db.read(worlds.list_versions, world_id)

    async def get_version(self, world_id: str, version_id: str) -> VersionRecord | None:
        return await self._db.read(worlds.get_version, world_id, version_id)

    async def version_chain(self, world_id: str, version_id: str) -> list[bytes]:
        return await self._db.read(worlds.version_chain, world_id, version_id)

    async def get_objects(self, world_id: str, hashes: Sequence[str]) -> dict[str, bytes]:
        return await self._db.read(worlds.get_objects, world_id, hashes)

    async def rename_version(self, world_id: str, version_id: str, title: str | None) -> bool:
        return await self._db.write(worlds.rename_version, world_id, version_id, title)

    async def delete_version(self, world_id: str, version_id: str) -> Literal["deleted", "missing", "head"]:
        return await self._db.write(worlds.delete_version, world_id, version_id)

    async def checkout(
        self, world_id: str, version_id: str, expected_rev: int, doc: bytes, now: float, *, expected_meta_rev: int
    ) -> WorldMeta:
        return await self._db.write(
            worlds.checkout, world_id, version_id, (expected_rev, expected_meta_rev), doc, now
        )

    # metering --------------------------------------------------------------------------------
    async def reserve(self, reservation: Reservation, cap: int) -> bool:
        return await self._db.write(metering.reserve, reservation, cap)

    async def spend(self, reservation: Reservation) -> None:
        await self._db.write(metering.spend, reservation)

    async def refund(self, reservation: Reservation) -> None:
        await self._db.write(metering.refund, reservation)

    async def refund_expired_reservations(self, now: float) -> int:
        return await self._db.write(metering.refund_expired_reservations, now)

    async def usage(self, app_id: str, mode: str, day: str) -> dict[str, int]:
        return await self._db.read(metering.usage, app_id, mode, day)

    async def claim_idempotency(
        self, app_id: str, mode: str, key: str, fingerprint: str, now: float, ttl: float, lock: float
    ) -> IdemClaim:
        return await self._db.write(metering.claim_idempotency, app_id, mode, key, fingerprint, now, ttl, lock)

    async def finish_idempotency(
        self, app_id: str, mode: str, key: str, status: int, response: bytes, *, owner: str
    ) -> None:
        await self._db.write(metering.finish_idempotency, app_id, mode, key, status, response, owner)

    async def release_idempotency(self, app_id: str, mode: str, key: str, *, owner: str) -> None:
        await self._db.write(metering.release_idempotency, app_id, mode, key, owner)

    # jobs ------------------------------------------------------------------------------------
    async def create_job(self, job: JobRecord, cap: int, *, finish: IdemFinish | None = None) -> bool:
        return await self._db.write(metering.create_job, job, cap, finish)

    async def get_job(self, job_id: str) -> JobRecord | None:
        return await self._db.read(metering.get_job, job_id)

    async def claim_job(self, now: float) -> JobRecord | None:
        return await self._db.write(metering.claim_job, now)

    async def job_progress(self, job_id: str, phase: str, progress: float, now: float) -> None:
        await self._db.write(metering.job_progress, job_id, phase, progress, now)

    async def finish_job_success(
        self, job_id: str, meta: WorldMeta, doc: bytes, version: VersionRecord | None,
        objects: Mapping[str, bytes], now: float,
    ) -> bool:
        return await self._db.write(metering.finish_job_success, job_id, meta, doc, version, objects, now)

    async def finish_job_failure(self, job_id: str, status: str, error: str, now: float) -> None:
        await self._db.write(metering.fail_job, job_id, status, error, now)

    async def requeue_running_jobs(self, max_attempts: int, now: float) -> tuple[int, int]:
        return await self._db.write(metering.requeue_running_jobs, max_attempts, now)


def _ping(conn: sqlite3.Connection) -> None:
    conn.execute("SELECT 1").fetchall()
