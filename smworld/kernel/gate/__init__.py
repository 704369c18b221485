"""The kernel gate: the grammar and doctrine judgement of a world (``gate.md``).

- :func:`validate` — errors only; ``ok`` iff none (the API answers 422 with them).
- :func:`lint` — everything (errors, warnings, infos, and the winnability lints when the proof
  completes), plus the ``promptBudget``.
- :func:`write_gate` — the incremental check every write passes: re-runs each rule only over what
  the batch can have changed (:mod:`.scope`) and rejects the batch when the result has an error
  ``lint@path`` the previous world did not have.

The write gate leaves out the advisory whole-graph passes (``unreachable-state``, ``dead-end``,
``no-ending``, ``duplicate-prose``) and the winnability proof; its ``diagnostics`` are the findings
of every severity over what it re-checked.

Rule families live one per module, named after what they check; :data:`LINTS` is generated from
their rule declarations, in this order: schema, shape, characters, references, doctrine, flags,
evidence, graph, proof, store. Diagnostics come out sorted by that order, then by path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from ..codec import bounded, require_readable_version
from ..diagnostics import Diagnostic, sort_diagnostics
from ..errors import DecodeError
from ..touched import Touched
from ..world import json_type
from . import characters, doctrine, evidence, flags, graph, proof, references, schema, shape, store
from .doctrine import PROMPT_BUDGET
from .rules import Check, LintInfo, Want
from .scope import Change
from .view import View

__all__ = [
    "LINTS",
    "PROMPT_BUDGET",
    "GateVerdict",
    "LintInfo",
    "LintReport",
    "Report",
    "lint",
    "validate",
    "write_gate",
]

_CHECKS: tuple[Check, ...] = (*schema.CHECKS, *shape.CHECKS, *characters.CHECKS, *references.CHECKS, *doctrine.CHECKS,
                              *flags.CHECKS, *evidence.CHECKS, *graph.CHECKS)
LINTS: tuple[LintInfo, ...] = tuple(
    rule.info()
    for module in (schema, shape, characters, references, doctrine, flags, evidence, graph, proof, store)
    for rule in module.RULES
)
"""Every lint id the kernel emits with its severity and a one-line description, in report order."""

_ORDER = {info.id: position for position, info in enumerate(LINTS)}
_ERRORS: Want = frozenset({"error"})
_EVERYTHING: Want = frozenset({"error", "warning", "info"})


class Report(msgspec.Struct, kw_only=True):
    """The answer of :func:`validate`: ``ok`` iff there are no errors."""

    ok: bool
    diagnostics: list[Diagnostic]


class LintReport(msgspec.Struct, kw_only=True):
    """The answer of :func:`lint`: every finding; ``ok`` iff none is an error."""

    ok: bool
    diagnostics: list[Diagnostic]
    promptBudget: int = PROMPT_BUDGET


class GateVerdict(msgspec.Struct, kw_only=True):
    """The write gate's answer: ``ok`` iff the write added no error ``lint@path``.

    ``new_errors`` are those added errors; ``diagnostics`` are the findings of every severity over
    what the write touched, in the world after it (they ride along in the write result).
    """

    ok: bool
    new_errors: list[Diagnostic]
    diagnostics: list[Diagnostic]


@bounded
def validate(world: Mapping[str, Any]) -> Report:
    """Every error in ``world``, sorted. Raises :class:`DecodeError` when ``world`` is not a JSON
    object and :class:`UnsupportedSchemaVersion` for a schema major this kernel cannot read."""
    found = [d for d in _full(_view(world), _ERRORS) if d.severity == "error"]
    return Report(ok=not found, diagnostics=_sorted(found))


@bounded
def lint(world: Mapping[str, Any]) -> LintReport:
    """Every finding in ``world``, sorted; ``softlock``/``unwinnable`` join when the world has states
    and no errors, and its winnability proof completes. Raises like :func:`validate`."""
    view = _view(world)
    found = list(_full(view, _EVERYTHING, advisory=True))
    ok = not any(d.severity == "error" for d in found)
    if ok and view.states:
        found += proof.findings(world)
    return LintReport(ok=ok, diagnostics=_sorted(found))


@bounded
def write_gate(before: Mapping[str, Any], after: Mapping[str, Any], touched: Touched) -> GateVerdict:
    """Judge a write: re-check only what ``touched`` (and what it can affect) names, in both worlds.

    A batch that touched everything, or the scene itself, is checked in full (advisory whole-graph
    passes excepted). Raises like :func:`validate`.
    """
    old_view, new_view = _view(before), _view(after)
    if touched.everything or "scene" in touched.world:
        old, new = list(_full(old_view, _EVERYTHING)), list(_full(new_view, _EVERYTHING))
    else:
        change = Change(old_view, new_view, touched)
        old, new = [], []
        for check in _CHECKS:
            if check.widen is not None:
                scope = check.widen(change)
                if scope:
                    old.extend(check.run(old_view, scope, _EVERYTHING))
                    new.extend(check.run(new_view, scope, _EVERYTHING))
    had = {d.key for d in old if d.severity == "error"}
    diagnostics = _sorted(new)
    new_errors = [d for d in diagnostics if d.severity == "error" and d.key not in had]
    return GateVerdict(ok=not new_errors, new_errors=new_errors, diagnostics=diagnostics)


def _view(world: Any) -> View:
    if not isinstance(world, Mapping):
        raise DecodeError("", f"expected a JSON object, got {json_type(world)}")
    require_readable_version(world)
    return View(world)


def _full(view: View, want: Want, advisory: bool = False) -> Iterable[Diagnostic]:
    """Every check over the whole world; advisory checks (not in the write gate) only on request."""
    for check in _CHECKS:
        if check.wanted(want) and (advisory or check.widen is not None):
            yield from check.run(view, None, want)


def _sorted(found: list[Diagnostic]) -> list[Diagnostic]:
    return sort_diagnostics(found, _ORDER)
