"""Decoding and encoding worlds, and explaining why a document does not fit the contract.

- :func:`decode` takes bytes, str or an already-parsed mapping and returns the world's JSON object,
  raising :class:`~smworld.kernel.errors.DecodeError` that names the JSON path of the first problem
  (``scene.events[3].from: expected array, got string``). Unknown keys are kept as they are.
- :func:`encode` writes a world back to JSON bytes.
- :func:`schema_problems` lists *every* shape problem with its path, for the gate's ``schema`` rule.
- :func:`json_schema` is the Draft 2020-12 JSON Schema generated from :mod:`smworld.kernel.model`.

Nesting limit: no JSON value the kernel accepts nests arrays and objects more than :data:`MAX_DEPTH`
(64) levels deep — the outermost array or object is level 1; a world needs about ten. Deeper input is
a :class:`~smworld.kernel.errors.DecodeError` whose message says "nested too deeply" and gives the
limit, never a ``RecursionError``:

- :func:`parse_json` and :func:`decode` refuse it while reading (so request bodies are checked by
  calling :func:`parse_json` on the raw bytes);
- :func:`check_depth` checks a value that is already decoded (an op batch, a value from Python);
- :func:`bounded` wraps the kernel's entry points that walk whole values (diff, play, encode, …):
  whatever nesting slips past them surfaces as the same :class:`DecodeError`.

The checks cost one pass over the JSON text at C speed; :func:`decode` skips even that when the
document fits the contract with no unknown keys (its depth is then the contract's own).
"""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ParamSpec, TypeVar, Union, get_args, get_origin

import msgspec

from . import model
from .errors import DecodeError, UnsupportedSchemaVersion
from .text import clip, shown
from .world import WorldDoc, json_type

__all__ = [
    "MAX_DEPTH",
    "NESTED_TOO_DEEPLY",
    "SCHEMA_ID",
    "SCHEMA_VERSION",
    "SchemaVersionStatus",
    "bounded",
    "check_depth",
    "decode",
    "encode",
    "fits",
    "json_path",
    "json_schema",
    "misfits",
    "nested_within",
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


MAX_DEPTH = 64
"""The deepest nesting of arrays and objects the kernel accepts (the outermost one is level 1)."""

NESTED_TOO_DEEPLY = (f"nested too deeply: arrays and objects may nest at most {MAX_DEPTH} levels; "
                     "flatten the value")
"""The problem a :class:`DecodeError` states for input deeper than :data:`MAX_DEPTH`."""

P = ParamSpec("P")
R = TypeVar("R")


def bounded(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` with a ``RecursionError`` (input nested past what Python can walk) turned into the
    :data:`NESTED_TOO_DEEPLY` :class:`DecodeError`: the guard on entry points that walk whole values."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except RecursionError:
            raise DecodeError("", NESTED_TOO_DEEPLY) from None

    return guarded


def parse_json(data: bytes | str) -> Any:
    """Parse JSON text; a syntax error becomes a :class:`DecodeError` that says where, and nesting
    deeper than :data:`MAX_DEPTH` a :class:`DecodeError` that says "nested too deeply"."""
    value = _parse(data)
    if isinstance(value, dict | list) and not _depth_within(_as_bytes(data), MAX_DEPTH):
        raise DecodeError(_deep_path(value) or "", NESTED_TOO_DEEPLY)
    return value


def check_depth(value: Any, at: str = "") -> None:
    """Raise the :data:`NESTED_TOO_DEEPLY` :class:`DecodeError` when a decoded JSON value nests arrays
    and objects more than :data:`MAX_DEPTH` levels; its path (under ``at``) names the first place
    that is too deep."""
    if not isinstance(value, dict | list):
        return
    try:
        text = _encoder.encode(value)
    except RecursionError:
        text = None
    except (TypeError, ValueError):  # not JSON all the way down (a Python caller's value): walk it
        text = None
        if _deep_path(value, at) is None:
            return
    if text is None or not _depth_within(text, MAX_DEPTH):
        raise DecodeError(_deep_path(value, at) or at, NESTED_TOO_DEEPLY)


def _parse(data: bytes | str) -> Any:
    """JSON text as a value, without the depth check (msgspec itself stops near Python's recursion
    limit, which is reported as nesting too deep)."""
    try:
        return _decoder.decode(data)
    except msgspec.DecodeError as exc:
        detail = str(exc).removeprefix("JSON is malformed: ")
        raise DecodeError("", f"malformed JSON: {detail}") from None
    except RecursionError:
        raise DecodeError("", NESTED_TOO_DEEPLY) from None


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data


_NOT_STRUCTURE = bytes(range(256)).translate(None, b'"[]{}')
_TO_PARENS = bytes.maketrans(b"[{]}", b"(())")


def _depth_within(text: bytes, limit: int) -> bool:
    """Whether valid JSON ``text`` nests arrays and objects at most ``limit`` levels, in C-speed passes.

    Escapes (a backslash and the character after it) are dropped, then everything but quotes and
    brackets. Each string is now a pair of quotes around the brackets it contains: removing every
    adjacent quote pair either drops a string without brackets or joins two strings with nothing
    between them, so the quotes left still pair up, around brackets that are text, which go next.
    What remains is the structure, as brackets; each pass that deletes every innermost ``()`` pair
    peels one level."""
    shape = _structure(text).replace(b'""', b"")
    if b'"' in shape:
        shape = b"".join(shape.split(b'"')[::2])
    shape = shape.translate(_TO_PARENS)
    for _ in range(limit):
        if not shape:
            return True
        shape = shape.replace(b"()", b"")
    return not shape


_FEW_ESCAPES = 10_000


def _structure(text: bytes) -> bytes:
    """The quotes and brackets of ``text`` that are not escaped, in order."""
    at = text.find(b"\\")
    if at == -1:
        return text.translate(None, _NOT_STRUCTURE)
    pieces, start = [], 0
    for _ in range(_FEW_ESCAPES):  # a few escapes: cut around them (memchr, then one translate per piece)
        pieces.append(text[start:at].translate(None, _NOT_STRUCTURE))
        start = at + 2
        at = text.find(b"\\", start)
        if at == -1:
            pieces.append(text[start:].translate(None, _NOT_STRUCTURE))
            return b"".join(pieces)
    # many escapes: from here on, only an escaped backslash or quote matters (the rest is not structure)
    rest = text[start:].replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(pieces) + rest.translate(None, _NOT_STRUCTURE)

_PATH_PARTS = 8
_PATH_CHARS = 200
"""A path an error names is clipped to this many characters (an id can be any length)."""


def _deep_path(value: Any, at: str = "") -> str | None:
    """The path of the first array or object nested deeper than :data:`MAX_DEPTH` (depth-first, no
    recursion), or None when there is none; its first few steps only, keys clipped, then ``…``."""
    stack: list[tuple[Any, tuple[PathPart, ...], int]] = [(value, (), 1)]
    while stack:
        item, parts, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            head = tuple(part if isinstance(part, int) else clip(str(part), 40) for part in parts[:_PATH_PARTS])
            return json_path((at, *head) if at else head) + ("…" if len(parts) > _PATH_PARTS else "")
        children = item.items() if isinstance(item, dict) else enumerate(item)
        stack.extend((child, (*parts, key), depth + 1) for key, child in reversed(list(children)))
    return None


@bounded
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
            f"schema version {shown(version.value)} is not supported; this kernel reads SMWorld 1.x, so convert "
            'the document or set "schemaVersion" to "1.0"',
        )


def decode(data: bytes | str | Mapping[str, Any]) -> WorldDoc:
    """A world's JSON object from JSON text or a mapping, checked against the contract's shape.

    Raises :class:`DecodeError` naming the first problem's path, or
    :class:`UnsupportedSchemaVersion` for a major this kernel cannot read. The returned object is
    a fresh copy when the input was a mapping, so the caller's value is never shared or mutated.
    """
    if isinstance(data, bytes | str):
        text = _as_bytes(data)
    elif isinstance(data, Mapping):
        try:
            text = _encoder.encode(data)
        except RecursionError:
            raise DecodeError("", NESTED_TOO_DEEPLY) from None
        except (TypeError, ValueError) as exc:  # a Python caller's value that is not JSON all the way down
            raise DecodeError("", f"not a JSON value: {exc}") from None
    else:
        raise DecodeError("", f"expected a JSON object, got {json_type(data)}")
    world = _parse(text)
    fitting = isinstance(world, dict) and world_fits(world, strict=True)  # no unknown key: as shallow as the contract
    if not fitting and isinstance(world, dict | list) and not _depth_within(text, MAX_DEPTH):
        raise DecodeError(_deep_path(world) or "", NESTED_TOO_DEEPLY)
    if not isinstance(world, dict):
        raise DecodeError("", f"expected a JSON object, got {json_type(world)}")
    require_readable_version(world)
    problems = [] if fitting or world_fits(world) else schema_problems(world)
    if problems:
        path, problem = problems[0]
        raise DecodeError(clip(path, _PATH_CHARS), problem)
    return world


@bounded
def to_struct(world: Mapping[str, Any]) -> model.World:
    """Typed access: the world as :class:`model.World` Structs (unknown keys are not carried)."""
    try:
        return msgspec.convert(world, model.World)
    except msgspec.ValidationError as exc:
        path, problem = _from_msgspec(exc, ())
        raise DecodeError(clip(path, _PATH_CHARS), problem) from None


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


def world_fits(world: Mapping[str, Any], strict: bool = False) -> bool:
    """Whether a world fits the contract's shape; the fast path of :func:`decode` on large worlds.

    ``strict``: and carries no key the contract does not declare, at any level (nor anything but a
    scalar in ``missions[].complete``) — so it nests no deeper than the contract does."""
    scene = world.get("scene")
    if not isinstance(scene, dict):
        return False
    states, events = scene.get("states"), scene.get("events")
    if not isinstance(states, dict) or not isinstance(events, list):
        return False
    shell = {**world, "scene": {**scene, "states": {}, "events": []}}
    world_type, state_type, event_type = _strict_types() if strict else (model.World, model.State, model.Event)
    return fits(shell, world_type) and _all_fit(list(states.values()), state_type) \
        and _all_fit(events, event_type)


def _all_fit(items: list[Any], annotation: Any) -> bool:
    """Whether every item fits: one conversion per chunk, stopping at the first that does not."""
    return all(fits(items[start:start + CHUNK], list[annotation]) for start in range(0, len(items), CHUNK))


@functools.cache
def _strict_types() -> tuple[Any, Any, Any]:
    """The strict World, State and Event (built on first use)."""
    return _strict(model.World), _strict(model.State), _strict(model.Event)


_SCALAR = None | bool | int | float | str


@functools.cache
def _strict(annotation: Any) -> Any:
    """``annotation`` with every Struct in it refusing unknown fields and ``Any`` narrowed to a scalar:
    a value that converts to it nests exactly as deep as the contract allows, and no deeper."""
    if annotation is Any:
        return _SCALAR
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        fields = [
            (info.name, _strict(info.type), msgspec.field(
                name=info.encode_name,
                **({} if info.required else {"default_factory": info.default_factory}
                   if info.default_factory is not msgspec.NODEFAULT else {"default": info.default})))
            for info in _fields(annotation)
        ]
        return msgspec.defstruct(f"Strict{annotation.__name__}", fields, kw_only=True,
                                 forbid_unknown_fields=True, gc=False)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        return Union[tuple(_strict(arg) for arg in args)]  # noqa: UP007 - built from a tuple
    if origin is Annotated:
        return Annotated[(_strict(args[0]), *annotation.__metadata__)]
    if origin in (list, dict):
        return origin[tuple(_strict(arg) for arg in args)]
    return annotation


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
        value = message.removeprefix("Invalid enum value").strip()
        message = f"unknown value {clip(value)} (see the contract's allowed values)"
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


def nested_within(text: bytes, levels: int = MAX_DEPTH) -> bool:
    """Whether JSON ``text`` nests arrays and objects at most ``levels`` deep — checked on the bytes,
    in C-speed passes, before anything parses them (what the shell does with request bodies)."""
    return _depth_within(text, levels)
