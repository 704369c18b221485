"""The write path: an op batch applied to a world and judged once by the write gate.

This is the only way a world changes (the shell calls nothing else): ``run_ops`` builds the new
world copy-on-write and records what it touched; ``write_gate`` re-checks exactly that scope and
refuses the batch if it introduced an error the world did not already have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from .codec import bounded
from .diagnostics import Diagnostic
from .gate import write_gate
from .ops import ApplyError, run_ops
from .touched import Touched
from .world import WorldDoc

__all__ = ["WriteResult", "apply_ops"]


class WriteResult(msgspec.Struct, kw_only=True):
    """The outcome of a batch.

    ``ok`` false means the gate rejected the batch: ``world`` is then the input world (unchanged)
    and ``diagnostics`` lead with the new errors that caused the rejection. ``touched`` names what
    the batch may have changed (empty when rejected): a store can write just that.
    """

    ok: bool
    world: WorldDoc
    diagnostics: list[Diagnostic]
    applyErrors: list[ApplyError]
    touched: Touched = msgspec.field(default_factory=Touched)


@bounded
def apply_ops(world: Mapping[str, Any], ops: Any) -> WriteResult:
    """Apply ``ops`` in order, then gate the result once (``ops.md``, batch semantics).

    Raises :class:`~smworld.kernel.errors.OpsRequestError` when the batch itself is malformed
    (nothing is applied). Never mutates ``world``.
    """
    outcome = run_ops(world, ops)
    verdict = write_gate(world, outcome.world, outcome.touched)
    diagnostics = [*outcome.diagnostics, *verdict.diagnostics]
    if not verdict.ok:
        rejected = [*verdict.new_errors, *(d for d in diagnostics if d not in verdict.new_errors)]
        return WriteResult(ok=False, world=dict(world), diagnostics=rejected, applyErrors=outcome.apply_errors)
    return WriteResult(ok=True, world=outcome.world, diagnostics=diagnostics, applyErrors=outcome.apply_errors,
                       touched=outcome.touched)
