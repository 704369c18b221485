"""The terminal player: the kernel interpreter behind a line-oriented prompt.

Each turn shows the scene's prompt, its narration and the choices (with hotkeys and locks). A line of
input picks a choice by number, hotkey or event name; ``wait`` lets time pass until the next
automatic event; ``quit`` (or end of input) stops. Reading lines from any stream makes it scriptable:
``printf '1\\n2\\n' | smworld play world.json``. With ``--json`` each view is one JSON line shaped like
the runtime socket's ``view`` message.
"""

from __future__ import annotations

import textwrap
from typing import Any, TextIO

import msgspec

from smworld.kernel import play as interpreter
from smworld.kernel.prose import assembled_prompt
from smworld.kernel.world import WorldDoc, states

__all__ = ["run_player"]

WAIT_COMMANDS = {"wait", "w8", "."}
QUIT_COMMANDS = {"quit", "exit", "q!"}
LONGEST_WAIT_MS = 24 * 60 * 60 * 1000
WIDTH = 100


def view(world: WorldDoc, game: interpreter.Play) -> dict[str, Any]:
    """The runtime ``view`` message for the current state of a play."""
    state = states(world).get(game.state, {})
    message: dict[str, Any] = {
        "type": "view",
        "state": game.state,
        "prompt": assembled_prompt(state),
        "narration": state.get("narration", "") if isinstance(state, dict) else "",
        "choices": [
            {"name": c.name, "hotkey": c.hotkey, "label": c.label, "locked": c.locked, "hint": c.hint}
            for c in interpreter.available(world, game)
        ],
        "flags": sorted(game.flags),
    }
    if game.ending is not None:
        message["ending"] = game.ending
    return message


def _show(message: dict[str, Any], out: TextIO) -> None:
    print(f"\n── {message['state']} " + "─" * max(4, 60 - len(message["state"])), file=out)
    print(textwrap.fill(message["prompt"], width=WIDTH), file=out)
    if message["narration"]:
        print(textwrap.fill(f"“{message['narration']}”", width=WIDTH, initial_indent="  ", subsequent_indent="  "),
              file=out)
    if "ending" in message:
        ending = message["ending"]
        subtitle = f" — {ending['subtitle']}" if ending.get("subtitle") else ""
        print(f"\n*** {str(ending.get('kind', '')).upper()}: {ending.get('title', '')}{subtitle} ***", file=out)
        return
    for number, choice in enumerate(message["choices"], start=1):
        key = choice["hotkey"] or "-"
        lock = f"   (locked: {choice['hint'] or 'not yet'})" if choice["locked"] else ""
        print(f"  [{number}] {key:<6} {choice['label']}{lock}", file=out)
    if message["flags"]:
        print(f"  holding: {', '.join(message['flags'])}", file=out)


def _pick(line: str, message: dict[str, Any]) -> str | None:
    """The event name a line of input means, or None."""
    choices = message["choices"]
    if line.isdigit() and 1 <= int(line) <= len(choices):
        return str(choices[int(line) - 1]["name"])
    for choice in choices:
        if line == choice["name"] or (choice["hotkey"] and line.lower() == str(choice["hotkey"]).lower()):
            return str(choice["name"])
    return line or None


def run_player(world: WorldDoc, lines: TextIO, out: TextIO, *, json_lines: bool, echo: bool = False) -> int:
    """Play until an ending, ``quit`` or end of input. Returns 0, or 2 if the world cannot start."""
    game = interpreter.start(world)
    if isinstance(game, interpreter.PlayError):
        print(f"cannot play: {game.message}", file=out)
        return 2
    while True:
        message = view(world, game)
        if json_lines:
            out.write(msgspec.json.encode(message).decode() + "\n")
        else:
            _show(message, out)
        if game.ending is not None:
            return 0
        if not json_lines:
            out.write("> ")
        line = lines.readline()
        if not line:
            if not json_lines:
                out.write("\n")
            return 0
        line = line.strip()
        if echo:
            out.write(f"{line}\n")
        if line in QUIT_COMMANDS:
            return 0
        if line in WAIT_COMMANDS:
            waited = interpreter.tick(world, game, LONGEST_WAIT_MS)
            if waited == game and not json_lines:
                print("  (time passes; nothing happens by itself here)", file=out)
            game = waited
            continue
        name = _pick(line, message)
        result = interpreter.fire(world, game, name or "")
        if isinstance(result, interpreter.PlayError):
            if json_lines:
                out.write(msgspec.json.encode({"type": "error", "reason": result.message}).decode() + "\n")
            else:
                print(f"  {result.message}", file=out)
            continue
        game = result
