"""The house rules of docs/architecture.md, checked on the code itself (no import is executed).

- Imports run one way, down the stages: core <- cards, load <- sources <- model <- outputs, ops
  <- tasks/prefect_tasks.py <- flows <- footprints (the CLI); packages on one floor do not
  import each other.
- No import cycle between modules.
- Modules stay under 600 lines and functions under 60; tasks/ keeps at most 8 modules at its
  root (STYLE.md: past that size a module or a function is asking to be split).
- An import inside a function says why it is deferred (a `deferred:` comment on its line or the
  line above, or a module docstring that says so).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("tasks", "flows", "footprints")
# The floor of each stage; a module may import its own stage and any lower floor.
FLOORS = {
    "tasks.core": 0,
    "tasks.cards": 1,
    "tasks.load": 1,
    "tasks.sources": 2,
    "tasks.model": 3,
    "tasks.outputs": 4,
    "tasks.ops": 4,
    "tasks.prefect_tasks": 5,
    "flows": 6,
    "footprints": 7,
}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
MAX_ROOT_MODULES = 8


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for package in PACKAGES
        for p in sorted((REPO / package).rglob("*.py"))
        if "__pycache__" not in p.parts and p != REPO / "tasks" / "__init__.py"
    }


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(encoding="utf-8"))


def stage(name: str) -> str:
    return max((s for s in FLOORS if name == s or name.startswith(s + ".")), key=len)


def _resolve(target: str) -> str | None:
    """The module of ours an import names (`tasks.core.http.fetch` -> `tasks.core.http`)."""
    known = modules()
    while target:
        if target in known:
            return target
        target = target.rpartition(".")[0]
    return None


def imports(name: str) -> set[str]:
    """Our modules that `name` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found.update(t for t in map(_resolve, targets) if t and t != name)
    return found


def test_imports_run_down_the_stages() -> None:
    wrong = []
    for name in modules():
        here = stage(name)
        for other in imports(name):
            there = stage(other)
            if there != here and FLOORS[there] >= FLOORS[here]:
                wrong.append(f"{name} ({here}) imports {other} ({there})")
    assert not wrong, "imports that run up or across the stages:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle() -> None:
    graph = {name: imports(name) for name in modules()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in graph:
        if name not in index:
            visit(name)
    assert not cycles, f"import cycles: {cycles}"


def test_modules_and_functions_stay_small() -> None:
    too_long = []
    for name, path in modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(REPO)}: {lines} lines")
        for node in ast.walk(tree(name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}: {length}")
    assert not too_long, "past the house's sizes:\n" + "\n".join(too_long)


def test_tasks_root_holds_few_modules() -> None:
    root = sorted(p.name for p in (REPO / "tasks").glob("*.py") if p.name != "__init__.py")
    assert len(root) <= MAX_ROOT_MODULES, root


def _deferred_imports(name: str) -> list[ast.stmt]:
    nested = []
    for node in ast.walk(tree(name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            nested += [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
    return nested


def test_deferred_imports_say_why() -> None:
    unexplained = []
    for name, path in modules().items():
        docstring = ast.get_docstring(tree(name)) or ""
        if "deferred" in docstring.lower():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in _deferred_imports(name):
            # the comment may head a block of several deferred imports
            around = " ".join(lines[max(node.lineno - 10, 0) : node.lineno]).lower()
            if "deferred" not in around:
                unexplained.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not unexplained, (
        "imports inside functions with no `deferred:` comment saying why:\n"
        + "\n".join(unexplained)
    )


@pytest.mark.parametrize("package", ["core", "cards", "load", "sources", "model", "outputs", "ops"])
def test_each_stage_has_its_tests(package: str) -> None:
    """Tests mirror the layout: tests/<stage>/ for every stage package."""
    assert any((REPO / "tests" / package).glob("test_*.py")), f"no tests/{package}/test_*.py"
