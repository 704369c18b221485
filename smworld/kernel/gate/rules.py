"""The gate's building blocks: a lint rule, and a check that emits a group of rules.

Each rule-family module declares its rules (``RULES``, in table order) and the checks that emit them
(``CHECKS``); :data:`smworld.kernel.gate.LINTS` is generated from those declarations, so the lint
table and the code that fires it cannot drift apart.

A :class:`Check` runs over a whole world (``scope`` None) or over a :class:`~.scope.Scope` — the
states, events and world-level parts a write may have changed — and says how to compute that scope
from a change (``widen``). A check without ``widen`` is advisory and only runs in ``lint``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import msgspec

from ..diagnostics import Diagnostic, Loc, Severity
from .scope import Change
from .view import Scope, View

__all__ = ["Check", "LintInfo", "Rule", "Want"]

Want = frozenset[Severity]
"""The severities a run asks for: ``validate`` wants errors only, ``lint`` and writes want all."""


class LintInfo(msgspec.Struct, frozen=True):
    """One row of the published lint table: ``{id, severity, description}``."""

    id: str
    severity: Severity
    description: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint id with its fixed severity; :meth:`at` makes its diagnostics so neither can be mistyped."""

    id: str
    severity: Severity
    description: str

    def at(self, path: str, message: str, loc: Loc | None = None) -> Diagnostic:
        """A finding of this rule at ``path``."""
        return Diagnostic(lint=self.id, severity=self.severity, path=path, message=message, loc=loc)

    def info(self) -> LintInfo:
        """The rule's row in the lint table."""
        return LintInfo(self.id, self.severity, self.description)


Run = Callable[[View, Scope | None, Want], Iterable[Diagnostic]]
Widen = Callable[[Change], Scope]


@dataclass(frozen=True, slots=True)
class Check:
    """One pass over a world that may emit ``rules``.

    ``run(view, scope, want)`` reports findings for everything in ``scope`` (None: the whole world),
    skipping work for severities not in ``want``. ``widen(change)`` names what a write can have
    changed for this check; None keeps the check out of the write gate.
    """

    rules: tuple[Rule, ...]
    run: Run
    widen: Widen | None = None

    def wanted(self, want: Want) -> bool:
        """Whether any of this check's rules has a severity the run asks for."""
        return any(rule.severity in want for rule in self.rules)
