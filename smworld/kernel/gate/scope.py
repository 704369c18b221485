"""Incremental scope: what a write can have changed, check by check.

The write gate compares the errors of the world before and after a batch. A finding can only differ
if something it depends on changed, so each check re-runs on both worlds over just that scope:

- per-item rules (shape, prose, evidence on one event): the states and events the batch touched;
- references: plus the events that point at a state that appeared, vanished, or gained or lost an
  ending, or at a cutscene that appeared or vanished; world-level references when the top level
  changed or a state appeared or vanished;
- hotkey conflicts: the events sharing a state and a key with a touched event whose hotkey or
  ``from`` changed (``references._hotkey_scope``);
- flags: every event requiring or granting a flag whose grants or requirements changed, and the
  missions when an objective's flag is among them (``flags._widen``);
- luminance round trips: the round-trip partners of a touched transition whose ends or thresholds
  changed (``evidence._widen_pairs``).

This module holds the change and the generic widenings (the scope type lives beside the
:class:`~.view.View` whose rows it selects, and is re-exported here); a check with its own index
widens next to it. Nothing scans the world unless the change demands it: editing one state's prose
touches no index at all. Events are scoped by name, so an event without a usable name can only be
re-checked by a full run (the ops mark such a batch ``everything``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from ..touched import Touched
from .view import Scope, View, is_ending, strings

__all__ = ["Change", "Scope", "items", "links", "mentions", "names"]


class Change:
    """A write: the world before and after, and what the batch says it touched."""

    def __init__(self, before: View, after: View, touched: Touched) -> None:
        self.before = before
        self.after = after
        self.touched = touched

    @cached_property
    def versions(self) -> dict[str, tuple[list[Any], list[Any]]]:
        """Each touched event name with the events so named before and after."""
        found: dict[str, tuple[list[Any], list[Any]]] = {name: ([], []) for name in self.touched.events}
        for side, view in enumerate((self.before, self.after)):
            for index in view.indices_named(self.touched.events):
                found[view.events[index]["name"]][side].append(view.events[index])
        return found

    def differing(self, signature: Callable[[Any], Any]) -> Iterable[tuple[str, list[Any], list[Any]]]:
        """Touched event names whose events differ in ``signature`` (or in number) across the write."""
        for name, (old, new) in self.versions.items():
            if [signature(e) for e in old] != [signature(e) for e in new]:
                yield name, old, new

    @cached_property
    def reshaped(self) -> bool:
        """Whether a state appeared or vanished (world-level references must be re-checked)."""
        return any((sid in self.before.states) != (sid in self.after.states) for sid in self.touched.states)

    @cached_property
    def moved(self) -> frozenset[str]:
        """Ids that events refer to and whose meaning changed: states that appeared, vanished, or
        gained or lost an ending, and cutscenes that appeared or vanished."""
        old, new = self.before.states, self.after.states
        found = {
            sid for sid in self.touched.states
            if (sid in old) != (sid in new) or is_ending(old.get(sid)) != is_ending(new.get(sid))
        }
        if "cutscenes" in self.touched.world:
            found |= self.before.cutscene_ids ^ self.after.cutscene_ids
        return frozenset(found)


def items(change: Change) -> Scope:
    """Per-item rules: exactly what the batch touched."""
    touched = change.touched
    return Scope(frozenset(touched.states), frozenset(touched.events), bool(touched.world))


def names(change: Change) -> Scope:
    """Name uniqueness: the touched names (renames touch the old and the new name)."""
    return Scope(events=frozenset(change.touched.events))


def links(change: Change) -> Scope:
    """References: touched events, events pointing at a moved id, and the world level when needed."""
    referring = _referring(change.after, change.moved) if change.moved else set()
    return Scope(
        events=frozenset(change.touched.events) | referring,
        world=bool(change.touched.world) or change.reshaped,
    )


def _referring(view: View, ids: frozenset[str]) -> set[str]:
    """Names of events whose ``from`` or ``to`` mentions one of ``ids``."""
    rows = view.all_events
    found: set[str] = set()
    for name, origin, target in zip(rows.column("name"), rows.column("from"), rows.column("to"), strict=True):
        if isinstance(name, str) and ((type(target) is str and target in ids) or mentions(ids, origin)):
            found.add(name)
    return found


def mentions(ids: frozenset[str] | set[str], origin: Any) -> bool:
    """Whether a ``from`` list mentions one of ``ids`` (a malformed list is read for its strings)."""
    if not isinstance(origin, list):
        return False
    try:
        return not ids.isdisjoint(origin)
    except TypeError:
        return not ids.isdisjoint(strings(origin))
