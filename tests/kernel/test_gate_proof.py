"""``softlock`` and ``unwinnable``: lints from the winnability proof, only when it completes."""

from __future__ import annotations

from typing import Any

import pytest

from smworld.kernel.gate import lint, proof, validate
from tests.kernel.gate_worlds import tiny_world


def lamp_on_the_side() -> dict[str, Any]:
    """Going down without first taking the lamp strands the player in the cellar."""
    world = tiny_world()
    events = world["scene"]["events"]
    del events[0]["grants"]
    events.append({"name": "take lamp", "kind": "override", "from": ["hall"], "hotkey": "l", "grants": ["lamp"],
                   "base": "a hand lifts a brass lamp"})
    return world


def test_a_stranding_path_is_a_softlock_with_its_witness() -> None:
    [lock] = [d for d in lint(lamp_on_the_side()).diagnostics if d.lint == "softlock"]
    assert lock.severity == "warning" and lock.path == "states.cellar"
    assert "go down" in lock.message and "no flags" in lock.message
    assert validate(lamp_on_the_side()).ok


def test_a_world_without_a_reachable_win_is_unwinnable() -> None:
    world = tiny_world()
    world["scene"]["states"]["vault"]["ending"]["kind"] = "lose"
    found = [d for d in lint(world).diagnostics if d.lint in ("unwinnable", "softlock")]
    assert [(d.lint, d.severity, d.path) for d in found] == [("unwinnable", "warning", "entrance")]


def test_the_proof_is_skipped_for_worlds_with_errors() -> None:
    world = lamp_on_the_side()
    world["scene"]["states"]["hall"]["base"] = "a hall with no lamp"
    assert {d.lint for d in lint(world).diagnostics} == {"negation"}


def test_an_inconclusive_proof_reports_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(proof, "PROOF_BOUND", 2)
    assert lint(lamp_on_the_side()).diagnostics == []
