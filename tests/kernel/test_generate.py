"""The procedural generator: deterministic, playable (verdict 100, gate-clean, provably winnable)
worlds of every size, whose prose passes the doctrine whatever the premise says."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from random import Random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.analysis.winnability import prove
from smworld.kernel.errors import SMWorldError
from smworld.kernel.gate import PROMPT_BUDGET, validate
from smworld.kernel.generate import MAX_SIZE, MIN_SIZE, GenerateError, banks, generate
from smworld.kernel.generate.build import HOTKEYS
from smworld.kernel.generate.english import article, indefinite
from smworld.kernel.generate.lexicon import premise_words, read_premise
from smworld.kernel.generate.shape import plan
from smworld.kernel.play import Play, available, fire, start, tick
from smworld.kernel.playability import verdict

PREMISE = "a drowned cathedral city under a green winter sky"

# Our own reading of the doctrine (gate.md), independent of the gate's implementation.
NEGATION = re.compile(r"\b(no|not|never|without|none|nothing|don'?t|doesn'?t|can'?t|won'?t)\b", re.IGNORECASE)
INTENT = re.compile(r"\bthe player (should|must|will)\b|\byou (feel|realise|realize|decide)\b|\bin order to\b"
                    r"|\bso that\b|\bthe (goal|objective) is\b|foreshadow|\bsymboli[sz]es\b|\brepresents\b",
                    re.IGNORECASE)
WHITEOUT = re.compile(r"white-?out|blinding|blown white|\bbloom(ed|ing)?\b|over-?exposed|washed-?out", re.IGNORECASE)
LETHAL = re.compile(r"\bkill(s|ed|ing)?\b|\bshoot(s|ing)?\b|\bguns?\b.*\bdown\b|gunned down"
                    r"|\bexecut(e|es|ed|ion)\b|lying on the ground", re.IGNORECASE)
SIZES = (5, 12, 50, 200)


def prompt_fields(world: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """``(kind, where, text)`` for every prompt-prose field (gate.md), events by kind."""
    for state_id, state in world["scene"]["states"].items():
        pairs = [state.get("camera", {}), state.get("movement", {})]
        for text in [state["base"], *(p.get(k, "") for p in pairs for k in ("static", "dynamic")),
                     *state.get("ambient", [])]:
            yield "state", state_id, text
    for event in world["scene"]["events"]:
        for key in ("base", "detail", "camera", "movement"):
            if key in event:
                yield event["kind"], event["name"], event[key]


def assembled_prompt(state: dict[str, Any]) -> str:
    parts = [state["base"], state["camera"]["static"], state["camera"]["dynamic"],
             state["movement"]["static"], state["movement"]["dynamic"], *state["ambient"]]
    return " ".join(part for part in parts if part)


def canonical(world: dict[str, Any]) -> str:
    return json.dumps(world, sort_keys=True, ensure_ascii=False)


def assert_doctrine(world: dict[str, Any]) -> None:
    for kind, where, text in prompt_fields(world):
        assert not NEGATION.search(text), (where, text)
        assert not INTENT.search(text), (where, text)
        if kind == "transition":
            assert not WHITEOUT.search(text), (where, text)
        if kind == "override":
            assert not LETHAL.search(text), (where, text)


def assert_playable(world: dict[str, Any]) -> None:
    result = verdict(world)
    assert result.score == 100, result.failed
    assert validate(world).diagnostics == []


# --- arguments and determinism ------------------------------------------------------------------

def test_same_arguments_give_the_same_world() -> None:
    assert canonical(generate(PREMISE, seed=3, size=40)) == canonical(generate(PREMISE, seed=3, size=40))


def test_a_different_seed_premise_or_size_gives_a_different_world() -> None:
    first = canonical(generate(PREMISE, seed=1))
    assert first != canonical(generate(PREMISE, seed=2))
    assert first != canonical(generate(PREMISE + " at dusk", seed=1))
    assert first != canonical(generate(PREMISE, seed=1, size=13))


def test_the_world_has_exactly_size_states() -> None:
    for size in (MIN_SIZE, 6, 7, 11, 20, 29, 101):
        assert len(generate(PREMISE, size=size)["scene"]["states"]) == size


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"premise": ""}, "premise"),
    ({"premise": "  \n\t "}, "premise"),
    ({"premise": None}, "premise"),
    ({"size": MIN_SIZE - 1}, "size"),
    ({"size": MAX_SIZE + 1}, "size"),
    ({"size": -3}, "size"),
    ({"size": 12.0}, "size"),
    ({"size": True}, "size"),
    ({"seed": "7"}, "seed"),
])
def test_bad_arguments_raise_naming_the_argument_and_the_range(kwargs: dict[str, Any], argument: str) -> None:
    arguments: dict[str, Any] = {"premise": PREMISE, "seed": 0, "size": 12, **kwargs}
    with pytest.raises(GenerateError) as raised:
        generate(**arguments)
    message = str(raised.value)
    assert message.startswith(f"{argument}:")
    if argument == "size":
        assert "5" in message and "10,000" in message
    assert isinstance(raised.value, SMWorldError) and isinstance(raised.value, ValueError)


# --- playability ----------------------------------------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_generated_worlds_pass_the_verdict_with_no_gate_errors(size: int) -> None:
    world = generate(PREMISE, seed=size, size=size)
    assert_playable(world)
    assert_doctrine(world)


@pytest.fixture(scope="module")
def big() -> dict[str, Any]:
    """One 2,000-state world shared by the tests that need scale (they only read it)."""
    return generate(PREMISE, seed=9, size=2_000)


def test_a_two_thousand_state_world_is_playable_and_its_proof_stays_near_linear(big: dict[str, Any]) -> None:
    world = big
    assert_playable(world)
    assert_doctrine(world)
    proof = prove(world)
    assert proof.complete and proof.winnable and proof.softlocks == [] and proof.unreachableEndings == []
    assert proof.explored <= 2 * 2_000 + 50


def test_the_world_carries_its_metadata() -> None:
    world = generate(PREMISE, seed=4)
    assert world["schemaVersion"] == "1.0"
    assert world["name"] == "The Drowned Cathedral"
    assert PREMISE in world["description"]
    assert world["story"]["logline"] and world["story"]["arc"]
    assert world["subject"] and world["entrance"]["state"] in world["scene"]["states"]
    assert len(world["scene"]["states"][world["entrance"]["state"]]["base"]) >= 40


def test_the_world_uses_flags_one_shots_overrides_hidden_autos_and_both_endings() -> None:
    world = generate(PREMISE, seed=5, size=60)
    events, states = world["scene"]["events"], world["scene"]["states"]
    granted = {flag for event in events for flag in event.get("grants", [])}
    required = {flag for event in events for flag in event.get("requires", [])}
    assert required and required <= granted
    assert any(event.get("oneShot") for event in events)
    assert any(event["kind"] == "override" and not event.get("grants") for event in events)
    assert any(event.get("hidden") and event.get("autoAfterMs", 0) > 0 for event in events)
    assert all(event.get("lockedHint") for event in events if event.get("requires"))
    kinds = Counter(state["ending"]["kind"] for state in states.values() if "ending" in state)
    assert kinds["win"] == 1 and kinds["lose"] >= 1


def test_hotkeys_are_single_letters_or_digits_unique_per_state_and_never_drive_keys(
        big: dict[str, Any]) -> None:
    world = big
    per_state: dict[str, list[str]] = {}
    for event in world["scene"]["events"]:
        if event.get("hidden"):
            assert "hotkey" not in event
            continue
        assert event["hotkey"] in HOTKEYS and event["hotkey"] not in "wasd"
        for state_id in event["from"]:
            per_state.setdefault(state_id, []).append(event["hotkey"])
    assert all(len(keys) == len(set(keys)) for keys in per_state.values())


def test_states_have_distinct_base_prose_within_the_prompt_budget(big: dict[str, Any]) -> None:
    states = big["scene"]["states"].values()
    bases = [state["base"] for state in states]
    assert len(set(bases)) == len(bases)
    assert max(len(assembled_prompt(state)) for state in states) < PROMPT_BUDGET * 0.7


def test_every_state_has_one_to_three_ambient_lines_and_narration() -> None:
    world = generate("東京の夜", seed=7, size=100)
    states = world["scene"]["states"].values()
    assert all(1 <= len(state["ambient"]) <= 3 and state["narration"] for state in states)


def test_the_shortest_win_replays_through_the_interpreter() -> None:
    world = generate(PREMISE, seed=8, size=30)
    proof = prove(world)
    assert proof.win is not None
    play = start(world)
    for name in proof.win.path:
        assert isinstance(play, Play)
        assert name in {choice.name for choice in available(world, play) if not choice.locked}
        play = fire(world, play, name)
    assert isinstance(play, Play) and play.ending is not None and play.ending["kind"] == "win"


def test_lingering_on_a_hazard_ends_the_play_in_a_lose_ending() -> None:
    world = generate(PREMISE, seed=8, size=30)
    auto = next(event for event in world["scene"]["events"] if event.get("hidden"))
    play = tick(world, Play(state=auto["from"][0]), auto["autoAfterMs"])
    assert play.log == (auto["name"],)
    assert play.ending is not None and play.ending["kind"] == "lose"


# --- the plan ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [5, 6, 9, 10, 19, 20, 111, 10_000])
def test_the_plan_has_size_rooms_one_win_and_every_lose_used(size: int) -> None:
    shape = plan(size, Random(size))
    assert len(shape.rooms) == size
    assert [room.role for room in shape.rooms].count("win") == 1
    assert {link.target for link in shape.links if link.kind == "fall"} == set(shape.loses)
    assert 1 <= shape.chapters <= 12


# --- premises ---------------------------------------------------------------------------------------

def test_premise_words_drop_negations_intent_and_hazards_in_any_disguise() -> None:
    words = premise_words("NOT a ship; nót the Player's goal, NEVER withoutt never-ending blooming "
                          "guns and ſhots — ǸOT don't can't nothing foreshadowing symbolises wıthout ｎｏｎｅ")
    assert words == ("ship", "withoutt", "ending")


def test_plural_premise_words_are_judged_by_their_singular_too() -> None:
    assert premise_words("nones nevers withouts ships") == ("ships",)
    assert read_premise("nones nevers withouts ships").modifiers == ("ship",)


def test_premise_words_keep_unicode_letters_and_strip_punctuation() -> None:
    assert premise_words("東京の夜, café-bar!! {slot} 42") == ("東京の夜", "café", "bar", "slot")


def test_the_premise_sorts_into_roles() -> None:
    lex = read_premise("a haunted lighthouse keeper's diver under the moon, built of brass, crimson sky")
    assert lex.settings == ("lighthouse",)
    assert lex.persons == ("keeper", "diver")
    assert lex.views == ("sky",)
    assert lex.colors == ("crimson",)
    assert lex.materials == (banks.MATERIAL_WORDS["brass"],)
    assert lex.lights == (banks.LIGHT_WORDS["moon"],)
    assert "haunted" in lex.modifiers


def test_premise_words_show_up_in_the_prose() -> None:
    world = generate("a kraken lighthouse", seed=1, size=30)
    text = " ".join(text for _, _, text in prompt_fields(world))
    assert "lighthouse" in text and "kraken" in text


def test_the_word_banks_pass_the_doctrine() -> None:
    texts = [
        *banks.ROOMS, *banks.LAYOUTS, *banks.MATERIALS, *banks.MATERIAL_WORDS.values(), *banks.LIGHTS,
        *banks.LIGHT_WORDS.values(), *banks.MODIFIERS, *banks.MOTIF_FRAMES, *banks.VIEW_FRAMES, *banks.OBJECTS,
        *banks.AMBIENT, *banks.AMBIENT_OUTDOOR, *banks.CAMERA_STATIC, *banks.CAMERA_DYNAMIC, *banks.MOVE_STATIC,
        *banks.MOVE_DYNAMIC,
        *(" ".join(o) for o in banks.OPENINGS), *banks.POSITIONS, *banks.DETAIL, *(" ".join(k) for k in banks.KEYS),
        *(" ".join(g) for g in banks.GATES), *(" ".join(h) for h in banks.HAZARDS), *banks.PAUSES,
        *banks.WIN_SCENES, *(scene for scene, _ in banks.LOSE_SCENES), *banks.PERSONS, *(c for c, _ in banks.CARRY),
    ]
    for text in texts:
        for rule in (NEGATION, INTENT, WHITEOUT, LETHAL):
            assert not rule.search(text), text


premises = st.one_of(
    st.text(min_size=1, max_size=80),
    st.lists(st.sampled_from(["not", "No", "never", "WITHOUT", "none", "nothing", "don't", "dont", "doesn't",
                              "can't", "won't", "the player should", "you feel", "so that", "in order to",
                              "lighthouse", "diver", "moon", "brass", "sky", "{x}", "}{", "—", "ﬁ", "\n", "\x00",
                              "東京", "é", "kill", "blinding", "bloom", "nones", "Nevers", "withouts",
                              "nothings"]),
             min_size=1, max_size=12).map(" ".join),
).filter(lambda text: text.strip() != "")


@settings(max_examples=40, deadline=None)
@given(premise=premises, seed=st.integers(-(2**64), 2**64), size=st.integers(5, 30))
def test_every_generated_world_is_playable_and_doctrine_clean(premise: str, seed: int, size: int) -> None:
    world = generate(premise, seed=seed, size=size)
    assert len(world["scene"]["states"]) == size
    assert_playable(world)
    assert_doctrine(world)


# --- English: articles, modifiers, ambience --------------------------------------------------------

@pytest.mark.parametrize(("phrase", "expected"), [
    ("edge mosaic", "an"), ("ancient banner", "an"), ("icy cellar", "an"), ("owl figurine", "an"),
    ("umbrella emblem", "an"), ("unlit stair", "an"), ("unusual lamp", "an"), ("uninhabited attic", "an"),
    ("ugly crate", "an"), ("urn", "an"), ("hour", "an"), ("honest face", "an"), ("heir", "an"),
    ("x-ray plate", "an"), ("L-shaped room", "an"),
    ("unicorn tapestry", "a"), ("uniform", "a"), ("union hall", "a"), ("university", "a"), ("usual spot", "a"),
    ("utility room", "a"), ("ukulele", "a"), ("European map", "a"), ("ewe", "a"), ("one-eyed cat", "a"),
    ("once-grand hall", "a"), ("hotel", "a"), ("kraken banner", "a"), ("lantern", "a"), ("yew hedge", "a"),
    ("frost-rimed cellar", "a"), ("", "a"),
])
def test_the_indefinite_article_goes_by_the_next_words_sound(phrase: str, expected: str) -> None:
    assert indefinite(phrase) == expected
    assert article(phrase) == f"{expected} {phrase}"


ARTICLE = re.compile(r"\b(a|an|A|An) ([^\s,.;:]+)")
VOWEL_PREMISES = (
    "an ancient edge of an icy ocean under an umbrella of owls",
    "an orchard of iron under an amber moon, an elegy for an old engine",
    "a lighthouse keeper's island at the edge of a storm",
    "a unicorn hotel at the heart of an hour",
)


def all_prose(world: dict[str, Any]) -> Iterator[str]:
    yield world["name"]
    yield world["story"]["logline"]
    for state in world["scene"]["states"].values():
        yield from (state["base"], state["narration"], *state["ambient"])
        for pair in (state["camera"], state["movement"]):
            yield from pair.values()
    for event in world["scene"]["events"]:
        yield from (event.get(key, "") for key in ("base", "detail", "narration", "lockedHint"))


@pytest.mark.parametrize("premise", VOWEL_PREMISES)
def test_every_article_in_generated_prose_agrees_with_its_word(premise: str) -> None:
    for seed in range(4):
        for text in all_prose(generate(premise, seed=seed, size=40)):
            for written, word in ARTICLE.findall(text):
                assert written.lower() == indefinite(word), (written, word, text)


def test_no_bank_writes_an_article_in_front_of_a_placeholder() -> None:
    texts = [*banks.MOTIF_FRAMES, *banks.VIEW_FRAMES, *banks.WIN_SCENES, *(s for s, _ in banks.LOSE_SCENES),
             *banks.MOVE_STATIC, *banks.MOVE_DYNAMIC, *banks.CAMERA_STATIC, *banks.CAMERA_DYNAMIC, *banks.PAUSES,
             *banks.DETAIL]
    for text in texts:
        assert not re.search(r"\b(a|an) \{", text, re.IGNORECASE), text


@pytest.mark.parametrize(("premise", "placing"), [
    ("a lighthouse keeper's island at the edge of a storm", "edge"),
    ("a market in the middle of the night", "middle"),
    ("the far side of the moon", "side"),
    ("a city in its final hour", "hour"),
    ("a cabin at the bottom of the lake", "bottom"),
    ("the heart of an old forest", "heart"),
    ("a village on the edges of the map", "edge"),
])
def test_words_that_only_place_things_never_become_modifiers(premise: str, placing: str) -> None:
    assert placing not in read_premise(premise).modifiers
    world = generate(premise, seed=1, size=30)
    text = " ".join(all_prose(world)).lower()
    assert not re.search(rf"\b{placing}s? (carvings|banner|graffiti|emblem|mosaic|poster|figurine|patterns)\b",
                         text)
    assert placing not in world["name"].lower()


@pytest.mark.parametrize(("premise", "motifs"), [
    ("a flooded subway at dawn", ()),
    ("a drowned kraken cathedral", ("kraken",)),
    ("a haunting melody in a ruined ballroom", ("melody", "ballroom")),
])
def test_only_nouns_become_motifs(premise: str, motifs: tuple[str, ...]) -> None:
    assert read_premise(premise).motif_words == motifs


def test_plural_premise_nouns_become_singular_modifiers() -> None:
    assert read_premise("a tower of owls and bats").modifiers == ("owl", "bat")


INDOOR_WORDS = re.compile(r"ceiling|window|curtain|corner|lamp|grate|shutter|chandelier|roof|pendulum|pages"
                          r"|sack|floor|cobweb|vent|draught", re.IGNORECASE)


@pytest.mark.parametrize("size", [5, 12, 60])
def test_open_air_endings_get_open_air_ambience(size: int) -> None:
    outdoor_scenes = [scene.split("{")[0] for scene, outdoor in banks.LOSE_SCENES if outdoor]
    for seed in range(6):
        world = generate(PREMISE, seed=seed, size=size)
        for state in world["scene"]["states"].values():
            ending = state.get("ending")
            if ending is None:
                continue
            outdoor = ending["kind"] == "win" or any(state["base"].lower().startswith(scene)
                                                     for scene in outdoor_scenes)
            bank = banks.AMBIENT_OUTDOOR if outdoor else banks.AMBIENT
            assert all(line in bank for line in state["ambient"]), (state["base"], state["ambient"])
            if outdoor:
                assert not any(INDOOR_WORDS.search(line) for line in state["ambient"]), state["ambient"]


def test_the_outdoor_ambience_bank_has_no_indoor_things() -> None:
    assert not [line for line in banks.AMBIENT_OUTDOOR if INDOOR_WORDS.search(line)]
