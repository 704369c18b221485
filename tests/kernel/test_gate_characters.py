"""``control-character``: NUL, C0/C1 controls, DEL and bidi overrides are refused in every field of a world,
with a sentence naming the field and the character; tab and line feed only in multi-line text."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld import kernel
from smworld.kernel.codec import json_path
from smworld.kernel.gate import LINTS, validate, write_gate
from smworld.kernel.text import character_name, control_character_problem, first_control_character
from smworld.kernel.touched import Touched

REFUSED = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0),
                            *range(0x202A, 0x202F), *range(0x2066, 0x206A))]
SOFT = ["\t", "\n"]


def full_world() -> dict[str, Any]:
    """A clean world with a string in every field the contract declares."""
    factored = {"template": "a {m} arch", "slots": {"m": {"fill": "granite", "type": "material"}}}
    return {
        "id": "w1", "name": "The Vault", "description": "A heist.", "cover": "https://x/c.png",
        "introVideo": "https://x/i.mp4", "subject": "a thief", "styleTail": "oil paint", "schemaVersion": "1.0",
        "entrance": {"state": "hall", "image": {"src": "https://x/e.png", "label": "door"}},
        "outro": {"video": "https://x/o.mp4", "flag": "gold", "state": "vault"},
        "story": {"logline": "Steal the gold.", "arc": ["setup"],
                  "beats": [{"summary": "Enter", "arc": "setup", "states": ["hall"], "sequence": "tour"}]},
        "cutscenes": [{"id": "descent", "video": "https://x/d.mp4", "from": "hall", "to": "vault",
                       "label": "Down", "subtitle": "Below", "requires": ["gold"]}],
        "sequences": [{"id": "tour", "title": "Tour", "beats": [{"state": "hall", "dwell": "settle"}]}],
        "missions": [{"id": "heist", "title": "Heist", "verified": ["chest"], "objectives": [{
            "id": "gold", "text": "Find the gold", "location": "hall", "base": "a chest", "camera": "close",
            "movement": "still", "action": "open the chest", "outcome": "gold glints", "lockedHint": "Later",
            "grants": "gold", "requires": ["gold"], "grounded": {
                "target": "chest", "targetAliases": ["box"], "confirm": "coins", "confirmAliases": ["gold"]},
            "fail": {"name": "caught", "action": "trip", "outcome": "alarm", "title": "Caught", "subtitle": "Run"},
            "phases": [{"base": "reach", "camera": "tight", "movement": "slow", "detail": "dust"}]}]}],
        "scene": {
            "states": {
                "hall": {"base": factored, "camera": {"static": "wide", "dynamic": "pan"},
                         "movement": {"static": "dust", "dynamic": "drift"}, "ambient": ["rain"],
                         "variants": [{"label": "b", "base": "a lit hall", "camera": {"static": "low"},
                                       "ambient": ["wind"]}],
                         "narration": "You wait.", "arriveLabel": "arch",
                         "autopilot": {"keepCentered": {"label": "arch", "aliases": ["gate"]}}},
                "vault": {"base": "a gold vault", "ending": {"kind": "win", "title": "Rich", "subtitle": "Go"}},
            },
            "events": [{
                "name": "go down", "kind": "transition", "from": ["hall"], "to": "vault", "base": "stairs",
                "detail": "torchlight", "hotkey": "g", "requires": ["gold"], "grants": ["gold"],
                "lockedHint": "Need gold", "camera": "follow", "movement": "walk", "narration": "Down.",
                "phases": [{"base": "steps", "camera": "tilt", "movement": "descend", "detail": "echo"}],
                "anchor": {"label": "stairs", "aliases": ["steps"]}, "landWhen": {"label": "floor", "aliases": ["f"]},
                "waypoint": {"label": "bottom", "distanceM": 5},
                "terminal": {"persona": "guard", "greeting": "Hi", "facts": [{"text": "Gold", "requires": ["gold"]}]},
            }],
        },
    }


def leaves(value: Any, parts: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """The path of every string value in ``value``."""
    if isinstance(value, str):
        return [parts]
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in leaves(item, (*parts, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in leaves(item, (*parts, index))]
    return []


FIELDS = leaves(full_world())
MULTILINE = {"base", "detail", "camera", "movement", "ambient", "narration", "lockedHint", "description", "text",
             "greeting", "persona", "logline", "summary", "arc", "subject", "styleTail", "action", "outcome"}


def multiline(parts: tuple[str | int, ...]) -> bool:
    """The reading of smworld-1.0.md this rule implements: prose and display copy may span lines."""
    names = [part for part in parts if isinstance(part, str)]
    if "slots" in names:
        return names[-1] == "fill"
    return names[-1] in MULTILINE or names[-1] in ("template", "static", "dynamic")


def diagnostic_path(world: dict[str, Any], parts: tuple[str | int, ...]) -> str:
    """Where the gate reports a finding at ``parts`` (factored fields: the field itself)."""
    if "slots" in parts:
        parts = parts[: parts.index("slots")]
    if parts[-1] == "template":
        parts = parts[:-1]
    if parts[:2] == ("scene", "states"):
        return "states." + json_path(parts[2:])
    if parts[:2] == ("scene", "events"):
        event = world["scene"]["events"][parts[2]]
        rest = json_path(parts[3:])
        return f"events.{event['name']}" + (rest if rest.startswith("[") else f".{rest}")
    if parts[0] in ("cutscenes", "sequences", "missions"):
        rest = json_path(parts[2:])
        return f"{parts[0]}.{world[parts[0]][parts[1]]['id']}" + (rest if rest.startswith("[") else f".{rest}")
    return json_path(parts)


def get_at(world: dict[str, Any], parts: tuple[str | int, ...]) -> Any:
    target: Any = world
    for part in parts:
        target = target[part]
    return target


def set_at(world: dict[str, Any], parts: tuple[str | int, ...], value: str) -> None:
    target: Any = world
    for part in parts[:-1]:
        target = target[part]
    target[parts[-1]] = value


def touched_by(before: dict[str, Any], after: dict[str, Any], parts: tuple[str | int, ...]) -> Touched:
    if parts[:2] == ("scene", "states"):
        return Touched(states={str(parts[2])})
    if parts[:2] == ("scene", "events"):
        return Touched(events={world["scene"]["events"][parts[2]]["name"] for world in (before, after)})
    return Touched(world={str(parts[0])})


def control_findings(world: dict[str, Any]) -> list[Any]:
    return [d for d in validate(world).diagnostics if d.lint == "control-character"]


# --- examples ------------------------------------------------------------------------------------


def test_the_full_world_is_clean_and_the_rule_is_in_the_table() -> None:
    assert validate(full_world()).ok, validate(full_world()).diagnostics
    assert ("control-character", "error") in {(info.id, info.severity) for info in LINTS}


def test_the_message_is_a_sentence_naming_the_field_and_the_character() -> None:
    world = full_world()
    world["scene"]["states"]["vault"]["base"] = "a gold vault\u202e"
    [finding] = control_findings(world)
    assert (finding.path, finding.message) == (
        "states.vault.base",
        "states.vault.base contains U+202E RIGHT-TO-LEFT OVERRIDE, which can disguise the text around it; "
        "remove it.")


@pytest.mark.parametrize(("where", "char", "path", "message"), [
    (("scene", "states", "vault", "ending", "title"), "\n", "states.vault.ending.title",
     "states.vault.ending.title contains U+000A LINE FEED, but it holds one line of text; remove it."),
    (("scene", "events", 0, "name"), "\x00", "events.go down\x00.name",
     "events.go down\\u0000.name contains U+0000 NULL, a control character that cannot be displayed; remove it."),
    (("scene", "states", "hall", "base", "slots", "m", "fill"), "\x1b", "states.hall.base",
     'states.hall.base (slot "m") contains U+001B ESCAPE, a control character that cannot be displayed; remove it.'),
    (("name",), "\u2067", "name",
     "name contains U+2067 RIGHT-TO-LEFT ISOLATE, which can disguise the text around it; remove it."),
    (("cutscenes", 0, "label"), "\x7f", "cutscenes.descent.label",
     "cutscenes.descent.label contains U+007F DELETE, a control character that cannot be displayed; remove it."),
])
def test_one_finding_per_field(where: tuple[str | int, ...], char: str, path: str, message: str) -> None:
    world = full_world()
    set_at(world, where, get_at(world, where) + char)
    found = control_findings(world)
    assert [(d.path, d.message) for d in found] == [(path, message)]


def test_a_fill_finding_carries_its_loc_and_a_state_id_is_checked_as_a_key() -> None:
    world = full_world()
    world["scene"]["states"]["hall"]["base"]["slots"]["m"]["fill"] = "gran\u202dite"
    world["scene"]["states"]["crypt\u202e"] = {"base": "a crypt"}
    found = control_findings(world)
    assert [d.path for d in found] == ["states.crypt\u202e", "states.hall.base"]
    assert found[0].message == ('The state id "crypt\\u202e" contains U+202E RIGHT-TO-LEFT OVERRIDE, which can '
                                "disguise the text around it; remove it.")
    loc = found[1].loc
    assert loc is not None and (loc.field, loc.slot, loc.fill) == ("base", "m", "gran\u202dite")


def test_tab_and_line_feed_are_fine_in_prose_and_display_copy() -> None:
    world = full_world()
    world["scene"]["states"]["hall"]["narration"] = "Line one.\n\tLine two."
    world["scene"]["events"][0]["terminal"]["greeting"] = "Hello.\nState your business."
    world["description"] = "A heist.\n\nIn two parts."
    assert control_findings(world) == []


def test_an_op_that_writes_one_is_refused_by_the_write_gate() -> None:
    result = kernel.apply_ops(full_world(), [{"op": "set_field", "state": "hall", "field": "camera.static",
                                              "value": "wide\x00"}])
    assert not result.ok
    errors = [d.key for d in result.diagnostics if d.severity == "error"]
    assert errors == ["control-character@states.hall.camera.static"]


def test_the_shell_helper() -> None:
    assert control_character_problem("a lighthouse", "premise") is None
    assert control_character_problem("two\nlines", "premise", multiline=True) is None
    assert control_character_problem("two\nlines", "name") == (
        "name contains U+000A LINE FEED, but it holds one line of text; remove it.")
    assert control_character_problem("ab\x85", "premise", multiline=True) == (
        "premise contains U+0085 NEXT LINE, a control character that cannot be displayed; remove it.")
    assert first_control_character("caf\u00e9 \u2014 \u200f ok") is None  # accents, dashes, RLM are fine
    assert [character_name(c) for c in "\x00\x1f\x7f\x9a\u2069"] == [
        "U+0000 NULL", "U+001F INFORMATION SEPARATOR ONE", "U+007F DELETE", "U+009A C1 CONTROL CHARACTER",
        "U+2069 POP DIRECTIONAL ISOLATE"]


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.sampled_from(FIELDS), st.sampled_from(REFUSED + SOFT), st.integers(0, 50), st.booleans())
def test_any_such_character_in_any_field_is_named_by_full_and_incremental_checks(
    parts: tuple[str | int, ...], char: str, position: int, plain: bool
) -> None:
    before = full_world()
    world = copy.deepcopy(before)
    if plain and parts[-1] != "fill" and "template" not in parts:
        set_at(world, parts, "plain")
        set_at(before, parts, "plain")
    text = get_at(world, parts)
    assert isinstance(text, str)
    value = text[:position] + char + text[position:]
    set_at(world, parts, value)
    found = control_findings(world)
    if char in SOFT and multiline(parts):
        assert found == []
        return
    path = diagnostic_path(world, parts)
    assert [d.path for d in found] == [path]
    assert found[0].message.count(character_name(char)) == 1
    verdict = write_gate(before, world, touched_by(before, world, parts))
    assert f"control-character@{path}" in {d.key for d in verdict.new_errors}
