"""Deep nesting: any depth, any shape, through any entry point → a value or "nested too deeply", never a
RecursionError."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld import kernel
from smworld.kernel import codec, play
from smworld.kernel.codec import MAX_DEPTH, check_depth, parse_json
from smworld.kernel.errors import DecodeError, OpsRequestError
from smworld.kernel.versions import empty, snapshot
from tests.kernel.gate_worlds import big_world


def nested(depth: int, kind: str = "[") -> Any:
    """An array (``[``) or object (``{``) nesting ``depth`` levels, built without recursion."""
    value: Any = 0
    for _ in range(depth):
        value = [value] if kind == "[" else {"k": value}
    return value


def text(depth: int, kind: str = "[") -> bytes:
    return (b"[" * depth + b"0" + b"]" * depth) if kind == "[" else (b'{"k":' * depth + b"0" + b"}" * depth)


def world(**state_extra: Any) -> dict[str, Any]:
    return {"scene": {"states": {"hall": {"base": "a long hall of grey stone", **state_extra}}, "events": []},
            "entrance": {"state": "hall"}}


def assert_too_deep(caught: pytest.ExceptionInfo[Exception] | Exception) -> None:
    message = str(caught.value if isinstance(caught, pytest.ExceptionInfo) else caught)
    assert "nested too deeply" in message and str(MAX_DEPTH) in message


def depth_of(value: Any) -> int:
    """The reference: arrays and objects nested, the outermost one being level 1."""
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    return 0


# --- the limit -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["[", "{"])
def test_the_limit_is_exactly_max_depth(kind: str) -> None:
    assert parse_json(text(MAX_DEPTH, kind)) == nested(MAX_DEPTH, kind)
    check_depth(nested(MAX_DEPTH, kind))
    with pytest.raises(DecodeError) as caught:
        parse_json(text(MAX_DEPTH + 1, kind))
    assert_too_deep(caught)
    with pytest.raises(DecodeError) as caught:
        check_depth(nested(MAX_DEPTH + 1, kind))
    assert_too_deep(caught)


@pytest.mark.parametrize("doc", [b"[" * 2000, b"[" * 2000 + b"]" * 2000, b'{"a":' * 1000, b'{"a":' * 5000 + b"1" +
                                 b"}" * 5000, b"[" * 100_000])
def test_thousands_of_levels_are_refused_as_nested_too_deeply(doc: bytes) -> None:
    for read in (parse_json, codec.decode, lambda d: codec.decode(d.decode())):
        with pytest.raises(DecodeError) as caught:
            read(doc)
        assert_too_deep(caught)


def test_the_error_names_where_the_nesting_is_and_stays_short() -> None:
    doc = world(extra=nested(200))
    with pytest.raises(DecodeError) as caught:
        codec.decode(msgspec.json.encode(doc))
    assert caught.value.path.startswith("scene.states.hall.extra[0]")
    assert len(str(caught.value)) < 200
    long_key = {"k" * 10_000: nested(100)}
    with pytest.raises(DecodeError) as caught:
        check_depth(long_key)
    assert len(str(caught.value)) < 200


def test_a_world_at_the_limit_decodes_and_one_level_more_does_not() -> None:
    # world → scene → states → hall → extra: the extra value starts at level 5
    assert codec.decode(world(extra=nested(MAX_DEPTH - 4)))["scene"]["states"]["hall"]["extra"] == \
        nested(MAX_DEPTH - 4)
    with pytest.raises(DecodeError) as caught:
        codec.decode(world(extra=nested(MAX_DEPTH - 3)))
    assert_too_deep(caught)


def test_brackets_and_escapes_inside_strings_are_text_not_nesting() -> None:
    tricky = ['[[[{{{', '"]]]}}}"', "\\", '\\"[', "{slot}", "a\\\\\"[b"]
    value = nested(MAX_DEPTH - 1)
    value[0] = tricky * 20  # one level more: at the limit exactly
    for doc in (msgspec.json.encode(value), json.dumps(value).encode(), json.dumps(value, indent=1).encode()):
        assert parse_json(doc) == value
    assert codec.decode(world(base={"template": "a {x}", "slots": {"x": {"fill": "]]"}}}))


# --- every entry point ---------------------------------------------------------------------------

DEEP = nested(3000)
DEEP_WORLD = world(extra=DEEP)
SMALL = world()

ENTRY_POINTS: dict[str, Callable[[], object]] = {
    "decode": lambda: codec.decode(DEEP_WORLD),
    "encode": lambda: codec.encode(DEEP_WORLD),
    "to_struct": lambda: codec.to_struct(DEEP_WORLD),
    "validate": lambda: kernel.validate(DEEP_WORLD),
    "lint": lambda: kernel.lint(DEEP_WORLD),
    "apply_ops world": lambda: kernel.apply_ops(DEEP_WORLD, [{"op": "set_narrate", "narrate": True}]),
    "apply_ops rename": lambda: kernel.apply_ops(DEEP_WORLD, [{"op": "rename_state", "from": "hall", "to": "h"}]),
    "diff": lambda: kernel.diff(SMALL, DEEP_WORLD, detail=True),
    "start": lambda: kernel.start(DEEP_WORLD),
    "ending": lambda: play.ending(world(ending={"kind": "win", "title": "Out", "x": DEEP}), kernel.Play("hall")),
    "snapshot": lambda: snapshot(empty(), DEEP_WORLD, version_id="v1", created_at="t"),
    "prove": lambda: kernel.prove(DEEP_WORLD),
    "verdict": lambda: kernel.verdict(DEEP_WORLD),
}


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_no_entry_point_lets_a_recursion_error_out(name: str) -> None:
    try:
        ENTRY_POINTS[name]()
    except DecodeError as exc:
        assert_too_deep(exc)


@pytest.mark.parametrize("op", [
    {"op": "update_state", "id": "hall", "patch": {"x": DEEP}},
    {"op": "add_state", "id": "yard", "base": "a yard", "x": nested(MAX_DEPTH)},
    {"op": "set_entrance", "state": "hall", "image": {"src": "s", "x": DEEP}},
])
def test_an_op_batch_nested_too_deeply_is_refused_before_anything_is_applied(op: dict[str, Any]) -> None:
    with pytest.raises(OpsRequestError) as caught:
        kernel.apply_ops(SMALL, [{"op": "set_narrate", "narrate": True}, op])
    assert_too_deep(caught)
    assert str(caught.value).startswith("ops[1]")


# --- properties ----------------------------------------------------------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(alphabet=st.sampled_from('ab"\\[]{}: ,\u00e9\u202e\n')))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(alphabet=st.sampled_from('k"\\[]{'), max_size=3),
                                                 inner, max_size=3)), max_leaves=30)
openers = st.lists(st.sampled_from(["[", '{"k":', "[0,", '{"a":1,"b":']), min_size=0, max_size=3000)


@settings(max_examples=200)
@given(json_values, st.integers(0, 12))
def test_the_depth_scan_agrees_with_a_walk(value: Any, limit: int) -> None:
    expected = depth_of(value) <= limit
    for doc in (msgspec.json.encode(value), json.dumps(value).encode(), json.dumps(value, indent=2).encode()):
        assert codec._depth_within(doc, limit) is expected


@settings(max_examples=150)
@given(openers, st.booleans())
def test_any_depth_and_any_shape_is_a_value_or_a_decode_error(steps: list[str], closed: bool) -> None:
    closers = "".join("]" if step.startswith("[") else "}" for step in reversed(steps))
    body = "".join(steps) + ("0" + closers if closed else "")
    depth = len(steps)
    for read in (parse_json, codec.decode):
        try:
            read(body)
        except DecodeError as exc:
            if closed and depth > MAX_DEPTH:
                assert_too_deep(exc)
        else:
            assert closed and depth <= MAX_DEPTH
    if closed and depth < 800:
        value = msgspec.json.decode(body)
        if depth > MAX_DEPTH:
            with pytest.raises(DecodeError) as caught:
                check_depth(value)
            assert_too_deep(caught)
        else:
            check_depth(value)


def test_the_strict_fit_that_skips_the_scan_refuses_an_unknown_key_at_any_level() -> None:
    clean = big_world(states=20, events=30)
    assert codec.world_fits(clean, strict=True)
    for place in (clean, clean["scene"], clean["scene"]["states"]["room_3"],
                  clean["scene"]["events"][7], clean["entrance"]):
        place["seedFrame"] = {"a": 1}
        assert codec.world_fits(clean) and not codec.world_fits(clean, strict=True)
        del place["seedFrame"]
    clean["missions"] = [{"id": "m", "title": "M", "objectives": [], "complete": {"any": nested(3)}}]
    assert codec.world_fits(clean) and not codec.world_fits(clean, strict=True)


@pytest.mark.parametrize("extra", [0, 1])
def test_a_text_with_many_escapes_is_scanned_the_same_way(extra: int) -> None:
    value = nested(MAX_DEPTH - 1 + extra)
    inner = value
    while isinstance(inner[0], list):
        inner = inner[0]
    inner[0] = ['a\\"[', "]\\\\", '"{', "\u00e9\n"] * 5_000  # over 10,000 backslashes once encoded
    doc = json.dumps(value).encode()
    assert doc.count(b"\\") > 10_000
    assert codec._depth_within(doc, MAX_DEPTH) is (extra == 0)
