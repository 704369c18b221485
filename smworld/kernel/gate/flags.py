"""Flags and mission objectives: ``unreachable-require``, ``objective-unreachable``,
``objective-ungrounded``, ``unused-grant``.

A flag is granted by events (and, for requirements, by mission objectives) and required by events,
cutscenes, terminal facts, objectives and the outro. A finding about one event depends on whether
its flags are granted or required *anywhere*, so the write gate re-checks every event using a flag
whose grants or requirements changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from ..text import shown
from ..world import event_path, item_path
from .rules import Check, Rule, Want
from .scope import Change, Scope
from .view import View, strings

__all__ = ["CHECKS", "RULES"]

UNREACHABLE_REQUIRE = Rule("unreachable-require", "error",
                           "An event requires a flag that no event (and no objective) ever grants.")
OBJECTIVE_UNREACHABLE = Rule("objective-unreachable", "error", "No event grants a mission objective's flag.")
OBJECTIVE_UNGROUNDED = Rule("objective-ungrounded", "warning",
                            "A mission lists `verified` nouns and a grounded target is not among them.")
UNUSED_GRANT = Rule("unused-grant", "info", "A granted flag is never required.")
RULES = (UNREACHABLE_REQUIRE, OBJECTIVE_UNREACHABLE, OBJECTIVE_UNGROUNDED, UNUSED_GRANT)


@dataclass(slots=True)
class _Flags:
    """Where each flag is granted and required in one world."""

    granted: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)
    users: dict[str, list[int]] = field(default_factory=dict)
    objectives: set[str] = field(default_factory=set)
    elsewhere: set[str] = field(default_factory=set)


def _index(view: View) -> _Flags:
    flags = _Flags()
    rows = view.all_events
    columns = zip(rows.column("requires"), rows.column("grants"), rows.column("terminal"), strict=True)
    for i, (requires, grants, terminal) in enumerate(columns):
        if requires is None and grants is None and terminal is None:
            continue
        for names, into in ((requires, flags.required), (grants, flags.granted), (_facts(terminal), flags.required)):
            for flag in strings(names):
                into.add(flag)
                flags.users.setdefault(flag, []).append(i)
    flags.objectives = set(_objective_flags(view))
    flags.elsewhere = _required_elsewhere(view)
    return flags


def _facts(terminal: Any) -> list[str]:
    """Flags a terminal's facts require."""
    facts = terminal.get("facts") if isinstance(terminal, dict) else None
    return [flag for fact in facts if isinstance(fact, dict) for flag in strings(fact.get("requires"))] \
        if isinstance(facts, list) else []


def _objectives(view: View) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """``(path, mission, objective)`` for every well-formed objective."""
    for index, mission in enumerate(view.top("missions")):
        objectives = mission.get("objectives") if isinstance(mission, dict) else None
        for i, objective in enumerate(objectives if isinstance(objectives, list) else ()):
            if isinstance(objective, dict):
                yield item_path("missions", mission, index, f"objectives[{i}]"), mission, objective


def _objective_flag(objective: dict[str, Any]) -> str | None:
    """The flag an objective grants: ``grants``, defaulting to its id."""
    flag = objective.get("grants") if "grants" in objective else objective.get("id")
    return flag if isinstance(flag, str) else None


def _objective_flags(view: View) -> Iterator[str]:
    for _, _, objective in _objectives(view):
        flag = _objective_flag(objective)
        if flag is not None:
            yield flag


def _required_elsewhere(view: View) -> set[str]:
    """Flags read outside events: cutscene and objective requirements and the outro's flag."""
    found = {flag for cutscene in view.top("cutscenes") if isinstance(cutscene, dict)
             for flag in strings(cutscene.get("requires"))}
    found.update(flag for _, _, objective in _objectives(view) for flag in strings(objective.get("requires")))
    outro = view.world.get("outro")
    if isinstance(outro, dict) and isinstance(outro.get("flag"), str):
        found.add(outro["flag"])
    return found


def _run(view: View, scope: Scope | None, want: Want) -> Iterator[Diagnostic]:
    flags = view.memo("flags", _index)
    obtainable = flags.granted | flags.objectives
    used = flags.required | flags.elsewhere | flags.objectives
    rows = view.event_rows(scope)
    for index, event, requires, grants in zip(rows.keys, rows.items, rows.column("requires"), rows.column("grants"),
                                              strict=True):
        if requires is None and grants is None:
            continue
        for flag in dict.fromkeys(strings(requires)):
            if flag not in obtainable:
                yield UNREACHABLE_REQUIRE.at(event_path(event, index, "requires"),
                                             f'Flag {shown(flag)} is required but no event or objective grants it, so '
                                             "this event can never open; grant it somewhere or drop the requirement.")
        for flag in dict.fromkeys(strings(grants)):
            if flag not in used:
                yield UNUSED_GRANT.at(event_path(event, index, "grants"),
                                      f'Flag {shown(flag)} is granted but nothing requires it; require it where it '
                                      "matters or stop granting it.")
    if scope is None or scope.world:
        yield from _missions(view, flags)


def _missions(view: View, flags: _Flags) -> Iterator[Diagnostic]:
    for path, mission, objective in _objectives(view):
        flag = _objective_flag(objective)
        if flag is not None and flag not in flags.granted:
            yield OBJECTIVE_UNREACHABLE.at(path, f'No event grants objective flag {shown(flag)}, so the objective can '
                                                 "never be completed; add an event that grants it (add_mission "
                                                 "compiles one).")
        verified = {noun.lower() for noun in strings(mission.get("verified"))}
        grounded = objective.get("grounded")
        target = grounded.get("target") if isinstance(grounded, dict) else None
        if verified and isinstance(target, str) and target.lower() not in verified:
            yield OBJECTIVE_UNGROUNDED.at(f"{path}.grounded.target",
                                          f"Grounded target {shown(target)} is not among the mission's verified "
                                          "nouns, so the detector may not know it; add it to `verified` or ground on a "
                                          "verified noun.")


def _event_flags(event: Any) -> tuple[frozenset[str], frozenset[str]]:
    """What an event requires (including its terminal's facts) and grants."""
    if not isinstance(event, dict):
        return frozenset(), frozenset()
    required = frozenset(strings(event.get("requires"))) | frozenset(_facts(event.get("terminal")))
    return required, frozenset(strings(event.get("grants")))


def _widen(change: Change) -> Scope:
    """Every event using a flag whose grants or requirements changed; missions when they can have."""
    moved: set[str] = set()
    for _, old, new in change.differing(_event_flags):
        for side in (0, 1):
            before = frozenset().union(*(_event_flags(e)[side] for e in old))
            after = frozenset().union(*(_event_flags(e)[side] for e in new))
            moved |= before ^ after
    world = change.touched.world
    if world & {"missions", "cutscenes", "outro"}:
        for view in (change.before, change.after):
            moved |= set(_objective_flags(view)) | _required_elsewhere(view)
    if not moved and "missions" not in world:
        return Scope()
    users: set[str] = set()
    objective = False
    for view in (change.before, change.after):
        flags = view.memo("flags", _index)
        users |= view.names_at(i for flag in moved for i in flags.users.get(flag, ()))
        objective = objective or not moved.isdisjoint(flags.objectives)
    return Scope(events=frozenset(users), world="missions" in world or objective)


CHECKS = (Check(RULES, _run, _widen),)
