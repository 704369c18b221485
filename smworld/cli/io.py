"""Reading inputs and writing outputs for the ``smworld`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import msgspec

from smworld.kernel import codec
from smworld.kernel.errors import DecodeError
from smworld.kernel.world import WorldDoc, json_type

__all__ = ["NESTED_TOO_DEEPLY", "CliError", "emit_json", "read_json", "read_world", "write_output"]

NESTED_TOO_DEEPLY = "the input is nested too deeply (arrays or objects inside each other) to be read"


class CliError(Exception):
    """Bad input or usage: printed as one line, exit code 2."""


def _read_bytes(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise CliError(f"{source}: cannot read ({exc.strerror or exc})") from None


def read_json(source: str) -> Any:
    """Any JSON document from a file or stdin."""
    raw = _read_bytes(source)
    try:
        return codec.parse_json(raw)
    except DecodeError as exc:
        raise CliError(f"{source}: {exc}") from None
    except RecursionError:
        raise CliError(f"{source}: {NESTED_TOO_DEEPLY}") from None


def read_world(source: str, *, strict: bool = True) -> WorldDoc:
    """A world from a file or stdin.

    ``strict`` decodes against the contract (a shape problem is bad input). Commands that report
    shape problems as diagnostics (``validate``, ``lint``) read leniently: any JSON object will do.
    """
    raw = _read_bytes(source)
    try:
        if strict:
            return codec.decode(raw)
        value = codec.parse_json(raw)
    except DecodeError as exc:
        raise CliError(f"{source}: {exc}") from None
    except RecursionError:
        raise CliError(f"{source}: {NESTED_TOO_DEEPLY}") from None
    if not isinstance(value, dict):
        raise CliError(f"{source}: expected a JSON object (a world), got {json_type(value)}")
    return value


def emit_json(value: Any) -> None:
    """Machine output: one JSON document on stdout."""
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n")


def write_output(world: Any, output: str | None) -> None:
    """A world to ``output`` (a path) or stdout, pretty-printed."""
    text = msgspec.json.format(msgspec.json.encode(world), indent=2).decode() + "\n"
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{output}: cannot write ({exc.strerror or exc})") from None
