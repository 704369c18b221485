"""The terminal player: the kernel interpreter behind a line-oriented prompt.

Each turn shows the scene as prose (its base description, the subject's pose and the ambience —
camera directions are for the world model and are left out), its narration and the choices (with
hotkeys; locked ones with their hint, used one-shots as done). A line of input picks a choice by
number, hotkey or event name; ``wait`` lets time pass until the next automatic event; ``quit`` (or
end of input) stops. Reading lines from any stream makes it scriptable:
``printf '1\\n2\\n' | smworld play world.json``. With ``--json`` each view is one JSON line shaped like
the runtime socket's ``view`` message.
"""

from __future__ import annotations

import textwrap
from typing import Any, TextIO

import msgspec

from smworld.kernel import play as interpreter
from smworld.kernel.prose import assembled_prompt, render_text
from smworld.kernel.world import WorldDoc, states

__all__ = ["run_player", "scene_text"]

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


def _sentence(text: str) -> str:
    """``text`` as a sentence: capitalised, ending in a full stop unless it already ends a sentence."""
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?…”\"'" else f"{text}."


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def scene_text(state: Any) -> str:
    """What the player reads for a state: its base prose, the subject's pose and the ambience, as
    sentences. The camera (framing, lens, moves) and the animated motion direct the world model's
    rendering and are not shown (``--json`` carries the whole assembled prompt)."""
    if not isinstance(state, dict):
        return ""
    movement = state.get("movement")
    pose = render_text(movement.get("static")) if isinstance(movement, dict) else ""
    ambient = state.get("ambient")
    around = [line for line in (render_text(a) for a in ambient) if line.strip()] if isinstance(ambient, list) else []
    parts = [_sentence(render_text(state.get("base"))), _sentence(pose)]
    if around:
        parts.append(_sentence(f"you notice {_listing([line.strip().rstrip('.') for line in around])}"))
    return " ".join(part for part in parts if part)


def _show(message: dict[str, Any], scene: str, used: frozenset[str], out: TextIO) -> None:
    print(f"\n── {message['state']} " + "─" * max(4, 60 - len(message["state"])), file=out)
    print(textwrap.fill(scene, width=WIDTH), file=out)
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
        if choice["locked"] and choice["name"] in used:
            status = "   (done)"
        elif choice["locked"]:
            status = f"   (locked: {choice['hint']})" if choice["hint"] else "   (locked)"
        else:
            status = ""
        print(f"  [{number}] {key:<6} {choice['label']}{status}", file=out)
    if not message["choices"]:
        print("  (no choices here: type wait to let time pass, or quit)", file=out)
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


def _no_such_number(line: str, message: dict[str, Any]) -> str | None:
    """Why a number picks nothing (it is out of range), or None when it is not such a number."""
    if not line.isdigit() or any(c["hotkey"] == line or c["name"] == line for c in message["choices"]):
        return None
    count = len(message["choices"])
    if 1 <= int(line) <= count:
        return None
    if count == 0:
        return f"there is no choice {line}: nothing can be chosen here; type wait or quit"
    return f"there is no choice {line}: pick a number from 1 to {count}" if count > 1 else \
        f"there is no choice {line}: the only choice here is 1"


def _pending(world: WorldDoc, game: interpreter.Play) -> bool:
    """Whether anything in the current state fires by itself if the player waits."""
    rules = interpreter.rules_by_state(world, game.state).get(game.state, [])
    return interpreter.next_auto(rules, game.flags, game.used) is not None


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
            _show(message, scene_text(states(world).get(game.state)), game.used, out)
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
            if not _pending(world, game):
                _say(out, json_lines, "nothing is pending here: no event in this state fires by itself, "
                                      "so waiting changes nothing; pick a choice")
                continue
            waited = interpreter.tick(world, game, LONGEST_WAIT_MS)
            if waited.log == game.log:
                _say(out, json_lines, "a day passes and nothing happens yet; pick a choice")
            game = waited
            continue
        problem = _no_such_number(line, message)
        if problem is not None:
            _say(out, json_lines, problem)
            continue
        name = _pick(line, message)
        result = interpreter.fire(world, game, name or "")
        if isinstance(result, interpreter.PlayError):
            _say(out, json_lines, result.message)
            continue
        game = result


def _say(out: TextIO, json_lines: bool, reason: str) -> None:
    """Tell the player why their line did nothing: a line of text, or an ``error`` message in JSON."""
    if json_lines:
        out.write(msgspec.json.encode({"type": "error", "reason": reason}).decode() + "\n")
    else:
        print(f"  {reason}", file=out)
