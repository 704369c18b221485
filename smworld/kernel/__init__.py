"""smworld's pure kernel: SMWorld 1.0 worlds as values in, values out.

No I/O, no clock, no randomness without a seed, inputs never mutated. Worlds are their JSON objects
(``dict``); :mod:`smworld.kernel.model` holds the contract's shape as msgspec Structs.

>>> from smworld import kernel
>>> world = kernel.generate("a lighthouse at the edge of a storm", seed=1, size=6)
>>> kernel.validate(world).ok
True
>>> result = kernel.apply_ops(world, [{"op": "set_narrate", "narrate": True}])
>>> result.ok, result.world["narrate"], "narrate" in world
(True, True, False)
"""

from __future__ import annotations

from . import model, versions
from .analysis import Proof, prove, reachability, reachable_states
from .codec import SCHEMA_VERSION, decode, encode, json_schema, parse_json, to_struct
from .diagnostics import Diagnostic
from .diff import diff
from .errors import DecodeError, OpsRequestError, SMWorldError, UnsupportedSchemaVersion, VersionError
from .gate import LINTS, PROMPT_BUDGET, LintInfo, LintReport, Report, lint, validate, write_gate
from .generate import GenerateError, generate
from .ops import OPS, ApplyError, run_ops
from .play import Choice, Play, PlayError, available, fire, start, tick
from .playability import Verdict, verdict
from .write import WriteResult, apply_ops

__all__ = [
    "LINTS",
    "OPS",
    "PROMPT_BUDGET",
    "SCHEMA_VERSION",
    "ApplyError",
    "Choice",
    "DecodeError",
    "Diagnostic",
    "GenerateError",
    "LintInfo",
    "LintReport",
    "OpsRequestError",
    "Play",
    "PlayError",
    "Proof",
    "Report",
    "SMWorldError",
    "UnsupportedSchemaVersion",
    "Verdict",
    "VersionError",
    "WriteResult",
    "apply_ops",
    "available",
    "decode",
    "diff",
    "encode",
    "fire",
    "generate",
    "json_schema",
    "lint",
    "model",
    "parse_json",
    "prove",
    "reachability",
    "reachable_states",
    "run_ops",
    "start",
    "tick",
    "to_struct",
    "validate",
    "verdict",
    "versions",
    "write_gate",
]
