"""Durable generation jobs: a queue in the store and one worker task per server.

A job row is the source of truth. The worker claims the oldest queued job (a store transaction
marks it running and counts the attempt), generates in a thread, reporting ``phase``/``progress``,
then creates the world *and* marks the job succeeded in one transaction — so a crash at any point
either leaves no world and a job to redo, or the world and a finished job, never a duplicate.
At start-up, jobs left running by a dead process are re-queued, or marked ``dead`` (and their
reservation refunded) once they have used up their attempts.

The worker also sweeps quota reservations about once a minute: one still pending past its expiry
was made by a request whose process died mid-work, and is refunded
(:meth:`~smworld.shell.store.interfaces.MeterStore.refund_expired`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from ..config import Config
from ..store.interfaces import Store
from ..store.records import JobRecord
from .generation import GenerationFailed, prepare

__all__ = ["JobRunner"]

log = logging.getLogger("smworld.shell.jobs")
_POLL_S = 2.0
SWEEP_EVERY_S = 60.0


class JobRunner:
    """Runs queued jobs one at a time until :meth:`stop`."""

    def __init__(self, store: Store, config: Config, clock: Callable[[], float]) -> None:
        self._store = store
        self._config = config
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._swept_at = clock()

    async def start(self) -> None:
        requeued, dead = await self._store.jobs.requeue_running(self._config.job_max_attempts, self._clock())
        if requeued or dead:
            log.info("jobs: %d re-queued and %d given up after a restart", requeued, dead)
        self._task = asyncio.create_task(self._loop(), name="smworld-jobs")

    def wake(self) -> None:
        """A job was queued: look now instead of at the next poll."""
        self._wake.set()

    async def stop(self, timeout: float) -> None:
        """Let the running job finish within ``timeout``; an unfinished one is re-queued at next start."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        done, _ = await asyncio.wait({self._task}, timeout=timeout)
        if not done:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def sweep(self) -> int:
        """Refund the reservations that expired unspent; how many."""
        self._swept_at = self._clock()
        refunded = await self._store.meter.refund_expired(self._swept_at)
        if refunded:
            log.info("metering: refunded %d expired reservations", refunded)
        return refunded

    async def _loop(self) -> None:
        while not self._stopping:
            if self._clock() - self._swept_at >= SWEEP_EVERY_S:
                try:
                    await self.sweep()
                except Exception as exc:
                    log.warning("metering: cannot sweep reservations: %s", exc)
            try:
                job = await self._store.jobs.claim(self._clock())
            except Exception as exc:
                log.warning("jobs: cannot claim a job: %s", exc)
                job = None
            if job is None:
                self._wake.clear()
                if self._stopping:
                    break
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), _POLL_S)
                continue
            await self._run(job)

    async def _run(self, job: JobRecord) -> None:
        loop = asyncio.get_running_loop()
        jobs, clock = self._store.jobs, self._clock

        def progress(phase: str, fraction: float) -> None:
            asyncio.run_coroutine_threadsafe(jobs.progress(job.id, phase, fraction, clock()), loop)

        try:
            world = await asyncio.to_thread(prepare, job.params, app_id=job.app_id, mode=job.mode, now=clock(),
                                            progress=progress)
            await jobs.progress(job.id, "saving", 0.9, clock())
            if await jobs.succeed(job.id, world, clock()):
                log.info("jobs: %s succeeded → world %s", job.id, world.meta.id)
        except GenerationFailed as exc:
            await jobs.fail(job.id, "failed", str(exc), clock())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("jobs: %s failed unexpectedly", job.id)
            await jobs.fail(job.id, "failed", f"internal error: {type(exc).__name__}", clock())
