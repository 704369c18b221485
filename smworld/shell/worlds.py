"""World access and the graph write path, shared by the world, graph and version routes.

- Access: a world is *readable* by its own app, and — in the same mode — by any app when it is
  ``public`` or ``unlisted``; it is *writable* only by its own app. A foreign private world is 404
  (no existence leak); a foreign world the caller can read but not write is 403.
- Writes: every graph change is ``kernel.write.apply_ops`` on the stored document, committed with a
  compare-and-set on ``(rev, meta_rev)`` in one store transaction (:func:`write_with_retries`).
  ``If-Match`` turns a lost race into 412; without it the write is simply retried on a fresh read,
  so concurrent writers never lose updates. ``meta_rev`` is in the compare because the document
  mirrors the metadata: a graph write built on a read from before a metadata PATCH would undo it.
  Metadata PATCH itself rewrites the stored document inside its own transaction.
- Whole-world reads (the scene, the world document) answer 304 to a current ``If-None-Match`` and
  otherwise serve the bytes the app's :class:`~smworld.shell.cache.ResponseCache` holds for the
  world's exact version, rendering them only on a miss. The scene's ETag is its ``rev``; the world
  document's is ``rev`` too until a metadata change (which leaves ``rev`` alone), then
  ``rev.meta_rev`` — so a client never keeps a stale name or visibility.
- Decoded documents come from the app's :class:`~smworld.shell.cache.WorldCache` by exact
  ``(rev, meta_rev)`` (:func:`decoded_world`); a write puts the kernel's result there under its new
  version. They are shared values: nothing in the shell changes a decoded world in place.
- Heavy work (decoding, gating or applying to a large document, a long batch) runs in a worker
  thread, small work inline: :func:`off_loop` is the one place that decides.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import msgspec
from aiohttp import web

from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.write import WriteResult, apply_ops

from .auth import KeyPrincipal
from .errors import BadRequest, Forbidden, NotFound, PreconditionFailed, StoreUnavailable, Unprocessable
from .http import (
    SCHEMA_VERSION,
    IfMatch,
    if_match,
    if_none_match,
    iso,
    json_bytes_response,
    json_response,
    key_principal,
    not_modified,
    services,
)
from .keys import WORLD_READ
from .store.base import RevConflict, WorldMeta, WorldRecord

__all__ = [
    "cached_read",
    "check_rev",
    "commit_ops",
    "decode_doc",
    "decoded_world",
    "encode_doc",
    "gate_refusal",
    "meta_summary",
    "new_meta",
    "off_loop",
    "readable_meta",
    "readable_world",
    "slugify",
    "stale",
    "with_meta",
    "world_body",
    "world_document",
    "world_tag",
    "writable_meta",
    "writable_world",
    "write_with_retries",
]

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_WRITE_ATTEMPTS = 50
_decoder = msgspec.json.Decoder()
_top_level = msgspec.json.Decoder(dict[str, msgspec.Raw])
_encoder = msgspec.json.Encoder()
LARGE_DOC_BYTES = 256 * 1024
"""Work on a document over this many bytes runs in a worker thread (below it a thread hop costs more
than it saves)."""
LARGE_BATCH = 100
"""So does applying a batch of more ops than this."""
R = TypeVar("R")


async def off_loop(fn: Callable[..., R], *args: Any, doc_bytes: int = 0, ops: int = 0) -> R:
    """``fn(*args)`` in a worker thread when the work is large (a document of more than
    :data:`LARGE_DOC_BYTES` or a batch of more than :data:`LARGE_BATCH` ops), else inline.

    Only for pure work on values nobody changes (kernel calls, decode/encode): the thread shares them.
    """
    if doc_bytes > LARGE_DOC_BYTES or ops > LARGE_BATCH:
        return await asyncio.to_thread(fn, *args)
    return fn(*args)


async def decoded_world(request: web.Request, record: WorldRecord) -> dict[str, Any]:
    """``record``'s document decoded — from the app's world cache when it holds exactly this
    ``(rev, meta_rev)``, else decoded (off the loop when large) and kept there.

    The result is shared with other requests: read it, never change it.
    """
    cache = services(request).worlds
    version = (record.meta.rev, record.meta.meta_rev)
    world = cache.get(record.meta.id, version)
    if world is None:
        world = await off_loop(decode_doc, record.doc, doc_bytes=len(record.doc))
        cache.put(record.meta.id, version, world, len(record.doc))
    return world


def decode_doc(doc: bytes) -> dict[str, Any]:
    world: dict[str, Any] = _decoder.decode(doc)
    return world


def encode_doc(world: Mapping[str, Any]) -> bytes:
    return _encoder.encode(world)


def slugify(name: str) -> str:
    """A URL-safe stem from a name (``"The Lighthouse!"`` → ``the-lighthouse``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return stem or "world"


def with_meta(world: Mapping[str, Any], **fields: Any) -> dict[str, Any]:
    """A copy of the document with metadata fields (id, name, description, cover) set.

    Metadata is not graph: it changes through metadata PATCH, never through GraphOps, so this is
    the one place the shell sets top-level keys of a world itself. ``None`` removes ``cover``.
    """
    out = dict(world)
    for key, value in fields.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def world_document(
    world: Mapping[str, Any], world_id: str, name: str | None, description: str | None
) -> dict[str, Any]:
    """The document a new world is stored as: its id set, and a name it always has."""
    fields: dict[str, Any] = {"id": world_id}
    if name is not None:
        fields["name"] = name
    elif not isinstance(world.get("name"), str) or not world.get("name"):
        fields["name"] = "Untitled world"
    if description is not None:
        fields["description"] = description
    return with_meta(world, **fields)


def new_meta(app_id: str, mode: str, world_id: str, doc: Mapping[str, Any], visibility: str, now: float) -> WorldMeta:
    """The metadata row of a new world, mirrored from its document (rev 1, no HEAD yet)."""
    name = doc.get("name")
    description = doc.get("description")
    cover = doc.get("cover")
    shown = name if isinstance(name, str) and name else "Untitled world"
    return WorldMeta(
        id=world_id, app_id=app_id, mode=mode,  # type: ignore[arg-type]
        name=shown, description=description if isinstance(description, str) else "",
        cover=cover if isinstance(cover, str) else None, visibility=visibility,  # type: ignore[arg-type]
        slug=f"{slugify(shown)}-{world_id[:8]}", rev=1, head=None, created_at=now, updated_at=now,
    )


def _not_found(world_id: str) -> NotFound:
    return NotFound(f"no world {world_id!r} (for this API key's app and mode)")


def _check_id(world_id: str) -> None:
    if not _UUID.match(world_id):
        raise _not_found(world_id)


def _visible(meta: WorldMeta, principal: KeyPrincipal) -> bool:
    if meta.mode != principal.mode:
        return False
    return meta.app_id == principal.app_id or meta.visibility in ("public", "unlisted")


async def readable_world(request: web.Request, world_id: str) -> WorldRecord:
    """The world if the caller may read it; 404 otherwise.

    Uses the copy the auth middleware read with the key when the route asked for the document.
    """
    _check_id(world_id)
    principal = key_principal(request)
    read = request.get(WORLD_READ)
    record: WorldRecord | None
    if read is not None and read.world_id == world_id and (read.meta is None or read.doc is not None):
        record = WorldRecord(read.meta, read.doc) if read.meta is not None and read.doc is not None else None
    else:
        record = await services(request).require_store().get_world(world_id)
    if record is None or not _visible(record.meta, principal):
        raise _not_found(world_id)
    return record


async def readable_meta(request: web.Request, world_id: str) -> WorldMeta:
    """The world's metadata if the caller may read it; 404 otherwise (from the middleware's read when
    the route declared one)."""
    _check_id(world_id)
    principal = key_principal(request)
    read = request.get(WORLD_READ)
    meta: WorldMeta | None
    if read is not None and read.world_id == world_id:
        meta = read.meta
    else:
        meta = await services(request).require_store().get_world_meta(world_id)
    if meta is None or not _visible(meta, principal):
        raise _not_found(world_id)
    return meta


async def writable_world(request: web.Request, world_id: str) -> WorldRecord:
    """The world if the caller owns it; 403 if it may only read it; 404 otherwise."""
    record = await readable_world(request, world_id)
    _check_owner(record.meta, key_principal(request))
    return record


async def writable_meta(request: web.Request, world_id: str) -> WorldMeta:
    meta = await readable_meta(request, world_id)
    _check_owner(meta, key_principal(request))
    return meta


def _check_owner(meta: WorldMeta, principal: KeyPrincipal) -> None:
    if meta.app_id != principal.app_id:
        raise Forbidden("this world belongs to another app: you can read it, not change it — fork it to edit")


def meta_summary(meta: WorldMeta) -> dict[str, Any]:
    """The list/PATCH shape of a world's metadata."""
    return {
        "id": meta.id,
        "name": meta.name,
        "description": meta.description,
        "cover": meta.cover,
        "visibility": meta.visibility,
        "slug": meta.slug,
        "updated_at": iso(meta.updated_at),
    }


def world_body(record: WorldRecord) -> bytes:
    """``GET /v1/worlds/{id}``: the document at top level plus rev, visibility, slug and times.

    Only the top level is parsed: the values are spliced through as they are stored.
    """
    meta = record.meta
    try:
        top: dict[str, Any] = _top_level.decode(record.doc)
    except msgspec.DecodeError:  # not an object at the top: let the general decoder say why
        top = decode_doc(record.doc)
    return _encoder.encode({
        **top,
        "id": meta.id,
        "rev": str(meta.rev),
        "visibility": meta.visibility,
        "slug": meta.slug,
        "created_at": iso(meta.created_at),
        "updated_at": iso(meta.updated_at),
        "schemaVersion": SCHEMA_VERSION,
    })


def etag(rev: int) -> dict[str, str]:
    return {"ETag": f'"{rev}"'}


def world_tag(meta: WorldMeta) -> str:
    """The world document's entity tag: ``rev``, or ``rev.meta_rev`` once its metadata changed."""
    return f"{meta.rev}.{meta.meta_rev}" if meta.meta_rev else str(meta.rev)


async def cached_read(
    request: web.Request, kind: Literal["scene", "world"], render: Callable[[WorldRecord], bytes]
) -> web.Response:
    """A whole-world GET: 304 when ``If-None-Match`` is current; else the body for the world's exact
    version from the app's cache, or ``render``-ed (one more read) and cached on a miss."""
    world_id = request.match_info["id"]
    meta = await readable_meta(request, world_id)
    tag = _tag(kind, meta)
    if if_none_match(request, tag):
        return not_modified(tag)
    cache = services(request).cache
    body = cache.get(world_id, kind, _version(kind, meta))
    if body is None:
        record = await readable_world(request, world_id)
        meta = record.meta
        tag = _tag(kind, meta)
        body = render(record)
        cache.put(world_id, kind, _version(kind, meta), body)
    return json_bytes_response(body, headers={"ETag": f'"{tag}"'})


def _tag(kind: str, meta: WorldMeta) -> str:
    return world_tag(meta) if kind == "world" else str(meta.rev)


def _version(kind: str, meta: WorldMeta) -> tuple[int, ...]:
    return (meta.rev, meta.meta_rev) if kind == "world" else (meta.rev,)


def stale(match: IfMatch, rev: int) -> PreconditionFailed:
    """The spec's 412 for an ``If-Match`` that names an older rev than ``rev``."""
    return PreconditionFailed(
        f"world changed since rev {match.shown()}; it is now rev {rev} — reload and retry", rev=str(rev)
    )


def check_rev(match: IfMatch | None, rev: int) -> None:
    """412 if the request's ``If-Match`` does not name ``rev`` (the world's current rev)."""
    if match is not None and not match.matches(rev):
        raise stale(match, rev)


async def write_with_retries(
    request: web.Request, world_id: str, attempt: Callable[[IfMatch | None], Awaitable[web.Response]]
) -> web.Response:
    """Run ``attempt`` — read the world, :func:`check_rev`, build the new document, compare-and-set
    it in the store — until its compare-and-set holds.

    A lost compare-and-set (:class:`RevConflict`) is a 412 when ``If-Match`` no longer names the
    current rev; otherwise (no ``If-Match``, ``*``, or only metadata moved) the attempt runs again
    on a fresh read, so concurrent writers never lose updates. Writers of one world queue on its
    in-process lock first, so they rarely lose at all.
    """
    match = if_match(request)
    async with services(request).world_locks.hold(world_id):
        for _ in range(_WRITE_ATTEMPTS):
            try:
                return await attempt(match)
            except RevConflict as conflict:
                check_rev(match, conflict.current)
    raise StoreUnavailable("this world is changing too fast to apply the write; nothing was saved — retry")


def _refusal(result: WriteResult, single: bool) -> Exception | None:
    """Why a kernel result must not persist (None when it may)."""
    if single and result.applyErrors:
        error = result.applyErrors[0]
        kind = NotFound if error.status == 404 else BadRequest
        return kind(error.message, applyErrors=result.applyErrors, diagnostics=result.diagnostics)
    if not result.ok:
        return gate_refusal("the gate rejected this change; nothing was saved", result.diagnostics,
                            applyErrors=result.applyErrors)
    return None


def gate_refusal(what: str, diagnostics: Sequence[Diagnostic], **extra: Any) -> Unprocessable:
    """The 422 for a world the gate refused: ``what`` happened, then the first error's path and message
    (the field and the fix), with every diagnostic in the body."""
    errors = [d for d in diagnostics if d.severity == "error"]
    first = f": {errors[0].path}: {errors[0].message}" if errors else ""
    return Unprocessable(f"{what}{first}", diagnostics=diagnostics, **extra)


async def commit_ops(
    request: web.Request,
    world_id: str,
    ops: list[Any],
    *,
    single: bool,
    status: int = 200,
    precheck: Callable[[dict[str, Any]], None] | None = None,
) -> web.Response:
    """Apply ``ops`` to the stored world through the kernel and commit with a rev compare-and-set.

    ``single``: a one-op REST endpoint — an op that cannot apply answers its own status (404/400).
    ``precheck`` may refuse (raise) after seeing the exact document the ops will apply to; it must
    not change it.
    The world the ops apply to comes from the app's world cache when it holds the stored version, and
    the kernel's result goes there under the new version, so the next write skips the decode.
    """
    svc = services(request)
    store = svc.require_store()
    batch = len(ops) if isinstance(ops, list) else 0

    async def attempt(match: IfMatch | None) -> web.Response:
        record = await writable_world(request, world_id)
        check_rev(match, record.meta.rev)
        size = len(record.doc)
        world = await decoded_world(request, record)
        if precheck is not None:
            precheck(world)
        # one op on a large world is ~1 ms: inline; a batch on one goes to a thread
        result = await off_loop(apply_ops, world, ops, doc_bytes=0 if single else size, ops=batch)
        refusal = _refusal(result, single)
        if refusal is not None:
            raise refusal
        doc = await off_loop(encode_doc, result.world, doc_bytes=size)
        meta = await store.write_world(world_id, record.meta.rev, doc, svc.clock(),
                                       expected_meta_rev=record.meta.meta_rev)
        svc.worlds.put(world_id, (meta.rev, meta.meta_rev), result.world, len(doc))
        body = {
            "world": msgspec.Raw(doc),  # the stored bytes, not a second encode
            "diagnostics": result.diagnostics,
            "applyErrors": result.applyErrors,
            "rev": str(meta.rev),
            "schemaVersion": SCHEMA_VERSION,
        }
        return json_response(body, status, etag(meta.rev))

    return await write_with_retries(request, world_id, attempt)
