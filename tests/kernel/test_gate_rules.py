"""One row per rule: a small world that fires it (id, severity, path) and a near-identical one that does not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from smworld.kernel.diagnostics import Diagnostic
from smworld.kernel.gate import lint
from tests.kernel.gate_worlds import tiny_world

World = dict[str, Any]
Edit = Callable[[World], None]


def states(world: World) -> dict[str, Any]:
    return world["scene"]["states"]


def event(world: World, name: str) -> dict[str, Any]:
    return next(e for e in world["scene"]["events"] if e["name"] == name)


def add_event(world: World, **fields: Any) -> None:
    world["scene"]["events"].append(fields)


def rename_cellar(world: World, new: str) -> None:
    states(world)[new] = states(world).pop("cellar")
    event(world, "go down")["to"] = new
    event(world, "open vault")["from"] = [new]
    event(world, "wave torch")["from"] = ["hall", new]


def findings(world: World) -> list[Diagnostic]:
    return lint(world).diagnostics


def set_(path: str, value: Any) -> Edit:
    """An edit that sets ``states.<id>.<key>`` / ``events.<name>.<key>`` / a top-level key."""

    def edit(world: World) -> None:
        head, _, rest = path.partition(":")
        if head == "world":
            world[rest] = value
            return
        if head == "state" and "." not in rest:
            states(world)[rest] = value
            return
        name, key = rest.split(".", 1)
        target = states(world)[name] if head == "state" else event(world, name)
        target[key] = value

    return edit


def both(*edits: Edit) -> Edit:
    def edit(world: World) -> None:
        for each in edits:
            each(world)

    return edit


def drop(kind: str, name: str, key: str) -> Edit:
    def edit(world: World) -> None:
        target = states(world)[name] if kind == "state" else event(world, name)
        del target[key]

    return edit


CUTSCENE = {"id": "descent", "video": "v.mp4", "from": "hall", "to": "cellar"}
MISSION = {"id": "heist", "title": "Heist", "objectives": [{"id": "find_gold", "text": "Find the gold"}]}
ATTIC = set_("state:attic", {"base": "a dusty attic"})
ATTIC_ENDING = set_("state:attic", {"base": "a dusty attic", "ending": {"kind": "lose", "title": "Dust"}})


def climb(world: World) -> None:
    add_event(world, **{"name": "climb", "kind": "transition", "from": ["hall"], "to": "attic"})


def back(world: World) -> None:
    add_event(world, **{"name": "back", "kind": "transition", "from": ["attic"], "to": "hall"})


RETURN = {"name": "climb up", "kind": "transition", "from": ["cellar"], "to": "hall", "hotkey": "u",
          "base": "the camera climbs the spiral stair"}

# (lint, severity, path, edit that fires it, near-identical edit that does not)
CASES: list[tuple[str, str, str, Edit, Edit]] = [
    ("schema", "error", "events.go down.from", set_("event:go down.from", "hall"),
     set_("event:go down.from", ["hall"])),
    ("schema", "error", "states.cellar.base", drop("state", "cellar", "base"),
     set_("state:cellar.base", "a cellar")),
    ("schema", "error", "events.go down.kind", set_("event:go down.kind", "jump"),
     set_("event:go down.kind", "transition")),
    ("schema", "error", "states.hall.ending.kind", set_("state:hall.ending", {"kind": "draw", "title": "t"}),
     set_("state:hall.narration", "a line")),
    ("schema-version", "info", "schemaVersion", set_("world:schemaVersion", "still-demo-1"),
     set_("world:schemaVersion", "1.0")),
    ("bad-identifier", "error", "states.Cellar", lambda w: rename_cellar(w, "Cellar"),
     lambda w: rename_cellar(w, "cellar_2")),
    ("bad-identifier", "error", "events.go down.grants",
     both(set_("event:go down.grants", ["Lamp"]), set_("event:open vault.requires", ["Lamp"])),
     both(set_("event:go down.grants", ["lamp_2"]), set_("event:open vault.requires", ["lamp_2"]))),
    ("bad-identifier", "error", "cutscenes.Descent", set_("world:cutscenes", [{**CUTSCENE, "id": "Descent"}]),
     set_("world:cutscenes", [CUTSCENE])),
    ("duplicate-event-name", "error", "events.go down", set_("event:wave torch.name", "go down"),
     set_("event:wave torch.name", "go down 2")),
    ("id-clash", "error", "cutscenes.cellar", set_("world:cutscenes", [{**CUTSCENE, "id": "cellar"}]),
     set_("world:cutscenes", [CUTSCENE])),
    ("no-entrance", "error", "entrance", lambda w: w.pop("entrance"),
     lambda w: (w.pop("entrance"), w.update(scene={"states": {}, "events": []}))),
    ("entrance-missing-state", "error", "entrance.state", set_("world:entrance", {"state": "attic"}),
     set_("world:entrance", {"state": "cellar"})),
    ("dangling-ref", "error", "events.go down.to", set_("event:go down.to", "attic"),
     set_("event:go down.to", "vault")),
    ("dangling-ref", "error", "events.wave torch.from", set_("event:wave torch.from", ["hall", "attic"]),
     set_("event:wave torch.from", ["hall", "vault"])),
    ("dangling-ref", "error", "cutscenes.descent.to", set_("world:cutscenes", [{**CUTSCENE, "to": "attic"}]),
     set_("world:cutscenes", [CUTSCENE])),
    ("dangling-ref", "error", "outro.state", set_("world:outro", {"video": "o.mp4", "flag": "lamp", "state": "x"}),
     set_("world:outro", {"video": "o.mp4", "flag": "lamp", "state": "vault"})),
    ("transition-needs-to", "error", "events.go down.to", drop("event", "go down", "to"),
     set_("event:go down.to", "cellar")),
    ("override-has-to", "error", "events.wave torch.to", set_("event:wave torch.to", "hall"),
     set_("event:wave torch.kind", "terminal")),
    ("orphan-event", "error", "events.wave torch.from", set_("event:wave torch.from", []),
     set_("event:wave torch.from", ["vault"])),
    ("ending-has-exit", "error", "events.open vault.from", set_("event:open vault.from", ["cellar", "vault"]),
     set_("event:wave torch.from", ["hall", "cellar", "vault"])),
    ("hotkey-syntax", "error", "events.go down.hotkey", set_("event:go down.hotkey", "ctrl+e"),
     set_("event:go down.hotkey", "Enter")),
    ("hotkey-reserved", "error", "events.go down.hotkey", set_("event:go down.hotkey", "W"),
     set_("event:go down.hotkey", "x")),
    ("hotkey-reserved", "error", "events.go down.hotkey", set_("event:go down.hotkey", "ArrowUp"),
     set_("event:go down.hotkey", "F2")),
    ("hotkey-reserved", "error", "events.go down.hotkey", set_("event:go down.hotkey", " "),
     set_("event:go down.hotkey", "Tab")),
    ("hotkey-conflict", "error", "events.wave torch.hotkey", set_("event:wave torch.hotkey", "E"),
     both(set_("event:wave torch.hotkey", "e"), set_("event:wave torch.from", ["cellar"]))),
    ("hotkey-conflict", "error", "events.go down.hotkey", set_("event:wave torch.hotkey", "e"),
     set_("event:wave torch.hotkey", "q")),
    ("template", "error", "states.hall.base", set_("state:hall.base", {"template": "a {stone} hall", "slots": {}}),
     set_("state:hall.base", {"template": "a {stone} hall", "slots": {"stone": {"fill": "granite"}}})),
    ("template", "error", "states.hall.camera.static",
     set_("state:hall.camera", {"static": {"template": "wide", "slots": {"x": {"fill": "y"}}}}),
     set_("state:hall.camera", {"static": {"template": "wide {x}", "slots": {"x": {"fill": "y"}}}})),
    ("template", "error", "events.go down.detail", set_("event:go down.detail", {"template": "a {broken"}),
     set_("event:go down.detail", {"template": "a {{literal}}"})),
    ("duplicate-variant", "error", "states.hall.variants",
     set_("state:hall.variants", [{"label": "a", "base": "x"}, {"label": "a", "base": "y"}]),
     set_("state:hall.variants", [{"label": "a", "base": "x"}, {"label": "b", "base": "y"}])),
    ("sequence-beat-missing", "error", "sequences.tour.beats[1]",
     set_("world:sequences", [{"id": "tour", "title": "Tour", "beats": [{"state": "hall"}, {"state": "attic"}]}]),
     set_("world:sequences", [{"id": "tour", "title": "Tour", "beats": [{"state": "hall"}, {"state": "vault"}]}])),
    ("timing", "error", "events.go down.minPlayMs", set_("event:go down.minPlayMs", -5),
     set_("event:go down.minPlayMs", 0)),
    ("timing", "error", "events.go down.phases[1].minMs",
     set_("event:go down.phases", [{"base": "a", "camera": "c"}, {"base": "b", "camera": "d", "minMs": -1}]),
     set_("event:go down.phases", [{"base": "a", "camera": "c"}, {"base": "b", "camera": "d", "minMs": 0}])),
    ("timing", "error", "events.go down.landWhen.minLuminance",
     set_("event:go down.landWhen", {"minLuminance": 1.5}), set_("event:go down.landWhen", {"minLuminance": 1})),
    ("timing", "error", "events.go down.landWhen.hits", set_("event:go down.landWhen", {"hits": 0}),
     set_("event:go down.landWhen", {"hits": 1})),
    ("timing", "error", "events.go down.waypoint.distanceM",
     set_("event:go down.waypoint", {"label": "door", "distanceM": 0}),
     set_("event:go down.waypoint", {"label": "door", "distanceM": 0.5})),
    ("timing", "error", "sequences.tour.beats[0].dwell.ms",
     set_("world:sequences", [{"id": "tour", "title": "T", "beats": [{"state": "hall", "dwell": {"ms": -1}}]}]),
     set_("world:sequences", [{"id": "tour", "title": "T", "beats": [{"state": "hall", "dwell": {"ms": 10}}]}])),
    ("negation", "error", "states.hall.base", set_("state:hall.base", "a hall with no torches"),
     set_("state:hall.base", "a hall with north windows")),
    ("whiteout", "error", "events.go down.base", set_("event:go down.base", "a blinding flash fills the stair"),
     set_("event:wave torch.base", "a blinding flash fills the stair")),
    ("lethal-override", "error", "events.wave torch.base", set_("event:wave torch.base", "the guard is killed"),
     set_("event:wave torch.base", "a guard lies dead, shot, a corpse")),
    ("budget", "error", "states.hall", set_("state:hall.ambient", ["x" * 1900]),
     set_("state:hall.ambient", ["x" * 10])),
    ("intent", "warning", "states.hall.base", set_("state:hall.base", "a hall, so that the mood darkens"),
     set_("state:hall.base", "a hall, so the mood darkens")),
    ("unreachable-require", "error", "events.open vault.requires", set_("event:open vault.requires", ["key"]),
     both(set_("event:open vault.requires", ["key"]), set_("event:wave torch.grants", ["key"]))),
    ("objective-unreachable", "error", "missions.heist.objectives[0]", set_("world:missions", [MISSION]),
     both(set_("world:missions", [MISSION]), set_("event:open vault.grants", ["find_gold"]))),
    ("objective-ungrounded", "warning", "missions.heist.objectives[0].grounded.target",
     both(set_("world:missions", [{**MISSION, "verified": ["lamp"], "objectives": [
         {"id": "lamp", "text": "Find it", "grounded": {"target": "chest"}}]}])),
     both(set_("world:missions", [{**MISSION, "verified": ["lamp"], "objectives": [
         {"id": "lamp", "text": "Find it", "grounded": {"target": "Lamp"}}]}]))),
    ("unused-grant", "info", "events.wave torch.grants", set_("event:wave torch.grants", ["waved"]),
     both(set_("event:wave torch.grants", ["waved"]), set_("world:cutscenes", [{**CUTSCENE, "requires": ["waved"]}]))),
    ("auto-needs-pixels", "error", "events.go down.landWhen.auto", set_("event:go down.landWhen", {"auto": True}),
     set_("event:go down.landWhen", {"auto": True, "minMotion": 0.2})),
    ("luminance-overlap", "error", "events.go down.landWhen",
     both(lambda w: add_event(w, **RETURN, landWhen={"minLuminance": 0.4}),
          set_("event:go down.landWhen", {"maxLuminance": 0.6})),
     both(lambda w: add_event(w, **RETURN, landWhen={"minLuminance": 0.4}),
          set_("event:go down.landWhen", {"maxLuminance": 0.3}))),
    ("luminance-overlap", "error", "events.climb up.landWhen",
     both(lambda w: add_event(w, **RETURN, landWhen={"minLuminance": 0.4}),
          set_("event:go down.landWhen", {"maxLuminance": 0.6})),
     both(lambda w: add_event(w, **{**RETURN, "to": "vault"}, landWhen={"minLuminance": 0.4}),
          set_("event:go down.landWhen", {"maxLuminance": 0.6}))),
    ("sliver-evidence", "warning", "events.go down.anchor", set_("event:go down.anchor", {"label": "stair"}),
     set_("event:go down.anchor", {"label": "stair", "minProximity": 0.15})),
    ("shared-phase-camera", "warning", "events.go down.phases",
     set_("event:go down.phases", [{"base": "a", "camera": "c"}, {"base": "b"}]),
     set_("event:go down.phases", [{"base": "b"}])),
    ("unreachable-state", "warning", "states.attic", ATTIC_ENDING, both(ATTIC_ENDING, climb)),
    ("dead-end", "warning", "states.attic", both(ATTIC, climb), both(ATTIC, climb, back)),
    ("no-ending", "warning", "scene.states", drop("state", "vault", "ending"),
     set_("state:vault.ending", {"kind": "lose", "title": "Trapped"})),
    ("duplicate-prose", "info", "states.cellar", set_("state:cellar.base", "a long hall of grey stone lit by torches"),
     set_("state:cellar.base", "a long hall of grey stone lit by candles")),
]


@pytest.mark.parametrize(("lint_id", "severity", "path", "fire", "calm"), CASES,
                         ids=[f"{case[0]}@{case[2]}" for case in CASES])
def test_rule_fires_and_its_near_twin_does_not(lint_id: str, severity: str, path: str, fire: Edit,
                                               calm: Edit) -> None:
    fired, quiet = tiny_world(), tiny_world()
    fire(fired)
    calm(quiet)
    hits = [d for d in findings(fired) if d.lint == lint_id and d.path == path]
    assert hits, [d.key for d in findings(fired)]
    assert all(d.severity == severity for d in hits)
    assert all(d.message.endswith(".") and "\n" not in d.message for d in hits)
    assert not [d for d in findings(quiet) if d.lint == lint_id and d.path == path]


def test_the_tiny_world_is_clean() -> None:
    report = lint(tiny_world())
    assert report.ok
    assert report.diagnostics == []


def test_an_empty_world_needs_no_entrance_but_an_entrance_must_name_a_state() -> None:
    assert lint({"scene": {"states": {}, "events": []}}).diagnostics == []
    report = lint({"scene": {"states": {}, "events": []}, "entrance": {"state": "hall"}})
    assert [d.key for d in report.diagnostics] == ["entrance-missing-state@entrance.state"]


def test_schema_reports_every_problem_once_with_its_own_path() -> None:
    world = tiny_world()
    states(world)["hall"]["camera"] = "wide"
    states(world)["cellar"]["ambient"] = ["drips", 4]
    event(world, "go down")["hotkey"] = 5
    world["missions"] = [{"id": "heist", "title": "Heist", "objectives": [{"text": "no id"}]}]
    del world["scene"]["events"][2]["kind"]
    keys = {d.key for d in lint(world).diagnostics if d.lint == "schema"}
    assert keys == {
        "schema@states.hall.camera",
        "schema@states.cellar.ambient[1]",
        "schema@events.go down.hotkey",
        "schema@events.wave torch.kind",
        "schema@missions.heist.objectives[0].id",
    }


def test_an_event_without_a_usable_name_is_addressed_by_index() -> None:
    world = tiny_world()
    event(world, "wave torch")["name"] = ""
    keys = {d.key for d in lint(world).diagnostics}
    assert "schema@scene.events[2].name" in keys


def test_hotkey_conflict_names_the_other_event_and_the_state() -> None:
    world = tiny_world()
    event(world, "wave torch")["hotkey"] = "e"
    [conflict] = [d for d in lint(world).diagnostics if d.path == "events.wave torch.hotkey"]
    assert '"go down"' in conflict.message and '"hall"' in conflict.message


def test_luminance_overlap_checks_both_orientations_of_a_round_trip() -> None:
    world = tiny_world()
    add_event(world, **RETURN, landWhen={"maxLuminance": 0.5})
    event(world, "go down")["landWhen"] = {"minLuminance": 0.5}
    paths = {d.path for d in lint(world).diagnostics if d.lint == "luminance-overlap"}
    assert paths == {"events.go down.landWhen", "events.climb up.landWhen"}


def test_a_mission_objective_grants_its_flag_for_requirements() -> None:
    world = tiny_world()
    world["missions"] = [MISSION]
    event(world, "open vault")["requires"] = ["find_gold"]
    lints = {d.lint for d in lint(world).diagnostics}
    assert "unreachable-require" not in lints
    assert "objective-unreachable" in lints


def test_unreachable_state_is_skipped_when_the_entrance_is_broken() -> None:
    world = tiny_world()
    world["entrance"] = {"state": "attic"}
    lints = {d.lint for d in lint(world).diagnostics}
    assert "unreachable-state" not in lints and "dead-end" not in lints


def test_reachability_goes_through_cutscenes() -> None:
    world = tiny_world()
    world["cutscenes"] = [CUTSCENE]
    event(world, "go down")["to"] = "descent"
    assert lint(world).diagnostics == []
