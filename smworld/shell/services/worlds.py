"""The world service: reading worlds, and every change to one — one write loop for all of them.

- Reads of the whole world (the scene, the document) answer "not modified" to a current
  ``If-None-Match`` and otherwise serve the bytes the :class:`ResponseCache` holds for the world's
  exact version, splicing them from the stored rows only on a miss.
- Decoded worlds come from the :class:`WorldCache` by exact ``(rev, meta_rev)``, with the layout of
  their rows; a write puts the kernel's result there under its new version. They are shared values:
  nothing changes a decoded world in place.
- Every graph change (an op batch, a REST single-op route, a checkout) runs :meth:`WorldService._commit`:
  read, check ``If-Match``, plan the new world through the kernel, compare-and-set the changed rows
  in one store transaction; a lost compare-and-set is retried on a fresh read, or is :class:`Stale`
  when ``If-Match`` no longer names the current rev. Writers of one world queue on an in-process
  lock first, so they rarely lose at all. Metadata changes use the same compare-and-set on
  ``(rev, meta_rev)``, so neither kind of write can undo the other.
- Heavy work (decoding, gating or encoding a large world, a long batch) runs in a worker thread,
  small work inline: :func:`off_loop` is the one place that decides.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import msgspec

from smworld.kernel import gate
from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.ops.arguments import read_batch
from smworld.kernel.ops.references import state_references
from smworld.kernel.world import WorldDoc, entrance_id, find_event
from smworld.kernel.world import events as world_events
from smworld.kernel.world import states as world_states
from smworld.kernel.write import WriteResult, apply_ops

from ..cache import ResponseCache, WorldCache
from ..errors import Invalid, Malformed, NotFound, Unavailable
from ..store import rows
from ..store.errors import RevConflict
from ..store.interfaces import Store
from ..store.records import WorldMeta
from ..wire.common import iso
from ..wire.graph import (
    EventOut,
    EventsOut,
    LintOut,
    SceneOut,
    StateOut,
    StatesOut,
    ValidateOut,
    WriteOut,
    WrittenOut,
)
from ..wire.versions import CheckedOut, CheckedOutHead
from ..wire.worlds import WorldDocument
from .access import Access, Caller
from .documents import with_meta
from .preconditions import Expected, Held, check_rev, stale, world_tag
from .snapshots import materialize

__all__ = ["KeyedLocks", "Loaded", "Read", "WorldService", "gate_refusal", "off_loop"]

_WRITE_ATTEMPTS = 50
LARGE_DOC_BYTES = 256 * 1024
"""Work on a world of more than this many stored bytes runs in a worker thread (below it a thread
hop costs more than it saves)."""
LARGE_BATCH = 100
"""So does applying a batch of more ops than this."""
R = TypeVar("R")
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


async def off_loop(fn: Callable[..., R], *args: Any, doc_bytes: int = 0, ops: int = 0) -> R:
    """``fn(*args)`` in a worker thread when the work is large (a world of more than
    :data:`LARGE_DOC_BYTES` or a batch of more than :data:`LARGE_BATCH` ops), else inline.

    Only for pure work on values nobody changes (kernel calls, decode/encode): the thread shares them.
    """
    if doc_bytes > LARGE_DOC_BYTES or ops > LARGE_BATCH:
        return await asyncio.to_thread(fn, *args)
    return fn(*args)


class KeyedLocks:
    """One asyncio lock per key, dropped when nobody holds or waits for it.

    Queues writers of the same world inside one process so they do not all read, apply and then
    lose the rev compare-and-set. Correctness never depends on it — the compare-and-set in the store
    does that, across processes too — it only saves the wasted work.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


@dataclass(frozen=True)
class Loaded:
    """A world decoded at one version, with the layout of its rows and their size in bytes."""

    meta: WorldMeta
    world: WorldDoc
    layout: rows.Layout
    size: int


@dataclass(frozen=True)
class Read:
    """A whole-world read: its entity tag and its bytes (None: the client's copy is current)."""

    tag: str
    body: bytes | None


@dataclass(frozen=True)
class _Plan:
    """What one attempt of a write will store."""

    world: WorldDoc
    change: rows.RowChange
    layout: rows.Layout
    head: str | None = None
    result: WriteResult | None = None


def gate_refusal(what: str, diagnostics: Sequence[Diagnostic], **extra: Any) -> Invalid:
    """The refusal of a world the gate rejected: ``what`` happened, then the first error's path and
    message (the field and the fix), with every diagnostic."""
    errors = [d for d in diagnostics if d.severity == "error"]
    first = f": {errors[0].path}: {errors[0].message}" if errors else ""
    return Invalid(f"{what}{first}", diagnostics=diagnostics, **extra)


class WorldService:
    """Reads and writes of worlds for callers acting through API keys."""

    def __init__(
        self, store: Store, clock: Callable[[], float], responses: ResponseCache, worlds: WorldCache[Loaded],
    ) -> None:
        self._store = store
        self._clock = clock
        self._responses = responses
        self._worlds = worlds
        self._locks = KeyedLocks()
        self.access = Access(store.worlds)

    # reading ---------------------------------------------------------------------------------
    async def load(self, meta: WorldMeta) -> Loaded:
        """The world at ``meta``'s version (or newer, if it moved meanwhile), decoded; from the cache
        when it holds exactly that version."""
        cached = self._worlds.get(meta.id, (meta.rev, meta.meta_rev))
        if cached is not None:
            return cached
        stored = await self._store.worlds.load(meta.id)
        if stored is None:
            raise NotFound(f"no world {meta.id!r} (it was deleted)")
        size = stored.rows.size
        world = await off_loop(_decode, stored.rows, doc_bytes=size)
        loaded = Loaded(stored.meta, world, rows.layout_of(stored.rows), size)
        self._worlds.put(meta.id, (stored.meta.rev, stored.meta.meta_rev), loaded, size)
        return loaded

    async def read_world(self, caller: Caller, world_id: str) -> Loaded:
        """The decoded world, if the caller may read it."""
        return await self.load(await self.access.readable(caller, world_id))

    async def scene(self, caller: Caller, world_id: str, held: Held | None) -> Read:
        """The graph (states, events, entrance, rev); its tag is the rev."""
        return await self._cached_read(caller, world_id, "scene", held)

    async def document(self, caller: Caller, world_id: str, held: Held | None) -> Read:
        """The document at top level plus rev, visibility, slug and times; its tag is :func:`world_tag`."""
        return await self._cached_read(caller, world_id, "world", held)

    async def _cached_read(
        self, caller: Caller, world_id: str, kind: Literal["scene", "world"], held: Held | None
    ) -> Read:
        meta = await self.access.readable(caller, world_id)
        tag, version = _tag(kind, meta)
        if held is not None and held.current(tag):
            return Read(tag, None)
        body = self._responses.get(world_id, kind, version)
        if body is None:
            stored = await self._store.worlds.load(world_id)
            if stored is None:
                raise NotFound(f"no world {world_id!r} (it was deleted)")
            meta = stored.meta
            tag, version = _tag(kind, meta)
            render = _scene_body if kind == "scene" else _document_body
            body = await off_loop(render, stored.meta, stored.rows, doc_bytes=stored.rows.size)
            self._responses.put(world_id, kind, version, body)
        return Read(tag, body)

    async def states(self, caller: Caller, world_id: str) -> tuple[int, StatesOut]:
        loaded = await self.read_world(caller, world_id)
        return loaded.meta.rev, StatesOut(world_states(loaded.world))

    async def state(self, caller: Caller, world_id: str, state_id: str) -> tuple[int, StateOut]:
        loaded = await self.read_world(caller, world_id)
        state = world_states(loaded.world).get(state_id)
        if state is None:
            raise NotFound(f"no state {state_id!r} in this world")
        return loaded.meta.rev, StateOut(state_id, state)

    async def events(self, caller: Caller, world_id: str) -> tuple[int, EventsOut]:
        loaded = await self.read_world(caller, world_id)
        return loaded.meta.rev, EventsOut(world_events(loaded.world))

    async def event(self, caller: Caller, world_id: str, name: str) -> tuple[int, EventOut]:
        loaded = await self.read_world(caller, world_id)
        found = find_event(loaded.world, name)
        if found is None:
            raise NotFound(f"no event {name!r} in this world")
        return loaded.meta.rev, EventOut(found[1])

    async def check(self, caller: Caller, world_id: str, inline: WorldDoc | None, size: int) -> ValidateOut:
        """Validate the inline world if given, else the stored one; :class:`Invalid` when it has errors."""
        world = await self._subject(caller, world_id, inline, size)
        report = await off_loop(gate.validate, world.world, doc_bytes=world.size)
        if not report.ok:
            raise gate_refusal("the world has errors", report.diagnostics)
        shown = await off_loop(_encoder.encode, world.world, doc_bytes=world.size)
        return ValidateOut(ok=True, world=msgspec.Raw(shown), diagnostics=report.diagnostics)

    async def lint(self, caller: Caller, world_id: str, inline: WorldDoc | None, size: int) -> LintOut:
        """Every gate finding of the inline world if given, else of the stored one."""
        world = await self._subject(caller, world_id, inline, size)
        report = await off_loop(gate.lint, world.world, doc_bytes=world.size)
        return LintOut(ok=report.ok, diagnostics=report.diagnostics, promptBudget=report.promptBudget)

    async def _subject(self, caller: Caller, world_id: str, inline: WorldDoc | None, size: int) -> Loaded:
        """What validate and lint check: the inline world if given, else the stored one."""
        meta = await self.access.readable(caller, world_id)
        if inline is not None:
            return Loaded(meta, inline, rows.Layout(), size)
        return await self.load(meta)

    # writing ---------------------------------------------------------------------------------
    async def apply(
        self,
        caller: Caller,
        world_id: str,
        ops: list[Any],
        *,
        expected: Expected | None,
        single: bool,
        minimal: bool,
        precheck: Callable[[WorldDoc], None] | None = None,
    ) -> tuple[int, WrittenOut]:
        """Apply ``ops`` through the kernel and its write gate, and store what changed.

        ``single``: a one-op REST route — an op that cannot apply is its own refusal (not found or
        malformed). ``precheck`` may refuse after seeing the exact world the ops will apply to.
        ``minimal``: answer without the world. Returns the new rev and the body.
        """

        read_batch(ops)  # a malformed batch is refused before If-Match is looked at

        async def plan(loaded: Loaded) -> _Plan:
            if precheck is not None:
                precheck(loaded.world)
            result = await off_loop(apply_ops, loaded.world, ops, doc_bytes=0 if single else loaded.size,
                                    ops=len(ops))
            _refuse(result, single)
            change, layout = await off_loop(rows.change, loaded.world, loaded.layout, result.world, result.touched,
                                            ops=len(ops))
            return _Plan(result.world, change, layout, result=result)

        meta, planned, size = await self._commit(caller, world_id, expected, plan)
        assert planned.result is not None
        result = planned.result
        rev = str(meta.rev)
        if minimal:
            return meta.rev, WrittenOut(rev=rev, diagnostics=result.diagnostics, applyErrors=result.applyErrors)
        world = await off_loop(_encoder.encode, planned.world, doc_bytes=size)
        return meta.rev, WriteOut(world=msgspec.Raw(world), rev=rev, diagnostics=result.diagnostics,
                                  applyErrors=result.applyErrors)

    async def delete_state(
        self, caller: Caller, world_id: str, state_id: str, *, expected: Expected | None, minimal: bool
    ) -> tuple[int, WrittenOut]:
        """Delete a state that nothing references (the entrance, an event, a cutscene, a beat…)."""

        def refuse_referenced(world: WorldDoc) -> None:
            if state_id not in world_states(world):
                raise NotFound(f"no state {state_id!r} in this world")
            if entrance_id(world) == state_id:
                raise Malformed(f"state {state_id!r} is the entrance; set another entrance first")
            refs = state_references(world, state_id)
            if refs:
                shown = ", ".join(refs[:10]) + (f" and {len(refs) - 10} more" if len(refs) > 10 else "")
                raise Malformed(f"state {state_id!r} is referenced by {shown}; detach those refs first")

        return await self.apply(caller, world_id, [{"op": "delete_state", "id": state_id}], expected=expected,
                                single=True, minimal=minimal, precheck=refuse_referenced)

    async def checkout(
        self, caller: Caller, world_id: str, version_id: str, *, expected: Expected | None, minimal: bool
    ) -> tuple[int, CheckedOut | CheckedOutHead]:
        """Set the working graph to a version's snapshot and move HEAD onto it, atomically."""

        async def plan(loaded: Loaded) -> _Plan:
            if await self._store.versions.get(world_id, version_id) is None:
                raise NotFound(f"no version {version_id!r} in world {world_id!r}")
            snapshot = await materialize(self._store.versions, world_id, version_id)
            meta = loaded.meta
            world = with_meta(snapshot, id=meta.id, name=meta.name, description=meta.description, cover=meta.cover)
            change, layout = await off_loop(rows.replace, world, doc_bytes=loaded.size)
            return _Plan(world, change, layout, head=version_id)

        meta, planned, size = await self._commit(caller, world_id, expected, plan)
        if minimal:
            return meta.rev, CheckedOutHead(rev=str(meta.rev), head=meta.head)
        world = await off_loop(_encoder.encode, planned.world, doc_bytes=size)
        return meta.rev, CheckedOut(world=msgspec.Raw(world), rev=str(meta.rev), head=meta.head)

    async def _commit(
        self, caller: Caller, world_id: str, expected: Expected | None, plan: Callable[[Loaded], Awaitable[_Plan]]
    ) -> tuple[WorldMeta, _Plan, int]:
        """A graph write: load, check ``If-Match`` against the rev, plan, store the changed rows."""

        async def attempt(meta: WorldMeta) -> tuple[WorldMeta, _Plan, int]:
            loaded = await self.load(meta)
            check_rev(expected, loaded.meta.rev)
            planned = await plan(loaded)
            written = await self._store.worlds.write(world_id, (loaded.meta.rev, loaded.meta.meta_rev),
                                                     planned.change, self._clock(), head=planned.head)
            layout = loaded.layout
            size = planned.change.size_after(loaded.size, len(layout.states) + len(layout.events) + 1)
            self._worlds.put(world_id, (written.rev, written.meta_rev),
                             Loaded(written, planned.world, planned.layout, size), size)
            return written, planned, size

        async def lost(rev: int) -> None:
            check_rev(expected, rev)

        return await self._write_loop(caller, world_id, attempt, lost)

    async def update_meta(
        self, caller: Caller, world_id: str, changes: Mapping[str, Any], *, expected: Expected | None
    ) -> WorldMeta:
        """Change name, description, cover or visibility; ``rev`` stays, the document's tag moves.

        ``If-Match`` compares the document's tag (:func:`world_tag`), as a read returned it.
        """

        def check(meta: WorldMeta) -> None:
            if expected is not None and not expected.matches_tag(world_tag(meta)):
                raise stale(expected, world_tag(meta))

        async def attempt(meta: WorldMeta) -> WorldMeta:
            check(meta)
            updated = await self._store.worlds.update_meta(world_id, changes, self._clock(),
                                                           expected=(meta.rev, meta.meta_rev))
            cached = self._worlds.get(world_id, (meta.rev, meta.meta_rev))
            if cached is not None:
                fields = {k: v for k, v in changes.items() if k in ("name", "description", "cover")}
                self._worlds.put(world_id, (updated.rev, updated.meta_rev),
                                 Loaded(updated, with_meta(cached.world, **fields), cached.layout, cached.size),
                                 cached.size)
            return updated

        async def lost(rev: int) -> None:
            check(await self.access.writable(caller, world_id, fresh=True))

        return await self._write_loop(caller, world_id, attempt, lost)

    async def _write_loop(
        self,
        caller: Caller,
        world_id: str,
        attempt: Callable[[WorldMeta], Awaitable[R]],
        lost: Callable[[int], Awaitable[None]],
    ) -> R:
        """Every change of a world: read its metadata, ``attempt`` (which compare-and-sets on
        ``(rev, meta_rev)``); on a lost compare-and-set ``lost(current_rev)`` raises when ``If-Match``
        no longer holds, else the attempt runs again on a fresh read. Writers of one world queue on an
        in-process lock first, so they rarely lose at all."""
        async with self._locks.hold(world_id):
            for _ in range(_WRITE_ATTEMPTS):
                # read inside the lock: a copy read before it (with the key) is stale once another
                # writer went first, and would miss the world cache
                meta = await self.access.writable(caller, world_id, fresh=True)
                try:
                    return await attempt(meta)
                except RevConflict as conflict:
                    await lost(conflict.current)
        raise Unavailable("this world is changing too fast to apply the write; nothing was saved — retry")

    async def delete(self, caller: Caller, world_id: str) -> None:
        """Delete a world with its versions, objects and jobs."""
        await self.access.writable(caller, world_id)
        deleted = await self._store.worlds.delete(world_id)
        self._responses.forget(world_id)
        self._worlds.forget(world_id)
        if not deleted:  # a concurrent delete got there first
            raise NotFound(f"no world {world_id!r} (for this API key's app and mode)")


def _refuse(result: WriteResult, single: bool) -> None:
    """Raise why a kernel result must not persist (nothing when it may)."""
    if single and result.applyErrors:
        error = result.applyErrors[0]
        kind = NotFound if error.status == 404 else Malformed
        raise kind(error.message, apply_errors=result.applyErrors, diagnostics=result.diagnostics)
    if not result.ok:
        raise gate_refusal("the gate rejected this change; nothing was saved", result.diagnostics,
                           apply_errors=result.applyErrors)


def _decode(stored: rows.Rows) -> WorldDoc:
    world: WorldDoc = _decoder.decode(rows.document(stored))
    return world


def _tag(kind: str, meta: WorldMeta) -> tuple[str, tuple[int, ...]]:
    if kind == "world":
        return world_tag(meta), (meta.rev, meta.meta_rev)
    return str(meta.rev), (meta.rev,)


def _scene_body(meta: WorldMeta, stored: rows.Rows) -> bytes:
    states, events, entrance = rows.scene_parts(stored)
    return _encoder.encode(SceneOut(states=msgspec.Raw(states), events=msgspec.Raw(events), entrance=entrance,
                                    rev=str(meta.rev)))


def _document_body(meta: WorldMeta, stored: rows.Rows) -> bytes:
    fields = WorldDocument(id=meta.id, rev=str(meta.rev), visibility=meta.visibility, slug=meta.slug,
                           created_at=iso(meta.created_at), updated_at=iso(meta.updated_at))
    return rows.document(stored, **msgspec.structs.asdict(fields))
