"""Manifests: how one version's contents are written down, in full or as a delta on its parent.

A version's *contents* (:class:`Full`) name its objects by hash: the frame, the states as
``{id: hash}`` and the events as ``[hash]``. Writing that down for every version would make
history cost O(versions × world): a 1,000-state world's contents are ~80 KB of hashes. So a
version is stored as a :class:`Delta` on its parent — the states set or removed, one splice of the
events list — unless the deltas accumulated since the last full manifest would outgrow a full one
(then it is stored :class:`Full`). So reading a version costs about two full manifests' worth of
work (the keyframe plus deltas no larger than it, as measured when the version was written; a
delete rewrites its children's deltas and may lengthen their descendants' chains a little), and
1,000 one-state edits cost ~1,000 small deltas.

Deltas apply to their parent's contents, so a chain is read newest first by following ``base``
until a full manifest, then applied oldest first (:func:`resolve`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import msgspec

from ..errors import DecodeError, VersionError

__all__ = [
    "Delta",
    "Full",
    "Manifest",
    "Resolved",
    "Splice",
    "manifest_from_json",
    "manifest_to_json",
    "plan_manifest",
    "referenced",
    "resolve",
    "resolved_as",
]


class Full(msgspec.Struct, frozen=True, tag="full", omit_defaults=True):
    """A version's complete contents: the frame's hash, ``{state id: hash}`` and ``[event hash]``.

    ``states`` / ``events`` are None when the world had no states mapping / events list (a
    malformed world: whatever stood there is kept in the frame).
    """

    frame: str
    states: dict[str, str] | None = None
    events: list[str] | None = None

    @property
    def base(self) -> None:
        """A full manifest stands on its own."""
        return None


class Splice(msgspec.Struct, frozen=True, array_like=True):
    """``events[start:stop] = items`` on the parent's event hashes (JSON: ``[start, stop, items]``)."""

    start: int
    stop: int
    items: list[str]


class Delta(msgspec.Struct, frozen=True, tag="delta", omit_defaults=True):
    """A version's contents as changes to those of version ``base`` (always its parent).

    ``frame`` is the new frame's hash (None when it is the parent's); ``states`` maps each added or
    changed state id to its hash and each removed id to None; ``order`` is the states' key order
    when applying the changes would not reproduce it (an id re-keyed in place); ``events`` is the
    one splice that turns the parent's event hashes into these.
    """

    base: str
    frame: str | None = None
    states: dict[str, str | None] = msgspec.field(default_factory=dict)
    order: list[str] | None = None
    events: Splice | None = None


Manifest = Full | Delta
"""What a store keeps per version (JSON: an object tagged ``"type": "full"`` or ``"delta"``)."""


class Resolved(NamedTuple):
    """A version's contents, and ``cost``: the delta entries applied on top of its full manifest."""

    contents: Full
    cost: int


_manifest_decoder: msgspec.json.Decoder[Full | Delta] = msgspec.json.Decoder(Manifest)
_encoder = msgspec.json.Encoder()


def manifest_to_json(manifest: Manifest) -> bytes:
    """The manifest as JSON bytes (what a store writes in a version's row)."""
    return _encoder.encode(manifest)


def manifest_from_json(data: bytes | str) -> Manifest:
    """A manifest back from :func:`manifest_to_json`; raises :class:`DecodeError` on anything else."""
    try:
        return _manifest_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise DecodeError("", f"not a version manifest: {exc}") from None


def referenced(manifest: Manifest) -> frozenset[str]:
    """Every object hash the manifest names. The union over a tree's manifests is exactly the set of
    objects its versions use, so a store may drop any object outside it."""
    if isinstance(manifest, Full):
        return frozenset((manifest.frame, *(manifest.states or {}).values(), *(manifest.events or ())))
    spliced = manifest.events.items if manifest.events is not None else ()
    named = (manifest.frame, *manifest.states.values(), *spliced)
    return frozenset(hashed for hashed in named if hashed is not None)


def resolve(chain: Sequence[Manifest]) -> Resolved:
    """The contents of the first manifest of ``chain``: the manifests met from a version by following
    ``base`` (newest first), ending with the first :class:`Full` one.

    Raises :class:`VersionError` (500) when the chain is not of that shape or a delta does not fit.
    """
    if not chain or not isinstance(chain[-1], Full):
        raise VersionError("a manifest chain must end with a full manifest; the store is corrupt", 500)
    keyframe = chain[-1]
    if len(chain) == 1:
        return Resolved(keyframe, 0)
    if keyframe.states is None or keyframe.events is None:
        raise VersionError("a delta cannot apply to a world without states and events", 500)
    states, events, frame, cost = dict(keyframe.states), list(keyframe.events), keyframe.frame, 0
    for delta in reversed(chain[:-1]):
        if not isinstance(delta, Delta):
            raise VersionError("a manifest chain has a full manifest before its end", 500)
        frame = delta.frame or frame
        for key, hashed in delta.states.items():
            if hashed is None:
                states.pop(key, None)
            else:
                states[key] = hashed
        if delta.order is not None:
            states = {key: states[key] for key in delta.order}
        if delta.events is not None:
            splice = delta.events
            if not 0 <= splice.start <= splice.stop <= len(events):
                raise VersionError("an events splice does not fit its base; the store is corrupt", 500)
            events[splice.start : splice.stop] = splice.items
        cost += _size(delta)
    return Resolved(Full(frame=frame, states=states, events=events), cost)


def plan_manifest(contents: Full, parent_id: str | None = None, parent: Resolved | None = None) -> Manifest:
    """How to store ``contents`` for a version whose parent is ``parent_id`` (resolved as ``parent``).

    A delta on the parent when the chain of deltas stays no larger than a full manifest, else the
    full contents (always for a root, and for worlds without a states mapping or events list).
    """
    if parent_id is None or parent is None:
        return contents
    old, new = parent.contents, contents
    if old.states is None or old.events is None or new.states is None or new.events is None:
        return contents
    changes = _state_changes(old.states, new.states)
    delta = Delta(
        base=parent_id,
        frame=new.frame if new.frame != old.frame else None,
        states=changes,
        order=_order(old.states, new.states, changes),
        events=_splice(old.events, new.events),
    )
    return delta if parent.cost + _size(delta) <= _size(contents) else contents


def resolved_as(contents: Full, manifest: Manifest, parent: Resolved | None) -> Resolved:
    """What :func:`resolve` would return for a version just planned as ``manifest`` on ``parent``,
    without walking its chain (for callers that keep the latest version's contents at hand)."""
    if isinstance(manifest, Full) or parent is None:
        return Resolved(contents, 0)
    return Resolved(contents, parent.cost + _size(manifest))


def _state_changes(old: dict[str, str], new: dict[str, str]) -> dict[str, str | None]:
    """Each added or changed id with its new hash, then each removed id with None."""
    changes: dict[str, str | None] = {key: hashed for key, hashed in new.items() if old.get(key) != hashed}
    changes.update(dict.fromkeys(key for key in old if key not in new))
    return changes


def _order(old: dict[str, str], new: dict[str, str], changes: dict[str, str | None]) -> list[str] | None:
    """``new``'s key order when applying ``changes`` to ``old`` (surviving ids stay in place, added
    ones are appended) would not reproduce it — an id re-keyed in place — else None."""
    if all(key in old and hashed is not None for key, hashed in changes.items()):
        return None if list(old) == list(new) else list(new)
    applied = [*(key for key in old if key in new), *(key for key in new if key not in old)]
    return None if list(new) == applied else list(new)


def _splice(old: list[str], new: list[str]) -> Splice | None:
    """The single splice (common prefix and suffix kept) that turns ``old`` into ``new``."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return Splice(start=start, stop=len(old) - end, items=new[start : len(new) - end])


def _size(manifest: Manifest) -> int:
    """Entries a manifest writes: its hashes and ids (the unit the keyframe rule counts in)."""
    if isinstance(manifest, Full):
        return 1 + len(manifest.states or ()) + len(manifest.events or ())
    spliced = 1 + len(manifest.events.items) if manifest.events is not None else 0
    return (manifest.frame is not None) + len(manifest.states) + len(manifest.order or ()) + spliced
