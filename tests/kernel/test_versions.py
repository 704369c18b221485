"""The version tree: HEAD rules, branching, checkout, delete, storage sharing, persistence, rows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld.kernel.codec import encode
from smworld.kernel.errors import DecodeError, VersionError
from smworld.kernel.versions import (
    Delta,
    Full,
    Manifest,
    VersionTree,
    build_world,
    checkout,
    delete,
    diff_versions,
    empty,
    get,
    manifest_from_json,
    manifest_of,
    manifest_to_json,
    objects_of,
    referenced,
    rename,
    resolve,
    snapshot,
    stage,
    tree_from_json,
    tree_to_json,
    version_of,
    versions,
)


def make_world(n_states: int, n_events: int) -> dict[str, Any]:
    """A world with prose of realistic length and a few unknown keys."""
    ids = [f"s{i:04d}" for i in range(n_states)]
    states = {
        sid: {
            "base": f"a damp stone cellar, room {sid}, lit by one guttering candle on a barrel",
            "camera": {"static": "wide shot at eye level", "dynamic": "slow push toward the door"},
            "ambient": ["water dripping somewhere", "a draught moving the flame"],
            "hudLine": f"Cellar {i}",
        }
        for i, sid in enumerate(ids)
    }
    events = [
        {
            "name": f"take passage {j}",
            "kind": "transition",
            "from": [ids[j % n_states]],
            "to": ids[(j * 7 + 1) % n_states],
            "base": "the player ducks under a low arch",
            "hotkey": None,
            "requires": ["lantern"] if j % 3 == 0 else [],
        }
        for j in range(n_events)
    ]
    return {
        "schemaVersion": "1.0",
        "name": "Cellars",
        "entrance": {"state": ids[0]},
        "scene": {"states": states, "events": events},
        "seedFrame": {"src": "frame.png"},
    }


def with_state(world: dict[str, Any], state_id: str, value: Any) -> dict[str, Any]:
    """A copy-on-write edit: a new world sharing every other state and event with ``world``."""
    scene = world["scene"]
    return {**world, "scene": {**scene, "states": {**scene["states"], state_id: value}}}


def with_events(world: dict[str, Any], events: list[Any]) -> dict[str, Any]:
    return {**world, "scene": {**world["scene"], "events": events}}


SMALL = make_world(3, 4)


def chain_of(tree: VersionTree, version_id: str) -> list[Manifest]:
    chain = [manifest_of(tree, version_id)]
    while (base := chain[-1].base) is not None:
        chain.append(manifest_of(tree, base))
    return chain


def build(*worlds: dict[str, Any]) -> VersionTree:
    """A linear history v0 → v1 → … of the given worlds."""
    tree = empty()
    for index, world in enumerate(worlds):
        tree, _ = snapshot(tree, world, version_id=f"v{index}", created_at=f"t{index}")
    return tree


# --- HEAD, parents, branching -----------------------------------------------------------------


def test_an_empty_tree_has_no_versions_and_no_head() -> None:
    tree = empty()
    assert versions(tree) == [] and tree.head is None


def test_the_first_snapshot_becomes_head() -> None:
    tree, version = snapshot(empty(), SMALL, version_id="v0", created_at="t0", title="start")
    assert tree.head == "v0"
    assert msgspec.to_builtins(version) == {
        "id": "v0",
        "parentVersionId": None,
        "source": "snapshot",
        "title": "start",
        "created_at": "t0",
    }


def test_a_snapshot_onto_head_advances_head() -> None:
    tree = build(SMALL, with_state(SMALL, "s0001", {"base": "x"}))
    assert tree.head == "v1" and version_of(tree, "v1").parentVersionId == "v0"
    tree, version = snapshot(tree, SMALL, version_id="v2", created_at="t", parent="v1", source="agent")
    assert tree.head == "v2" and version.source == "agent"


def test_a_snapshot_off_an_older_version_branches_without_moving_head() -> None:
    tree = build(SMALL, with_state(SMALL, "s0001", {"base": "x"}))
    branch = with_state(SMALL, "s0002", {"base": "branch"})
    tree, version = snapshot(tree, branch, version_id="b1", created_at="t", parent="v0")
    assert tree.head == "v1" and version.parentVersionId == "v0"
    assert get(tree, "b1") == branch


def test_versions_are_listed_oldest_first() -> None:
    tree = build(SMALL, SMALL, SMALL)
    tree, _ = snapshot(tree, SMALL, version_id="a", created_at="t", parent="v0")
    assert [version.id for version in versions(tree)] == ["v0", "v1", "v2", "a"]


def test_unknown_parent_is_404_and_duplicate_id_is_409() -> None:
    tree = build(SMALL)
    with pytest.raises(VersionError) as missing:
        snapshot(tree, SMALL, version_id="v1", created_at="t", parent="nope")
    assert missing.value.status == 404
    with pytest.raises(VersionError) as duplicate:
        snapshot(tree, SMALL, version_id="v0", created_at="t")
    assert duplicate.value.status == 409


@pytest.mark.parametrize(
    "arguments",
    [
        {"version_id": "", "created_at": "t"},
        {"version_id": 3, "created_at": "t"},
        {"version_id": "v", "created_at": None},
        {"version_id": "v", "created_at": "t", "title": 5},
        {"version_id": "v", "created_at": "t", "source": ""},
    ],
)
def test_malformed_arguments_are_400(arguments: dict[str, Any]) -> None:
    with pytest.raises(VersionError) as refused:
        snapshot(empty(), SMALL, **arguments)
    assert refused.value.status == 400


def test_a_world_that_is_not_json_is_refused_with_its_path() -> None:
    broken = with_state(SMALL, "s0001", {"base": object()})
    with pytest.raises(DecodeError) as refused:
        snapshot(empty(), broken, version_id="v0", created_at="t")
    assert refused.value.path == "states.s0001"
    with pytest.raises(DecodeError):
        snapshot(empty(), [], version_id="v0", created_at="t")  # type: ignore[arg-type]


# --- reading, checkout, rename ------------------------------------------------------------------


def test_get_returns_the_snapshotted_world_exactly() -> None:
    world = copy.deepcopy(SMALL)
    world["scene"]["layers"] = ["fog"]
    world["scene"]["events"][0]["voicePart"] = {"line": "mind your head"}
    tree = build(world)
    assert encode(get(tree, "v0")) == encode(world)


def test_checkout_moves_head_and_returns_the_world() -> None:
    edited = with_state(SMALL, "s0000", {"base": "flooded"})
    tree = build(SMALL, edited)
    moved, world = checkout(tree, "v0")
    assert moved.head == "v0" and world == SMALL
    assert tree.head == "v1"  # the input tree is unchanged


def test_after_checkout_a_snapshot_branches_from_the_checked_out_version() -> None:
    tree, world = checkout(build(SMALL, with_state(SMALL, "s0000", {"base": "flooded"})), "v0")
    tree, version = snapshot(tree, with_state(world, "s0001", {"base": "dry"}), version_id="v2", created_at="t")
    assert version.parentVersionId == "v0" and tree.head == "v2"


def test_rename_sets_and_clears_a_title() -> None:
    tree = build(SMALL, SMALL)
    titled = rename(tree, "v0", "first draft")
    assert version_of(titled, "v0").title == "first draft"
    assert version_of(titled, "v1") == version_of(tree, "v1")
    assert version_of(rename(titled, "v0", None), "v0").title is None


@pytest.mark.parametrize(
    "call",
    [
        lambda tree: get(tree, "nope"),
        lambda tree: checkout(tree, "nope"),
        lambda tree: rename(tree, "nope", "t"),
        lambda tree: delete(tree, "nope"),
        lambda tree: diff_versions(tree, "v0", "nope"),
        lambda tree: version_of(tree, "nope"),
        lambda tree: manifest_of(tree, "nope"),
    ],
)
def test_unknown_versions_are_404(call: Callable[[VersionTree], object]) -> None:
    with pytest.raises(VersionError) as missing:
        call(build(SMALL))
    assert missing.value.status == 404


# --- delete -------------------------------------------------------------------------------------


def test_deleting_head_is_409() -> None:
    with pytest.raises(VersionError) as refused:
        delete(build(SMALL, SMALL), "v1")
    assert refused.value.status == 409


def test_delete_reparents_children_and_keeps_their_snapshots() -> None:
    w1 = with_state(SMALL, "s0001", {"base": "only in v1"})
    w2 = with_state(w1, "s0002", {"base": "v2"})
    w3 = with_state(w1, "s0000", {"base": "v3"})
    tree = build(SMALL, w1, w2)
    tree, _ = snapshot(tree, w3, version_id="v3", created_at="t", parent="v1")
    pruned = delete(tree, "v1")
    assert [(v.id, v.parentVersionId) for v in versions(pruned)] == [("v0", None), ("v2", "v0"), ("v3", "v0")]
    assert get(pruned, "v2") == w2 and get(pruned, "v3") == w3 and pruned.head == "v2"
    assert all(manifest_of(pruned, vid).base in (None, "v0") for vid in ("v2", "v3"))


def test_delete_drops_objects_no_version_uses() -> None:
    tree = build(SMALL, with_state(SMALL, "s0001", {"base": "fleeting"}), SMALL)
    assert len(tree.objects) == len(build(SMALL).objects) + 1
    pruned = delete(tree, "v1")
    assert set(pruned.objects) == set(build(SMALL).objects)
    assert set(pruned.identities.values()) == set(pruned.objects)


def test_deleting_a_root_turns_its_children_into_roots() -> None:
    tree = build(SMALL, with_state(SMALL, "s0001", {"base": "x"}))
    tree, _ = snapshot(tree, with_state(SMALL, "s0002", {"base": "y"}), version_id="b", created_at="t", parent="v0")
    pruned = delete(tree, "v0")
    assert [(v.id, v.parentVersionId) for v in versions(pruned)] == [("v1", None), ("b", None)]
    assert isinstance(manifest_of(pruned, "v1"), Full) and isinstance(manifest_of(pruned, "b"), Full)
    assert get(pruned, "b") == with_state(SMALL, "s0002", {"base": "y"})


# --- diff between versions ----------------------------------------------------------------------


def test_diff_versions_names_both_versions_and_the_changes() -> None:
    after = with_state(SMALL, "s0001", {"base": "lit"})
    after = with_events(after, [*after["scene"]["events"][1:], {"name": "new", "kind": "override", "from": ["s0000"]}])
    after = {**after, "entrance": {"state": "s0002"}}
    tree = build(SMALL, after)
    assert diff_versions(tree, "v0", "v1") == {
        "a": "v0",
        "b": "v1",
        "states": {"added": [], "removed": [], "changed": ["s0001"]},
        "events": {"added": ["new"], "removed": ["take passage 0"], "changed": []},
        "entrance": {"from": "s0000", "to": "s0002"},
    }
    detail = diff_versions(tree, "v0", "v1", detail=True)["detail"]
    assert set(detail["states"]["s0001"]) == {"base", "camera", "ambient", "hudLine"}


# --- storage ------------------------------------------------------------------------------------


def test_a_one_state_edit_is_stored_as_a_one_entry_delta() -> None:
    tree = build(SMALL, with_state(SMALL, "s0001", {"base": "x"}))
    manifest = manifest_of(tree, "v1")
    assert isinstance(manifest, Delta)
    assert manifest.base == "v0" and manifest.frame is None and manifest.events is None
    assert list(manifest.states) == ["s0001"] and manifest.order is None


def test_an_inserted_event_is_stored_as_one_splice() -> None:
    events = SMALL["scene"]["events"]
    inserted = with_events(SMALL, [events[0], {"name": "n", "kind": "override", "from": ["s0000"]}, *events[1:]])
    delta = manifest_of(build(SMALL, inserted), "v1")
    assert isinstance(delta, Delta) and delta.events is not None and not delta.states
    assert (delta.events.start, delta.events.stop, len(delta.events.items)) == (1, 1, 1)


def test_a_state_rekeyed_in_place_records_removal_and_order() -> None:
    states = SMALL["scene"]["states"]
    rekeyed = {"s0000": states["s0000"], "moved": states["s0001"], "s0002": states["s0002"]}
    renamed = {**SMALL, "name": "Renamed", "scene": {**SMALL["scene"], "states": rekeyed}}
    tree = build(SMALL, renamed)
    delta = manifest_of(tree, "v1")
    original = resolve(chain_of(tree, "v0")).contents.states
    assert isinstance(delta, Delta) and original is not None
    assert delta.frame is not None  # the world's name changed
    assert delta.states == {"moved": original["s0001"], "s0001": None}
    assert delta.order == ["s0000", "moved", "s0002"]
    assert encode(get(tree, "v1")) == encode(renamed)


def test_a_full_manifest_is_written_once_deltas_outgrow_one() -> None:
    world, worlds = SMALL, [SMALL]
    for step in range(30):
        world = with_state(world, f"s000{step % 3}", {"base": f"step {step}"})
        worlds.append(world)
    tree = build(*worlds)
    full_size = 1 + 3 + 4
    kinds = [type(manifest_of(tree, v.id)) for v in versions(tree)]
    assert kinds.count(Full) >= 1 + 30 // full_size
    for version, expected in zip(versions(tree), worlds, strict=True):
        assert get(tree, version.id) == expected
        assert resolve(chain_of(tree, version.id)).cost <= full_size


def test_snapshots_of_worlds_read_from_the_tree_share_their_objects() -> None:
    tree = build(SMALL)
    _, world = checkout(tree, "v0")
    tree, _ = snapshot(tree, with_state(world, "s0001", {"base": "x"}), version_id="v1", created_at="t")
    before, after = get(tree, "v0")["scene"], get(tree, "v1")["scene"]
    assert after["states"]["s0000"] is before["states"]["s0000"]
    assert all(x is y for x, y in zip(after["events"], before["events"], strict=True))


def test_a_thousand_one_state_snapshots_store_one_world_plus_the_edited_states() -> None:
    first = make_world(1000, 2000)
    tree, _ = snapshot(empty(), first, version_id="v0", created_at="t0")
    world = first
    for step in range(1, 1000):
        state_id = f"s{step:04d}"
        world = with_state(world, state_id, {**world["scene"]["states"][state_id], "base": f"edit {step}"})
        tree, _ = snapshot(tree, world, version_id=f"v{step}", created_at=f"t{step}")
    assert len(tree.objects) == 1 + 1000 + 2000 + 999  # frame, states, events, one new state per version
    world_bytes = len(encode(first))
    stored_bytes = len(tree_to_json(tree))
    assert stored_bytes < 3 * world_bytes
    assert get(tree, "v999") == world and get(tree, "v0") == first
    assert get(tree, "v500")["scene"]["states"]["s0500"]["base"] == "edit 500"


# --- persistence --------------------------------------------------------------------------------


def branching_tree() -> VersionTree:
    tree = build(SMALL, with_state(SMALL, "s0001", {"base": "x"}), with_state(SMALL, "s0002", {"base": "y"}))
    tree, _ = snapshot(tree, {"name": "no scene"}, version_id="odd", created_at="t", parent="v0", title="odd")
    return rename(tree, "v1", "named")


def test_tree_json_round_trips_and_is_deterministic() -> None:
    tree = branching_tree()
    data = tree_to_json(tree)
    loaded = tree_from_json(data)
    assert loaded == tree and tree_to_json(loaded) == data == tree_to_json(branching_tree())
    assert get(loaded, "odd") == {"name": "no scene"}
    grown, _ = snapshot(loaded, get(loaded, "v2"), version_id="v3", created_at="t")
    assert grown.objects == loaded.objects
    assert manifest_of(grown, "v3") == Delta(base="v2")


def corrupt(mutate: Callable[[dict[str, Any]], None]) -> bytes:
    document = msgspec.json.decode(tree_to_json(branching_tree()))
    mutate(document)
    return msgspec.json.encode(document)


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.update(head="ghost"), "head"),
        (lambda d: d["versions"][1]["version"].update(parentVersionId="v2"), "versions[1].version.parentVersionId"),
        (lambda d: d["versions"][2]["version"].update(id="v1"), "versions[2].version.id"),
        (lambda d: d["versions"][1]["manifest"].update(base="odd"), "versions[1].manifest.base"),
        (lambda d: d["versions"][0].update(manifest=d["versions"][1]["manifest"]), "versions[0].manifest.base"),
        (lambda d: d["objects"].update({"0" * 64: 1}), "objects." + "0" * 64),
    ],
)
def test_an_inconsistent_tree_document_is_refused_with_its_path(
    mutate: Callable[[dict[str, Any]], None], path: str
) -> None:
    with pytest.raises(DecodeError) as refused:
        tree_from_json(corrupt(mutate))
    assert refused.value.path == path


def test_tampered_or_missing_objects_are_refused() -> None:
    def tamper(document: dict[str, Any]) -> None:
        key = next(iter(document["objects"]))
        document["objects"][key] = {"base": "tampered"}

    def drop(document: dict[str, Any]) -> None:
        document["objects"].pop(next(iter(document["objects"])))

    for mutate in (tamper, drop):
        with pytest.raises(DecodeError) as refused:
            tree_from_json(corrupt(mutate))
        assert refused.value.path.startswith("objects.")
    with pytest.raises(DecodeError):
        tree_from_json(b'{"format": "other"}')


# --- rows: what a store keeps -------------------------------------------------------------------


def test_rows_of_manifests_and_objects_rebuild_every_version() -> None:
    tree = branching_tree()
    rows = {v.id: manifest_to_json(manifest_of(tree, v.id)) for v in versions(tree)}
    bodies: dict[str, bytes] = {}
    for version in versions(tree):
        bodies.update(objects_of(tree, version.id))
    assert set(bodies) == set(tree.objects)
    for version in versions(tree):
        chain = [manifest_from_json(rows[version.id])]
        while (base := chain[-1].base) is not None:
            chain.append(manifest_from_json(rows[base]))
        contents = resolve(chain).contents
        objects = {hashed: msgspec.json.decode(bodies[hashed]) for hashed in referenced(contents)}
        assert build_world(contents, objects) == get(tree, version.id)


def test_stage_writes_what_the_tree_would_store() -> None:
    edited = with_state(SMALL, "s0001", {"base": "x"})
    tree = build(SMALL, edited)
    manifest, bodies = stage(edited, "v0", resolve(chain_of(tree, "v0")))
    assert manifest == manifest_of(tree, "v1") and bodies == objects_of(tree, "v1")
    root, root_bodies = stage(SMALL)
    assert isinstance(root, Full) and set(root_bodies) == referenced(root)


def test_corrupt_manifests_and_chains_are_refused() -> None:
    with pytest.raises(DecodeError):
        manifest_from_json(b'{"type": "mystery"}')
    delta = manifest_of(build(SMALL, SMALL), "v1")
    for chain in ([], [delta]):
        with pytest.raises(VersionError) as refused:
            resolve(chain)
        assert refused.value.status == 500
    with pytest.raises(VersionError):
        build_world(Full(frame="f" * 64), {})


# --- properties ---------------------------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | st.integers(-3, 3) | finite | st.text(max_size=4)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=5,
)
ids = st.from_regex(r"[a-z][a-z0-9_]{0,4}", fullmatch=True)
extras = st.dictionaries(st.from_regex(r"x[A-Z][a-z]{0,3}", fullmatch=True), json_values, max_size=2)
state_values = st.builds(lambda base, more: {"base": base, **more}, st.text(min_size=1, max_size=6), extras)
event_values = st.builds(
    lambda name, more: {"name": name, "kind": "override", "from": ["a"], **more},
    st.text(min_size=1, max_size=4),
    extras,
)
scenes = st.one_of(
    st.builds(
        lambda states, events, more: {"states": states, "events": events, **more},
        st.dictionaries(ids, state_values, max_size=5),
        st.lists(event_values, max_size=5),
        extras,
    ),
    st.fixed_dictionaries({}, optional={"states": json_values, "events": json_values}),
    json_values,
)
worlds = st.builds(
    lambda scene, more, has_scene: {**more, "scene": scene} if has_scene else more, scenes, extras, st.booleans()
)


@settings(max_examples=100)
@given(worlds)
def test_snapshot_then_get_returns_the_world_exactly(world: dict[str, Any]) -> None:
    tree, _ = snapshot(empty(), world, version_id="v", created_at="t")
    assert get(tree, "v") == world
    assert tree_from_json(tree_to_json(tree)) == tree


@st.composite
def edits(draw: st.DrawFn, world: dict[str, Any]) -> dict[str, Any]:
    """A few random edits of ``world``: copy-on-write, so untouched objects stay shared."""
    scene = world.get("scene")
    if not isinstance(scene, dict) or not isinstance(scene.get("states"), dict):
        return {**world, "xEdited": draw(json_values)}
    if not isinstance(scene.get("events"), list):
        return {**world, "xEdited": draw(json_values)}
    states, events = dict(scene["states"]), list(scene["events"])
    for _ in range(draw(st.integers(0, 3))):
        choice = draw(st.sampled_from(["set state", "drop state", "add event", "drop event", "frame"]))
        if choice == "set state":
            states[draw(ids)] = draw(state_values)
        elif choice == "drop state" and states:
            del states[draw(st.sampled_from(sorted(states)))]
        elif choice == "add event":
            events.insert(draw(st.integers(0, len(events))), draw(event_values))
        elif choice == "drop event" and events:
            del events[draw(st.integers(0, len(events) - 1))]
        elif choice == "frame":
            world = {**world, "xFrame": draw(json_values)}
    return {**world, "scene": {**scene, "states": states, "events": events}}


@settings(max_examples=60)
@given(st.data())
def test_random_histories_keep_every_version_exact(data: st.DataObject) -> None:
    base = data.draw(worlds)
    tree, _ = snapshot(empty(), base, version_id="v0", created_at="t")
    expected: dict[str, dict[str, Any]] = {"v0": copy.deepcopy(base)}
    for step in range(1, data.draw(st.integers(1, 8))):
        alive = [v.id for v in versions(tree)]
        action = data.draw(st.sampled_from(["snapshot", "branch", "delete", "checkout", "rename"]))
        if action in ("snapshot", "branch"):
            parent = data.draw(st.sampled_from(alive)) if action == "branch" else None
            world = data.draw(edits(get(tree, parent or tree.head or "v0")))
            head = tree.head
            tree, version = snapshot(tree, world, version_id=f"v{step}", created_at="t", parent=parent)
            expected[version.id] = copy.deepcopy(world)
            assert version.parentVersionId == (parent or head)
            assert tree.head == (version.id if version.parentVersionId == head else head)
        elif action == "delete" and len(alive) > 1:
            victim = data.draw(st.sampled_from([vid for vid in alive if vid != tree.head]))
            grandparent = version_of(tree, victim).parentVersionId
            children = [v.id for v in versions(tree) if v.parentVersionId == victim]
            tree = delete(tree, victim)
            del expected[victim]
            assert all(version_of(tree, child).parentVersionId == grandparent for child in children)
        elif action == "checkout":
            tree, _ = checkout(tree, data.draw(st.sampled_from(alive)))
        elif action == "rename":
            tree = rename(tree, data.draw(st.sampled_from(alive)), data.draw(st.none() | st.text(max_size=3)))
    assert [v.id for v in versions(tree)] == list(expected)
    assert tree.head in expected
    for version_id, world in expected.items():
        assert get(tree, version_id) == world
    assert set(tree.objects) == frozenset().union(*(referenced(manifest_of(tree, v)) for v in expected))
    assert tree_from_json(tree_to_json(tree)) == tree
