"""Kernel benchmarks: gate, write gate, diff, op batches, codec and the winnability proof."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from typing import Any

import deepdiff
import fastjsonschema
import jsonpatch
import jsonschema
import msgspec

from smworld.kernel import codec, gate
from smworld.kernel.analysis.winnability import prove
from smworld.kernel.diff import diff
from smworld.kernel.generate import generate
from smworld.kernel.write import apply_ops

from .harness import Row, best_of

__all__ = ["kernel_rows"]

SIZES = (100, 1_000, 10_000)
PREMISE = "a drowned cathedral city under a green winter sky"


def _world(size: int) -> dict[str, Any]:
    return generate(PREMISE, seed=1, size=size)


def _label(size: int) -> str:
    return f"{size:,} states"


def _edit_base(world: dict[str, Any], state_id: str, suffix: str) -> dict[str, Any]:
    return {"op": "update_state", "id": state_id, "patch": {"base": f"{_base_text(world, state_id)} {suffix}"}}


def _base_text(world: dict[str, Any], state_id: str) -> str:
    base = world["scene"]["states"][state_id]["base"]
    return base if isinstance(base, str) else str(base.get("template", ""))


def validate_rows(worlds: dict[int, dict[str, Any]]) -> list[Row]:
    """Full gate vs a schema-only check by jsonschema and by fastjsonschema."""
    schema = codec.json_schema()
    slow = jsonschema.Draft202012Validator(schema)
    fast = fastjsonschema.compile(schema)
    rows = []
    for size, world in worlds.items():
        ours = best_of(lambda w=world: gate.validate(w))
        peer = best_of(lambda w=world: slow.validate(w), repeat=3)
        rows.append(Row(f"validate {_label(size)}", ours, "jsonschema", peer, 5))
        rows.append(Row(f"validate {_label(size)}", ours, "fastjsonschema", best_of(lambda w=world: fast(w)), 0.5))
    return rows


def write_gate_rows(worlds: dict[int, dict[str, Any]]) -> list[Row]:
    """A one-op batch (apply + incremental write gate) vs a full validate of the same world."""
    size = max(worlds)
    world = worlds[size]
    target = sorted(world["scene"]["states"])[size // 2]
    ops = [_edit_base(world, target, "with a second lantern by the door")]
    result = apply_ops(world, ops)
    assert result.ok, result.diagnostics
    ours = best_of(lambda: apply_ops(world, ops), repeat=50)
    full = best_of(lambda: gate.validate(world))
    return [Row(f"one-op write (update_state) {_label(size)}", ours, "full validate", full, 50)]


def _one_percent_changed(world: dict[str, Any]) -> dict[str, Any]:
    """An independent copy (no shared objects) with 1% of the states' base prose edited."""
    changed = msgspec.json.decode(msgspec.json.encode(world))
    ids = sorted(changed["scene"]["states"])
    for state_id in ids[:: 100]:
        state = changed["scene"]["states"][state_id]
        state["base"] = f"{_base_text(changed, state_id)} under a fresh coat of rain"
    return changed


def diff_rows(worlds: dict[int, dict[str, Any]]) -> list[Row]:
    """Structural diff vs deepdiff on two independent copies differing in 1% of states."""
    rows = []
    for size, world in worlds.items():
        other = _one_percent_changed(world)
        ours = best_of(lambda w=world, o=other: diff(w, o))
        peer = best_of(lambda w=world, o=other: deepdiff.DeepDiff(w, o), repeat=1 if size >= 10_000 else 3)
        rows.append(Row(f"diff 1% changed, {_label(size)}", ours, "deepdiff", peer, 100))
    return rows


def batch_rows(worlds: dict[int, dict[str, Any]]) -> list[Row]:
    """A 100-op batch through apply + gate vs jsonpatch apply + jsonschema validate."""
    validator = jsonschema.Draft202012Validator(codec.json_schema())
    rows = []
    for size, world in worlds.items():
        ids = sorted(world["scene"]["states"])[:100]
        ops = [_edit_base(world, state_id, "beside a brass bell") for state_id in ids]
        patch = jsonpatch.JsonPatch([
            {"op": "replace", "path": f"/scene/states/{state_id}/base", "value": op["patch"]["base"]}
            for state_id, op in zip(ids, ops, strict=True)
        ])

        def peer(w: dict[str, Any] = world, p: jsonpatch.JsonPatch = patch) -> None:
            validator.validate(p.apply(w))

        ours = best_of(lambda w=world, o=ops: apply_ops(w, o))
        rows.append(Row(f"100-op batch {_label(size)}", ours, "jsonpatch + jsonschema", best_of(peer, repeat=3), 1))
    return rows


def codec_rows(worlds: dict[int, dict[str, Any]]) -> list[Row]:
    """Decode + encode vs the standard library's json (which checks no shape): with and without our check."""
    rows = []
    for size, world in worlds.items():
        text = json.dumps(world).encode()

        def ours(data: bytes = text) -> None:
            codec.encode(codec.decode(data))

        def peer(data: bytes = text) -> None:
            json.dumps(json.loads(data))

        def parse_only(data: bytes = text) -> None:
            codec.encode(codec.parse_json(data))

        megabytes = len(text) / 1e6
        peer_s = best_of(peer)
        rows.append(Row(f"decode (shape-checked)+encode {_label(size)} ({megabytes:.1f} MB)", best_of(ours), "json",
                        peer_s, 3))
        rows.append(Row(f"parse+encode {_label(size)} ({megabytes:.1f} MB)", best_of(parse_only), "json", peer_s, 3))
    return rows


def _keys_in_any_order(size: int = 200, flags: int = 12) -> dict[str, Any]:
    """A ring of rooms with ``flags`` keys that can be picked up in any order: 2^flags × size configurations."""
    ops: list[dict[str, Any]] = [{"op": "add_state", "id": f"room_{i}", "base": f"a round stone room, number {i}"}
                                 for i in range(size)]
    ops += [{"op": "add_state", "id": "vault", "base": "an open vault of gold light"},
            {"op": "set_state_ending", "state": "vault", "kind": "win", "title": "Out"}]
    ops += [{"op": "add_transition", "name": f"walk_{i}", "from": [f"room_{i}"], "to": f"room_{(i + 1) % size}"}
            for i in range(size)]
    ops += [{"op": "add_override", "name": f"take_key_{k}", "from": [f"room_{k * size // flags}"],
             "grants": [f"key_{k}"]} for k in range(flags)]
    ops.append({"op": "add_transition", "name": "open_vault", "from": [f"room_{size - 1}"], "to": "vault",
                "requires": [f"key_{k}" for k in range(flags)]})
    result = apply_ops({"scene": {"states": {}, "events": []}}, ops)
    assert result.ok and not result.applyErrors, result.applyErrors
    return result.world


def proof_rows() -> list[Row]:
    """The winnability proof's throughput: the generated 200-state world, and a combinatorial one."""
    rows = []
    combinatorial = _keys_in_any_order()
    for label, world in (("generated", generate(PREMISE, seed=3, size=200)), ("keys in any order", combinatorial)):
        start = time.perf_counter()
        proof = prove(world)
        elapsed = time.perf_counter() - start
        rate = proof.explored / elapsed if elapsed > 0 else float("inf")
        flags = {f for e in world["scene"]["events"] for f in e.get("grants", [])}
        states = len(world["scene"]["states"])
        rows.append(Row(f"winnability proof, {label}: {states} states, {len(flags)} flags", elapsed, None, None,
                        None, note=f"{proof.explored:,} configurations, {rate:,.0f}/s, complete={proof.complete}"))
    return rows


def kernel_rows(sizes: tuple[int, ...] = SIZES, only: Callable[[str], bool] = lambda _: True) -> list[Row]:
    """Every kernel comparison, on generated worlds of the given sizes."""
    worlds = {size: _world(size) for size in sizes}
    for world in worlds.values():
        assert gate.validate(world).ok, "the generator must produce valid worlds"
    snapshot = copy.deepcopy(worlds[min(sizes)])
    rows: list[Row] = []
    for name, make in (("validate", validate_rows), ("write", write_gate_rows), ("diff", diff_rows),
                       ("batch", batch_rows), ("codec", codec_rows)):
        if only(name):
            rows.extend(make(worlds))
    if only("proof"):
        rows.extend(proof_rows())
    assert worlds[min(sizes)] == snapshot, "benchmarks must not mutate their inputs"
    return rows
