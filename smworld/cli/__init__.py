"""The ``smworld`` command.

Kernel commands (``validate``, ``lint``, ``check``, ``apply``, ``diff``, ``new``, ``play``,
``schema``) read a world from a file or ``-`` (stdin). Every command takes ``--json`` for machine
output in the shapes the HTTP API uses. Exit codes: 0 clean, 1 findings (errors; for ``check``: not
winnable), 2 bad input or usage — bad input prints one line naming the path and the problem.
``serve`` and ``admin`` (:mod:`.server`) load the HTTP shell only when they run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from smworld.kernel.errors import SMWorldError

from . import commands, server
from .io import NESTED_TOO_DEEPLY, CliError

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each subcommand names its handler in ``func``."""
    parser = argparse.ArgumentParser(prog="smworld", description="Programmable worlds: check, edit and play.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="machine output, in the HTTP API's shapes")
        return p

    p = command("validate", "check a world against the gate's error rules")
    p.add_argument("file", help="world JSON file, or - for stdin")
    p.set_defaults(func=commands.validate)

    p = command("lint", "every gate finding: errors, warnings and infos")
    p.add_argument("file", help="world JSON file, or - for stdin")
    p.set_defaults(func=commands.lint)

    p = command("check", "prove winnability and score playability")
    p.add_argument("file", help="world JSON file, or - for stdin")
    p.add_argument("--bound", type=int, default=1_000_000, help="configurations to explore at most")
    p.set_defaults(func=commands.check)

    p = command("apply", "apply a batch of GraphOps through the write gate")
    p.add_argument("file", help="world JSON file, or - for stdin")
    p.add_argument("ops_file", metavar="OPS_FILE", help="JSON array of ops (or {ops: [...]}), or -")
    p.add_argument("-o", "--output", help="write the new world here instead of stdout")
    p.set_defaults(func=commands.apply)

    p = command("diff", "structural diff of two worlds")
    p.add_argument("a", help="base world (file or -)")
    p.add_argument("b", help="target world (file or -)")
    p.add_argument("--detail", action="store_true", help="per-field changes")
    p.set_defaults(func=commands.diff)

    p = command("new", "generate a playable world from a premise")
    p.add_argument("premise", help="what the world is about, in a sentence")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--states", type=int, default=12, help="number of states (5..10000)")
    p.add_argument("-o", "--output", help="write the world here instead of stdout")
    p.set_defaults(func=commands.new)

    p = command("play", "play a world in the terminal (choices from stdin, so it can be scripted)")
    p.add_argument("file", help="world JSON file, or - for stdin")
    p.set_defaults(func=commands.play)

    p = command("schema", "print the SMWorld 1.0 JSON Schema")
    p.set_defaults(func=commands.schema)

    p = command("tour", "generate a world, check it and play it: the main job in one minute")
    p.add_argument("--premise", default="a lighthouse keeper's island at the edge of a storm")
    p.set_defaults(func=commands.tour)

    server.add_commands(sub)
    return parser


BROKEN_PIPE = 141
"""128 + SIGPIPE: what ``cmd | head`` reports for a command the pipe closed on."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code."""
    args = build_parser().parse_args(argv)
    name = " ".join(part for part in (args.command, getattr(args, "admin_command", None)) if part)
    try:
        code: int = args.func(args)
        sys.stdout.flush()
    except (CliError, SMWorldError) as exc:
        print(f"smworld {name}: {exc}", file=sys.stderr)
        return 2
    except RecursionError:
        print(f"smworld {name}: {NESTED_TOO_DEEPLY}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE
    except KeyboardInterrupt:
        return 130
    return code


def _silence_stdout() -> None:
    """The reader of stdout went away (``smworld tour | head -1``): point stdout at /dev/null so the
    interpreter's final flush does not fail again (the pattern the ``signal`` module docs give)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests capture it)
        pass
