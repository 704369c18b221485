"""Decode/encode of worlds: paths in errors, unknown keys, schema versions."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smworld.kernel import codec
from smworld.kernel.errors import DecodeError, UnsupportedSchemaVersion


def world(**extra: Any) -> dict[str, Any]:
    return {
        "scene": {
            "states": {"hall": {"base": "a long hall of grey stone", "camera": {"static": "wide"}}},
            "events": [{"name": "wait", "kind": "override", "from": ["hall"]}],
        },
        "entrance": {"state": "hall"},
        **extra,
    }


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ('{"scene": {"states": {}, "events": [{"name": "x", "kind": "transition", "from": "a"}]}}',
         "scene.events[0].from: expected array, got string"),
        ('{"scene": {"states": {"hall": {}}, "events": []}}',
         "scene.states.hall: missing required field `base`"),
        ('{"scene": {"states": {"hall": {"base": 3}}, "events": []}}',
         "scene.states.hall.base: expected string or object, got integer"),
        ('{"scene": {"states": {}}}', "scene: missing required field `events`"),
        ('{"scene": {"states": {"a": {"base": "x", "ending": {"kind": "draw", "title": "t"}}}, "events": []}}',
         "scene.states.a.ending.kind: unknown value 'draw'"),
        ("[]", "expected a JSON object, got array"),
        ("{", "malformed JSON"),
    ],
)
def test_decode_errors_name_the_path(doc: str, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        codec.decode(doc)
    assert str(caught.value).startswith(message)


def test_decode_accepts_bytes_str_and_mapping_without_sharing_the_input() -> None:
    source = world()
    encoded = msgspec.json.encode(source)
    assert codec.decode(encoded) == source
    assert codec.decode(encoded.decode()) == source
    decoded = codec.decode(source)
    assert decoded == source
    decoded["scene"]["states"]["hall"]["base"] = "changed"
    assert source["scene"]["states"]["hall"]["base"] == "a long hall of grey stone"


def test_unknown_keys_survive_at_every_level() -> None:
    source = world(seedFrame="f.png", music={"track": 2})
    source["scene"]["states"]["hall"]["hudLine"] = "HP 3"
    source["scene"]["states"]["hall"]["camera"]["lens"] = "35mm"
    source["scene"]["events"][0]["voicePart"] = {"id": 7}
    source["scene"]["extraScene"] = True
    assert codec.decode(codec.encode(codec.decode(source))) == source


@pytest.mark.parametrize("version", [None, "1", "1.0", "1.3", "1.x"])
def test_version_one_is_read(version: str | None) -> None:
    doc = world() if version is None else world(schemaVersion=version)
    assert codec.decode(doc)["scene"]
    assert codec.schema_version_status(doc).status == "ok"


@pytest.mark.parametrize("version", ["2.0", "0.9", "3"])
def test_other_majors_are_refused(version: str) -> None:
    with pytest.raises(UnsupportedSchemaVersion, match="not supported"):
        codec.decode(world(schemaVersion=version))


def test_nonstandard_version_string_is_read_as_one() -> None:
    doc = world(schemaVersion="still-demo-1")
    assert codec.decode(doc) == doc
    assert codec.schema_version_status(doc).status == "nonstandard"


def test_schema_problems_lists_every_problem() -> None:
    doc = world()
    doc["scene"]["states"]["hall"]["base"] = 1
    doc["scene"]["states"]["hall"]["camera"]["static"] = 2
    doc["scene"]["events"][0]["kind"] = "jump"
    paths = [path for path, _ in codec.schema_problems(doc)]
    assert paths == ["scene.states.hall.base", "scene.states.hall.camera.static", "scene.events[0].kind"]


def test_to_struct_gives_typed_access() -> None:
    typed = codec.to_struct(world())
    assert typed.scene.states["hall"].base == "a long hall of grey stone"
    assert typed.scene.events[0].from_ == ["hall"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
extra_keys = st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k not in {
    "scene", "id", "name", "description", "cover", "entrance", "narrate", "introVideo", "introStatic",
    "outro", "story", "cutscenes", "sequences", "missions", "subject", "styleTail", "schemaVersion",
}), json_values, max_size=4)
state_extras = st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k not in {
    "base", "camera", "movement", "ambient", "ending", "variants", "narration", "autopilot", "arriveLabel",
}), json_values, max_size=4)


@given(extra_keys, state_extras)
def test_decode_encode_is_identity_including_unknown_keys(top: dict[str, Any], state: dict[str, Any]) -> None:
    doc = world(**top)
    doc["scene"]["states"]["hall"].update(state)
    before = copy.deepcopy(doc)
    assert codec.decode(codec.encode(doc)) == doc
    assert codec.parse_json(codec.encode(codec.decode(doc))) == doc
    assert doc == before


def test_every_problem_inside_optional_lists_is_reported() -> None:
    doc = world()
    doc["scene"]["states"]["hall"]["ambient"] = ["rain", 3, "wind", 4]
    doc["scene"]["events"][0]["phases"] = [{"base": ""}, {"base": "x", "minMs": "slow"}]
    assert [path for path, _ in codec.schema_problems(doc)] == [
        "scene.states.hall.ambient[1]",
        "scene.states.hall.ambient[3]",
        "scene.events[0].phases[0].base",
        "scene.events[0].phases[1].minMs",
    ]
