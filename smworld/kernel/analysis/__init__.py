"""Analysis of a world beyond lints: its state graph, reachability and the winnability proof
(``spec/gate.md``, "Analysis beyond lints").

This package sits below the gate (the gate's graph and proof lints use it) and imports nothing from
it; the playability verdict, whose ``gate-clean`` check runs the gate, is
:mod:`smworld.kernel.playability`."""

from __future__ import annotations

from .graph import state_graph
from .reachability import reachability, reachable_states
from .winnability import DEFAULT_BOUND, InvalidBound, Proof, Softlock, Win, prove

__all__ = [
    "DEFAULT_BOUND",
    "InvalidBound",
    "Proof",
    "Softlock",
    "Win",
    "prove",
    "reachability",
    "reachable_states",
    "state_graph",
]
