"""New worlds: the document a world is stored as, its metadata row, and its rows and first version.

Every way a world comes to be — generated (synchronously or by a job), registered, created empty,
forked — ends in :func:`new_world`, so they all store the same way.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any

from smworld.kernel.world import WorldDoc

from ..store import rows
from ..store.records import Mode, NewWorld, WorldMeta
from .snapshots import snapshot_records

__all__ = ["new_world", "slugify", "with_meta", "world_document"]

UNTITLED = "Untitled world"


def slugify(name: str) -> str:
    """A URL-safe stem from a name (``"The Lighthouse!"`` → ``the-lighthouse``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-")
    return stem or "world"


def with_meta(world: Mapping[str, Any], **fields: Any) -> WorldDoc:
    """A copy of the document with metadata fields (id, name, description, cover) set.

    Metadata is not graph: it changes through metadata PATCH, never through GraphOps, so this is
    the one place the shell sets top-level keys of a world itself. ``None`` removes the key.
    """
    out = dict(world)
    for key, value in fields.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def world_document(world: Mapping[str, Any], world_id: str, name: str | None, description: str | None) -> WorldDoc:
    """The document a new world is stored as: its id set, and a name it always has."""
    fields: dict[str, Any] = {"id": world_id}
    if name is not None:
        fields["name"] = name
    elif not isinstance(world.get("name"), str) or not world.get("name"):
        fields["name"] = UNTITLED
    if description is not None:
        fields["description"] = description
    return with_meta(world, **fields)


def new_world(
    doc: WorldDoc, *, app_id: str, mode: Mode, visibility: str, now: float,
    snapshot: tuple[str, str] | None = None,
) -> NewWorld:
    """The records of a new world whose document (id set) is ``doc``; ``snapshot=(source, title)``
    gives it a first version."""
    world_id = str(doc["id"])
    name, description, cover = doc.get("name"), doc.get("description"), doc.get("cover")
    shown = name if isinstance(name, str) and name else UNTITLED
    meta = WorldMeta(
        id=world_id, app_id=app_id, mode=mode, name=shown,
        description=description if isinstance(description, str) else "",
        cover=cover if isinstance(cover, str) else None, visibility=visibility,  # type: ignore[arg-type]
        slug=f"{slugify(shown)}-{world_id[:8]}", rev=1, head=None, created_at=now, updated_at=now,
    )
    stored, _ = rows.split(doc)
    if snapshot is None:
        return NewWorld(meta, stored)
    source, title = snapshot
    version, objects = snapshot_records(doc, world_id, version_id=str(uuid.uuid4()), parent=None, source=source,
                                        title=title, created_at=now)
    return NewWorld(meta, stored, version, objects)
