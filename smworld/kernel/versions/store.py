"""Content addressing: a world as a frame, states and events, each stored once under its hash.

A world is split into *objects*: every state, every event, and the *frame* (the world without
``scene.states`` and ``scene.events``: its top-level fields, unknown ones included, and the scene's
other keys). An object's hash is the SHA-256 of its canonical JSON (msgspec, keys sorted), so two
equal states share one object wherever they occur; the bytes a store keeps are the object's plain
encoding, which preserves its key order. :func:`build_world` gives back a world equal, as JSON, to
the one :func:`split_world` split — unknown keys and malformed parts included. Key order survives
too, except that the scene lists ``states`` and ``events`` first and an object stored earlier with
the same content keeps its own order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import msgspec

from ..errors import DecodeError, VersionError
from ..world import WorldDoc, state_path
from .manifest import Full, Manifest, Resolved, plan_manifest, referenced

__all__ = ["build_world", "digest", "encode_object", "split_world", "stage"]

_canonical = msgspec.json.Encoder(order="sorted")
_plain = msgspec.json.Encoder()
_NOTHING: Mapping[Any, Any] = MappingProxyType({})


def digest(value: Any) -> str:
    """The object's hash: SHA-256 (hex) of its canonical JSON encoding (sorted keys)."""
    return hashlib.sha256(_canonical.encode(value)).hexdigest()


def encode_object(value: Any) -> bytes:
    """The bytes a store keeps for an object: its JSON with its own key order."""
    return _plain.encode(value)


def split_world(
    world: Mapping[str, Any],
    objects: Mapping[str, Any] = _NOTHING,
    memo: Mapping[int, str] = _NOTHING,
) -> tuple[Full, dict[str, Any]]:
    """The world's contents (every object hash) and the objects that are not in ``objects`` yet.

    ``memo`` maps ``id(value)`` to the hash of a value held in ``objects``: a state or event that
    *is* that stored value (a world materialized from the store and edited copy-on-write shares
    every unchanged one) reuses the hash without being encoded again. Everything else is encoded
    once: O(world) for a world never seen, O(changes) for one made from a stored version.
    The new objects are returned as the world's own values (not copies).

    Raises :class:`DecodeError` naming the first value that cannot be encoded as JSON.
    """
    fresh: dict[str, Any] = {}
    frame = dict(world)
    scene = world.get("scene")
    states: dict[str, str] | None = None
    events: list[str] | None = None
    if isinstance(scene, dict):
        rest = dict(scene)
        found = rest.get("states")
        if isinstance(found, dict):
            del rest["states"]
            keys = list(found)
            hashes = _address(list(found.values()), objects, memo, fresh, lambda i: state_path(keys[i]))
            states = dict(zip(keys, hashes, strict=True))
        found = rest.get("events")
        if isinstance(found, list):
            del rest["events"]
            events = _address(found, objects, memo, fresh, lambda i: f"scene.events[{i}]")
        frame["scene"] = rest
    (top,) = _address([frame], objects, memo, fresh, lambda i: "")
    return Full(frame=top, states=states, events=events), fresh


def _address(
    values: list[Any],
    objects: Mapping[str, Any],
    memo: Mapping[int, str],
    fresh: dict[str, Any],
    path: Callable[[int], str],
) -> list[str]:
    """Each value's hash, adding the values ``objects`` lacks to ``fresh``.

    Raises :class:`DecodeError` at ``path(index)`` for a value that cannot be encoded as JSON.
    """
    hashes = [
        known if (known := memo.get(id(value))) is not None and objects.get(known) is value else ""
        for value in values
    ]
    for index in [index for index, known in enumerate(hashes) if not known]:
        value = values[index]
        try:
            hashed = digest(value)
        except (TypeError, ValueError, msgspec.EncodeError) as exc:
            raise DecodeError(path(index), f"cannot be stored as JSON ({exc}); use JSON values only") from None
        hashes[index] = hashed
        if hashed not in objects:
            fresh.setdefault(hashed, value)
    return hashes


def stage(
    world: Mapping[str, Any], parent_id: str | None = None, parent: Resolved | None = None
) -> tuple[Manifest, dict[str, bytes]]:
    """A version of ``world`` ready for a store: its manifest (a delta on ``parent_id``, whose
    resolved contents are ``parent``, when that is cheaper) and the objects the manifest names, as
    ``{hash: JSON bytes}`` sorted by hash. Write them with ``INSERT OR IGNORE``: a hash the store
    already holds has the same content, and the objects the manifest does not name are the parent's."""
    contents, values = split_world(world)
    manifest = plan_manifest(contents, parent_id, parent)
    return manifest, {hashed: encode_object(values[hashed]) for hashed in sorted(referenced(manifest))}


def build_world(contents: Full, objects: Mapping[str, Any]) -> WorldDoc:
    """The world whose contents these are, its objects looked up in ``objects`` (hash → value).

    The result is a new world dict whose states, events and top-level values *are* the stored
    objects: treat it as immutable, as every kernel function does (ops copy on write). Sharing is
    what makes materializing O(states + events) lookups and lets :func:`~smworld.kernel.diff.diff`
    recognise unchanged objects by identity. Raises :class:`VersionError` (500) when the store
    lacks an object.
    """
    try:
        frame = objects[contents.frame]
        states = None if contents.states is None else {k: objects[h] for k, h in contents.states.items()}
        events = None if contents.events is None else [objects[h] for h in contents.events]
    except KeyError as exc:
        raise VersionError(f"object {exc.args[0]} is missing from the store", 500) from None
    if not isinstance(frame, dict):
        raise VersionError(f"object {contents.frame} is not a world frame; the store is corrupt", 500)
    world = dict(frame)
    if states is None and events is None:
        return world
    scene: dict[str, Any] = {}
    if states is not None:
        scene["states"] = states
    if events is not None:
        scene["events"] = events
    rest = frame.get("scene")
    if isinstance(rest, dict):
        scene.update(rest)
    world["scene"] = scene
    return world
