"""Why one op could not be applied: the status and the sentence that become its ``ApplyError``.

Handlers raise :class:`OpFailed` *before* they change the working copy (they validate, then write),
so an op that fails leaves no trace; :func:`smworld.kernel.ops.run_ops` turns it into a value.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Collection, Iterable
from typing import Any

from ..codec import schema_problems
from ..errors import SMWorldError
from ..text import shown

__all__ = ["OpFailed", "invalid", "not_found", "require_shape"]

_SUGGEST_AMONG = 300


class OpFailed(SMWorldError):
    """One op refused: ``status`` is 404 for a missing state/event/cutscene/sequence, else 400."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def invalid(message: str) -> OpFailed:
    """A 400: the op's arguments are wrong or collide with the world."""
    return OpFailed(400, message)


def not_found(what: str, name: str, known: Iterable[str] = ()) -> OpFailed:
    """A 404 for a missing ``what`` (``state``, ``event``, …), suggesting the closest existing name.

    Only names that start alike and are about as long are compared (at most ``_SUGGEST_AMONG``),
    so that a typo in a batch on a 10,000-state world costs milliseconds, not a second.
    """
    start, size = name[:1].lower(), len(name)
    alike = (k for k in known if k[:1].lower() == start and abs(len(k) - size) <= 2)
    close = difflib.get_close_matches(name, list(itertools.islice(alike, _SUGGEST_AMONG)), n=1)
    hint = f'; did you mean {shown(close[0])}?' if close else f"; check the {what}'s name"
    return OpFailed(404, f'No {what} called {shown(name)}{hint}')


def require_shape(value: Any, annotation: Any, subject: str, only: Collection[str] | None = None) -> None:
    """Refuse (400) a value that does not fit the contract's ``annotation``.

    ``only`` limits the check to problems under those top-level keys: a patch is judged on what it
    changes, so a world that already carries a broken field can still be edited elsewhere.
    """
    for path, problem in schema_problems(value, annotation):
        problem = problem.replace("`", '"')
        top = path.split(".", 1)[0].split("[", 1)[0] or problem.rpartition(" ")[2].strip('"')
        if only is None or top in only:
            where = f' field {shown(path)}' if path else ""
            raise invalid(f"{subject}{where}: {problem}")
