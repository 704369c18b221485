"""``python -m smworld.shell [--host H] [--port P] [--db PATH] [--dev-bootstrap]`` — the same as
``smworld serve`` (one parser: the CLI's)."""

from __future__ import annotations

import sys

from smworld.cli import main

raise SystemExit(main(["serve", *sys.argv[1:]]))
