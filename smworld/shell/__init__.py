"""``smworld.shell``: the ``/v1`` HTTP API — a thin aiohttp application around the kernel.

Build it with :func:`create_app` from a :class:`Config`; run it with ``smworld serve`` (or
``python -m smworld.shell``).
"""

from __future__ import annotations

from .app import create_app
from .config import Config, ConfigError

__all__ = ["Config", "ConfigError", "create_app"]
