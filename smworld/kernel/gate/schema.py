"""Shape against the contract: ``schema`` (wrong type, missing field, unknown enum value) and
``schema-version``.

The model's Structs judge the shape. States and events are converted with msgspec a chunk at a
time — in the common, clean case that is all the work, at C speed (chunks of a few hundred items
measure faster than one conversion of the whole world); only an item that does not fit is walked field
by field, so every problem is reported once with its path in the diagnostic style (``states.<id>…``,
``events.<name>…``, ``missions.<id>…``). A required field that is missing is reported at its own
path (``states.hall.base``). The write gate judges only the items a batch touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .. import model
from ..codec import PathPart, misfits, schema_problems, schema_version_status
from ..diagnostics import Diagnostic
from ..text import shown
from ..world import event_path, item_path, state_path
from . import scope as scopes
from .rules import Check, Rule, Want
from .scope import Scope
from .view import Rows, View

__all__ = ["CHECKS", "RULES"]

SCHEMA = Rule("schema", "error",
              "A field has the wrong type, a required field is missing, or an enum value is unknown.")
SCHEMA_VERSION = Rule("schema-version", "info",
                      "The document's schemaVersion is not a version string; it is read as 1.0.")
RULES = (SCHEMA, SCHEMA_VERSION)

_LISTS: dict[str, Any] = {"cutscenes": model.Cutscene, "sequences": model.Sequence, "missions": model.Mission}
_STATE: tuple[Any, str] = (model.State, "states")
_EVENT: tuple[Any, str] = (model.Event, "events")
_MISSING = re.compile(r"^(?:object )?missing required field `?([A-Za-z_][A-Za-z0-9_]*)`?$")


def _run(view: View, scope: Scope | None, want: Want) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if scope is None or scope.world:
        found.extend(_version(view))
        if "error" in want:
            found.extend(_world(view))
    if "error" in want:
        states, events = view.state_rows(scope), view.event_rows(scope)
        found.extend(_items(view, states, misfits(states.items, model.State), _STATE))
        found.extend(_items(view, events, misfits(events.items, model.Event), _EVENT))
    return found


def _version(view: View) -> list[Diagnostic]:
    status = schema_version_status(view.world)
    if status.status != "nonstandard":
        return []
    return [SCHEMA_VERSION.at(
        "schemaVersion",
        f"schemaVersion {shown(status.value)} is not a version string, so the world is read as SMWorld 1.0; "
        'set it to "1.0".',
    )]


def _world(view: View) -> list[Diagnostic]:
    """Top-level shape: the world without its states, events and list items, then each list item."""
    world = view.world
    shell = {key: value for key, value in world.items() if not (key in _LISTS and isinstance(value, list))}
    scene = world.get("scene")
    if isinstance(scene, dict):
        shell["scene"] = {
            **scene,
            **({"states": {}} if isinstance(scene.get("states"), dict) else {}),
            **({"events": []} if isinstance(scene.get("events"), list) else {}),
        }
    found = _problems(view, shell, model.World, ())
    for key, annotation in _LISTS.items():
        for index, item in enumerate(view.top(key)):
            found.extend(_problems(view, item, annotation, (key, index)))
    return found


def _items(view: View, rows: Rows, positions: Iterable[int], kind: tuple[Any, str]) -> list[Diagnostic]:
    """Shape problems of the states or events at ``positions`` of ``rows``."""
    annotation, collection = kind
    found: list[Diagnostic] = []
    for i in positions:
        found.extend(_problems(view, rows.items[i], annotation, ("scene", collection, rows.keys[i])))
    return found


def _problems(view: View, value: Any, annotation: Any, at: tuple[PathPart, ...]) -> list[Diagnostic]:
    found = []
    for path, problem in schema_problems(value, annotation, at, lambda parts: _path(view, parts)):
        missing = _MISSING.match(problem)
        if missing:
            field = missing.group(1)
            found.append(SCHEMA.at(f"{path}.{field}" if path else field,
                                   f"Required field `{field}` is missing; add it."))
        else:
            found.append(SCHEMA.at(path or "scene", f"{problem[:1].upper()}{problem[1:]}; change the value "
                                                    "to fit the SMWorld 1.0 contract."))
    return found


def _path(view: View, parts: tuple[PathPart, ...]) -> str:
    """A JSON path as a diagnostic path: ``scene.states.x…`` → ``states.x…``, ``scene.events[3]…`` →
    ``events.<name>…``, ``missions[0]…`` → ``missions.<id>…``."""
    head, rest = "", parts
    if len(parts) > 2 and parts[0] == "scene" and parts[1] == "states":
        head, rest = state_path(str(parts[2])), parts[3:]
    elif len(parts) > 2 and parts[0] == "scene" and parts[1] == "events" and isinstance(parts[2], int):
        head, rest = event_path(view.events[parts[2]], parts[2]), parts[3:]
    elif len(parts) > 1 and parts[0] in _LISTS and isinstance(parts[1], int):
        head, rest = item_path(str(parts[0]), view.top(str(parts[0]))[parts[1]], parts[1]), parts[2:]
    for part in rest:
        head += f"[{part}]" if isinstance(part, int) else (f".{part}" if head else part)
    return head


CHECKS = (Check(RULES, _run, scopes.items),)
