"""Daily caps: the operator's ceilings and what an app's owner may set beneath them.

The operator sets ceilings: the server's defaults (``SMWORLD_CAP_*``) and, per app, ``smworld admin
caps``. An app's owner may *lower* a cap for spend control (``PATCH /v1/apps/{id}``), never raise
it above the ceiling or make it unlimited (0) while the ceiling is not. The effective cap is the
owner's when set (and never above the ceiling), else the ceiling.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..config import USAGE_KINDS, Config
from ..errors import Forbidden, Invalid
from ..store.records import AppRecord

__all__ = ["ceilings", "check_kinds", "check_owner_caps", "effective_caps"]


def ceilings(config: Config, app: AppRecord | None) -> dict[str, int]:
    """The operator's caps for ``app``: its own ceilings over the server's defaults."""
    return {**config.default_caps, **(app.ceilings if app else {})}


def effective_caps(config: Config, app: AppRecord | None) -> dict[str, int]:
    """What the app is held to today, per kind (0 = unlimited): the owner's cap, never above the ceiling."""
    limits = ceilings(config, app)
    own = app.caps if app else {}
    out = {}
    for kind in USAGE_KINDS:
        ceiling, mine = limits.get(kind, 0), own.get(kind, 0)
        out[kind] = (min(mine, ceiling) if ceiling else mine) if mine else ceiling
    return out


def check_kinds(caps: Mapping[str, int] | None) -> None:
    """:class:`Invalid` naming the first unknown usage kind."""
    unknown = sorted(set(caps or {}) - set(USAGE_KINDS))
    if unknown:
        raise Invalid(
            f"caps.{unknown[0]}: unknown kind; known kinds: {', '.join(USAGE_KINDS)}",
            errors=[f"caps.{kind}: unknown kind" for kind in unknown],
        )


def check_owner_caps(config: Config, app: AppRecord | None, caps: Mapping[str, int] | None) -> None:
    """Refuse owner caps above the operator's ceilings (:class:`Forbidden`, naming ``caps.<kind>``)."""
    check_kinds(caps)
    limits = ceilings(config, app)
    problems = []
    for kind, value in (caps or {}).items():
        ceiling = limits.get(kind, 0)
        if ceiling and (value == 0 or value > ceiling):
            asked = "unlimited (0)" if value == 0 else str(value)
            problems.append(f"caps.{kind}: {asked} is above the operator's cap of {ceiling} per day; "
                            f"you may set 1 to {ceiling}")
    if problems:
        raise Forbidden(f"{problems[0]} (an operator raises it with `smworld admin caps`)", errors=problems)
