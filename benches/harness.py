"""Timing and reporting for ``python -m benches``: ours vs a named peer, measured in one run."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Row", "best_of", "format_table"]


@dataclass(frozen=True)
class Row:
    """One comparison. ``ratio`` is how many times faster ours is (peer_s / ours_s).

    ``target`` is the ratio the project promises; ``met`` says whether this run met it. Rows that
    report a rate rather than a comparison carry ``peer = None`` and put the rate in ``note``. Rows
    whose figure is not a time (memory) put it in ``shown``, which the table prints instead of ``ours_s``.
    """

    name: str
    ours_s: float
    peer: str | None
    peer_s: float | None
    target: float | None
    note: str = ""
    shown: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.peer_s is None or self.ours_s <= 0:
            return None
        return self.peer_s / self.ours_s

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio >= self.target

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ours_s": round(self.ours_s, 6),
            "peer": self.peer,
            "peer_s": None if self.peer_s is None else round(self.peer_s, 6),
            "ratio": None if self.ratio is None else round(self.ratio, 2),
            "target": self.target,
            "met": self.met,
            **({"note": self.note} if self.note else {}),
            **({"shown": self.shown} if self.shown is not None else {}),
        }


def best_of(fn: Callable[[], Any], *, repeat: int = 5, budget_s: float = 3.0) -> float:
    """The fastest of up to ``repeat`` runs (fewer when one run eats the time budget).

    The minimum is the least noisy estimate of what the code costs on an otherwise idle machine.
    """
    best = float("inf")
    spent = 0.0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        if spent > budget_s:
            break
    return best


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.2f} ms"
    return f"{value * 1e6:.1f} µs"


def format_table(rows: list[Row]) -> str:
    """A plain-text table: one row per comparison, ratio next to its target."""
    header = ("benchmark", "ours", "peer", "peer time", "ratio", "target", "met")
    lines = [header]
    for row in rows:
        ratio = "—" if row.ratio is None else f"{row.ratio:.1f}×" if row.ratio >= 0.1 else f"{row.ratio:.2g}×"
        target = "—" if row.target is None else f"≥ {row.target:g}×"
        met = {True: "yes", False: "NO", None: "—"}[row.met]
        peer = row.peer or row.note
        ours = row.shown if row.shown is not None else _seconds(row.ours_s)
        lines.append((row.name, ours, peer, _seconds(row.peer_s), ratio, target, met))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)
