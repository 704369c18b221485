"""Visual evidence: ``auto-needs-pixels``, ``luminance-overlap``, ``sliver-evidence``,
``shared-phase-camera``.

Events that wait for pixels (``landWhen``), point at objects (``anchor``) or play in phases must give
the detector something it can see. A round trip A→B→A whose two arrivals accept the same luminance
can bounce between the states on one frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..diagnostics import Diagnostic
from ..text import shown
from ..world import event_path
from . import scope as scopes
from .rules import Check, Rule, Want
from .scope import Change, Scope
from .view import View, is_number, strings

__all__ = ["CHECKS", "RULES"]

AUTO_NEEDS_PIXELS = Rule("auto-needs-pixels", "error",
                         "`landWhen.auto` is true without a luminance or motion threshold.")
LUMINANCE_OVERLAP = Rule("luminance-overlap", "error",
                         "A round trip A→B→A whose luminance thresholds overlap (B's maxLuminance ≥ A's minLuminance).")
SLIVER_EVIDENCE = Rule("sliver-evidence", "warning", "An anchor has a label but no `minProximity` (suggest 0.15).")
SHARED_PHASE_CAMERA = Rule("shared-phase-camera", "warning",
                           "An event has two or more phases and one of them has no camera.")
RULES = (AUTO_NEEDS_PIXELS, LUMINANCE_OVERLAP, SLIVER_EVIDENCE, SHARED_PHASE_CAMERA)

_THRESHOLDS = ("minLuminance", "maxLuminance", "minMotion", "maxMotion")


def _singles(view: View, scope: Scope | None, want: Want) -> Iterator[Diagnostic]:
    """Rules that read one event."""
    rows = view.event_rows(scope)
    columns = zip(rows.keys, rows.items, rows.column("landWhen"), rows.column("anchor"), rows.column("phases"),
                  strict=True)
    for index, event, land, anchor, phases in columns:
        if isinstance(land, dict) and land.get("auto") is True and not any(is_number(land.get(k)) for k in _THRESHOLDS):
            yield AUTO_NEEDS_PIXELS.at(event_path(event, index, "landWhen", "auto"),
                                       "landWhen.auto fires the event by itself, but without a luminance or motion "
                                       "threshold it has no pixels to wait for; add minLuminance, maxLuminance, "
                                       "minMotion or maxMotion, or drop auto.")
        if "warning" not in want:
            continue
        label = anchor.get("label") if isinstance(anchor, dict) else None
        if isinstance(label, str) and label and anchor.get("minProximity") is None:
            yield SLIVER_EVIDENCE.at(event_path(event, index, "anchor"),
                                     f"The anchor {shown(label)} has no minProximity, so a sliver of it at the frame "
                                     "edge counts; set minProximity (0.15 is a good start).")
        if isinstance(phases, list) and len(phases) >= 2:
            for i, phase in enumerate(phases):
                if isinstance(phase, dict) and not phase.get("camera"):
                    yield SHARED_PHASE_CAMERA.at(event_path(event, index, "phases"),
                                                 f"Phase {i} has no camera, so it plays with the same framing as the "
                                                 "phase before it; give every phase its own camera.")
                    break


def _luminance(event: Any) -> tuple[float | None, float | None]:
    """A transition's arrival thresholds ``(minLuminance, maxLuminance)``, None where unset."""
    if not isinstance(event, dict) or event.get("kind") != "transition":
        return None, None
    land = event.get("landWhen")
    if not isinstance(land, dict):
        return None, None
    low, high = land.get("minLuminance"), land.get("maxLuminance")
    return (low if is_number(low) else None), (high if is_number(high) else None)


def _arrivals(view: View) -> dict[str, list[int]]:
    """Transitions with a luminance threshold, by the state they arrive in."""
    found: dict[str, list[int]] = {}
    rows = view.all_events
    for i, (land, target) in enumerate(zip(rows.column("landWhen"), rows.column("to"), strict=True)):
        if isinstance(land, dict) and isinstance(target, str) and _luminance(view.events[i]) != (None, None):
            found.setdefault(target, []).append(i)
    return found


def _partners(view: View, index: int) -> Iterator[int]:
    """Transitions with luminance thresholds that lead back along the same round trip as event ``index``."""
    event = view.events[index]
    target = event.get("to")
    if _luminance(event) == (None, None) or not isinstance(target, str):
        return
    arrivals = view.memo("arrivals", _arrivals)
    for sid in dict.fromkeys(strings(event.get("from"))):
        for other in arrivals.get(sid, ()):
            if other != index and target in strings(view.events[other].get("from")):
                yield other


def _pairs(view: View, scope: Scope | None, want: Want) -> Iterator[Diagnostic]:
    """Round trips whose two arrivals accept a common luminance."""
    rows = view.event_rows(scope)
    indices = rows.keys if scope is not None else sorted(i for found in view.memo("arrivals", _arrivals).values()
                                                         for i in found)
    for index in indices:
        event = view.events[index]
        low, high = _luminance(event)
        for other in _partners(view, index):
            back_low, back_high = _luminance(view.events[other])
            if (high is not None and back_low is not None and high >= back_low) or \
                    (back_high is not None and low is not None and back_high >= low):
                yield LUMINANCE_OVERLAP.at(event_path(event, index, "landWhen"),
                                           f'This transition and {shown(view.events[other].get("name"))} make a round '
                                           "trip whose arrivals accept a common luminance, so one frame can satisfy "
                                           "both; separate the thresholds (the darker side's maxLuminance below the "
                                           "brighter side's minLuminance).")
                break


def _pair_signature(event: Any) -> Any:
    return (event.get("from"), event.get("to"), _luminance(event)) if isinstance(event, dict) else None


def _widen_pairs(change: Change) -> Scope:
    """Touched transitions whose ends or thresholds changed, and their round-trip partners."""
    found: set[str] = set()
    for name, _, _ in change.differing(_pair_signature):
        found.add(name)
        for view in (change.before, change.after):
            found |= view.names_at(other for index in view.indices_named((name,)) for other in _partners(view, index))
    return Scope(events=frozenset(found))


CHECKS = (
    Check((AUTO_NEEDS_PIXELS, SLIVER_EVIDENCE, SHARED_PHASE_CAMERA), _singles, scopes.items),
    Check((LUMINANCE_OVERLAP,), _pairs, _widen_pairs),
)
