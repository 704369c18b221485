"""What an op batch touched: the scope the incremental write gate re-checks."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Touched"]


@dataclass(slots=True)
class Touched:
    """Names of everything a batch may have changed, before or after.

    - ``states``: state ids added, removed, renamed (old and new id) or edited.
    - ``events``: event names added, removed, renamed (old and new name) or edited.
    - ``world``: top-level keys edited (``entrance``, ``cutscenes``, ``sequences``, ``missions``,
      ``outro``, ``story``, ``subject``, ``styleTail``, ``narrate``, ``introVideo``, …).
    - ``everything``: set when the scope cannot be bounded (the gate then runs in full).
    """

    states: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    world: set[str] = field(default_factory=set)
    everything: bool = False

    def merge(self, other: Touched) -> None:
        """Add another scope to this one."""
        self.states |= other.states
        self.events |= other.events
        self.world |= other.world
        self.everything = self.everything or other.everything
