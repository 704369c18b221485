"""Grammar of single items: identifiers, timings, templates, variants, hotkeys, kinds and ``from``.

Every rule here reads one state, one event or the world's top-level lists, nothing else, so the
write gate re-runs them on exactly what a batch touched. Readings where ``gate.md`` leaves room:

- Flags are event ``requires``/``grants``, terminal facts', cutscenes' and objectives' ``requires``,
  each objective's flag (``grants``, else its ``id``) and the outro's ``flag``.
- Hotkeys are parsed by :mod:`smworld.kernel.hotkeys` (the shared grammar); an empty string is not
  a key.
- ``timing`` ranges: play/auto/pulse times, phase ``minMs``, ``landWhen.timeoutMs``, ``approachM``
  and sequence dwell ``ms`` are at least 0; ``landWhen.hits`` at least 1; ``distanceM`` and
  ``speedMs`` above 0; ``landWhen`` extent, luminance and motion are fractions of the frame (0–1),
  each ``min`` at most its ``max``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

from ..diagnostics import Diagnostic
from ..hotkeys import Hotkey
from ..prose import TemplateError, render
from ..text import shown
from ..world import event_path, is_identifier, item_path, state_path
from . import scope as scopes
from .fields import event_prose, objective_prose, state_prose, variant_prose
from .rules import Check, Rule, Want
from .scope import Scope
from .view import Rows, View, column, is_number, strings

__all__ = ["CHECKS", "RULES"]

BAD_IDENTIFIER = Rule("bad-identifier", "error",
                      "A state, cutscene, sequence or mission id, or a flag, is not a snake_case identifier.")
TIMING = Rule("timing", "error",
              "A timing field is negative, or a phases/waypoint/landWhen value is out of range.")
TEMPLATE = Rule("template", "error",
                "A factored field does not parse, uses a placeholder with no slot, or has an unused slot.")
DUPLICATE_VARIANT = Rule("duplicate-variant", "error", "Two variants of a state share a label.")
HOTKEY_SYNTAX = Rule("hotkey-syntax", "error", "A hotkey is not one key: a letter, a digit, or a named key.")
HOTKEY_RESERVED = Rule("hotkey-reserved", "error",
                       "A hotkey is a drive key (w a s d, space, arrows, shift): those move the camera.")
TRANSITION_NEEDS_TO = Rule("transition-needs-to", "error", "A transition has no `to`.")
OVERRIDE_HAS_TO = Rule("override-has-to", "error", "An override or terminal carries a `to`.")
ORPHAN_EVENT = Rule("orphan-event", "error", "An event's `from` is empty.")
RULES = (BAD_IDENTIFIER, TIMING, TEMPLATE, DUPLICATE_VARIANT, HOTKEY_SYNTAX, HOTKEY_RESERVED,
         TRANSITION_NEEDS_TO, OVERRIDE_HAS_TO, ORPHAN_EVENT)

_EVENT_TIMINGS = ("minPlayMs", "autoAfterMs", "drivePulseMs")
_DETAILED = frozenset({*_EVENT_TIMINGS, "phases", "waypoint", "landWhen", "terminal"})
_FRACTIONS = ("minExtent", "minLuminance", "maxLuminance", "minMotion", "maxMotion")


def _run(view: View, scope: Scope | None, want: Want) -> list[Diagnostic]:
    if "error" not in want:
        return []
    found = _states(view.state_rows(scope))
    found.extend(_events(view, scope))
    if scope is None or scope.world:
        found.extend(_world(view))
    return found


def _states(rows: Rows) -> list[Diagnostic]:
    found = [BAD_IDENTIFIER.at(state_path(sid), _identifier_message("State id", sid))
             for sid in rows.keys if not is_identifier(sid)]
    cameras, movements = rows.column("camera"), rows.column("movement")
    factored = set().union(*map(_dict_rows, (rows.column("base"), column(cameras, "static"),
                                             column(cameras, "dynamic"), column(movements, "static"),
                                             column(movements, "dynamic"))))
    factored.update(i for i, lines in enumerate(rows.column("ambient"))
                    if type(lines) is list and dict in map(type, lines))
    factored.update(i for i, variants in enumerate(rows.column("variants")) if variants is not None)
    for i in sorted(factored):
        sid, state = rows.keys[i], rows.items[i]
        if isinstance(state, dict):
            found.extend(_state(sid, state))
    return found


def _dict_rows(values: list[Any]) -> set[int]:
    return {i for i, kind in enumerate(map(type, values)) if kind is dict}


def _state(sid: str, state: dict[str, Any]) -> Iterator[Diagnostic]:
    """Templates and variant labels of a state that has factored fields or variants."""
    for field, value in state_prose(state) + variant_prose(state):
        if isinstance(value, dict):
            for rule, message in _template(value):
                yield rule.at(state_path(sid, field), message)
    seen: set[str] = set()
    variants = state.get("variants")
    for variant in variants if isinstance(variants, list) else ():
        label = variant.get("label") if isinstance(variant, dict) else None
        if isinstance(label, str) and label in seen:
            yield DUPLICATE_VARIANT.at(state_path(sid, "variants"),
                                       f'Two variants are labelled {shown(label)}; give each variant its own label.')
        elif isinstance(label, str):
            seen.add(label)


def _events(view: View, scope: Scope | None) -> Iterator[Diagnostic]:
    rows = view.event_rows(scope)
    keys = rows.column("hotkey")
    refused = {key: problem for key in {key for key in keys if type(key) is str}
               if (problem := _hotkey(key, view.hotkey(key))) is not None}
    factored = {i for column in (rows.column("base"), rows.column("detail"))
                for i, kind in enumerate(map(type, column)) if kind is dict}
    columns = zip(count(), rows.keys, rows.items, rows.column("kind"), rows.column("to"), rows.column("from"), keys,
                  rows.column("requires"), rows.column("grants"))
    for row, index, event, kind, target, origin, key, requires, grants in columns:
        if type(event) is not dict:
            continue
        if kind == "transition" and (target is None or target == ""):
            yield TRANSITION_NEEDS_TO.at(event_path(event, index, "to"),
                                         "This transition has no `to`; name the state or cutscene it leads to.")
        elif target is not None and kind in ("override", "terminal"):
            yield OVERRIDE_HAS_TO.at(event_path(event, index, "to"),
                                     f"An {kind} leaves the player where they are, so it cannot carry a `to`; "
                                     'remove `to` or make the event a "transition".')
        if type(origin) is list and not origin:
            yield ORPHAN_EVENT.at(event_path(event, index, "from"),
                                  "This event's `from` is empty, so it can never fire; list the states it "
                                  "is available in.")
        if refused and type(key) is str and key in refused:
            yield refused[key][0].at(event_path(event, index, "hotkey"), refused[key][1])
        if requires is not None:
            yield from _flags(event, index, "requires", requires)
        if grants is not None:
            yield from _flags(event, index, "grants", grants)
        if not _DETAILED.isdisjoint(event) or row in factored:
            for rest, problem in _event_details(event):
                yield problem[0].at(event_path(event, index, *rest), problem[1])


def _flags(event: dict[str, Any], index: int, field: str, flags: Any) -> Iterator[Diagnostic]:
    for flag in strings(flags):
        if not is_identifier(flag):
            yield BAD_IDENTIFIER.at(event_path(event, index, field), _identifier_message("Flag", flag))


Problem = tuple[Rule, str]
Found = Iterator[tuple[tuple[str, ...], Problem]]


def _event_details(event: dict[str, Any]) -> Found:
    """Problems in the rarer fields of an event (timings, evidence ranges, console flags, templates),
    each with its path inside the event."""
    for field in _EVENT_TIMINGS:
        yield from _at_least((field,), event.get(field), 0)
    phases = event.get("phases")
    for i, phase in enumerate(phases if isinstance(phases, list) else ()):
        if isinstance(phase, dict):
            yield from _at_least((f"phases[{i}]", "minMs"), phase.get("minMs"), 0)
    waypoint = event.get("waypoint")
    if isinstance(waypoint, dict):
        yield from _above(("waypoint", "distanceM"), waypoint.get("distanceM"), 0)
        yield from _above(("waypoint", "speedMs"), waypoint.get("speedMs"), 0)
        yield from _at_least(("waypoint", "approachM"), waypoint.get("approachM"), 0)
    land = event.get("landWhen")
    if isinstance(land, dict):
        yield from _land_when(land)
    terminal = event.get("terminal")
    facts = terminal.get("facts") if isinstance(terminal, dict) else None
    for i, fact in enumerate(facts if isinstance(facts, list) else ()):
        for flag in strings(fact.get("requires") if isinstance(fact, dict) else None):
            if not is_identifier(flag):
                yield ("terminal", f"facts[{i}]", "requires"), (BAD_IDENTIFIER, _identifier_message("Flag", flag))
    for field, value in event_prose(event):
        if isinstance(value, dict):
            for problem in _template(value):
                yield (field,), problem


def _hotkey(key: str, parsed: Hotkey | None) -> Problem | None:
    if parsed is not None and parsed.reserved:
        return HOTKEY_RESERVED, (f"Hotkey {shown(key)} is a drive key (w a s d, space, arrows and shift move the "
                                 "camera); pick another key.")
    if parsed is None:
        return HOTKEY_SYNTAX, (f"Hotkey {shown(key)} is not one key; use a letter, a digit, or a named key such as "
                               "Enter, Escape, Tab or F1–F12.")
    return None


def _land_when(land: dict[str, Any]) -> Found:
    for field in _FRACTIONS:
        value = land.get(field)
        if is_number(value) and not 0 <= value <= 1:
            yield ("landWhen", field), (TIMING, f"{field} is {shown(value)}, outside 0–1; use a fraction of the frame "
                                                "between 0 and 1.")
    for low, high in (("minLuminance", "maxLuminance"), ("minMotion", "maxMotion")):
        least, most = land.get(low), land.get(high)
        if is_number(least) and is_number(most) and least > most:
            yield ("landWhen", low), (TIMING, f"{low} ({shown(least)}) is above {high} ({shown(most)}), so nothing "
                                              f"can match; lower {low} or raise {high}.")
    yield from _at_least(("landWhen", "hits"), land.get("hits"), 1)
    yield from _at_least(("landWhen", "timeoutMs"), land.get("timeoutMs"), 0)


def _at_least(rest: tuple[str, ...], value: Any, least: int) -> Found:
    if is_number(value) and value < least:
        yield rest, (TIMING, f"{rest[-1]} is {shown(value)}, below its minimum of {least}; use {least} or more.")


def _above(rest: tuple[str, ...], value: Any, bound: int) -> Found:
    if is_number(value) and value <= bound:
        yield rest, (TIMING, f"{rest[-1]} is {shown(value)}; use a value greater than {bound}.")


def _template(value: dict[str, Any]) -> Iterator[Problem]:
    try:
        render(value)
    except TemplateError as exc:
        problem = str(exc)
        yield TEMPLATE, f"{problem[:1].upper()}{problem[1:]}."


def _identifier_message(what: str, value: str) -> str:
    return (f"{what} {shown(value)} is not a snake_case identifier; use lowercase letters, digits and underscores, "
            "starting with a letter (at most 64 characters).")


def _world(view: View) -> Iterator[Diagnostic]:
    for key in ("cutscenes", "sequences", "missions"):
        for index, item in enumerate(view.top(key)):
            ident = item.get("id") if isinstance(item, dict) else None
            if isinstance(ident, str) and not is_identifier(ident):
                kind = key[:-1].capitalize()
                yield BAD_IDENTIFIER.at(item_path(key, item, index), _identifier_message(f"{kind} id", ident))
    for index, cutscene in enumerate(view.top("cutscenes")):
        if isinstance(cutscene, dict):
            for flag in strings(cutscene.get("requires")):
                if not is_identifier(flag):
                    yield BAD_IDENTIFIER.at(item_path("cutscenes", cutscene, index, "requires"),
                                            _identifier_message("Flag", flag))
    outro = view.world.get("outro")
    signal = outro.get("flag") if isinstance(outro, dict) else None
    if isinstance(signal, str) and not is_identifier(signal):
        yield BAD_IDENTIFIER.at("outro.flag", _identifier_message("Flag", signal))
    for index, sequence in enumerate(view.top("sequences")):
        beats = sequence.get("beats") if isinstance(sequence, dict) else None
        for i, beat in enumerate(beats if isinstance(beats, list) else ()):
            dwell = beat.get("dwell") if isinstance(beat, dict) else None
            if isinstance(dwell, dict):
                for rest, (rule, message) in _at_least((f"beats[{i}]", "dwell", "ms"), dwell.get("ms"), 0):
                    yield rule.at(item_path("sequences", sequence, index, *rest), message)
    for index, mission in enumerate(view.top("missions")):
        objectives = mission.get("objectives") if isinstance(mission, dict) else None
        for i, objective in enumerate(objectives if isinstance(objectives, list) else ()):
            if isinstance(objective, dict):
                yield from _objective(item_path("missions", mission, index, f"objectives[{i}]"), objective)


def _objective(path: str, objective: dict[str, Any]) -> Iterator[Diagnostic]:
    field = "grants" if "grants" in objective else "id"
    flag = objective.get(field)
    if isinstance(flag, str) and not is_identifier(flag):
        yield BAD_IDENTIFIER.at(f"{path}.{field}", _identifier_message("Objective flag", flag))
    for required in strings(objective.get("requires")):
        if not is_identifier(required):
            yield BAD_IDENTIFIER.at(f"{path}.requires", _identifier_message("Flag", required))
    phases = objective.get("phases")
    for i, phase in enumerate(phases if isinstance(phases, list) else ()):
        if isinstance(phase, dict):
            for _, (rule, message) in _at_least((f"phases[{i}]", "minMs"), phase.get("minMs"), 0):
                yield rule.at(f"{path}.phases[{i}].minMs", message)
    for field, value in objective_prose(objective):
        if isinstance(value, dict):
            for rule, message in _template(value):
                yield rule.at(f"{path}.{field}", message)


CHECKS = (Check(RULES, _run, scopes.items),)
