"""The playability verdict (``gate.md``): is a world worth playing, scored out of 100.

Checks, with their stable names and weights (they sum to 100, so a world passing every check
scores 100; the score is the sum of the weights of the checks passed):

====================  ======  ==================================================================
name                  weight  passes when
====================  ======  ==================================================================
``size``                  10  at least 5 states and 6 (named) events
``branch-point``          10  some state's transitions reach two or more states other than itself
``endings``               10  at least one ``win`` ending and one ``lose`` ending
``entrance-prose``         5  the entrance state's rendered ``base`` is at least 40 characters
                              (surrounding whitespace ignored; a broken template fails)
``all-reachable``         10  every state is structurally reachable from the entrance
``no-dead-ends``          10  every reachable state that is not an ending has a transition out
``gate-clean``            20  :func:`smworld.kernel.gate.validate` finds no error
``winnable``              25  the winnability proof finds a win within ``proof_bound``
====================  ======  ==================================================================

Winnable and gate-clean weigh most: a world that cannot be won or breaks the contract is not
playable whatever its shape. The structural checks use
:func:`~smworld.kernel.analysis.graph.state_graph` (flags ignored), as the lints do.

The verdict is analysis, but it sits above the gate (the ``gate-clean`` check runs
:func:`~smworld.kernel.gate.validate`, and the gate's graph and proof lints build on
:mod:`smworld.kernel.analysis`), so it is a module of its own rather than part of that package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import msgspec
import networkx as nx

from .analysis import DEFAULT_BOUND, prove, reachable_states, state_graph
from .gate import validate
from .play import ending_of, entrance_state
from .prose import TemplateError, render
from .world import WorldDoc, iter_named_events, states

__all__ = ["CHECKS", "Check", "Verdict", "verdict"]

MIN_STATES, MIN_EVENTS, MIN_ENTRANCE_CHARS = 5, 6, 40


class Verdict(msgspec.Struct, kw_only=True, frozen=True):
    """The score out of 100 and the names of the checks passed and failed, in check order."""

    score: int
    passed: list[str]
    failed: list[str]


@dataclass
class _Facts:
    """What the checks read, each computed once and only when a check asks."""

    world: WorldDoc
    proof_bound: int

    @cached_property
    def state_ids(self) -> list[str]:
        return [state_id for state_id, state in states(self.world).items() if isinstance(state, dict)]

    @cached_property
    def graph(self) -> nx.DiGraph:
        return state_graph(self.world)

    @cached_property
    def reachable(self) -> set[str]:
        return reachable_states(self.world)


@dataclass(frozen=True, slots=True)
class Check:
    """One verdict check: a stable name, its weight in the score, and the test itself."""

    name: str
    weight: int
    test: Callable[[_Facts], bool]


def _size(facts: _Facts) -> bool:
    named = sum(1 for _ in iter_named_events(facts.world))
    return len(facts.state_ids) >= MIN_STATES and named >= MIN_EVENTS


def _branch_point(facts: _Facts) -> bool:
    graph = facts.graph
    return any(len(set(graph.successors(node)) - {node}) >= 2 for node in graph)


def _endings(facts: _Facts) -> bool:
    kinds = {found.get("kind") for state_id in facts.state_ids
             if (found := ending_of(facts.world, state_id)) is not None}
    return {"win", "lose"} <= kinds


def _entrance_prose(facts: _Facts) -> bool:
    start = entrance_state(facts.world)
    if start is None:
        return False
    try:
        rendered = render(states(facts.world)[start].get("base"))
    except TemplateError:
        return False
    return rendered is not None and len(rendered.text.strip()) >= MIN_ENTRANCE_CHARS


def _all_reachable(facts: _Facts) -> bool:
    return facts.reachable >= set(facts.state_ids)


def _no_dead_ends(facts: _Facts) -> bool:
    return all(facts.graph.out_degree(state_id) > 0 for state_id in facts.reachable
               if ending_of(facts.world, state_id) is None)


def _gate_clean(facts: _Facts) -> bool:
    return bool(validate(facts.world).ok)


def _winnable(facts: _Facts) -> bool:
    return prove(facts.world, facts.proof_bound).winnable is True


CHECKS: tuple[Check, ...] = (
    Check("size", 10, _size),
    Check("branch-point", 10, _branch_point),
    Check("endings", 10, _endings),
    Check("entrance-prose", 5, _entrance_prose),
    Check("all-reachable", 10, _all_reachable),
    Check("no-dead-ends", 10, _no_dead_ends),
    Check("gate-clean", 20, _gate_clean),
    Check("winnable", 25, _winnable),
)


def verdict(world: WorldDoc, proof_bound: int = DEFAULT_BOUND) -> Verdict:
    """Run every check on ``world``; ``proof_bound`` bounds the winnability proof."""
    facts = _Facts(world, proof_bound)
    passed: list[str] = []
    failed: list[str] = []
    for check in CHECKS:
        (passed if check.test(facts) else failed).append(check.name)
    score = sum(check.weight for check in CHECKS if check.name in passed)
    return Verdict(score=score, passed=passed, failed=failed)
