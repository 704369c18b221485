"""Errors stay small: a refused batch lists its first problems and counts the rest, and no message quotes
more than a clipped piece of what the user sent, however large the input."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smworld import kernel
from smworld.kernel import codec
from smworld.kernel.errors import DecodeError, OpsRequestError
from smworld.kernel.ops import OPS
from smworld.kernel.ops.arguments import REPORTED_PROBLEMS
from smworld.kernel.text import SHOWN_CHARS, shown

LONGEST_MESSAGE = 700
"""Every message is a sentence or two: fixed text plus at most a few clipped quotes of user values."""


def refusal(ops: object) -> OpsRequestError:
    with pytest.raises(OpsRequestError) as refused:
        kernel.apply_ops({"scene": {"states": {}, "events": []}}, ops)
    return refused.value


def body(error: OpsRequestError) -> bytes:
    """What the API sends for it: ``{detail, errors}``."""
    return msgspec.json.encode({"detail": str(error), "errors": error.errors})


def test_ten_thousand_unknown_ops_say_the_vocabulary_once_and_count_the_rest() -> None:
    error = refusal([{"op": "nope"}] * 10_000)
    assert len(body(error)) < 2_000
    assert error.errors[:2] == ["ops[0] (nope): unknown op", "ops[1] (nope): unknown op"]
    assert len(error.errors) == REPORTED_PROBLEMS + 1
    assert error.errors[-1] == "… and 9,980 more problems"
    message = str(error)
    assert message.startswith("ops[0] (nope): unknown op, and 9,999 more problems (the first 20 listed in errors); "
                              "supported: add_cutscene, ")
    assert message.count("add_cutscene") == 1 and not any("add_cutscene" in e for e in error.errors)
    assert all(name in message for name in OPS)


def test_a_huge_op_name_is_clipped_and_gets_no_suggestion() -> None:
    error = refusal([{"op": "set_event_hotkey" + "x" * 1_000_000}])
    assert len(body(error)) < 2_000
    assert "…" in error.errors[0] and "Did you mean" not in str(error)


bad_ops = st.one_of(
    st.builds(lambda n: {"op": "x" * n}, st.integers(0, 5_000)),
    st.just({"no": "op"}),
    st.sampled_from([None, 3, "add_state", [], {"op": None}, {"op": 7}, {"op": "set_hotkey"}]),
)
good_op = {"op": "set_narrate", "narrate": True}


@settings(max_examples=60)
@given(st.lists(st.one_of(bad_ops, st.just(good_op)), min_size=1, max_size=3_000).filter(
    lambda ops: any(op is not good_op for op in ops)))
def test_a_refused_batch_costs_a_bounded_body_whatever_its_size(ops: list[Any]) -> None:
    error = refusal(ops)
    assert len(error.errors) <= REPORTED_PROBLEMS + 1
    assert len(body(error)) <= 1_000 + 200 * len(error.errors)


# --- every message clips what it quotes -----------------------------------------------------------

long_text = st.text(alphabet=st.sampled_from("ab \u202e\x00é"), min_size=SHOWN_CHARS + 1, max_size=5_000) | \
    st.just("\x00" * 5_000)


def base_world() -> dict[str, Any]:
    return {
        "scene": {
            "states": {"hall": {"base": "a stone hall", "variants": [{"label": "a", "base": "x"}],
                                "camera": {"static": {"template": "a {m} arch", "slots": {"m": {"fill": "oak"}}}}},
                       "yard": {"base": "a wet yard", "ending": {"kind": "win", "title": "Out"}}},
            "events": [{"name": "go", "kind": "transition", "from": ["hall"], "to": "yard"}],
        },
        "entrance": {"state": "hall"},
    }


def op_cases(text: str) -> list[dict[str, Any]]:
    return [
        {"op": "update_state", "id": text, "patch": {"base": "x"}},
        {"op": "add_state", "id": "hall", "base": "x", "label": text} | {"id": "hall"},
        {"op": "add_state", "id": text, "base": "x"},
        {"op": "set_event_hotkey", "event": text, "hotkey": "k"},
        {"op": "set_event_hotkey", "event": "go", text: "k"},
        {"op": "remove_variant", "state": "hall", "label": text},
        {"op": "set_variant_field", "state": "hall", "label": text, "field": "base", "value": "y"},
        {"op": "set_slot_fill", "state": "hall", "field": "camera.static", "slot": text, "fill": "y"},
        {"op": "set_slot_fill", "state": "hall", "field": text, "slot": "m", "fill": "y"},
        {"op": "set_field", "state": "hall", "field": text, "value": "y"},
        {"op": "set_state_ending", "state": "hall", "kind": text, "title": "t"},
        {"op": "add_event", "kind": "transition", "from": [text], "to": "yard"},
        {"op": "add_event", "kind": "transition", "from": ["hall"], "to": text},
        {"op": "add_event", "name": "go", "kind": "override", "from": ["hall"]},
        {"op": "update_event", "name": "go", "patch": {"kind": text}},
        {"op": "rename_state", "from": "hall", "to": "yard"},
        {"op": "add_cutscene", "id": "yard", "video": "v", "from": "hall", "to": "yard"},
        {"op": "add_mission", "id": text, "title": "t", "objectives": [{"id": text, "text": "t", "base": "b"}]},
        {"op": "set_entrance", "state": text},
    ]


@settings(max_examples=40)
@given(long_text)
def test_apply_errors_quote_at_most_a_clipped_piece_of_any_value(text: str) -> None:
    result = kernel.apply_ops(base_world(), op_cases(text))
    assert result.applyErrors
    for error in result.applyErrors:
        assert len(error.message) <= LONGEST_MESSAGE, error
        assert "\u202e" not in error.message and "\x00" not in error.message


def broken_world(text: str) -> dict[str, Any]:
    world = base_world()
    states, events = world["scene"]["states"], world["scene"]["events"]
    states[text] = {"base": f"a room that is {text}", "ending": {"kind": text, "title": "t"}}
    events += [
        {"name": "a", "kind": "transition", "from": [text, "nowhere" + text], "to": text + "x", "hotkey": text,
         "requires": [text], "anchor": {"label": text}, "landWhen": {"minLuminance": 0.5}},
        {"name": "b", "kind": "override", "from": ["hall"], "to": text, "hotkey": text, "grants": [text],
         "base": f"he will kill {text} without a word", "landWhen": {"maxLuminance": 0.9}},
        {"name": text, "kind": text, "from": ["hall"]},
        {"name": text, "kind": "transition", "from": ["hall"], "to": "yard", "hotkey": "q"},
    ]
    world["entrance"] = {"state": text}
    world["cutscenes"] = [{"id": text, "video": "v", "from": text, "to": "nowhere" + text}]
    world["outro"] = {"video": "o", "flag": text, "state": text + "x"}
    world["schemaVersion"] = text
    world["missions"] = [{"id": "m", "title": "M", "verified": ["door"],
                          "objectives": [{"id": text, "text": "t", "grounded": {"target": text}}]}]
    return world


@settings(max_examples=40)
@given(long_text)
def test_gate_messages_quote_at_most_a_clipped_piece_of_any_value(text: str) -> None:
    found = kernel.lint(broken_world(text)).diagnostics
    assert len({d.lint for d in found}) > 8
    for diagnostic in found:
        assert len(diagnostic.message) <= LONGEST_MESSAGE, diagnostic
        assert "\u202e" not in diagnostic.message and "\x00" not in diagnostic.message


def test_play_and_decode_errors_clip_what_they_quote() -> None:
    text = "x" * 100_000
    world = base_world()
    error = kernel.fire(world, kernel.start(world), text)  # type: ignore[arg-type]
    assert isinstance(error, kernel.PlayError) and len(error.message) < 300
    world["scene"]["states"]["yard"]["ending"]["kind"] = text
    with pytest.raises(DecodeError) as caught:
        codec.decode(world)
    assert "unknown value" in str(caught.value) and len(str(caught.value)) < 300
    with pytest.raises(kernel.GenerateError) as refused:
        kernel.generate(text, seed=None, size=10)  # type: ignore[arg-type]
    assert len(str(refused.value)) < 300


def test_shown_quotes_clips_and_escapes() -> None:
    assert shown("a\u202eb\x00") == '"a\\u202eb\\u0000"'
    assert shown("x" * 100) == '"' + "x" * SHOWN_CHARS + '…"'
    assert shown(None) == "null" and shown(True) == "true" and shown([1, "a"]) == '[1,"a"]'


def test_a_decode_error_clips_the_path_it_names() -> None:
    with pytest.raises(DecodeError) as caught:
        codec.decode({"scene": {"states": {"x" * 100_000: {}}, "events": []}})
    assert str(caught.value).endswith("…: missing required field `base`") and len(str(caught.value)) < 300
