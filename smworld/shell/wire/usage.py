"""Usage and caps, and generation jobs."""

from __future__ import annotations

import msgspec

from .common import Versioned

__all__ = ["JobOut", "UsageOut"]


class UsageOut(msgspec.Struct):
    """Units used today (UTC) per kind, and the app's daily caps (0 = unlimited)."""

    day: str
    usage: dict[str, int]
    caps: dict[str, int]


class JobOut(Versioned):
    """A generation job's status; ``worldId`` once it succeeded, ``error`` once it failed."""

    jobId: str
    status: str
    phase: str | None = None
    progress: float | None = None
    worldId: str | msgspec.UnsetType = msgspec.UNSET
    error: str | msgspec.UnsetType = msgspec.UNSET
