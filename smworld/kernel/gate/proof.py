"""Lints from the winnability proof: ``softlock`` and ``unwinnable``.

They are reported only when the proof completes within :data:`PROOF_BOUND` configurations (past the
bound the answer is inconclusive, never a guess) and only for worlds without gate errors, whose
graph the interpreter can follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..analysis.winnability import prove
from ..diagnostics import Diagnostic
from ..world import state_path
from .rules import Rule

__all__ = ["PROOF_BOUND", "RULES", "findings"]

SOFTLOCK = Rule("softlock", "warning",
                "A reachable configuration from which no ending can be reached anymore (winnability proof).")
UNWINNABLE = Rule("unwinnable", "warning", "No win ending can be reached from the entrance (winnability proof).")
RULES = (SOFTLOCK, UNWINNABLE)

PROOF_BOUND = 100_000
"""Configurations the proof may explore for ``lint`` before it answers "inconclusive"."""


def findings(world: Mapping[str, Any]) -> list[Diagnostic]:
    """``unwinnable`` and one ``softlock`` per state where the player can get stuck."""
    proof = prove(dict(world), bound=PROOF_BOUND)
    if not proof.complete:
        return []
    found = []
    if proof.winnable is False:
        found.append(UNWINNABLE.at("entrance", "No win ending can be reached from the entrance; add a path to a "
                                               "win ending or loosen the requirements on the way."))
    stuck: set[str] = set()
    for lock in proof.softlocks:
        if lock.state not in stuck:
            stuck.add(lock.state)
            held = ", ".join(lock.flags) or "no flags"
            found.append(SOFTLOCK.at(state_path(lock.state),
                                     f"After {' → '.join(lock.path) or 'entering'} (holding {held}) the player is "
                                     "stuck here with no ending reachable; add a way out or an ending."))
    return found
