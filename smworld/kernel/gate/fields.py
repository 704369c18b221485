"""Where prose lives in a state, an event and an objective, as ``(field, value)`` pairs.

``field`` is the path inside the item (``base``, ``camera.static``, ``ambient[2]``,
``variants[0].base``, ``phases[1].detail``): the vocabulary of ``set_slot_fill`` and of ``loc.field``.
Values are returned as found; callers decide what a non-prose value means.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PAIRS", "event_prose", "objective_prose", "pair_halves", "state_prose", "variant_prose"]

PAIRS = ("camera", "movement")
"""The static/dynamic prompt pairs of a state, in prompt order."""


def pair_halves(item: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``camera.static``, ``camera.dynamic``, ``movement.static``, ``movement.dynamic`` when present."""
    found = []
    for pair in PAIRS:
        halves = item.get(pair)
        if isinstance(halves, dict):
            for half in ("static", "dynamic"):
                if half in halves:
                    found.append((f"{prefix}{pair}.{half}", halves[half]))
    return found


def _ambient(item: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    lines = item.get("ambient")
    if not isinstance(lines, list):
        return []
    return [(f"{prefix}ambient[{index}]", line) for index, line in enumerate(lines)]


def state_prose(state: dict[str, Any]) -> list[tuple[str, Any]]:
    """The prompt prose of a state in prompt order: base, camera, movement, ambient lines."""
    head = [("base", state["base"])] if "base" in state else []
    return head + pair_halves(state) + _ambient(state)


def variant_prose(state: dict[str, Any]) -> list[tuple[str, Any]]:
    """The prose of a state's variants (play-only A/B arms)."""
    variants = state.get("variants")
    if not isinstance(variants, list):
        return []
    found = []
    for index, variant in enumerate(variants):
        if isinstance(variant, dict):
            prefix = f"variants[{index}]."
            if "base" in variant:
                found.append((f"{prefix}base", variant["base"]))
            found += pair_halves(variant, prefix) + _ambient(variant, prefix)
    return found


def _phases(item: dict[str, Any], keys: tuple[str, ...]) -> list[tuple[str, Any]]:
    phases = item.get("phases")
    if not isinstance(phases, list):
        return []
    return [(f"phases[{index}].{key}", phase[key])
            for index, phase in enumerate(phases) if isinstance(phase, dict)
            for key in keys if key in phase]


def event_prose(event: dict[str, Any]) -> list[tuple[str, Any]]:
    """The prose fields of an event that may be factored: base, detail, each phase's base and detail."""
    return [(key, event[key]) for key in ("base", "detail") if key in event] + _phases(event, ("base", "detail"))


def objective_prose(objective: dict[str, Any]) -> list[tuple[str, Any]]:
    """The prose fields of a mission objective that may be factored."""
    head = [("base", objective["base"])] if "base" in objective else []
    return head + _phases(objective, ("base", "detail"))
