"""Measures of the code's shape: module and function length, parameter lists, import circles
and imports that point from a lower layer up to a higher one.

    python scripts/code_measures.py [--json]

Layers, lowest first: ``models`` < ``review`` (the domain) < ``review.commands`` and
``review.ui`` (the edges) < ``app``. An import from a lower layer into a higher one is an
arrow up. Imports inside functions count too: they are still dependencies.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("review", "models")
LIMITS = {"module_lines": 450, "function_lines": 50, "parameters": 8}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> int:
    """0 engines, 1 domain, 2 edges (CLI, screen), 3 the app."""
    if module == "app":
        return 3
    if module.startswith(("review.ui", "review.commands", "review.cli", "review.__main__")):
        return 2
    if module.startswith("review"):
        return 1
    return 0


def sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def imported(tree: ast.AST, module: str, known: set[str]) -> set[str]:
    """Modules of this project that ``tree`` imports (resolved to known module names)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".") if _is_package(module) else module.split(".")[:-1]
                parent = parent[:len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def _is_package(module: str) -> bool:
    return (ROOT / module.replace(".", "/") / "__init__.py").exists()


def functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            count = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
            count -= bool(args.args and args.args[0].arg in ("self", "cls"))
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1, count


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def measure() -> dict:
    files = sources()
    known = {module_name(p) for p in files}
    trees = {module_name(p): (p, ast.parse(p.read_text(encoding="utf-8"))) for p in files}
    graph, long_modules, long_functions, long_params, upward, lengths = {}, [], [], [], [], []
    for module, (path, tree) in trees.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > LIMITS["module_lines"]:
            long_modules.append(f"{module} ({lines})")
        for name, line, length, params in functions(tree):
            lengths.append(length)
            where = f"{module}:{line} {name}"
            if length > LIMITS["function_lines"]:
                long_functions.append(f"{where} ({length} lines)")
            if params > LIMITS["parameters"]:
                long_params.append(f"{where} ({params} parameters)")
        graph[module] = imported(tree, module, known)
        upward += [f"{module} -> {target}" for target in sorted(graph[module])
                   if layer(target) > layer(module)]
    lengths.sort()
    return {"modules": len(trees), "functions": len(lengths),
            "median_function_lines": lengths[len(lengths) // 2] if lengths else 0,
            "modules_over_450_lines": long_modules, "functions_over_50_lines": long_functions,
            "parameter_lists_over_8": long_params, "import_circles": cycles(graph),
            "imports_up_a_layer": upward}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['modules']} modules, {result['functions']} functions, "
          f"median function {result['median_function_lines']} lines")
    for key in ("modules_over_450_lines", "functions_over_50_lines", "parameter_lists_over_8",
                "import_circles", "imports_up_a_layer"):
        print(f"{key}: {len(result[key])}")
        for item in result[key]:
            print(f"  {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
