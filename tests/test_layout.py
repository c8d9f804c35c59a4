"""The layout shows the flow: no import cycle between the bot's packages, and each dependency
runs the way ARCHITECTURE.md says (event → delivery → gateway; Bolt app → service → delivery).

Every import counts, also those inside functions or under TYPE_CHECKING: a lazy import is still
a dependency.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"


def _unit(module: str) -> str | None:
    """``bot.render.views.jobs`` → ``render``; ``bot.runtime`` → ``runtime``."""
    parts = module.split(".")
    if parts[0] != "bot" or len(parts) < 2:
        return None
    return parts[1]


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in BOT.rglob("*.py"):
        relative = path.relative_to(BOT.parent).with_suffix("")
        unit = _unit(".".join(relative.parts))
        if unit is None or unit == "__init__":
            continue
        edges = graph.setdefault(unit, set())
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
                if node.module == "bot":  # ``from bot import x``: x's module, if it is one
                    targets = [
                        f"bot.{alias.name}"
                        for alias in node.names
                        if (BOT / alias.name).is_dir() or (BOT / f"{alias.name}.py").exists()
                    ]
            for target in targets:
                other = _unit(target)
                if other and other != unit and other != "__init__":
                    edges.add(other)
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A path of imports from ``start`` to ``goal``, or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == goal:
                return [*path, nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_the_graph_sees_the_packages() -> None:
    graph = import_graph()
    for unit in ("events", "render", "delivery", "gateway", "slack_app", "service", "store"):
        assert unit in graph
    assert "gateway" in graph["delivery"]
    assert "service" in graph["slack_app"]


def test_no_import_cycle_between_packages() -> None:
    graph = import_graph()
    cycles = []
    for unit, edges in graph.items():
        for other in edges:
            back = _reaches(graph, other, unit)
            if back:
                cycles.append(" → ".join([unit, *back]))
    assert cycles == []


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("gateway", "delivery"),  # delivery → gateway, never back
        ("gateway", "slack_app"),
        ("delivery", "service"),  # service → delivery
        ("delivery", "slack_app"),
        ("service", "slack_app"),  # Bolt app → service
        ("render", "delivery"),
        ("render", "aws"),  # AWS access returns data; the render layer renders it
        ("aws", "render"),
        ("events", "render"),
        ("slash", "service"),
        ("store", "delivery"),
    ],
)
def test_dependency_runs_one_way(low: str, high: str) -> None:
    assert _reaches(import_graph(), low, high) is None


def test_architecture_names_only_what_exists() -> None:
    root = BOT.parent
    text = (root / "ARCHITECTURE.md").read_text()
    named = set(re.findall(r"`((?:bot|handlers|templates)/[\w/.]*)`", text))
    assert len(named) > 20
    missing = sorted(p for p in named if not (root / p.rstrip("/")).exists())
    assert missing == []


def test_architecture_names_every_package() -> None:
    text = (BOT.parent / "ARCHITECTURE.md").read_text()
    packages = sorted(p.name for p in BOT.iterdir() if (p / "__init__.py").exists())
    assert [p for p in packages if f"bot/{p}" not in text] == []
