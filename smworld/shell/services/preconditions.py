"""Which version of a world a client holds: ``If-Match`` for writes, ``If-None-Match`` for reads.

The HTTP layer parses the headers into these; services compare them with what is stored. A world's
graph version is its ``rev``; its document's tag is ``rev``, or ``rev.meta_rev`` once its metadata
changed (:func:`world_tag`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Stale
from ..store.records import WorldMeta

__all__ = ["Expected", "Held", "check_rev", "stale", "world_tag"]


@dataclass(frozen=True)
class Expected:
    """A write's ``If-Match``: ``any_`` for ``*``, else the tags (``"3"`` or ``"3.1"``) the client read."""

    any_: bool
    tags: tuple[str, ...] = ()

    def matches_rev(self, rev: int) -> bool:
        """Whether a graph write may proceed at ``rev`` (a document tag ``3.1`` names rev 3)."""
        wanted = str(rev)
        return self.any_ or any(tag.partition(".")[0] == wanted for tag in self.tags)

    def matches_tag(self, tag: str) -> bool:
        """Whether a metadata write may proceed on the document tagged ``tag``."""
        return self.any_ or tag in self.tags

    def shown(self) -> str:
        return "*" if self.any_ else ", ".join(self.tags)


@dataclass(frozen=True)
class Held:
    """A read's ``If-None-Match``: the tags of the copies the client holds (``any_`` for ``*``)."""

    any_: bool
    tags: tuple[str, ...] = ()

    def current(self, tag: str) -> bool:
        return self.any_ or tag in self.tags


def world_tag(meta: WorldMeta) -> str:
    """The world document's entity tag: ``rev``, or ``rev.meta_rev`` once its metadata changed."""
    return f"{meta.rev}.{meta.meta_rev}" if meta.meta_rev else str(meta.rev)


def stale(expected: Expected, now: str) -> Stale:
    """The refusal of a write whose ``If-Match`` no longer names the world's version ``now``."""
    return Stale(f"world changed since rev {expected.shown()}; it is now rev {now} — reload and retry", rev=now)


def check_rev(expected: Expected | None, rev: int) -> None:
    """:class:`Stale` if ``expected`` does not name ``rev`` (the world's current rev)."""
    if expected is not None and not expected.matches_rev(rev):
        raise stale(expected, str(rev))
