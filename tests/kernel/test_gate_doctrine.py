"""Doctrine lints: which words, which fields, exemptions, factored fields and the prompt budget."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.diagnostics import Diagnostic, Loc
from smworld.kernel.gate import PROMPT_BUDGET, lint, validate
from smworld.kernel.prose import assembled_prompt
from tests.kernel.gate_worlds import tiny_world

HALL = "hall"


def hall_with(**fields: Any) -> dict[str, Any]:
    world = tiny_world()
    world["scene"]["states"][HALL].update(fields)
    return world


def event_with(name: str, **fields: Any) -> dict[str, Any]:
    world = tiny_world()
    next(e for e in world["scene"]["events"] if e["name"] == name).update(fields)
    return world


def of(world: dict[str, Any], lint_id: str) -> list[Diagnostic]:
    return [d for d in lint(world).diagnostics if d.lint == lint_id]


@pytest.mark.parametrize("text", [
    "no torches", "Not a sound", "NEVER lit", "a hall without doors", "none of the torches", "nothing moves",
    "it don't move", "it dont move", "it doesn't move", "it can't move", "it won't move", "it don’t move",
    "a sign reads no-one", "torches, but no.",
])
def test_negation_words_fire_whole_word_in_any_case(text: str) -> None:
    [hit] = of(hall_with(base=f"a hall: {text}"), "negation")
    assert hit.path == "states.hall.base" and hit.severity == "error"


@pytest.mark.parametrize("text", ["north windows", "a knot of rope", "nowhere bright", "snow drifts",
                                  "a canon of stone", "notes pinned", "nonexistent? nonsense", "noon light"])
def test_negation_ignores_words_that_only_contain_a_negation(text: str) -> None:
    assert of(hall_with(base=f"a hall with {text}"), "negation") == []


def test_negation_reports_the_first_hit_per_field() -> None:
    [hit] = of(hall_with(base="a hall with no torches and not a sound"), "negation")
    assert '"no"' in hit.message


@pytest.mark.parametrize(("fields", "path"), [
    ({"movement": {"static": "nothing moves", "dynamic": "dust drifts"}}, "states.hall.movement.static"),
    ({"movement": {"static": "dust drifts", "dynamic": "never still"}}, "states.hall.movement.dynamic"),
    ({"ambient": ["water drips", "no wind"]}, "states.hall.ambient[1]"),
])
def test_negation_checks_movement_and_ambient(fields: dict[str, Any], path: str) -> None:
    assert [d.path for d in of(hall_with(**fields), "negation")] == [path]


@pytest.mark.parametrize("fields", [
    {"camera": {"static": "never cut away, no zoom", "dynamic": "do not pan"}},
    {"narration": "There is no way back."},
    {"variants": [{"label": "b", "base": "a hall with no torches"}]},
])
def test_negation_exempts_camera_narration_and_variants(fields: dict[str, Any]) -> None:
    assert of(hall_with(**fields), "negation") == []


def test_negation_checks_event_base_and_detail_but_not_phases_hints_or_camera() -> None:
    fired = event_with("go down", base="the camera descends, no light", detail="nothing below")
    assert {d.path for d in of(fired, "negation")} == {"events.go down.base", "events.go down.detail"}
    exempt = event_with("open vault", lockedHint="You can't open it yet", camera="never cut",
                        narration="No way.", phases=[{"base": "no light", "camera": "c"}])
    assert of(exempt, "negation") == []


@pytest.mark.parametrize("text", ["a white-out", "a whiteout", "the screen goes white out", "a blinding light",
                                  "blown white", "a bloom of light", "light bloomed", "blooming glare",
                                  "an over-exposed frame", "overexposed", "a washed-out frame", "washed out"])
def test_whiteout_fires_on_transitions(text: str) -> None:
    for field in ("base", "detail"):
        [hit] = of(event_with("go down", **{field: text}), "whiteout")
        assert hit.path == f"events.go down.{field}"


def test_whiteout_is_only_for_transitions() -> None:
    assert of(event_with("wave torch", base="a blinding light"), "whiteout") == []
    assert of(hall_with(base="a blinding light in a hall"), "whiteout") == []


@pytest.mark.parametrize("text", ["he kills the guard", "the guard is killed", "killing", "kill it",
                                  "she shoots", "shooting", "shoot the lock", "guns him down",
                                  "he guns the old guard down", "gun them down", "gunned down", "executes him",
                                  "executed", "an execution", "a man lying on the ground"])
def test_lethal_override_fires_on_killing(text: str) -> None:
    [hit] = of(event_with("wave torch", detail=text), "lethal-override")
    assert hit.path == "events.wave torch.detail"


@pytest.mark.parametrize("text", ["a guard lies dead", "a shot rings out", "a corpse by the door",
                                  "a gun on the table", "guns point at the old stone stairs that lead down",
                                  "a killer whale mural"])
def test_lethal_override_allows_bare_mentions(text: str) -> None:
    assert of(event_with("wave torch", detail=text), "lethal-override") == []


def test_lethal_override_is_only_for_overrides() -> None:
    assert of(event_with("go down", base="he kills the guard"), "lethal-override") == []


@pytest.mark.parametrize("text", ["the player should feel small", "The player must hurry", "the player will see",
                                  "you feel watched", "you realise it", "you realize it", "you decide to run",
                                  "in order to hide", "so that it echoes", "the goal is the door",
                                  "the objective is clear", "this foreshadows the end", "foreshadowing",
                                  "it symbolises hope", "it symbolizes hope", "the statue represents a god",
                                  "a peaceful meadow"])
def test_intent_is_a_warning_in_every_prompt_field(text: str) -> None:
    [hit] = of(hall_with(base=f"a hall; {text}"), "intent")
    assert hit.severity == "warning" and hit.path == "states.hall.base"
    fields = {
        "camera": {"static": text, "dynamic": "slow pan"}, "movement": {"static": "dust", "dynamic": text},
        "ambient": [text],
    }
    assert {d.path for d in of(hall_with(**fields), "intent")} == {
        "states.hall.camera.static", "states.hall.movement.dynamic", "states.hall.ambient[0]"}
    event = event_with("go down", camera=text, movement=text, phases=[{"base": text, "camera": "c"}])
    assert {d.path for d in of(event, "intent")} == {
        "events.go down.camera", "events.go down.movement", "events.go down.phases[0].base"}


def test_intent_stays_out_of_validate() -> None:
    report = validate(hall_with(base="a hall so that the player should feel small"))
    assert report.ok and report.diagnostics == []


def test_a_hit_inside_a_fill_reports_the_slot() -> None:
    base = {"template": "a hall with {detail} under {light}",
            "slots": {"detail": {"type": "prop", "fill": "no torches"}, "light": {"fill": "moonlight"}}}
    [hit] = of(hall_with(base=base), "negation")
    assert hit.path == "states.hall.base"
    assert hit.loc == Loc(field="base", template=base["template"], slot="detail", fill="no torches")


def test_a_hit_in_the_template_text_has_no_loc_and_factored_ambient_names_its_line() -> None:
    base = {"template": "a hall with no {thing}", "slots": {"thing": {"fill": "torches"}}}
    [hit] = of(hall_with(base=base), "negation")
    assert hit.loc is None
    ambient = [{"template": "{what} drifts", "slots": {"what": {"fill": "nothing"}}}]
    [line] = of(hall_with(ambient=ambient), "negation")
    assert line.path == "states.hall.ambient[0]"
    assert line.loc is not None and line.loc.field == "ambient[0]" and line.loc.slot == "what"


def test_event_fields_report_loc_too() -> None:
    detail = {"template": "a {how} flash", "slots": {"how": {"fill": "blinding"}}}
    [hit] = of(event_with("go down", detail=detail), "whiteout")
    assert hit.loc == Loc(field="detail", template="a {how} flash", slot="how", fill="blinding")


def test_budget_assembles_parts_with_single_spaces_and_drops_empty_ones() -> None:
    base = "b" * 1000
    at_budget = {"base": base, "camera": {"static": "c" * 898, "dynamic": ""},
                 "movement": {"static": "", "dynamic": ""}, "ambient": []}
    assert len(base) + 1 + 898 + 0 == PROMPT_BUDGET - 1
    assert of(hall_with(**at_budget), "budget") == []
    at_budget["ambient"] = [""]
    assert of(hall_with(**at_budget), "budget") == []
    at_budget["camera"] = {"static": "c" * 899, "dynamic": ""}
    assert of(hall_with(**at_budget), "budget") == []
    at_budget["camera"] = {"static": "c" * 899, "dynamic": "d"}
    [over] = of(hall_with(**at_budget), "budget")
    assert over.path == "states.hall" and "1902" in over.message


def _prose(size: int) -> st.SearchStrategy[Any]:
    """Prose of about ``size`` characters in every shape the budget must read: plain, factored,
    a broken template (read raw), or a value that is not prose at all."""
    text = "x" * size
    return st.sampled_from([text, {"template": "{a}", "slots": {"a": {"fill": text}}},
                            {"template": f"{text}{{broken", "slots": {}}, None, size])


@st.composite
def _parts(draw: st.DrawFn) -> dict[str, Any]:
    """A state's prompt parts whose assembled length lands on either side of the budget."""
    fields: dict[str, Any] = {"base": draw(_prose(draw(st.integers(0, PROMPT_BUDGET))))}
    for pair in ("camera", "movement"):
        fields[pair] = {half: draw(_prose(draw(st.integers(0, 400)))) for half in ("static", "dynamic")}
    fields["ambient"] = [draw(_prose(draw(st.sampled_from([0, 1, 50, 300])))) for _ in range(draw(st.integers(0, 3)))]
    return fields


@settings(max_examples=150, deadline=None)
@given(_parts())
def test_budget_measures_exactly_the_assembled_prompt(fields: dict[str, Any]) -> None:
    """The rule's column arithmetic agrees with :func:`prose.assembled_prompt`, the one definition."""
    world = hall_with(**fields)
    length = len(assembled_prompt(world["scene"]["states"][HALL]))
    found = [d for d in validate(world).diagnostics if d.lint == "budget"]
    if length > PROMPT_BUDGET:
        [over] = found
        assert f"is {length} characters" in over.message
    else:
        assert found == []


def test_budget_counts_rendered_text_and_ignores_narration_and_variants() -> None:
    long_fill = {"template": "{x}", "slots": {"x": {"fill": "y" * 1901}}}
    assert [d.path for d in of(hall_with(base=long_fill), "budget")] == ["states.hall"]
    exempt = hall_with(narration="n" * 5000, variants=[{"label": "b", "base": "v" * 5000}])
    assert of(exempt, "budget") == []


def test_a_broken_template_is_a_template_error_and_its_raw_text_is_still_read() -> None:
    world = hall_with(base={"template": "a hall with no {light", "slots": {}})
    lints = {d.key for d in lint(world).diagnostics}
    assert "template@states.hall.base" in lints
    assert "negation@states.hall.base" in lints


def test_a_case_changing_lowercase_keeps_offsets_true() -> None:
    world = hall_with(base="İİİ a hall with NO torches")
    [hit] = of(world, "negation")
    assert '"NO"' in hit.message
