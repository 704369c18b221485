"""Generation behind a small interface: request parameters in, a gate-clean world's records out.

:func:`prepare` is the one path from parameters to a stored world's records, whether the request
waits for it or a job runs it.

The embedded generator is the kernel's procedural one (deterministic: same premise + seed → same
world). A seed frame (``frame_url`` / ``frame_b64``) becomes the entrance's image through the
``set_entrance`` op — the frame cannot change the procedural graph, but it is kept where the
runtime looks for it. ``pov`` is accepted for compatibility and recorded on nothing: the procedural
generator has no point-of-view knob. The work is CPU-bound, so callers run it in a thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from smworld.kernel import gate
from smworld.kernel.generate import generate
from smworld.kernel.world import WorldDoc
from smworld.kernel.write import apply_ops

from ..store.records import Mode, NewWorld
from .documents import new_world, world_document

__all__ = ["GenerationFailed", "Progress", "generate_world", "prepare"]

Progress = Callable[[str, float], None]
"""``progress(phase, fraction)`` — reported between the steps of a generation."""

DEFAULT_SIZE = 12


class GenerationFailed(Exception):  # caught by both callers; never reaches a client as it is
    """The generator could not produce a world that passes the gate."""


def _frame_src(params: Mapping[str, Any]) -> str | None:
    if params.get("frame_url"):
        return str(params["frame_url"])
    if params.get("frame_b64"):
        data = str(params["frame_b64"])
        return data if data.startswith("data:") else f"data:image/png;base64,{data}"
    return None


def generate_world(params: Mapping[str, Any], progress: Progress | None = None) -> WorldDoc:
    """A world for ``{premise?, frame_url?, frame_b64?, name?, seed?, size?}``; raises :class:`GenerationFailed`."""
    report = progress or (lambda phase, fraction: None)
    premise = params.get("premise") or params.get("name") or "a place seen in a single frame"
    report("generating", 0.1)
    try:
        world = generate(str(premise), seed=int(params.get("seed") or 0), size=int(params.get("size") or DEFAULT_SIZE))
    except Exception as exc:
        raise GenerationFailed(f"the generator failed: {exc}") from exc
    frame = _frame_src(params)
    if frame is not None:
        report("framing", 0.6)
        entrance = world.get("entrance") or {}
        state = entrance.get("state") if isinstance(entrance, dict) else None
        if state:
            result = apply_ops(world, [{"op": "set_entrance", "state": state, "image": {"src": frame}}])
            if not result.ok or result.applyErrors:
                raise GenerationFailed("the seed frame could not be set as the entrance image")
            world = result.world
    report("checking", 0.8)
    verdict = gate.validate(world)
    if not verdict.ok:
        first = verdict.diagnostics[0]
        raise GenerationFailed(f"the generated world did not pass the gate: {first.path}: {first.message}")
    return world


def prepare(
    params: Mapping[str, Any], *, app_id: str, mode: Mode, now: float, progress: Progress | None = None
) -> NewWorld:
    """Generate for ``params`` (plus ``visibility``) and build the new world's records, with its
    first ``generation`` version. CPU-bound: callers run it in a thread."""
    world = generate_world(params, progress)
    doc = world_document(world, str(uuid.uuid4()), params.get("name"), params.get("description"))
    return new_world(doc, app_id=app_id, mode=mode, visibility=str(params.get("visibility", "private")), now=now,
                     snapshot=("generation", "generated"))
