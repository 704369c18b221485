"""The ``Idempotency-Key`` a request holds, as the services see it.

A service whose effect is one store transaction (creating a world, a fork, a job) completes the
claim *inside* that transaction (:func:`completion`), so a crash can never leave the effect made
but the key unfinished — a retry would make it twice. The HTTP layer then knows not to store the
response again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..store.records import IdemFinish, Mode, WorldMeta

__all__ = ["Claim", "completion"]


@dataclass
class Claim:
    """A claimed ``Idempotency-Key``; ``owner`` is this claim's token. ``completed``: the service
    finished it in its effect's transaction."""

    app_id: str
    mode: Mode
    key: str
    owner: str
    completed: bool = False


def completion(
    claim: Claim | None, status: int, *, render: Callable[[WorldMeta], bytes] | None = None, body: bytes = b""
) -> IdemFinish | None:
    """What the effect's transaction must store for ``claim`` (None without one). The response the
    request then returns must be the same bytes."""
    if claim is None:
        return None
    claim.completed = True
    return IdemFinish(claim.app_id, claim.mode, claim.key, claim.owner, status, render, body)
