"""One handler per ``smworld`` subcommand: read, call the kernel, print, return the exit code."""

from __future__ import annotations

import argparse
import io
import sys
from typing import Any

import msgspec

from smworld.kernel import codec, gate
from smworld.kernel.analysis.winnability import prove
from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.diff import diff as diff_worlds
from smworld.kernel.errors import OpsRequestError
from smworld.kernel.generate import GenerateError, generate
from smworld.kernel.playability import verdict
from smworld.kernel.world import WorldDoc
from smworld.kernel.write import apply_ops

from .io import CliError, emit_json, read_json, read_world, write_output
from .player import run_player

__all__ = ["apply", "check", "diff", "lint", "new", "play", "schema", "tour", "validate"]

CLEAN, FINDINGS = 0, 1
TOUR_SEED, TOUR_STATES = 7, 12
NEW_FLAGS = {"premise": "premise", "seed": "--seed", "size": "--states"}
"""``generate``'s arguments → what the user typed on ``smworld new``."""


def _print_diagnostics(diagnostics: list[Diagnostic], out: Any = sys.stdout) -> None:
    for d in diagnostics:
        where = f" (slot {d.loc.slot!r} = {d.loc.fill!r})" if d.loc is not None else ""
        print(f"{d.severity:<7} {d.lint:<22} {d.path}: {d.message}{where}", file=out)


def _summary(diagnostics: list[Diagnostic]) -> str:
    counts = {s: sum(1 for d in diagnostics if d.severity == s) for s in ("error", "warning", "info")}
    return ", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items())


def validate(args: argparse.Namespace) -> int:
    """``{ok, diagnostics}``: errors only."""
    report = gate.validate(read_world(args.file, strict=False))
    if args.json:
        emit_json({"ok": report.ok, "diagnostics": report.diagnostics})
    else:
        _print_diagnostics(report.diagnostics)
        print("ok: no errors" if report.ok else f"invalid: {_summary(report.diagnostics)}")
    return CLEAN if report.ok else FINDINGS


def lint(args: argparse.Namespace) -> int:
    """``{ok, diagnostics, promptBudget}``: every finding."""
    report = gate.lint(read_world(args.file, strict=False))
    if args.json:
        emit_json({"ok": report.ok, "diagnostics": report.diagnostics, "promptBudget": report.promptBudget})
    else:
        _print_diagnostics(report.diagnostics)
        print(f"{'ok' if report.ok else 'errors found'}: {_summary(report.diagnostics)} "
              f"(prompt budget {report.promptBudget} characters)")
    return CLEAN if report.ok else FINDINGS


def check(args: argparse.Namespace) -> int:
    """Winnability proof plus the playability verdict."""
    if args.bound < 1:
        raise CliError("--bound must be a positive number of configurations")
    world = read_world(args.file)
    proof = prove(world, bound=args.bound)
    score = verdict(world)
    if args.json:
        emit_json({**msgspec.to_builtins(proof), "verdict": score})
    else:
        _print_proof(msgspec.to_builtins(proof))
        print(f"playability: {score.score}/100" + (f" — failed: {', '.join(score.failed)}" if score.failed else ""))
    return CLEAN if proof.winnable is True else FINDINGS


def _print_proof(proof: dict[str, Any]) -> None:
    explored = f"{proof['explored']} configurations explored"
    if proof["explored"] == 0:
        print("winnable: no — play cannot start: set entrance.state to an existing state")
        return
    if proof["winnable"] is None:
        print(f"winnable: inconclusive ({explored}; raise --bound)")
    else:
        print(f"winnable: {'yes' if proof['winnable'] else 'no'} ({explored}"
              f"{'' if proof['complete'] else ', stopped at the bound'})")
    if proof["win"]:
        print(f"  shortest win → {proof['win']['ending']}: {' → '.join(proof['win']['path']) or '(start)'}")
    for softlock in proof["softlocks"]:
        flags = ", ".join(softlock["flags"]) or "no flags"
        print(f"  softlock in {softlock['state']} holding {flags}: {' → '.join(softlock['path'])}")
    if proof["unreachableEndings"]:
        print(f"  endings that can never be reached: {', '.join(proof['unreachableEndings'])}")


def apply(args: argparse.Namespace) -> int:
    """The write result ``{world, diagnostics, applyErrors}``, or the 422 body when rejected."""
    if args.file == "-" and args.ops_file == "-":
        raise CliError("only one of FILE and OPS_FILE can be read from stdin")
    world = read_world(args.file)
    ops = read_json(args.ops_file)
    if isinstance(ops, dict) and "ops" in ops:
        ops = ops["ops"]
    try:
        result = apply_ops(world, ops)
    except OpsRequestError as exc:
        raise CliError("; ".join(exc.errors)) from None
    if not result.ok:
        body = {"detail": "the batch introduces gate errors; nothing was applied",
                "diagnostics": result.diagnostics, "applyErrors": result.applyErrors}
        if args.json:
            emit_json(body)
        else:
            print(body["detail"], file=sys.stderr)
            _print_diagnostics([d for d in result.diagnostics if d.severity == "error"], sys.stderr)
        return FINDINGS
    for failure in result.applyErrors:
        print(f"ops[{failure.index}] ({failure.op}): {failure.status} {failure.message}", file=sys.stderr)
    if args.json:
        payload = {"world": result.world, "diagnostics": result.diagnostics, "applyErrors": result.applyErrors}
        if args.output:
            _write_file(result.world, args.output)
        emit_json(payload)
    else:
        _write_file(result.world, args.output)
        _print_diagnostics(result.diagnostics, sys.stderr)
    return FINDINGS if result.applyErrors else CLEAN


def _write_file(world: WorldDoc, output: str | None) -> None:
    """The world to ``output`` (or stdout); a file written is reported on stderr, so the user knows."""
    write_output(world, output)
    if output and output != "-":
        print(f"wrote {output}: {world.get('name')!r}, {len(world['scene']['states'])} states, "
              f"{len(world['scene']['events'])} events", file=sys.stderr)


def diff(args: argparse.Namespace) -> int:
    """``{states: {added, removed, changed}, events: {…}, entrance?, world?}``; exit 1 when they differ."""
    if args.a == "-" and args.b == "-":
        raise CliError("only one of A and B can be read from stdin")
    result = diff_worlds(read_world(args.a), read_world(args.b), detail=args.detail)
    differ = any(result[part][k] for part in ("states", "events") for k in ("added", "removed", "changed"))
    differ = differ or "entrance" in result or "world" in result
    if args.json:
        emit_json(result)
    else:
        for part in ("states", "events"):
            for kind, mark in (("added", "+"), ("removed", "-"), ("changed", "~")):
                for name in result[part][kind]:
                    print(f"{mark} {part[:-1]} {name}")
        if "entrance" in result:
            print(f"~ entrance {result['entrance']['from']} → {result['entrance']['to']}")
        for field in result.get("world", {}).get("changed", []):
            print(f"~ world {field}")
        if not differ:
            print("no differences")
    return FINDINGS if differ else CLEAN


def new(args: argparse.Namespace) -> int:
    """A generated world, as JSON."""
    try:
        world = generate(args.premise, seed=args.seed, size=args.states)
    except GenerateError as exc:
        raise CliError(f"{NEW_FLAGS.get(exc.argument, exc.argument)}: {exc.problem}") from None
    _write_file(world, args.output)
    return CLEAN


def play(args: argparse.Namespace) -> int:
    """The terminal player; choices come from stdin."""
    world = read_world(args.file)
    if args.file == "-":
        raise CliError("play reads choices from stdin, so the world must come from a file")
    return run_player(world, sys.stdin, sys.stdout, json_lines=args.json)


def schema(args: argparse.Namespace) -> int:
    """The JSON Schema, as committed in ``smworld/schemas``."""
    emit_json(codec.json_schema())
    return CLEAN


def tour(args: argparse.Namespace) -> int:
    """Generate, check and autoplay a world: what smworld is for, in one screen."""
    try:
        world = generate(args.premise, seed=TOUR_SEED, size=TOUR_STATES)
    except GenerateError as exc:
        raise CliError(f"--{exc.argument}: {exc.problem}" if exc.argument == "premise" else str(exc)) from None
    states, events = world["scene"]["states"], world["scene"]["events"]
    report = gate.lint(world)
    proof = msgspec.to_builtins(prove(world))
    score = verdict(world)
    if args.json:
        emit_json({"world": world, "lint": {"ok": report.ok, "diagnostics": report.diagnostics,
                                            "promptBudget": report.promptBudget},
                   "check": {**proof, "verdict": score}})
        return CLEAN
    print(f"1. smworld new {args.premise!r} --seed {TOUR_SEED} --states {TOUR_STATES}")
    print(f"   → {world.get('name')!r}: {len(states)} states, {len(events)} events\n")
    print(f"2. smworld lint → {_summary(report.diagnostics)}")
    print("3. smworld check")
    _print_proof(proof)
    print(f"   playability: {score.score}/100\n")
    print("4. smworld play — replaying the shortest win:")
    moves = "\n".join(proof["win"]["path"]) + "\n" if proof["win"] else ""
    run_player(world, io.StringIO(moves), sys.stdout, json_lines=False, echo=True)
    print("\nTry it yourself:\n  .venv/bin/smworld new 'a flooded subway at dawn' -o world.json\n"
          "  .venv/bin/smworld check world.json\n  .venv/bin/smworld play world.json")
    return CLEAN
