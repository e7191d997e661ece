"""The layers hold (docs/architecture.md): no import cycle between the packages and top-level
modules of ``tradescreen``; the API and the web UI never import each other (``server`` mounts
both); an adapter imports the application layer, the result and model types, errors and settings,
plus only the engine modules listed below as remaining debt. A new upward or sideways import
fails here; so does a debt entry that is no longer needed (shrink the list)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import tradescreen

ROOT = Path(tradescreen.__file__).resolve().parent
ADAPTERS = ("cli", "api", "web")
# countries: the one parser of a user's country ("China" -> CN), a model-level value type;
# controlchars: stored text made safe to print on a terminal (a leaf, no engine behind it).
ALLOWED = {
    "controlchars",
    "services",
    "access",
    "results",
    "model",
    "countries",
    "errors",
    "settings",
    "clock",
    "tradescreen",
}
# What each adapter still reaches past the application layer (to move into services/).
DEBT: dict[str, set[str]] = {
    "cli": set(),
    "api": set(),
    "web": set(),
}


def unit_of(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".py") if rel.parts else "tradescreen"


def import_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        src = unit_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "tradescreen":
                    dst = parts[1] if len(parts) > 1 else "tradescreen"
                    if dst != src:
                        edges[src].add(dst)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_cycle_between_packages() -> None:
    assert cycles(import_graph()) == []


def test_api_and_web_do_not_import_each_other() -> None:
    edges = import_graph()
    assert "web" not in edges["api"] and "api" not in edges["web"]
    assert {"api", "web"} <= edges["server"]


def test_sources_do_not_import_loading_or_the_store() -> None:
    edges = import_graph()
    assert not edges["sources"] & {"loading", "list_alerts", "services", "store"}


def test_adapters_import_only_the_application_layer_and_listed_debt() -> None:
    edges = import_graph()
    for adapter in ADAPTERS:
        reached = edges[adapter] - ALLOWED - set(ADAPTERS)
        assert reached <= DEBT[adapter], (
            f"{adapter} newly imports {sorted(reached - DEBT[adapter])}"
        )
        assert DEBT[adapter] <= reached, (
            f"{adapter} no longer imports {sorted(DEBT[adapter] - reached)}: shrink DEBT"
        )
        assert "services" in edges[adapter]
