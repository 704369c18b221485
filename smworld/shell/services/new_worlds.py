"""Making worlds: generate (waiting, or as a durable job), register a document, create an empty one,
fork; and listing an app's worlds.

Generation reserves one ``generation`` unit before any work and spends it in the transaction that
stores the world (a failure refunds it); registering, creating empty and forking are free.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from smworld.kernel import codec, gate
from smworld.kernel.world import WorldDoc

from ..config import Config
from ..errors import Invalid, NotFound
from ..store.interfaces import Store
from ..store.records import JobRecord, Reservation, WorldMeta
from ..wire.common import iso
from ..wire.cursors import encode_cursor
from ..wire.usage import JobOut
from ..wire.worlds import Created, Forked, Queued, WorldCreate, WorldList, WorldSummary
from .access import Caller
from .caps import effective_caps
from .claims import Claim, completion
from .documents import new_world, with_meta, world_document
from .generation import GenerationFailed, prepare
from .jobs import JobRunner
from .metering import metered, over_quota, utc_day
from .worlds import WorldService, gate_refusal, off_loop

__all__ = ["NewWorlds", "summary"]

_encoder = msgspec.json.Encoder()


def summary(meta: WorldMeta) -> WorldSummary:
    """The list/PATCH view of a world's metadata."""
    return WorldSummary(id=meta.id, name=meta.name, description=meta.description, cover=meta.cover,
                        visibility=meta.visibility, slug=meta.slug, updated_at=iso(meta.updated_at))


def created_body(meta: WorldMeta) -> bytes:
    return _encoder.encode(Created(worldId=meta.id, slug=meta.slug, status="succeeded", cover=meta.cover))


def forked_body(meta: WorldMeta) -> bytes:
    return _encoder.encode(Forked(worldId=meta.id, slug=meta.slug))


class NewWorlds:
    """Creating, forking and listing worlds."""

    def __init__(
        self, store: Store, config: Config, clock: Callable[[], float], worlds: WorldService,
        jobs: Callable[[], JobRunner | None],
    ) -> None:
        self._store = store
        self._config = config
        self._clock = clock
        self._worlds = worlds
        self._jobs = jobs

    async def create(self, caller: Caller, data: WorldCreate, size: int, claim: Claim | None) -> Created | Queued:
        """Generate, register or create empty, as the body says (see :class:`WorldCreate`)."""
        generate = bool(data.premise or data.frame_url or data.frame_b64)
        if data.world is not None:
            if generate:
                raise Invalid("send either a `world` to register or a `premise`/frame to generate, not both",
                              errors=["world: not with premise, frame_url or frame_b64"])
            return await self._register(caller, data, data.world, size, claim)
        if generate:
            _check_frame(data)
            if data.async_:
                return await self._enqueue(caller, data, claim)
            return await self._generate(caller, data, claim)
        if data.name is not None:
            empty: WorldDoc = {"name": data.name, "scene": {"states": {}, "events": []}}
            return await self._save(caller, data, empty, claim)
        raise Invalid(
            "nothing to create: send a `premise` (or `frame_url`/`frame_b64`) to generate, a `world` to register, "
            "or a `name` for an empty world",
            errors=["body: one of premise, frame_url, frame_b64, world, name is required"],
        )

    async def _register(
        self, caller: Caller, data: WorldCreate, world: WorldDoc, size: int, claim: Claim | None
    ) -> Created:
        def check() -> tuple[WorldDoc, gate.Report]:
            decoded = codec.decode(world)
            return decoded, gate.validate(decoded)

        decoded, report = await off_loop(check, doc_bytes=size)
        if not report.ok:
            raise gate_refusal("the world has errors and was not saved", report.diagnostics)
        return await self._save(caller, data, decoded, claim)

    async def _save(self, caller: Caller, data: WorldCreate, world: WorldDoc, claim: Claim | None) -> Created:
        """Store a registered (gate-checked) or empty world as a new world with no version yet."""
        doc = world_document(world, str(uuid.uuid4()), data.name, data.description)
        principal = caller.principal
        records = new_world(doc, app_id=principal.app_id, mode=principal.mode, visibility=data.visibility,
                            now=self._clock())
        meta = await self._store.worlds.create(records, finish=completion(claim, 201, render=created_body))
        return _created(meta)

    async def _generate(self, caller: Caller, data: WorldCreate, claim: Claim | None) -> Created:
        principal = caller.principal
        caps = await self._caps(principal.app_id)
        async with metered(self._store.meter, principal.app_id, principal.mode, "generation", caps, self._clock(),
                           ttl=self._config.reservation_ttl_s) as reservation:
            try:
                records = await asyncio.to_thread(prepare, _params(data), app_id=principal.app_id,
                                                  mode=principal.mode, now=self._clock())
            except GenerationFailed as exc:
                raise Invalid(f"generation failed; the unit was refunded: {exc}") from None
            meta = await self._store.worlds.create(records, spend=reservation,
                                                   finish=completion(claim, 201, render=created_body))
        return _created(meta)

    async def _enqueue(self, caller: Caller, data: WorldCreate, claim: Claim | None) -> Queued:
        principal = caller.principal
        now = self._clock()
        caps = await self._caps(principal.app_id)
        job = JobRecord(
            id=str(uuid.uuid4()), app_id=principal.app_id, mode=principal.mode, status="queued", phase="queued",
            progress=0.0, params=_params(data),
            reservation=Reservation(principal.app_id, principal.mode, utc_day(now), "generation", 1),
            world_id=None, error=None, attempts=0, created_at=now, updated_at=now,
        )
        queued = Queued(jobId=job.id, status="queued")
        cap = int(caps.get("generation", 0))
        if not await self._store.jobs.create(job, cap, finish=completion(claim, 202, body=_encoder.encode(queued))):
            raise over_quota("generation", cap)
        runner = self._jobs()
        if runner is not None:
            runner.wake()
        return queued

    async def fork(self, caller: Caller, world_id: str, name: str | None, claim: Claim | None) -> Forked:
        """Clone a world the caller may read into a new private world of its app, with one ``fork`` version."""
        source = await self._worlds.read_world(caller, world_id)
        fields: dict[str, Any] = {"id": str(uuid.uuid4())}
        if name is not None:
            fields["name"] = name
        doc = with_meta(source.world, **fields)
        principal = caller.principal
        records = await off_loop(
            lambda: new_world(doc, app_id=principal.app_id, mode=principal.mode, visibility="private",
                              now=self._clock(), snapshot=("fork", f"fork of {source.meta.name}")),
            doc_bytes=source.size,
        )
        meta = await self._store.worlds.create(records, finish=completion(claim, 201, render=forked_body))
        return Forked(worldId=meta.id, slug=meta.slug)

    async def page(self, caller: Caller, limit: int, before: int | None, visibility: str | None) -> WorldList:
        """The app's worlds in the key's mode, newest first, one page."""
        principal = caller.principal
        found = await self._store.worlds.page(principal.app_id, principal.mode, visibility, limit + 1, before)
        page = found[:limit]
        cursor = encode_cursor(f"s{page[-1].seq}") if len(found) > limit else None
        return WorldList(worlds=[summary(m) for m in page], nextCursor=cursor)

    async def job(self, caller: Caller, job_id: str) -> JobOut:
        """A generation job of the caller's app and mode."""
        principal = caller.principal
        job = await self._store.jobs.get(job_id)
        if job is None or job.app_id != principal.app_id or job.mode != principal.mode:
            raise NotFound(f"no job {job_id!r}")
        out = JobOut(jobId=job.id, status=job.status, phase=job.phase, progress=round(job.progress, 3))
        if job.world_id:
            out.worldId = job.world_id
        if job.error:
            out.error = job.error
        return out

    async def _caps(self, app_id: str) -> dict[str, int]:
        return effective_caps(self._config, await self._store.apps.get_app(app_id))


def _created(meta: WorldMeta) -> Created:
    return Created(worldId=meta.id, slug=meta.slug, status="succeeded", cover=meta.cover)


def _check_frame(data: WorldCreate) -> None:
    if data.frame_b64 is not None:
        try:
            base64.b64decode(data.frame_b64.split(",", 1)[-1], validate=True)
        except (binascii.Error, ValueError):
            raise Invalid("frame_b64: not valid base64", errors=["frame_b64: not valid base64"]) from None


def _params(data: WorldCreate) -> dict[str, Any]:
    """What generation needs of the request (a job keeps exactly this)."""
    fields = msgspec.structs.asdict(data)
    return {k: v for k, v in fields.items() if v is not None and k not in ("world", "async_")}
