"""Diagnostics: what the gate says about a world."""

from __future__ import annotations

from typing import Literal

import msgspec

__all__ = ["Diagnostic", "Loc", "Severity", "sort_diagnostics"]

Severity = Literal["error", "warning", "info"]


class Loc(msgspec.Struct, omit_defaults=True, kw_only=True):
    """Where inside a factored field a finding comes from."""

    field: str
    template: str
    slot: str
    fill: str


class Diagnostic(msgspec.Struct, omit_defaults=True, kw_only=True, frozen=True):
    """One finding: a stable ``lint`` id, its severity, a ``path`` into the world and a fix-it message."""

    lint: str
    severity: Severity
    path: str
    message: str
    loc: Loc | None = None

    @property
    def key(self) -> str:
        """``lint@path``: how the write gate compares findings before and after a batch."""
        return f"{self.lint}@{self.path}"


def sort_diagnostics(diagnostics: list[Diagnostic], order: dict[str, int]) -> list[Diagnostic]:
    """Deterministic order: by rule (its place in the lint table), then path, then message."""
    return sorted(diagnostics, key=lambda d: (order.get(d.lint, len(order)), d.path, d.message))
