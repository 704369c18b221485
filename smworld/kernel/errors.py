"""The kernel's exceptions.

Kernel functions return failures a caller must handle (an op that cannot apply, a locked event) as
values. Exceptions are only for input that is not a world at all, or a caller's misuse::

    SMWorldError                 root of everything the kernel raises
     ├── DecodeError             bytes/str/dict that are not a valid SMWorld document (names the path)
     │    └── UnsupportedSchemaVersion   a schemaVersion of a major the kernel cannot read
     ├── OpsRequestError         an op batch that is refused before anything is applied (→ 400)
     └── VersionError            a version-tree request naming a missing version or deleting HEAD
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
