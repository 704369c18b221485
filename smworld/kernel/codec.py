"""Decoding and encoding worlds, and explaining why a document does not fit the contract.

- :func:`decode` takes bytes, str or an already-parsed mapping and returns the world's JSON object,
  raising :class:`~smworld.kernel.errors.DecodeError` that names the JSON path of the first problem
  (``scene.events[3].from: expected array, got string``). Unknown keys are kept as they are.
- :func:`encode` writes a world back to JSON bytes.
- :func:`schema_problems` lists *every* shape problem with its path, for the gate's ``schema`` rule.
- :func:`json_schema` is the Draft 2020-12 JSON Schema generated from :mod:`smworld.kernel.model`.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Union, get_args, get_origin

import msgspec

from . import model
from .errors import DecodeError, UnsupportedSchemaVersion
from .world import WorldDoc, json_type

__all__ = [
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "SchemaVersionStatus",
    "decode",
    "encode",
    "fits",
    "json_path",
    "json_schema",
    "misfits",
    "parse_json",
    "require_readable_version",
    "schema_problems",
    "schema_version_status",
    "to_struct",
    "world_fits",
]

SCHEMA_VERSION = "1.0"
SCHEMA_ID = "urn:smworld:schema:smworld-1.0"

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()

PathPart = str | int
PathFormat = Callable[[tuple[PathPart, ...]], str]


def json_path(parts: tuple[PathPart, ...]) -> str:
    """``scene.events[3].from`` from ``("scene", "events", 3, "from")``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def parse_json(data: bytes | str) -> Any:
    """Parse JSON text; a syntax error becomes a :class:`DecodeError` that says where."""
    try:
        return _decoder.decode(data)
    except msgspec.DecodeError as exc:
        detail = str(exc).removeprefix("JSON is malformed: ")
        raise DecodeError("", f"malformed JSON: {detail}") from None


def encode(world: Mapping[str, Any]) -> bytes:
    """The world as compact JSON bytes (key order preserved)."""
    return _encoder.encode(world)


class SchemaVersionStatus(msgspec.Struct, frozen=True):
    """How the kernel reads a document's ``schemaVersion``: ``ok``, ``nonstandard`` or ``unsupported``."""

    status: typing.Literal["ok", "nonstandard", "unsupported"]
    value: Any = None


_VERSION = re.compile(r"^(\d+)(?:\.(\d+|x))*$")


def schema_version_status(world: Mapping[str, Any]) -> SchemaVersionStatus:
    """Absent, ``"1"`` or ``"1.x"`` is 1.0; another major is unsupported; any other string is read as 1.0."""
    value = world.get("schemaVersion")
    if value is None or "schemaVersion" not in world:
        return SchemaVersionStatus("ok")
    if not isinstance(value, str):
        return SchemaVersionStatus("nonstandard", value)
    match = _VERSION.match(value.strip())
    if match is None:
        return SchemaVersionStatus("nonstandard", value)
    return SchemaVersionStatus("ok" if match.group(1) == "1" else "unsupported", value)


def require_readable_version(world: Mapping[str, Any]) -> None:
    """Raise :class:`UnsupportedSchemaVersion` when the document declares a major this kernel cannot read."""
    version = schema_version_status(world)
    if version.status == "unsupported":
        raise UnsupportedSchemaVersion(
            "schemaVersion",
            f"schema version {version.value!r} is not supported; this kernel reads SMWorld 1.x, so convert "
            'the document or set "schemaVersion" to "1.0"',
        )


def decode(data: bytes | str | Mapping[str, Any]) -> WorldDoc:
    """A world's JSON object from JSON text or a mapping, checked against the contract's shape.

    Raises :class:`DecodeError` naming the first problem's path, or
    :class:`UnsupportedSchemaVersion` for a major this kernel cannot read. The returned object is
    a fresh copy when the input was a mapping, so the caller's value is never shared or mutated.
    """
    if isinstance(data, bytes | str):
        world = parse_json(data)
    elif isinstance(data, Mapping):
        world = msgspec.json.decode(_encoder.encode(data))
    else:
        raise DecodeError("", f"expected a JSON object, got {json_type(data)}")
    if not isinstance(world, dict):
        raise DecodeError("", f"expected a JSON object, got {json_type(world)}")
    require_readable_version(world)
    problems = [] if world_fits(world) else schema_problems(world)
    if problems:
        path, problem = problems[0]
        raise DecodeError(path, problem)
    return world


def to_struct(world: Mapping[str, Any]) -> model.World:
    """Typed access: the world as :class:`model.World` Structs (unknown keys are not carried)."""
    try:
        return msgspec.convert(world, model.World)
    except msgspec.ValidationError as exc:
        path, problem = _from_msgspec(exc, ())
        raise DecodeError(path, problem) from None


def fits(value: Any, annotation: Any) -> bool:
    """Whether ``value`` converts to ``annotation`` without error (the fast path of the schema rule)."""
    try:
        msgspec.convert(value, annotation)
    except msgspec.ValidationError:
        return False
    return True


CHUNK = 500
"""Items per msgspec conversion: chunks of a few hundred convert faster than a whole 10,000-state world
(less garbage alive at once for the cyclic collector to traverse)."""


def misfits(items: list[Any], annotation: Any) -> list[int]:
    """Positions of the ``items`` that do not fit ``annotation``: one conversion per chunk, then one per
    item of a chunk that does not fit."""
    found: list[int] = []
    for start in range(0, len(items), CHUNK):
        if not fits(items[start:start + CHUNK], list[annotation]):
            found += [i for i in range(start, min(start + CHUNK, len(items))) if not fits(items[i], annotation)]
    return found


def world_fits(world: Mapping[str, Any]) -> bool:
    """Whether a world fits the contract's shape; the fast path of :func:`decode` on large worlds."""
    scene = world.get("scene")
    if not isinstance(scene, dict):
        return False
    states, events = scene.get("states"), scene.get("events")
    if not isinstance(states, dict) or not isinstance(events, list):
        return False
    shell = {**world, "scene": {**scene, "states": {}, "events": []}}
    return fits(shell, model.World) and not misfits(list(states.values()), model.State) \
        and not misfits(events, model.Event)


def schema_problems(
    value: Any,
    annotation: Any = model.World,
    at: tuple[PathPart, ...] = (),
    path_format: PathFormat = json_path,
) -> list[tuple[str, str]]:
    """Every shape problem in ``value`` against ``annotation`` as ``(path, problem)`` pairs.

    A fast msgspec conversion answers the common case (no problem) at C speed; only a document that
    fails is walked field by field so that each problem is reported once, with its own path.
    """
    if fits(value, annotation):
        return []
    found: list[tuple[str, str]] = []
    _walk(value, annotation, at, path_format, found)
    return found


def _walk(
    value: Any,
    annotation: Any,
    at: tuple[PathPart, ...],
    path_format: PathFormat,
    found: list[tuple[str, str]],
) -> None:
    struct = _struct_of(annotation, value)
    if struct is not None:
        for info in _fields(struct):
            if info.encode_name not in value:
                if info.required:
                    found.append((path_format(at), f"missing required field `{info.encode_name}`"))
                continue
            child = value[info.encode_name]
            if not fits(child, info.type):
                _walk(child, info.type, (*at, info.encode_name), path_format, found)
        return
    annotation = _without_unset(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and isinstance(value, list):
        for index, item in enumerate(value):
            if not fits(item, args[0]):
                _walk(item, args[0], (*at, index), path_format, found)
        return
    if origin is dict and isinstance(value, dict):
        for key, item in value.items():
            if not fits(item, args[1]):
                _walk(item, args[1], (*at, key), path_format, found)
        return
    try:
        msgspec.convert(value, annotation)
    except msgspec.ValidationError as exc:
        path, problem = _from_msgspec(exc, at, path_format)
        found.append((path, problem))


def _without_unset(annotation: Any) -> Any:
    """``list[X] | UnsetType`` → ``list[X]``, so optional containers are walked item by item."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not msgspec.UnsetType]
        if len(members) == 1:
            return members[0]
    return annotation


@functools.cache
def _fields(struct: type[msgspec.Struct]) -> tuple[msgspec.structs.FieldInfo, ...]:
    """A Struct's fields; cached because resolving type hints costs ~1 ms and the model is fixed."""
    return msgspec.structs.fields(struct)


def _struct_of(annotation: Any, value: Any) -> type[msgspec.Struct] | None:
    """The Struct type to descend into when ``value`` is an object and ``annotation`` names one."""
    if not isinstance(value, dict):
        return None
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        structs = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, msgspec.Struct)]
        if len(structs) == 1:
            return structs[0]
    return None


_MSGSPEC_TYPES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "array": "array",
    "object": "object",
    "null": "null",
}
_AT = re.compile(r" - at `\$([^`]*)`$")
_EXPECTED = re.compile(r"^Expected `([^`]*)`, got `([^`]*)`$")


def _from_msgspec(
    exc: msgspec.ValidationError, at: tuple[PathPart, ...], path_format: PathFormat = json_path
) -> tuple[str, str]:
    """Turn msgspec's message into ``(path, problem)`` in the kernel's wording."""
    message = str(exc)
    suffix = ""
    match = _AT.search(message)
    if match:
        suffix = match.group(1)
        message = message[: match.start()]
    message = message.replace("Expected `str` of length >= 1", "expected a non-empty string")
    expected = _EXPECTED.match(message)
    if expected:
        want = " or ".join(_MSGSPEC_TYPES.get(t.strip(), t.strip()) for t in expected.group(1).split("|"))
        message = f"expected {want}, got {_MSGSPEC_TYPES.get(expected.group(2), expected.group(2))}"
    elif message.startswith("Object missing required field"):
        message = message.removeprefix("Object ")
    elif message.startswith("Object contains unknown field"):
        message = message.removeprefix("Object contains ") + " (remove it, or check its spelling)"
    elif message.startswith("Invalid enum value"):
        message = message.replace("Invalid enum value", "unknown value") + " (see the contract's allowed values)"
    else:
        message = _lower_first(message.replace("`", ""))
    path = path_format(at)
    if suffix and "[...]" not in suffix:
        path = f"{path}{suffix}" if path else suffix.lstrip(".")
    return path, message


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def json_schema() -> dict[str, Any]:
    """The SMWorld 1.0 JSON Schema (Draft 2020-12), generated from the model."""
    schema = msgspec.json.schema(model.World)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "SMWorld 1.0",
        "description": (
            "A playable world: a graph of states (scenes, as pixel prose) and events (what the player "
            "can do). Every object allows additional properties (forward compatibility)."
        ),
        **schema,
    }
    return typing.cast(dict[str, Any], msgspec.json.decode(msgspec.json.encode(schema)))


def describe_validation_error(exc: msgspec.ValidationError) -> str:
    """``<path>: <problem>`` in the kernel's wording: the one translation of msgspec's validation
    messages, for worlds and for the shell's request bodies alike."""
    path, problem = _from_msgspec(exc, ())
    return f"{path}: {problem}" if path else problem
