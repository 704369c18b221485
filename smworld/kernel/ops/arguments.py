"""Reading one op's JSON object into its Struct: aliases, nested or inline bodies, type errors.

:func:`read_batch` refuses a batch that is not a non-empty array of objects with a known ``op``
(the whole request, :class:`~smworld.kernel.errors.OpsRequestError`), and one nested deeper than
:data:`~smworld.kernel.codec.MAX_DEPTH` levels; :func:`read_op` reads one
op of an accepted batch and raises :class:`~.errors.OpFailed` (400) when its arguments are wrong.

An op without a body refuses an argument it does not know (``set_event_hotkey {event, hotKey}``
would otherwise clear the hotkey); an op with a body stores unknown keys in it (forward
compatibility). Two aliases naming different targets (``{id: "a", state: "b"}``) are refused.
"""

from __future__ import annotations

import difflib
import types
from typing import Any, Literal, NoReturn, Union, get_args, get_origin

import msgspec

from ..codec import check_depth, schema_problems
from ..errors import DecodeError, OpsRequestError
from ..text import clip, shown
from ..world import json_type
from .errors import OpFailed, invalid
from .vocabulary import BY_NAME, Op, op_name

__all__ = ["OPS", "REPORTED_PROBLEMS", "read_batch", "read_op"]

OPS: tuple[str, ...] = tuple(sorted(BY_NAME))
"""Every op name of the vocabulary, aliases included (the published list; ops.md)."""

_SUPPORTED = ", ".join(OPS)


REPORTED_PROBLEMS = 20
"""The most problems of a refused batch listed in :attr:`OpsRequestError.errors`; the rest are counted."""


def read_batch(ops: object) -> list[dict[str, Any]]:
    """The batch's op objects, or :class:`OpsRequestError` naming the indexes that are wrong.

    The error stays small whatever the batch: its message is the first problem, the vocabulary once
    (when an op name is the problem) and how many more there are; ``errors`` lists the first
    :data:`REPORTED_PROBLEMS` problems and then counts the rest (``… and 9,980 more problems``).
    """
    if not isinstance(ops, list | tuple):
        raise OpsRequestError(f"ops must be a non-empty array of op objects, got {json_type(ops)}")
    if not ops:
        raise OpsRequestError("ops is empty; send at least one op object such as {\"op\": \"add_state\", …}")
    wrong = [index for index, raw in enumerate(ops) if not _is_op(raw)]
    if wrong:
        _refuse(ops, wrong)
    try:
        check_depth(list(ops), "ops")
    except DecodeError as exc:
        raise OpsRequestError(str(exc)) from None
    return list(ops)


def _is_op(raw: object) -> bool:
    return isinstance(raw, dict) and type(name := raw.get("op")) is str and name in BY_NAME


def _refuse(ops: list[Any] | tuple[Any, ...], wrong: list[int]) -> NoReturn:
    found = [_batch_problem(index, ops[index]) for index in wrong[:REPORTED_PROBLEMS]]
    rest = len(wrong) - len(found)
    message = found[0][0]
    if len(wrong) > 1:
        more = f"{len(wrong) - 1:,} more problem{'s' * (len(wrong) > 2)}"
        message += f", and {more} ({'all' if not rest else f'the first {len(found)}'} listed in errors)"
    if any(_naming(raw) for index in wrong if isinstance(raw := ops[index], dict)):
        message += f"; supported: {_SUPPORTED}"
    message += found[0][1].replace("; did", ". Did", 1)
    errors = [problem + hint for problem, hint in found]
    raise OpsRequestError(message, errors + ([f"… and {rest:,} more problem{'s' * (rest > 1)}"] if rest else []))


def _naming(raw: dict[str, Any]) -> bool:
    """Whether an op object's problem is its name (so the vocabulary helps)."""
    return "op" not in raw or not isinstance(raw["op"], str) or raw["op"] not in BY_NAME


def _batch_problem(index: int, raw: object) -> tuple[str, str]:
    """One wrong op object: the problem, and a hint (``; did you mean …?``) or ""."""
    if not isinstance(raw, dict):
        return f'ops[{index}]: expected an object with an "op" field, got {json_type(raw)}', ""
    if "op" not in raw:
        return f'ops[{index}]: missing "op"', ""
    name = raw["op"]
    if not isinstance(name, str):
        return f'ops[{index}]: "op" must be a string naming an op, got {json_type(name)}', ""
    close = difflib.get_close_matches(name, OPS, n=1) if len(name) <= _LONGEST_OP else []
    return f"ops[{index}] ({clip(name, _LONGEST_OP)}): unknown op", f"; did you mean {close[0]}?" if close else ""


_LONGEST_OP = 2 * max(map(len, OPS))


def read_op(raw: dict[str, Any]) -> Op:
    """One op of an accepted batch as its Struct; a 400 :class:`OpFailed` when its arguments are wrong."""
    cls = BY_NAME[raw["op"]]
    args, spelled = _normalise(cls, raw)
    try:
        return msgspec.convert(args, cls)
    except msgspec.ValidationError:
        path, problem = schema_problems(args, cls)[0]
        raise _argument_error(cls, path, problem, spelled) from None


def _normalise(cls: type[Op], raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Resolve aliases to one spelling and gather the body; also return which alias was used."""
    args = {key: value for key, value in raw.items() if key != "op"}
    spelled: dict[str, str] = {}
    for argument, aliases in cls.refs:
        given = [a for a in aliases if a in args and not (a == cls.body and isinstance(args[a], dict))]
        _take_ref(args, argument, given, spelled)
    declared = cls.__struct_encode_fields__
    if cls.body is None:
        _refuse_unknown(cls, args, declared)
        return args, spelled
    if cls.body in args and not isinstance(args[cls.body], dict):
        return args, spelled
    nested = args.pop(cls.body, {})
    inline = {key: args.pop(key) for key in list(args) if key not in declared}
    body = {**inline, **nested}
    if cls.refs_in_body:
        for argument, aliases in cls.refs:
            if argument not in args:
                given = [a for a in aliases if a in body]
                _take_ref(body, argument, given, spelled)
                if argument in body:
                    args[argument] = body.pop(argument)
    args[cls.body] = body
    return args, spelled


def _refuse_unknown(cls: type[Op], args: dict[str, Any], declared: tuple[str, ...]) -> None:
    """An op without a body takes only its own arguments: a misspelt one must not be silently ignored."""
    unknown = [key for key in args if key not in declared]
    if unknown:
        close = difflib.get_close_matches(unknown[0], declared, n=1)
        hint = f'; did you mean {shown(close[0])}?' if close else ""
        accepted = ", ".join(sorted({*declared, *(alias for _, aliases in cls.refs for alias in aliases)}))
        raise invalid(f'Unknown argument {shown(unknown[0])}{hint} ({op_name(cls)} takes: {accepted})')


def _take_ref(args: dict[str, Any], argument: str, given: list[str], spelled: dict[str, str]) -> None:
    values = [args.pop(alias) for alias in given]
    if any(value != values[0] for value in values[1:]):
        named = " and ".join(shown(alias) for alias in given)
        raise invalid(f"The arguments {named} name different targets; give the {argument} once")
    if given:
        args[argument] = values[0]
        spelled[argument] = given[0]


def _argument_error(cls: type[Op], path: str, problem: str, spelled: dict[str, str]) -> OpFailed:
    """A sentence naming the argument as the caller spelled it, and what it must be."""
    if not path:
        name = problem.rpartition(" ")[2].strip("`")
        aliases = dict(cls.refs).get(name)
        how = f' (any of {", ".join(aliases)})' if aliases else ""
        return invalid(f'Missing required argument {shown(name)}{how}')
    top, _, rest = path.partition(".")
    argument = spelled.get(top, top) + (f".{rest}" if rest else "")
    choices = _choices(cls, top) if problem.startswith("unknown value") and not rest else None
    if choices:
        problem = problem.split(" (", 1)[0] + f"; expected one of {', '.join(choices)}"
    return invalid(f'Argument {shown(argument)}: {problem}')


def _choices(cls: type[Op], name: str) -> list[str]:
    """The allowed values of a Literal-typed argument, for the error message."""
    for info in msgspec.structs.fields(cls):
        if info.encode_name == name:
            options = get_args(info.type) if get_origin(info.type) in (Union, types.UnionType) else (info.type,)
            return [str(v) for option in options if get_origin(option) is Literal for v in get_args(option)]
    return []
