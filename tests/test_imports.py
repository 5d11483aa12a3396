"""The package's modules import one way: no cycles, and the layers of the design.

The graph is read from the source (every import statement, also those inside functions and
under TYPE_CHECKING, so a cycle cannot hide in a function), with an edge from a module to
each fakehouse module it names. `from pkg import name` counts as importing the submodule
`pkg.name` when there is one, else `pkg`.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import fakehouse

SRC = Path(fakehouse.__file__).parent.parent


def modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / "fakehouse").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the fakehouse modules it imports."""
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                edges[name] |= {a.name for a in node.names if a.name in known}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, *([node.module] if node.module else [])])
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    if target in known:
                        edges[name].add(target)
                    elif base in known:
                        edges[name].add(base)
    return edges


def test_the_graph_sees_imports_inside_functions():
    edges = graph()
    assert "fakehouse.api" in edges["fakehouse"]  # imported inside __getattr__
    assert "fakehouse.domains.retail.sales" in edges["fakehouse.domains.retail.reviews"]


def test_no_import_cycles():
    try:
        order = list(TopologicalSorter(graph()).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None
    assert len(order) == len(modules())


def test_layers_import_downwards():
    """core imports no other part of fakehouse (but errors); domains import only core."""
    for name, targets in graph().items():
        if name.startswith("fakehouse.core"):
            assert all(t.startswith(("fakehouse.core", "fakehouse.errors")) for t in targets), name
        if name.startswith("fakehouse.domains."):
            allowed = ("fakehouse.core", "fakehouse.errors", "fakehouse.domains")
            assert all(t.startswith(allowed) for t in targets), name
