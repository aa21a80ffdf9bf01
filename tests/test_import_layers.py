"""The package's modules import only downward: no circle among them, checked from the source."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import instaview_async

PACKAGE = Path(instaview_async.__file__).parent
ROOT = "instaview_async"


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = [ROOT, *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Each package module ``module`` imports: at top level, in functions or for type checking.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module, else ``pkg``.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                child = f"{target}.{alias.name}"
                yield child if child in modules else target


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        name: {t for t in _imported(name, path, modules) if t in modules and t != name}
        for name, path in modules.items()
    }


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_no_module_of_the_package_is_part_of_an_import_circle() -> None:
    """Counting type-checking and function-level imports too, no two modules import each other."""
    assert _circles(_graph()) == []


def test_the_checker_sees_a_circle_through_a_lazy_import() -> None:
    """The checker itself finds a circle of three modules and leaves out what only enters it."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_the_graph_resolves_relative_imports() -> None:
    """The graph has the edges the modules state (a check of the parser, not only the result)."""
    graph = _graph()
    assert "instaview_async._exceptions" in graph["instaview_async._error_mapping"]
    assert "instaview_async.middleware._types" in graph["instaview_async.middleware.retry"]
    assert "instaview_async.resources.jobs" in graph["instaview_async._client"]
    assert "instaview_async.resources._base" in graph["instaview_async.resources.jobs"]
