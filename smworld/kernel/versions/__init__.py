"""The version tree: git-style snapshots of a world, stored once per distinct state and event.

Two levels, one storage model:

- **The tree as a value** (:mod:`.tree`): :func:`empty`, :func:`snapshot`, :func:`get`,
  :func:`checkout`, :func:`versions`, :func:`version_of`, :func:`rename`, :func:`delete`,
  :func:`diff_versions` on an immutable :class:`VersionTree`; :func:`tree_to_json` /
  :func:`tree_from_json` persist it as one document.
- **The same storage as rows** (:mod:`.store`, :mod:`.manifest`), for a store that keeps each
  version and each object in its own row and never loads a whole tree.

Storage model. A world is split into content-addressed objects — its frame (everything but the
states and events), each state, each event — keyed by the SHA-256 of their canonical JSON, so an
object is stored once however many versions use it. Each version has a *manifest* naming its
objects: in full (:class:`Full`), or as a :class:`Delta` on its parent while the deltas since the
last full manifest stay smaller than a full one. 1,000 versions that each change one state of a
1,000-state world cost one world, 1,000 states and 1,000 deltas of a few hundred bytes.

A store in SQLite (or PostgreSQL) without loading whole trees::

    versions(world_id, id, parent_id, source, title, created_at, seq, manifest BLOB)
    objects(hash PRIMARY KEY, body BLOB)
    version_objects(world_id, version_id, hash)          -- referenced(manifest), for collection

- Snapshot: read the parent's chain (its manifest, then each ``base``'s, until a full one; a
  recursive query), ``parent = resolve(chain)``; ``manifest, bodies = stage(world, parent_id,
  parent)``; ``INSERT OR IGNORE`` the bodies into ``objects``, insert the version row with
  ``manifest_to_json(manifest)`` and its ``referenced(manifest)`` rows; HEAD moves when the parent
  was HEAD — all in one transaction.
- Read a version: ``contents = resolve(chain).contents``; select the bodies of
  ``referenced(contents)``, decode them into ``{hash: value}`` once, ``build_world(contents,
  objects)``. Diff: build both worlds from one such mapping (so unchanged objects are identical)
  and call :func:`~smworld.kernel.diff.diff`.
- Delete: for each child, ``plan_manifest(resolve(child_chain).contents, new_parent,
  resolve(new_parent_chain))`` replaces its manifest (and its reference rows) and its parent id;
  delete the version's rows, then the objects no ``version_objects`` row names.
- Move a tree value into rows: for each version, ``manifest_of`` and ``objects_of``.
"""

from .manifest import (
    Delta,
    Full,
    Manifest,
    Resolved,
    Splice,
    manifest_from_json,
    manifest_to_json,
    plan_manifest,
    referenced,
    resolve,
)
from .store import build_world, stage
from .tree import (
    Version,
    VersionTree,
    checkout,
    delete,
    diff_versions,
    empty,
    get,
    manifest_of,
    objects_of,
    rename,
    snapshot,
    version_of,
    versions,
)
from .wire import tree_from_json, tree_to_json

__all__ = [
    "Delta",
    "Full",
    "Manifest",
    "Resolved",
    "Splice",
    "Version",
    "VersionTree",
    "build_world",
    "checkout",
    "delete",
    "diff_versions",
    "empty",
    "get",
    "manifest_from_json",
    "manifest_of",
    "manifest_to_json",
    "objects_of",
    "plan_manifest",
    "referenced",
    "rename",
    "resolve",
    "snapshot",
    "stage",
    "tree_from_json",
    "tree_to_json",
    "version_of",
    "versions",
]
