"""A whole version tree as one JSON document, and back, checked on the way in.

The document is ``{"format": "smworld.versions/1", "head", "versions": [{"version", "manifest"}],
"objects": {hash: value}}``: versions oldest first, objects sorted by hash. Reading it verifies
what the tree relies on — parents come before their children, a delta's base is its version's
parent, HEAD exists, and the objects are exactly those the manifests name, each under its own hash —
so a corrupt or hand-edited file is refused instead of materializing a wrong world later.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Final, Literal

import msgspec

from ..errors import DecodeError
from ..text import shown
from .manifest import Delta, Manifest, referenced
from .store import digest
from .tree import Version, VersionTree

__all__ = ["FORMAT", "tree_from_json", "tree_to_json"]

FORMAT: Final = "smworld.versions/1"


class _Entry(msgspec.Struct, frozen=True):
    version: Version
    manifest: Manifest


class _Document(msgspec.Struct, frozen=True, kw_only=True):
    format: Literal["smworld.versions/1"]
    head: str | None
    versions: list[_Entry]
    objects: dict[str, Any]


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(_Document)


def tree_to_json(tree: VersionTree) -> bytes:
    """The tree as JSON bytes (deterministic: equal trees encode to equal bytes)."""
    document = _Document(
        format=FORMAT,
        head=tree.head,
        versions=[_Entry(version, tree.manifests[version.id]) for version in tree.versions],
        objects={hashed: tree.objects[hashed] for hashed in sorted(tree.objects)},
    )
    return _encoder.encode(document)


def tree_from_json(data: bytes | str) -> VersionTree:
    """A tree back from :func:`tree_to_json`; raises :class:`DecodeError` naming what is wrong."""
    try:
        document = _decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise DecodeError("", f"not a version tree: {exc}") from None
    seen: set[str] = set()
    for index, entry in enumerate(document.versions):
        _check_entry(entry, seen, f"versions[{index}]")
        seen.add(entry.version.id)
    if (document.head is None) != (not seen) or (document.head is not None and document.head not in seen):
        raise DecodeError("head", "must name one of the versions (null only when there are none)")
    _check_objects(document)
    return VersionTree(
        versions=tuple(entry.version for entry in document.versions),
        head=document.head,
        manifests=MappingProxyType({entry.version.id: entry.manifest for entry in document.versions}),
        objects=MappingProxyType(document.objects),
        identities=MappingProxyType({id(value): hashed for hashed, value in document.objects.items()}),
    )


def _check_entry(entry: _Entry, seen: set[str], at: str) -> None:
    version, manifest = entry.version, entry.manifest
    if version.id in seen:
        raise DecodeError(f"{at}.version.id", f"duplicate version id {shown(version.id)}")
    parent = version.parentVersionId
    if parent is not None and parent not in seen:
        raise DecodeError(f"{at}.version.parentVersionId", f"{shown(parent)} must be an earlier version")
    if isinstance(manifest, Delta) and manifest.base != parent:
        raise DecodeError(f"{at}.manifest.base", "a delta must be based on the version's parent")


def _check_objects(document: _Document) -> None:
    used = frozenset().union(*(referenced(entry.manifest) for entry in document.versions))
    missing = used - document.objects.keys()
    if missing:
        raise DecodeError(f"objects.{min(missing)}", "missing, yet a manifest names it")
    for hashed, value in document.objects.items():
        if hashed not in used:
            raise DecodeError(f"objects.{hashed}", "not named by any manifest")
        if digest(value) != hashed:
            raise DecodeError(f"objects.{hashed}", "its content does not match its hash")
