"""The state graph: which state a transition can move the player to, ignoring flags.

Nodes are the world's states (in world order); an edge ``u → v`` exists when some transition
available in ``u`` lands in ``v`` — directly, or through the cutscene its ``to`` names (the play
lands in the cutscene's ``to``). The edge attribute ``events`` lists those transitions' names in
world order. This is *structure*: ``requires``, ``oneShot``, ``hidden`` and endings are ignored, as
the ``unreachable-state`` and ``dead-end`` lints want. Malformed events and references to missing
states are skipped.

>>> world = {"scene": {"states": {"a": {"base": "A"}, "b": {"base": "B"}}, "events": [
...     {"name": "go", "kind": "transition", "from": ["a"], "to": "b"}]}}
>>> sorted(state_graph(world).edges(data="events"))
[('a', 'b', ['go'])]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from ..play import landing
from ..world import iter_named_events, states

__all__ = ["state_graph"]


def state_graph(world: Mapping[str, Any]) -> nx.DiGraph:
    """The networkx DiGraph of state→state moves (see the module docstring).

    Complexity: O(S + E) for S states and E events, plus a scan of the cutscenes for each
    transition whose ``to`` is not a state.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(state_id for state_id, state in states(world).items() if isinstance(state, dict))
    for _, name, event in iter_named_events(world):
        sources = event.get("from")
        if event.get("kind") != "transition" or not isinstance(sources, list):
            continue
        landed = landing(world, event.get("to"))
        if landed is None:
            continue
        target = landed[0]
        for source in dict.fromkeys(s for s in sources if isinstance(s, str) and s in graph):
            if graph.has_edge(source, target):
                graph.edges[source, target]["events"].append(name)
            else:
                graph.add_edge(source, target, events=[name])
    return graph
