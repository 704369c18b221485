"""``python -m smworld.shell`` — run the HTTP API (same flags as ``smworld serve``)."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
