"""The version tree of one world: an immutable value, changed only by returning a new one.

Every function takes the tree first and returns a new tree (or a value read from it); ids and
timestamps are inputs, so the same calls always build the same tree. A request that names a missing
version raises :class:`~smworld.kernel.errors.VersionError` with status 404, one that conflicts with
the tree (a duplicate id, deleting HEAD) with 409, and malformed arguments with 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import msgspec

from ..codec import bounded
from ..diff import diff
from ..errors import DecodeError, VersionError
from ..text import shown
from ..world import WorldDoc, json_type
from .manifest import Manifest, Resolved, plan_manifest, referenced, resolve, resolved_as
from .store import build_world, encode_object, split_world

__all__ = [
    "Version",
    "VersionTree",
    "checkout",
    "delete",
    "diff_versions",
    "empty",
    "get",
    "manifest_of",
    "objects_of",
    "rename",
    "snapshot",
    "version_of",
    "versions",
]


class Version(msgspec.Struct, frozen=True, kw_only=True):
    """One version as the API shows it: ``{id, parentVersionId, source, title, created_at}``."""

    id: str
    parentVersionId: str | None = None
    source: str = "snapshot"
    title: str | None = None
    created_at: str


def _frozen(mapping: dict[Any, Any] | None = None) -> Mapping[Any, Any]:
    """A read-only view of a dict built for the new tree (never of one a caller holds)."""
    return MappingProxyType({} if mapping is None else mapping)


@dataclass(frozen=True, slots=True)
class VersionTree:
    """Every version of one world, with the objects their snapshots are made of.

    - ``versions``: oldest first (the order they were snapshotted); ``head``: the current version,
      None only for the empty tree.
    - ``manifests``: version id → how its snapshot is stored (a :class:`Full` one or a
      :class:`Delta` on its parent, see :mod:`.manifest`).
    - ``objects``: hash → JSON value of every frame, state and event some version uses, each once.
    - ``identities``: ``id(value)`` → hash for the values in ``objects`` — a memo that lets a
      snapshot of a world materialized from this tree skip re-encoding the objects it shares. It is
      only a shortcut (every hit is checked against ``objects``), so it is not part of equality.
    - ``latest``: the last snapshot's id and resolved contents, so that the next snapshot onto it
      needs no chain walk — another shortcut outside equality.

    Build trees with :func:`empty`, :func:`snapshot` and :func:`tree_from_json`; the mappings are
    read-only views.
    """

    versions: tuple[Version, ...] = ()
    head: str | None = None
    manifests: Mapping[str, Manifest] = field(default_factory=_frozen)
    objects: Mapping[str, Any] = field(default_factory=_frozen)
    identities: Mapping[int, str] = field(default_factory=_frozen, compare=False, repr=False)
    latest: tuple[str, Resolved] | None = field(default=None, compare=False, repr=False)


def empty() -> VersionTree:
    """A tree with no versions and no HEAD."""
    return VersionTree()


@bounded
def snapshot(
    tree: VersionTree,
    world: Mapping[str, Any],
    *,
    version_id: str,
    created_at: str,
    title: str | None = None,
    parent: str | None = None,
    source: str = "snapshot",
) -> tuple[VersionTree, Version]:
    """Record ``world`` as a new version; returns the new tree and the version.

    The parent defaults to HEAD. A snapshot onto HEAD (or the first one) moves HEAD to it; a
    snapshot off another version forks a branch and leaves HEAD where it was. Unknown parent: 404;
    ``version_id`` already used: 409.

    The tree keeps the world's own state and event objects (no copy): like every kernel value they
    must not be mutated afterwards — kernel ops copy on write. Only objects not stored yet are
    added (O(changes) storage); each is hashed once, and a state or event the tree already holds
    (from a world made from :func:`get` or from an earlier snapshotted world by copy-on-write ops)
    is recognised by identity, so snapshotting an edited world costs O(changes) hashing plus
    O(states + events) lookups.
    """
    _check_text("version_id", version_id)
    _check_text("created_at", created_at)
    _check_text("source", source)
    if title is not None and not isinstance(title, str):
        raise VersionError("title must be a string or null", 400)
    if not isinstance(world, Mapping):
        raise DecodeError("", f"a snapshot needs a world object, got {json_type(world)}")
    if version_id in tree.manifests:
        raise VersionError(f"version {shown(version_id)} already exists; choose a new version id", 409)
    parent_id = tree.head if parent is None else _known(tree, parent)
    contents, fresh = split_world(world, tree.objects, tree.identities)
    if parent_id is None:
        base = None
    elif tree.latest is not None and tree.latest[0] == parent_id:
        base = tree.latest[1]
    else:
        base = _resolved(tree, parent_id)
    manifest = plan_manifest(contents, parent_id, base)
    version = Version(
        id=version_id, parentVersionId=parent_id, source=source, title=title, created_at=created_at
    )
    grown = VersionTree(
        versions=(*tree.versions, version),
        head=version_id if parent_id == tree.head else tree.head,
        manifests=_frozen({**tree.manifests, version_id: manifest}),
        objects=_frozen({**tree.objects, **fresh}),
        identities=_frozen({**tree.identities, **{id(value): hashed for hashed, value in fresh.items()}}),
        latest=(version_id, resolved_as(contents, manifest, base)),
    )
    return grown, version


def get(tree: VersionTree, version_id: str) -> WorldDoc:
    """The world snapshotted as ``version_id`` (404 if unknown).

    The world shares its states, events and top-level values with the tree's objects: treat it as
    immutable (kernel ops copy on write). Cost: O(states + events) lookups, no decoding.
    """
    return build_world(_resolved(tree, _known(tree, version_id)).contents, tree.objects)


def checkout(tree: VersionTree, version_id: str) -> tuple[VersionTree, WorldDoc]:
    """Move HEAD to ``version_id`` and return the tree with the world of that version."""
    world = get(tree, version_id)
    return replace(tree, head=version_id), world


def versions(tree: VersionTree) -> list[Version]:
    """Every version, oldest first; rebuild the tree from each ``parentVersionId``."""
    return list(tree.versions)


def version_of(tree: VersionTree, version_id: str) -> Version:
    """The version called ``version_id`` (404 if unknown)."""
    for version in tree.versions:
        if version.id == version_id:
            return version
    raise _missing(version_id)


def rename(tree: VersionTree, version_id: str, title: str | None) -> VersionTree:
    """Set (or, with None, clear) a version's title."""
    if title is not None and not isinstance(title, str):
        raise VersionError("title must be a string or null", 400)
    _known(tree, version_id)
    renamed = tuple(
        msgspec.structs.replace(version, title=title) if version.id == version_id else version
        for version in tree.versions
    )
    return replace(tree, versions=renamed)


def delete(tree: VersionTree, version_id: str) -> VersionTree:
    """Remove a version: its children are re-parented to its parent (roots if it had none).

    HEAD cannot be deleted (409: check out another version first). The children's manifests are
    rewritten against their new parent, and objects no version uses any more are dropped.
    """
    _known(tree, version_id)
    if version_id == tree.head:
        raise VersionError(f"version {shown(version_id)} is HEAD; check out another version before deleting it", 409)
    new_parent = version_of(tree, version_id).parentVersionId
    base = _resolved(tree, new_parent) if new_parent is not None else None
    rebased = {
        version.id: plan_manifest(_resolved(tree, version.id).contents, new_parent, base)
        for version in tree.versions
        if version.parentVersionId == version_id
    }
    manifests = {key: rebased.get(key, manifest) for key, manifest in tree.manifests.items() if key != version_id}
    used = frozenset().union(*map(referenced, manifests.values()))
    return VersionTree(
        versions=tuple(
            msgspec.structs.replace(version, parentVersionId=new_parent) if version.id in rebased else version
            for version in tree.versions
            if version.id != version_id
        ),
        head=tree.head,
        manifests=_frozen(manifests),
        objects=_frozen({hashed: value for hashed, value in tree.objects.items() if hashed in used}),
        identities=_frozen({key: hashed for key, hashed in tree.identities.items() if hashed in used}),
    )


def diff_versions(tree: VersionTree, a: str, b: str, detail: bool = False) -> dict[str, Any]:
    """``{"a", "b", **diff(world a, world b)}``: what changed from version ``a`` to version ``b``.

    Both worlds share the tree's objects, so unchanged states and events compare by identity.
    """
    return {"a": a, "b": b, **diff(get(tree, a), get(tree, b), detail=detail)}


def manifest_of(tree: VersionTree, version_id: str) -> Manifest:
    """How ``version_id`` is stored: what a store writes in the version's row."""
    return tree.manifests[_known(tree, version_id)]


def objects_of(tree: VersionTree, version_id: str) -> dict[str, bytes]:
    """The objects ``version_id``'s manifest names, as ``{hash: JSON bytes}`` sorted by hash — what a
    store must hold (``INSERT OR IGNORE``) before it writes the version's row."""
    named = referenced(manifest_of(tree, version_id))
    return {hashed: encode_object(tree.objects[hashed]) for hashed in sorted(named)}


def _resolved(tree: VersionTree, version_id: str) -> Resolved:
    chain = [tree.manifests[version_id]]
    while (base := chain[-1].base) is not None:
        chain.append(tree.manifests[base])
    return resolve(chain)


def _known(tree: VersionTree, version_id: str) -> str:
    if version_id not in tree.manifests:
        raise _missing(version_id)
    return version_id


def _missing(version_id: str) -> VersionError:
    return VersionError(f"version {shown(version_id)} not found; list the versions to see their ids", 404)


def _check_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise VersionError(f"{name} must be a non-empty string", 400)
