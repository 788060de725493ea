"""The package's structure: every module imports, and no module or package imports back in a circle.

The import graph is read from the source with ``ast`` — every ``import tarjama…`` and
``from tarjama… import …``, at module level, inside a function (a lazy import is still a
dependency) or under ``if TYPE_CHECKING:`` (a type named in an annotation is a dependency too).
Two graphs must be acyclic: modules, and top-level parts of the package (``engines``,
``glossary``, ``text``…), so that the layers read from ``types`` and the text layer at the
bottom up to the commands.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections import defaultdict
from pathlib import Path

import tarjama

SRC = Path(tarjama.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = ["tarjama", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The tarjama modules ``path`` imports (``from a import b`` counts ``a.b`` when it is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("tarjama"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tarjama"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in modules}


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in SRC.rglob("*.py")}
    modules = set(files)
    return {name: imports_of(path, modules) - {name} for name, path in files.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None and (found := dfs(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if state.get(start) is None and (found := dfs(start)):
            return found
    return None


def part(module: str) -> str:
    """``tarjama.engines.gguf.engine`` → ``engines``; ``tarjama.text.arabic`` → ``arabic``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "tarjama"


def test_every_module_imports() -> None:
    failed = {}
    for info in pkgutil.walk_packages(tarjama.__path__, "tarjama."):
        if info.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(info.name)
        except ImportError as exc:  # an optional engine's library may be missing; nothing else may
            if exc.name and exc.name.split(".")[0] == "tarjama":
                failed[info.name] = repr(exc)
    assert failed == {}


def test_no_import_cycle_between_modules() -> None:
    assert cycle(graph()) is None


def test_no_import_cycle_between_parts_of_the_package() -> None:
    parts: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph().items():
        parts[part(module)].update(part(t) for t in targets if part(t) != part(module))
    parts.pop("tarjama", None)  # the package face re-exports names lazily, by string
    assert cycle(parts) is None


def test_the_check_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_the_text_layer_is_at_the_bottom() -> None:
    edges = graph()
    for bottom in ("tarjama.text.arabic", "tarjama.text.terms", "tarjama.errors"):
        assert edges[bottom] <= {"tarjama.text.arabic", "tarjama.errors"}, (bottom, edges[bottom])


def test_only_the_embedded_engine_and_the_development_tools_import_the_embedded_engine() -> None:
    """What another engine shares with the embedded one lives in ``engines`` (``prompts``, ``chat``)."""
    outside = {
        module: sorted(t for t in targets if t.startswith("tarjama.engines.gguf"))
        for module, targets in graph().items()
        if not module.startswith(("tarjama.engines.gguf", "tarjama.dev"))
    }
    assert {m: t for m, t in outside.items() if t} == {}
