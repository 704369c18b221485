"""Messages name JSON types as JSON does: ``null``, ``object``, ``array``, ``string``, ``number``,
``boolean`` (and ``integer``) — never Python's ``NoneType``, ``dict`` or ``None``."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from smworld import kernel
from smworld.kernel import codec, play
from smworld.kernel.errors import SMWorldError
from smworld.kernel.ops import OPS
from smworld.kernel.versions import empty, snapshot
from smworld.kernel.world import json_type
from tests.kernel.test_gate_characters import full_world

PYTHON_NAMES = re.compile(r"\b(?:None|NoneType|dict|list|str|int|float|bool|tuple)\b")
WORLD = {"scene": {"states": {"hall": {"base": "a stone hall"}}, "events": []}, "entrance": {"state": "hall"}}


def message_of(call: Callable[[], object]) -> str:
    try:
        result = call()
    except SMWorldError as exc:
        return str(exc)
    if isinstance(result, kernel.WriteResult):
        return " | ".join([e.message for e in result.applyErrors] + [d.message for d in result.diagnostics])
    if isinstance(result, kernel.Report | kernel.LintReport):
        return " | ".join(d.message for d in result.diagnostics)
    if isinstance(result, kernel.PlayError):
        return result.message
    raise AssertionError(f"no error: {result!r}")


@pytest.mark.parametrize(("call", "expected"), [
    (lambda: codec.decode(b"null"), "expected a JSON object, got null"),
    (lambda: codec.decode({"scene": {"states": {"hall": None}, "events": []}}),
     "scene.states.hall: expected object, got null"),
    (lambda: codec.decode({"scene": {"states": {"hall": {"base": None}}, "events": []}}),
     "scene.states.hall.base: expected string or object, got null"),
    (lambda: kernel.validate(None), "expected a JSON object, got null"),  # type: ignore[arg-type]
    (lambda: kernel.validate({"scene": None}), "got null"),
    (lambda: kernel.apply_ops(WORLD, None), "ops must be a non-empty array of op objects, got null"),
    (lambda: kernel.apply_ops(WORLD, [None]), 'ops[0]: expected an object with an "op" field, got null'),
    (lambda: kernel.apply_ops(WORLD, [{"op": None}]), 'ops[0]: "op" must be a string naming an op, got null'),
    (lambda: kernel.apply_ops(WORLD, [{"op": "add_state", "id": "yard", "base": None}]), "got null"),
    (lambda: kernel.apply_ops(WORLD, [{"op": "update_state", "id": "hall", "patch": {"camera": None,
                                                                                    "ambient": [None]}}]),
     "got null"),
    (lambda: kernel.apply_ops(WORLD, [{"op": "set_field", "state": None, "field": "base", "value": "x"}]), "got null"),
    (lambda: snapshot(empty(), None, version_id="v", created_at="t"),  # type: ignore[arg-type]
     "a snapshot needs a world object, got null"),
    (lambda: kernel.generate(None, seed=1), "got null"),  # type: ignore[arg-type]
    (lambda: kernel.tick(WORLD, kernel.Play("hall"), None), "got null"),  # type: ignore[arg-type]
    (lambda: kernel.prove(WORLD, bound=None), "got null"),  # type: ignore[arg-type]
])
def test_null_is_called_null(call: Callable[[], object], expected: str) -> None:
    try:
        message = message_of(call)
    except (TypeError, ValueError) as exc:  # errors the kernel raises for a caller's misuse
        message = str(exc)
    assert expected in message
    assert not PYTHON_NAMES.search(message), message


def test_json_type_names_every_value_as_json_does() -> None:
    assert [json_type(v) for v in (None, True, 1, 1.5, "s", {}, [], ())] == [
        "null", "boolean", "integer", "number", "string", "object", "array", "array"]
    assert json_type({1}) == "set, not a JSON value"


def places(value: Any, parts: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if parts:
        yield parts
    if isinstance(value, dict):
        for key, item in value.items():
            yield from places(item, (*parts, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from places(item, (*parts, index))


def test_null_anywhere_in_a_world_is_described_in_json_words() -> None:
    world = full_world()
    for parts in places(world):
        broken = copy.deepcopy(world)
        target: Any = broken
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = None
        for text in [d.message for d in kernel.lint(broken).diagnostics] + [message_of(lambda b=broken: _decode(b))]:
            assert not PYTHON_NAMES.search(text), (parts, text)


def _decode(world: dict[str, Any]) -> kernel.Report:
    codec.decode(world)
    return kernel.Report(ok=True, diagnostics=[])


def test_null_for_any_argument_of_any_op_is_described_in_json_words() -> None:
    world = full_world()
    arguments = ("id", "state", "event", "name", "patch", "field", "value", "kind", "from", "to", "label", "slot",
                 "fill", "hotkey", "phases", "grants", "requires", "hint", "video", "flag", "narrate", "logline",
                 "summary", "title", "objectives", "beats", "variant", "index", "image", "pulseMs")
    for op in OPS:
        for argument in arguments:
            result = kernel.apply_ops(world, [{"op": op, argument: None}])
            for text in [e.message for e in result.applyErrors] + [d.message for d in result.diagnostics]:
                assert not PYTHON_NAMES.search(text), (op, argument, text)
    assert play.start(world)
