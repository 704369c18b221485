"""The procedural world generator: a premise → a playable world, built through GraphOps.

``generate(premise, seed, size)`` is deterministic in its three arguments. It reads the premise's
words (:mod:`.lexicon`), plans a graph that is winnable by construction and cheap to prove so
(:mod:`.shape`), dresses every state and event in pixel prose (:mod:`.prose`), writes it all as one
batch of GraphOps (:mod:`.build`) and applies the batch with :func:`smworld.kernel.ops.run_ops`.
"""

from __future__ import annotations

import hashlib
import json
from random import Random

from smworld.kernel.errors import SMWorldError
from smworld.kernel.ops import run_ops
from smworld.kernel.text import shown
from smworld.kernel.world import WorldDoc

from .build import build_ops
from .lexicon import read_premise
from .shape import plan

__all__ = ["MAX_SIZE", "MIN_SIZE", "GenerateError", "generate"]

MIN_SIZE, MAX_SIZE = 5, 10_000


class GenerateError(SMWorldError, ValueError):
    """``generate`` was called with an argument it cannot work from.

    ``argument`` names it (``premise``, ``seed`` or ``size``; empty for a generator bug) so a caller
    can report the problem under its own name for it (the CLI's ``--states``); ``problem`` says what
    is wrong and what is expected.
    """

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = problem
        super().__init__(f"{argument}: {problem}" if argument else problem)


def generate(premise: str, seed: int = 0, size: int = 12) -> WorldDoc:
    """A playable world of exactly ``size`` states drawn from ``premise``; same arguments, same world.

    Raises :class:`GenerateError` for an empty premise, a non-integer seed, or a size outside
    ``MIN_SIZE``..``MAX_SIZE``.
    """
    _check(premise, seed, size)
    rng = Random(_seed(premise, seed, size))
    built = build_ops(premise, plan(size, rng), read_premise(premise), rng)
    start: WorldDoc = {"schemaVersion": "1.0", "name": built.name, "description": built.description,
                       "scene": {"states": {}, "events": []}}
    outcome = run_ops(start, built.ops)
    if outcome.apply_errors:
        first = outcome.apply_errors[0]
        raise GenerateError("", f"generator bug: ops[{first.index}] ({first.op}) did not apply: {first.message}")
    return outcome.world


def _check(premise: object, seed: object, size: object) -> None:
    if not isinstance(premise, str) or not premise.strip():
        raise GenerateError("premise", f"must be a non-empty string describing the world (got {shown(premise)})")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise GenerateError("seed", f"must be an integer (got {shown(seed)})")
    if not isinstance(size, int) or isinstance(size, bool) or not MIN_SIZE <= size <= MAX_SIZE:
        raise GenerateError("size", f"must be an integer from {MIN_SIZE} to {MAX_SIZE:,} (got {shown(size)})")


def _seed(premise: str, seed: int, size: int) -> int:
    """A stable seed from the three arguments (``hash()`` is salted per process; sha256 is not)."""
    digest = hashlib.sha256(json.dumps([premise, seed, size]).encode("ascii")).digest()
    return int.from_bytes(digest[:16], "big")
