"""The shape of the house: no import circles among Upward's modules.

Imports inside functions count too: a circle hidden in a lazy import is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "upward"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def get_imports(path: Path, modules: set[str]) -> set[str]:
    """Return the Upward modules a module imports, anywhere in it."""
    found: set[str] = set()
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            # `from upward import progress` needs upward.progress, not all of upward/__init__.
            found.update(submodules or {base})
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: get_imports(path, set(paths)) for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import circle as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph.get(name, ())):
            if target == name:
                continue
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_upward_has_no_import_circles():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle or [])


def test_no_test_imports_another_test_or_a_conftest():
    offenders = []
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                last = name.rpartition(".")[2]
                if last.startswith("test_") or last == "conftest":
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


FEATURES = {
    "auth",
    "learn",
    "authors",
    "discussions",
    "resources",
    "search",
    "program",
    "mail",
    "reports",
    "meetings",
    "admin",
    "pairspace",
    "pairs",
    "demo",
}


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in FEATURES else None


def test_the_top_level_imports_no_feature_and_features_never_import_other_routes():
    graph = import_graph()
    wrong = []
    for module, targets in graph.items():
        mine = feature_of(module)
        for target in targets:
            theirs = feature_of(target)
            if theirs is None or theirs == mine:
                continue
            if mine is None and module != "upward":
                wrong.append(f"top-level {module} imports {target}")
            elif mine is not None and target.endswith(".routes"):
                wrong.append(f"{module} imports another feature's routes: {target}")
    assert wrong == []
