"""Structural reachability: which states a path from the entrance reaches, and how.

Edges are those of :func:`~smworld.kernel.analysis.graph.state_graph` (transitions with a ``to``,
through cutscenes, flags ignored). This is the reachability the ``unreachable-state`` lint uses;
whether a player can actually get somewhere with the flags they hold is the winnability proof's
question (:mod:`smworld.kernel.analysis.winnability`).

>>> world = {"entrance": {"state": "a"}, "scene": {
...     "states": {"a": {"base": "A"}, "b": {"base": "B"}, "c": {"base": "C"}},
...     "events": [{"name": "go", "kind": "transition", "from": ["a"], "to": "b"}]}}
>>> reachability(world)
{'a': [], 'b': ['go']}
>>> sorted(reachable_states(world))
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..play import entrance_state
from .graph import state_graph

__all__ = ["reachability", "reachable_states"]


def reachability(world: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each state reachable from the entrance → a shortest list of event names leading there.

    Breadth-first over the state graph; among equally short paths the one using events earliest in
    world order wins. Empty when the world has no usable entrance.

    Complexity: O(S + E) to search, plus the size of the answer (the sum of the path lengths).
    """
    start = entrance_state(world)
    if start is None:
        return {}
    graph = state_graph(world)
    paths: dict[str, list[str]] = {start: []}
    for node, parent in nx.bfs_predecessors(graph, start):
        paths[node] = [*paths[parent], graph.edges[parent, node]["events"][0]]
    return paths


def reachable_states(world: Mapping[str, Any]) -> set[str]:
    """The states a path from the entrance reaches (the entrance included); empty without one.

    Complexity: O(S + E).
    """
    start = entrance_state(world)
    if start is None:
        return set()
    descendants: set[str] = nx.descendants(state_graph(world), start)
    return {start} | descendants
