"""The graph as a player meets it: ``unreachable-state``, ``dead-end``, ``no-ending``,
``duplicate-prose``.

Advisory whole-world passes (warnings and infos): ``lint`` runs them, the write gate does not.
Reachability is :func:`~smworld.kernel.analysis.reachability.reachable_states` (transitions with a
``to``, through cutscenes, flags ignored; the winnability proof is the flag-aware answer).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.reachability import reachable_states
from ..diagnostics import Diagnostic
from ..prose import render_text
from ..world import entrance_id, state_path
from .rules import Check, Rule, Want
from .scope import Scope
from .view import View, is_ending, strings

__all__ = ["CHECKS", "RULES"]

UNREACHABLE_STATE = Rule("unreachable-state", "warning", "No path from the entrance reaches the state.")
DEAD_END = Rule("dead-end", "warning", "A reachable state that is not an ending has no outgoing transition.")
NO_ENDING = Rule("no-ending", "warning", "No state has an ending.")
DUPLICATE_PROSE = Rule("duplicate-prose", "info", "Two states have identical `base` prose.")
RULES = (UNREACHABLE_STATE, DEAD_END, NO_ENDING, DUPLICATE_PROSE)


def _run(view: View, scope: Scope | None, want: Want) -> Iterator[Diagnostic]:
    if entrance_id(view.world) in view.states:
        reachable = reachable_states(view.world)
        rows = view.all_events
        exits = {sid for kind, origin, target in zip(rows.column("kind"), rows.column("from"), rows.column("to"),
                                                     strict=True)
                 if kind == "transition" and isinstance(target, str) and target for sid in strings(origin)}
        for sid, state in zip(view.all_states.keys, view.all_states.items, strict=True):
            if sid not in reachable:
                yield UNREACHABLE_STATE.at(state_path(sid), "No path from the entrance reaches this state; add a "
                                                            "transition into it or remove it.")
            elif sid not in exits and not is_ending(state):
                yield DEAD_END.at(state_path(sid), "The player can reach this state but no transition leaves it "
                                                   "and it is not an ending; add a way out or make it an ending.")
    if view.states and not any(map(is_ending, view.states.values())):
        yield NO_ENDING.at("scene.states", "No state has an ending, so play can never finish; give at least one "
                                           "state a win or lose ending.")
    first: dict[str, str] = {}
    for sid, base in zip(view.all_states.keys, view.all_states.column("base"), strict=True):
        text = base if isinstance(base, str) else render_text(base)
        if text and first.setdefault(text, sid) != sid:
            yield DUPLICATE_PROSE.at(state_path(sid), f'This state\'s base is identical to "{first[text]}"\'s; '
                                                      "make each state's prose distinct so the model can tell "
                                                      "them apart.")


CHECKS = (Check(RULES, _run),)
