"""The HTTP routes, one module per resource; :data:`ALL` is every module's route table."""

from __future__ import annotations

from ..http.routing import Routes
from . import apps, graph, jobs, meta, usage, versions, worlds

__all__ = ["ALL"]

ALL: tuple[Routes, ...] = (
    apps.routes,
    worlds.routes,
    graph.routes,
    versions.routes,
    jobs.routes,
    usage.routes,
    meta.routes,
)
