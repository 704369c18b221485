"""Worlds for the gate's tests: a tiny valid world to perturb, and big valid worlds to time.

Throwaway test helpers, not part of the package. ``big_world`` builds a gate-clean world of any size
from a seed (same seed, same world) with prose of realistic length; nothing in it fires an error.
"""

from __future__ import annotations

import copy
import random
from typing import Any

__all__ = ["big_world", "tiny_world"]

_TINY: dict[str, Any] = {
    "scene": {
        "states": {
            "hall": {
                "base": "a long hall of grey stone lit by torches",
                "camera": {"static": "wide shot from the doorway", "dynamic": "slow dolly forward"},
                "movement": {"static": "torch flames flicker", "dynamic": "dust drifts in the light"},
                "ambient": ["water drips from the ceiling"],
            },
            "cellar": {"base": "a damp stone cellar lit by one candle"},
            "vault": {"base": "a vault of gold coins under a lantern", "ending": {"kind": "win", "title": "Rich"}},
        },
        "events": [
            {"name": "go down", "kind": "transition", "from": ["hall"], "to": "cellar", "hotkey": "e",
             "base": "the camera descends a spiral stair", "grants": ["lamp"]},
            {"name": "open vault", "kind": "transition", "from": ["cellar"], "to": "vault", "hotkey": "o",
             "requires": ["lamp"], "base": "a heavy iron door swings open"},
            {"name": "wave torch", "kind": "override", "from": ["hall", "cellar"], "hotkey": "t",
             "base": "the torch sweeps left and right"},
        ],
    },
    "entrance": {"state": "hall"},
}


def tiny_world() -> dict[str, Any]:
    """A small world with zero diagnostics of any severity; tests copy it and break one thing."""
    return copy.deepcopy(_TINY)


_NOUNS = ("stone", "lantern", "archway", "river", "bridge", "tower", "forest", "market", "harbour",
          "courtyard", "staircase", "window", "banner", "cliff", "meadow", "orchard", "library", "forge")
_ADJ = ("weathered", "mossy", "copper", "amber", "crimson", "pale", "tall", "narrow", "ancient",
        "polished", "cracked", "golden", "misty", "wet", "dusty", "carved")
_LIGHT = ("under low moonlight", "in warm lamplight", "at dusk", "under a grey sky", "in morning haze",
          "lit by braziers", "in hard noon sun")
_CAMERA = ("wide establishing shot at eye level", "slow push-in toward the centre", "low angle, steady",
           "over-the-shoulder framing", "gentle handheld sway", "locked tripod view")
_MOTION = ("leaves drift across the ground", "smoke curls upward", "a flag ripples in the wind",
           "birds circle overhead", "water laps at the stones", "sparks rise from a fire")


def _phrase(rng: random.Random) -> str:
    return f"a {rng.choice(_ADJ)} {rng.choice(_NOUNS)} beside a {rng.choice(_ADJ)} {rng.choice(_NOUNS)}"


def _base(rng: random.Random, sentences: int) -> str:
    return ", ".join(_phrase(rng) for _ in range(sentences)) + f" {rng.choice(_LIGHT)}"


def big_world(states: int = 10_000, events: int = 30_000, seed: int = 0) -> dict[str, Any]:
    """A gate-clean world with ``states`` states (a few endings) and ``events`` events."""
    rng = random.Random(seed)
    ids = [f"room_{i}" for i in range(states)]
    endings = max(1, states // 50)
    scene_states: dict[str, Any] = {}
    for i, sid in enumerate(ids):
        state: dict[str, Any] = {
            "base": _base(rng, 4),
            "camera": {"static": rng.choice(_CAMERA), "dynamic": rng.choice(_CAMERA)},
            "movement": {"static": rng.choice(_MOTION), "dynamic": rng.choice(_MOTION)},
            "ambient": [rng.choice(_MOTION), rng.choice(_MOTION)],
            "narration": "You stand still and listen.",
        }
        if i >= states - endings:
            state["ending"] = {"kind": "win" if i % 2 else "lose", "title": f"Ending {i}"}
        scene_states[sid] = state
    live = states - endings
    keys = "efghijklmnopqrtuvxyz0123456789"
    used: dict[str, int] = {}
    scene_events: list[dict[str, Any]] = []
    for n in range(events):
        origin = n % live
        source = ids[origin]
        target = ids[origin + 1] if n < live else ids[rng.randrange(states)]
        chain = n < live
        slot = used.get(source, 0)
        used[source] = slot + 1
        event: dict[str, Any] = {
            "name": f"event {n}",
            "kind": "transition",
            "from": [source],
            "to": target,
            "base": f"the camera moves toward {_phrase(rng)}",
        }
        if slot < len(keys):
            event["hotkey"] = keys[slot]
        if n % 7 == 3 and not chain:
            event["kind"] = "override"
            del event["to"]
            event["detail"] = f"{_phrase(rng)} glints {rng.choice(_LIGHT)}"
        if n % 11 == 5:
            event["grants"] = [f"flag_{n % 97}"]
        if n % 13 == 6 and n > 100:
            event["requires"] = [f"flag_{(n - 1) % 97}"]
            event["lockedHint"] = "Find the key first."
        if n % 17 == 2:
            event["landWhen"] = {"label": rng.choice(_NOUNS), "minExtent": 0.2, "timeoutMs": 15000}
        if n % 19 == 4:
            event["anchor"] = {"label": rng.choice(_NOUNS), "minProximity": 0.15}
        scene_events.append(event)
    granted = {f for e in scene_events for f in e.get("grants", ())}
    for event in scene_events:
        if "requires" in event:
            event["requires"] = [f for f in event["requires"] if f in granted] or [sorted(granted)[0]]
    return {
        "schemaVersion": "1.0",
        "name": "Big generated world",
        "scene": {"states": scene_states, "events": scene_events},
        "entrance": {"state": ids[0]},
    }
