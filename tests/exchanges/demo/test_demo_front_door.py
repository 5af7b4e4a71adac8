"""The demo builds its world through the public services: it imports no private name of
another module, and the few rows it writes itself (accounts and organisations, which no
service creates, and the time travel of ``exchanges.demo.history``) are counted and each
carries a comment saying why."""

import ast
from pathlib import Path

import exchanges.demo

DEMO = Path(exchanges.demo.__file__).parent
WRITES = {
    "create",
    "update",
    "save",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# The documented remainder of direct writes, per module.
EXPECTED_WRITES = {
    # Organisations, the demo logins and the generated applicants with their verified
    # addresses; the staged states of four outbox rows; the campaign's queueing record.
    "__init__.py": 7,
    "alumni.py": 0,
    "api_keys.py": 0,
    "attendance.py": 0,
    "applications.py": 0,
    # Reopening and closing a call, the log's and the application's timestamps, documents'
    # upload time, emails delivered back then.
    "history.py": 6,
    "offers.py": 0,
    "outcomes.py": 0,
    "predeparture.py": 0,
    "privacy.py": 0,
    # The two pool colleagues of the demo reviewer and their verified addresses.
    "reviews.py": 2,
    # The harsh, lenient and panel reviewers and their verified addresses.
    "selection.py": 2,
    "surveys.py": 0,
    "webhooks.py": 0,
}


def _modules() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text()) for path in sorted(DEMO.glob("*.py"))}


def _writes(tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
    ]


def test_demo_imports_no_private_names():
    private = [
        f"{name}: from {node.module} import {alias.name}"
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_")
    ] + [
        f"{name}: import {alias.name}"
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if any(part.startswith("_") for part in alias.name.split("."))
    ]

    assert private == []


def test_demo_direct_writes_are_the_documented_remainder():
    counts = {name: len(_writes(tree)) for name, tree in _modules().items()}

    assert counts == EXPECTED_WRITES


def test_demo_direct_writes_each_say_why():
    silent = []
    for name, tree in _modules().items():
        lines = (DEMO / name).read_text().splitlines()
        for call in _writes(tree):
            above = lines[max(call.lineno - 4, 0) : call.lineno]
            if not any(line.strip().startswith("#") for line in above):
                silent.append(f"{name}:{call.lineno}")

    assert silent == []
