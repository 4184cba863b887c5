"""The shape issue 11 asks the code to keep: small modules and functions, one-way imports of
the checker, so that each stage stays where a reader expects it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plangen"
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60
# Only the CLI, the build and the view's loader may reach the checker (issue 11).
MAY_IMPORT_CHECK = {"cli.py", "view.py", "check.py"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_over_450_lines() -> None:
    big = {str(p.relative_to(PACKAGE)): n for p in modules()
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert big == {}


def test_no_function_over_60_lines() -> None:
    long = {}
    for p in modules():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                if n > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(PACKAGE)}:{node.lineno} {node.name}"] = n
    assert long == {}


def _imports_check(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module == "plangen.check" or node.module.startswith("plangen.check.")):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "plangen" and any(a.name == "check" for a in node.names):
            return True
        if isinstance(node, ast.Import) and any(a.name.startswith("plangen.check") for a in node.names):
            return True
    return False


def test_only_cli_build_and_the_view_import_check() -> None:
    bad = []
    for p in modules():
        rel = p.relative_to(PACKAGE)
        if rel.parts[0] in ("build", "check") or rel.name in MAY_IMPORT_CHECK and len(rel.parts) == 1:
            continue
        if _imports_check(ast.parse(p.read_text(encoding="utf-8"))):
            bad.append(str(rel))
    assert bad == []
