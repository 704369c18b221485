"""Analysis of a world beyond lints: its state graph, reachability, the winnability proof and the
playability verdict (``spec/gate.md``, "Analysis beyond lints")."""

from __future__ import annotations

from .graph import state_graph
from .reachability import reachability, reachable_states
from .verdict import CHECKS, Check, Verdict, verdict
from .winnability import DEFAULT_BOUND, InvalidBound, Proof, Softlock, Win, prove

__all__ = [
    "CHECKS",
    "DEFAULT_BOUND",
    "Check",
    "InvalidBound",
    "Proof",
    "Softlock",
    "Verdict",
    "Win",
    "prove",
    "reachability",
    "reachable_states",
    "state_graph",
    "verdict",
]
