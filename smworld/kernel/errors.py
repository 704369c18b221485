"""The kernel's exceptions.

Kernel functions return failures a caller must handle (an op that cannot apply, a locked event) as
values. Exceptions are only for input that is not a world at all, or a caller's misuse::

    SMWorldError                 root of everything the kernel raises
     ├── DecodeError             bytes/str/dict that are not a valid SMWorld document (names the path)
     │    └── UnsupportedSchemaVersion   a schemaVersion of a major the kernel cannot read
     ├── OpsRequestError         an op batch that is refused before anything is applied (→ 400)
     ├── VersionError            a version-tree request naming a missing version or deleting HEAD
     ├── TemplateError           prose.py: a factored field that cannot be rendered
     ├── InterpreterError        play.py: the interpreter misused (a negative tick, an illegal step)
     ├── InvalidBound            analysis/winnability.py: a proof bound that is not a positive integer
     ├── GenerateError           generate/: a premise, seed or size the generator cannot work from
     └── OpFailed                ops/errors.py: one op refused; never escapes ``run_ops``, which turns
                                 it into an ``ApplyError`` value

The classes defined here are the ones several layers share; the others live next to the code that
raises them. Each derives from ``SMWorldError`` and, where callers relied on it, from the builtin
it used to be (``ValueError``, ``LookupError``). ``tests/kernel/test_errors.py`` checks that every
exception class in the kernel sits under this root.
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "OpsRequestError",
    "SMWorldError",
    "UnsupportedSchemaVersion",
    "VersionError",
]


class SMWorldError(Exception):
    """Root of every exception the kernel raises."""


class DecodeError(SMWorldError, ValueError):
    """The input is not a valid SMWorld document; ``path`` names where (``scene.events[3].from``)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


class UnsupportedSchemaVersion(DecodeError):
    """The document declares a schema major this kernel has no upgrader for."""


class OpsRequestError(SMWorldError, ValueError):
    """An op batch refused as a whole before anything was applied (the API answers 400)."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        self.errors = errors or [message]
        super().__init__(message)


class VersionError(SMWorldError, LookupError):
    """A version-tree request that cannot be honoured; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int = 404) -> None:
        self.status = status
        super().__init__(message)
