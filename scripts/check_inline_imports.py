#!/usr/bin/env python3
"""Fail when an import inside a function, method or class body does not state its reason.

An import below module level hides a dependency, so one that has to stay carries, on its
first line::

    # noqa: PLC0415 -- <reason>: <free text>

with <reason> one of REASONS. Module-level imports, including ``if TYPE_CHECKING:`` and
``try``/``except ImportError`` blocks, are not inline. Prints each offender as ``path:line``
and exits 1; exits 0 when there is none.

Usage: ``python scripts/check_inline_imports.py [PATH ...]`` (files or folders; the project's
Python tree by default). Standard library only, so CI and pre-commit run it before installing.
"""

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = ("exchanges", "accounts", "api", "config", "tests", "scripts", "manage.py")
SKIPPED_FOLDERS = {".venv", "migrations", "__pycache__", "node_modules"}
SKIPPED_PATHS: set[str] = set()

REASONS = (
    "cycle",  # the two modules import each other
    "tasks",  # a task imports its service, and the services import the tasks to dispatch
    "app registry",  # the module is imported before Django's apps are ready
    "optional dependency",  # a package from an extra that may not be installed
    "loaded on use",  # heavy, and only one rarely used path needs it
    "test isolation",  # the import itself is what the test exercises, or must follow a patch
)
MARKER = re.compile(
    r"#\s*noqa:\s*(?:[A-Z]+[0-9]+\s*,\s*)*PLC0415(?:\s*,\s*[A-Z]+[0-9]+)*"
    r"\s+--\s+(?P<reason>[a-z ]+?):\s+\S"
)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def skipped(file: Path) -> bool:
    relative = file.relative_to(ROOT).as_posix() if file.is_relative_to(ROOT) else ""
    return bool(SKIPPED_FOLDERS.intersection(file.parts)) or any(
        relative == path or relative.startswith(f"{path}/") for path in SKIPPED_PATHS
    )


def python_files(paths: list[Path]) -> Iterator[Path]:
    """The Python files under ``paths``, also when pre-commit names them one by one."""
    for path in paths:
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        yield from (file for file in files if file.suffix == ".py" and not skipped(file))


def inline_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that have a function, method or class between them and the module."""

    def visit(node: ast.AST, nested: bool) -> Iterator[ast.Import | ast.ImportFrom]:
        for child in ast.iter_child_nodes(node):
            if nested and isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            yield from visit(child, nested or isinstance(child, _SCOPES))

    yield from visit(tree, False)


def has_reason(line: str) -> bool:
    match = MARKER.search(line)
    return bool(match) and match["reason"] in REASONS


def offenders(file: Path) -> list[int]:
    source = file.read_text(encoding="utf-8")
    lines = source.splitlines()
    return [
        node.lineno
        for node in inline_imports(ast.parse(source, filename=str(file)))
        if not has_reason(lines[node.lineno - 1])
    ]


def display(file: Path) -> str:
    return file.relative_to(ROOT).as_posix() if file.is_relative_to(ROOT) else str(file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders to check")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.paths] or [ROOT / p for p in DEFAULT_PATHS]
    found = [f"{display(file)}:{line}" for file in python_files(paths) for line in offenders(file)]
    for entry in found:
        print(entry)
    if found:
        print(
            f"{len(found)} inline import(s) without '# noqa: PLC0415 -- <reason>: <why>' on "
            f"their first line; <reason> is one of: {', '.join(REASONS)}. "
            "Or move the import to the top of the module.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
