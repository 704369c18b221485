"""The structural diff: states by id, events by name, entrance, detail; properties against edits."""

from __future__ import annotations

import copy
from itertools import zip_longest
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.codec import encode
from smworld.kernel.diff import diff

NO_CHANGE: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}


def world(states: dict[str, Any], events: list[Any], entrance: str | None = "hall", **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"scene": {"states": states, "events": events}, **extra}
    if entrance is not None:
        doc["entrance"] = {"state": entrance}
    return doc


def go(name: str, source: str = "hall", target: str = "yard", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "transition", "from": [source], "to": target, **extra}


HALL = {"base": "a stone hall"}
YARD = {"base": "a muddy yard"}
BASE = world({"hall": HALL, "yard": YARD}, [go("open door"), go("back", "yard", "hall")])


# --- states -----------------------------------------------------------------------------------


def test_identical_worlds_have_no_changes() -> None:
    assert diff(BASE, BASE) == {"states": NO_CHANGE, "events": NO_CHANGE}
    assert diff(BASE, copy.deepcopy(BASE)) == {"states": NO_CHANGE, "events": NO_CHANGE}


def test_states_added_removed_and_changed_are_sorted_ids() -> None:
    after = world(
        {"hall": {"base": "a lit hall"}, "zoo": {"base": "z"}, "attic": {"base": "a"}},
        copy.deepcopy(BASE["scene"]["events"]),
    )
    assert diff(BASE, after)["states"] == {"added": ["attic", "zoo"], "removed": ["yard"], "changed": ["hall"]}


def test_unknown_keys_count_as_changes() -> None:
    after = copy.deepcopy(BASE)
    after["scene"]["states"]["yard"]["hudLine"] = "muddy"
    after["scene"]["events"][1]["voicePart"] = {"line": "back we go"}
    result = diff(BASE, after)
    assert result["states"]["changed"] == ["yard"]
    assert result["events"]["changed"] == ["back"]


def test_nested_change_counts() -> None:
    before = world({"hall": {"base": "b", "camera": {"static": "wide", "dynamic": "push"}}}, [])
    after = copy.deepcopy(before)
    after["scene"]["states"]["hall"]["camera"]["dynamic"] = "pull"
    assert diff(before, after)["states"]["changed"] == ["hall"]


# --- events -----------------------------------------------------------------------------------


def test_events_added_removed_and_changed_by_name() -> None:
    after = world(
        {"hall": HALL, "yard": YARD},
        [go("open door", hotkey="o"), go("climb"), go("a ladder")],
    )
    expected = {"added": ["a ladder", "climb"], "removed": ["back"], "changed": ["open door"]}
    assert diff(BASE, after)["events"] == expected


def test_an_event_that_only_moved_is_not_changed() -> None:
    after = copy.deepcopy(BASE)
    after["scene"]["events"].reverse()
    assert diff(BASE, after)["events"] == NO_CHANGE


def test_a_moved_and_edited_event_is_changed_once() -> None:
    after = copy.deepcopy(BASE)
    after["scene"]["events"].reverse()
    after["scene"]["events"][0]["hidden"] = True
    assert diff(BASE, after)["events"] == {"added": [], "removed": [], "changed": ["back"]}


def test_an_inserted_event_does_not_change_the_ones_after_it() -> None:
    after = copy.deepcopy(BASE)
    after["scene"]["events"].insert(0, go("sneak"))
    assert diff(BASE, after)["events"] == {"added": ["sneak"], "removed": [], "changed": []}


def test_a_renamed_event_is_removed_and_added() -> None:
    after = copy.deepcopy(BASE)
    after["scene"]["events"][0]["name"] = "open the door"
    assert diff(BASE, after)["events"] == {"added": ["open the door"], "removed": ["open door"], "changed": []}


def test_duplicate_names_compare_the_kth_events_of_each_name() -> None:
    before = world({}, [go("twin", target="a"), go("solo"), go("twin", target="b")], entrance=None)
    reordered = world({}, [go("solo"), go("twin", target="a"), go("twin", target="b")], entrance=None)
    edited = world({}, [go("twin", target="a"), go("solo"), go("twin", target="c")], entrance=None)
    fewer = world({}, [go("twin", target="a"), go("solo")], entrance=None)
    assert diff(before, reordered)["events"] == NO_CHANGE
    assert diff(before, edited)["events"]["changed"] == ["twin"]
    assert diff(before, edited, detail=True)["detail"]["events"] == {"twin": {"to": {"from": "b", "to": "c"}}}
    assert diff(before, fewer)["events"] == {"added": [], "removed": [], "changed": ["twin"]}


# --- entrance ---------------------------------------------------------------------------------


def test_entrance_is_reported_only_when_its_state_differs() -> None:
    moved = copy.deepcopy(BASE)
    moved["entrance"] = {"state": "yard"}
    assert diff(BASE, moved)["entrance"] == {"from": "hall", "to": "yard"}
    with_image = copy.deepcopy(BASE)
    with_image["entrance"]["image"] = {"src": "data:image/png;base64,AAAA"}
    assert "entrance" not in diff(BASE, with_image)


def test_a_missing_entrance_reads_as_none() -> None:
    without = copy.deepcopy(BASE)
    del without["entrance"]
    assert diff(BASE, without)["entrance"] == {"from": "hall", "to": None}
    assert diff(without, BASE)["entrance"] == {"from": None, "to": "hall"}


# --- detail -----------------------------------------------------------------------------------


def test_detail_lists_each_differing_top_level_field() -> None:
    before = world({"hall": {"base": "dark", "ambient": ["drip"], "narration": "hush"}}, [go("x", hotkey="x")])
    after = world({"hall": {"base": "lit", "ambient": ["drip"], "arriveLabel": "torch"}}, [go("x", hotkey=None)])
    result = diff(before, after, detail=True)
    assert result["detail"] == {
        "states": {
            "hall": {
                "arriveLabel": {"to": "torch"},
                "base": {"from": "dark", "to": "lit"},
                "narration": {"from": "hush"},
            }
        },
        "events": {"x": {"hotkey": {"from": "x", "to": None}}},
    }


def test_detail_covers_changed_items_only() -> None:
    after = world({"hall": HALL, "cellar": {"base": "c"}}, [go("open door")])
    result = diff(BASE, after, detail=True)
    assert result["detail"] == {"states": {}, "events": {}}
    assert "detail" not in diff(BASE, after)


def test_detail_values_are_copies() -> None:
    before = world({"hall": {"base": "b", "ambient": ["drip"]}}, [])
    after = world({"hall": {"base": "b", "ambient": ["drip", "wind"]}}, [])
    result = diff(before, after, detail=True)
    result["detail"]["states"]["hall"]["ambient"]["to"].append("mutated")
    assert after["scene"]["states"]["hall"]["ambient"] == ["drip", "wind"]


def test_a_state_that_is_not_an_object_has_no_fields_to_show() -> None:
    before = world({"hall": "not an object"}, [])
    after = world({"hall": {"base": "b"}}, [])
    result = diff(before, after, detail=True)
    assert result["states"]["changed"] == ["hall"]
    assert result["detail"]["states"] == {"hall": {"base": {"to": "b"}}}


# --- malformed worlds -------------------------------------------------------------------------


def test_malformed_parts_read_as_empty() -> None:
    broken: dict[str, Any]
    for broken in ({}, {"scene": None}, {"scene": {"states": [], "events": {}}}, {"scene": {"states": 3}}):
        result = diff(broken, BASE)
        assert result["states"]["added"] == ["hall", "yard"]
        assert result["events"]["added"] == ["back", "open door"]
        assert diff(broken, broken) == {"states": NO_CHANGE, "events": NO_CHANGE}


def test_events_without_a_usable_name_are_left_out() -> None:
    before = world({}, [go("ok"), {"kind": "override"}, "junk", {"name": ""}, {"name": 7}], entrance=None)
    after = world({}, [go("ok", hotkey="k"), {"kind": "terminal"}, 42], entrance=None)
    assert diff(before, after)["events"] == {"added": [], "removed": [], "changed": ["ok"]}


def test_inputs_are_not_mutated() -> None:
    before, after = copy.deepcopy(BASE), world({"hall": {"base": "x"}}, [go("z")], entrance="hall")
    snapshot = encode(before), encode(after)
    diff(before, after, detail=True)
    assert (encode(before), encode(after)) == snapshot


def test_copy_on_write_worlds_share_unchanged_objects() -> None:
    after = {**BASE, "scene": {**BASE["scene"], "states": {**BASE["scene"]["states"], "yard": {"base": "dry"}}}}
    assert diff(BASE, after) == {"states": {**NO_CHANGE, "changed": ["yard"]}, "events": NO_CHANGE}


# --- properties -------------------------------------------------------------------------------

ids = st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True)
names = st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=8)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
states_st = st.dictionaries(
    ids, st.fixed_dictionaries({"base": st.text(min_size=1, max_size=8)}, optional={"hudLine": json_values}), max_size=8
)


@st.composite
def worlds(draw: st.DrawFn, unique: bool = True) -> dict[str, Any]:
    states = draw(states_st)
    keys = sorted(states) or ["hall"]
    event_names = draw(st.lists(names, max_size=8, unique=unique))
    events: list[Any] = [
        {
            "name": name,
            "kind": "transition",
            "from": [draw(st.sampled_from(keys))],
            "to": draw(st.sampled_from(keys)),
            **draw(st.fixed_dictionaries({}, optional={"label": json_values})),
        }
        for name in event_names
    ]
    if not unique:  # malformed extras: events without a usable name
        events += draw(st.lists(st.sampled_from([{"kind": "override"}, "junk", {"name": ""}]), max_size=2))
    entrance = draw(st.none() | st.sampled_from(keys))
    return world(states, draw(st.permutations(events)), entrance=entrance)


def reference(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The diff's definition, computed the slow obvious way: group events by name."""

    def groups(doc: dict[str, Any]) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for event in doc["scene"]["events"]:
            if isinstance(event, dict) and isinstance(event.get("name"), str) and event["name"]:
                found.setdefault(event["name"], []).append(event)
        return found

    def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
        return {
            "added": sorted(set(new) - set(old)),
            "removed": sorted(set(old) - set(new)),
            "changed": sorted(
                key for key in set(old) & set(new) if any(x != y for x, y in zip_longest(old[key], new[key]))
            ),
        }

    def singletons(doc: dict[str, Any]) -> dict[str, list[Any]]:
        return {key: [value] for key, value in doc["scene"]["states"].items()}

    result: dict[str, Any] = {
        "states": compare(singletons(a), singletons(b)),
        "events": compare(groups(a), groups(b)),
    }
    missing = object()
    entrances = [doc.get("entrance", {}).get("state") for doc in (a, b)]
    if entrances[0] != entrances[1]:
        result["entrance"] = {"from": entrances[0], "to": entrances[1]}
    def field(doc: dict[str, Any], key: str) -> Any:
        value = doc.get(key, missing)
        return {k: v for k, v in value.items() if k != "state"} if key == "entrance" and isinstance(value, dict) \
            else value

    fields = sorted(k for k in (a.keys() | b.keys()) - {"scene"} if field(a, k) != field(b, k))
    if fields:
        result["world"] = {"changed": fields}
    return result


@settings(max_examples=100)
@given(worlds(unique=False))
def test_a_world_has_no_changes_against_itself_or_its_copy(w: dict[str, Any]) -> None:
    assert diff(w, w) == {"states": NO_CHANGE, "events": NO_CHANGE}
    assert diff(w, copy.deepcopy(w), detail=True) == {
        "states": NO_CHANGE,
        "events": NO_CHANGE,
        "detail": {"states": {}, "events": {}},
    }


@settings(max_examples=100)
@given(worlds(unique=False), worlds(unique=False))
def test_swapping_the_worlds_swaps_added_and_removed(a: dict[str, Any], b: dict[str, Any]) -> None:
    forward, backward = diff(a, b), diff(b, a)
    for part in ("states", "events"):
        assert forward[part]["added"] == backward[part]["removed"]
        assert forward[part]["removed"] == backward[part]["added"]
        assert forward[part]["changed"] == backward[part]["changed"]
    if "entrance" in forward:
        assert backward["entrance"] == {"from": forward["entrance"]["to"], "to": forward["entrance"]["from"]}
    else:
        assert "entrance" not in backward


@settings(max_examples=100)
@given(worlds(unique=False), worlds(unique=False))
def test_diff_matches_its_definition(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert diff(a, b) == reference(a, b)


@settings(max_examples=100)
@given(worlds(unique=False), st.data())
def test_diff_matches_its_definition_on_small_edits(a: dict[str, Any], data: st.DataObject) -> None:
    b = copy.deepcopy(a)
    events = b["scene"]["events"]
    for _ in range(data.draw(st.integers(0, 3))):
        if events:
            index = data.draw(st.integers(0, len(events) - 1))
            moved = events.pop(index)
            events.insert(data.draw(st.integers(0, len(events))), moved)
            if isinstance(moved, dict) and data.draw(st.booleans()):
                moved["hotkey"] = "q"
    assert diff(a, b) == reference(a, b)


@settings(max_examples=100)
@given(worlds(), st.data())
def test_diff_names_exactly_the_edited_ids(a: dict[str, Any], data: st.DataObject) -> None:
    b = copy.deepcopy(a)
    states, events = b["scene"]["states"], b["scene"]["events"]
    state_ids, event_names = sorted(states), sorted(event["name"] for event in events)

    def some(pool: list[str], size: int) -> set[str]:
        return data.draw(st.sets(st.sampled_from(pool), max_size=size)) if pool else set()

    edited_states, removed_states = some(state_ids, 3), some(state_ids, 2)
    removed_states -= edited_states
    added_states = data.draw(st.sets(ids, max_size=2)) - set(state_ids)
    edited_events, removed_events = some(event_names, 3), some(event_names, 2)
    removed_events -= edited_events
    added_events = data.draw(st.sets(names, max_size=2)) - set(event_names)
    for key in edited_states:
        states[key]["base"] += "!"
    for key in removed_states:
        del states[key]
    for key in added_states:
        states[key] = {"base": "new"}
    for event in events:
        if event["name"] in edited_events:
            event["x-edited"] = data.draw(json_values)
    events[:] = [event for event in events if event["name"] not in removed_events]
    events.extend(go(name) for name in sorted(added_events))
    if data.draw(st.booleans()):
        data.draw(st.randoms()).shuffle(events)
    result = diff(a, b)
    assert result["states"] == {
        "added": sorted(added_states),
        "removed": sorted(removed_states),
        "changed": sorted(edited_states),
    }
    assert result["events"] == {
        "added": sorted(added_events),
        "removed": sorted(removed_events),
        "changed": sorted(edited_events),
    }


def test_top_level_fields_are_named_under_world() -> None:
    a = {"scene": {"states": {}, "events": []}, "narrate": False, "story": {"logline": "x"}, "hud": 1}
    b = {"scene": {"states": {}, "events": []}, "narrate": True, "story": {"logline": "x"}, "music": 2}
    assert diff(a, b)["world"] == {"changed": ["hud", "music", "narrate"]}
    assert "world" not in diff(a, a)
    moved = {**a, "entrance": {"state": "x"}}
    assert "world" not in diff(moved, {**a, "entrance": {"state": "y"}})
    framed = {**a, "entrance": {"state": "x", "image": {"src": "f.png"}}}
    assert diff(moved, framed)["world"] == {"changed": ["entrance"]}
