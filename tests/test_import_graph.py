"""No import circles in smworld: the modules' imports form a graph without cycles.

The graph is grimp's (import-linter's own), which counts every import — those inside functions and
under ``if TYPE_CHECKING:`` too — so a circle cannot hide behind either. The layers themselves are
import-linter contracts in pyproject.toml; this test adds what a layers contract cannot say: no
module imports itself back, even between siblings allowed to import each other.
"""

from __future__ import annotations

import grimp
import networkx as nx
import pytest

CHECKED = ("smworld.kernel", "smworld.cli", "smworld.shell")
"""Packages whose modules must form no import circle, inside or with the rest of smworld."""


def within(module: str, package: str) -> bool:
    """Whether ``module`` is ``package`` or one of its submodules."""
    return module == package or module.startswith(f"{package}.")


def circles(graph: nx.DiGraph) -> list[str]:
    """One circle per knot of mutually importing modules, as ``a → b → a``."""
    found = []
    for knot in nx.strongly_connected_components(graph):
        start = min(knot)
        if len(knot) > 1 or graph.has_edge(start, start):
            edges = nx.find_cycle(graph.subgraph(knot), source=start)
            found.append(" → ".join([edges[0][0], *(target for _, target in edges)]))
    return sorted(found)


@pytest.fixture(scope="module")
def imports() -> nx.DiGraph:
    """Every smworld module and the smworld modules it imports (no cache left in the tree)."""
    found = grimp.build_graph("smworld", cache_dir=None)
    graph = nx.DiGraph()
    for module in found.modules:
        graph.add_node(module)
        graph.add_edges_from((module, target) for target in found.find_modules_directly_imported_by(module))
    return graph


@pytest.mark.parametrize("package", CHECKED)
def test_no_import_circle_inside(imports: nx.DiGraph, package: str) -> None:
    modules = [module for module in imports if within(module, package)]
    assert modules, f"{package} has no modules; update CHECKED"
    found = circles(imports.subgraph(modules))
    assert found == [], "import circles in " + package + ":\n" + "\n".join(found)


def test_no_import_circle_across_the_package(imports: nx.DiGraph) -> None:
    def node(module: str) -> str:
        if module == "smworld" or any(within(module, package) for package in CHECKED):
            return module
        return ".".join(module.split(".")[:2])  # an unchecked part of smworld, e.g. smworld.shell

    graph = nx.DiGraph()
    graph.add_nodes_from(node(module) for module in imports)
    graph.add_edges_from((node(a), node(b)) for a, b in imports.edges if node(a) != node(b))
    found = circles(graph)
    assert found == [], "import circles across smworld:\n" + "\n".join(found)


def test_a_circle_is_reported_as_its_path() -> None:
    graph = nx.DiGraph([("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d"), ("p.e", "p.e")])
    assert circles(graph) == ["p.a → p.b → p.c → p.a", "p.e → p.e"]
    assert circles(nx.DiGraph([("p.a", "p.b")])) == []
