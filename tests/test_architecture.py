"""docs/architecture.md matches the tree: ``scripts/architecture.py --check`` passes on the
repository and fails on a temporary copy whose document is stale or names a missing path, or
whose tree holds a module of no domain."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = "docs/architecture.md"
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "var",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    ".import_linter_cache",
)

pytestmark = pytest.mark.unit


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    """The script of ``root`` (which reads the tree it sits in), run from ``root``."""
    return subprocess.run(
        [sys.executable, "scripts/architecture.py", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def _row(table: str, domain: str) -> str:
    (row,) = [line for line in table.splitlines() if line.startswith(f"| **{domain}** |")]
    return row


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    copy = tmp_path / "trilink"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
    return copy


def test_architecture_check_passes_on_the_tree():
    result = _run(ROOT, "--check", DOC)

    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "docs/architecture.md matches the tree.\n",
        "",
    )


def test_architecture_table_is_the_documents_table():
    table = _run(ROOT).stdout
    text = (ROOT / DOC).read_text()

    assert f"<!-- domain-table:start -->\n{table}<!-- domain-table:end -->" in text
    # The waiting list is the offers domain's by the script's EXTRAS; offers keep no models.
    cells = _row(table, "offers").split(" | ")
    assert (cells[1], cells[2], cells[7]) == (
        "—",
        "offers.py, waitlists.py",
        "offers/, staff/offers/",
    )


def test_architecture_check_fails_when_a_new_module_makes_the_document_stale(tree_copy):
    table = _run(tree_copy).stdout.splitlines()
    before = _row("\n".join(table), "dashboard")
    (tree_copy / "exchanges/forms/dashboard_filters.py").write_text('"""Filters."""\n')

    result = _run(tree_copy, "--check", DOC)

    cells = before.split(" | ")
    forms = [] if cells[4] == "—" else cells[4].split(", ")
    cells[4] = ", ".join(sorted([*forms, "dashboard_filters.py"]))
    after = " | ".join(cells)
    line = table.index(before) + 1
    assert (result.returncode, result.stdout.splitlines(), result.stderr) == (
        1,
        [
            "the domain table in docs/architecture.md differs from the tree (- document, + tree):",
            f"@@ -{line} +{line} @@",
            f"-{before}",
            f"+{after}",
            "to update it: python scripts/architecture.py --write docs/architecture.md",
        ],
        "",
    )


def test_architecture_write_brings_a_stale_document_up_to_date(tree_copy):
    (tree_copy / "exchanges/forms/dashboard_filters.py").write_text('"""Filters."""\n')

    written = _run(tree_copy, "--write", DOC)
    result = _run(tree_copy, "--check", DOC)

    assert (written.returncode, written.stdout, written.stderr) == (0, "", "")
    assert (result.returncode, result.stdout) == (0, "docs/architecture.md matches the tree.\n")


def test_architecture_check_fails_on_a_module_of_no_domain(tree_copy):
    (tree_copy / "exchanges/services/helpers.py").write_text('"""Odds and ends."""\n')

    result = _run(tree_copy, "--check", DOC)

    assert (result.returncode, result.stdout) == (
        1,
        "exchanges/services/helpers.py belongs to no domain: name it <domain>.py or "
        "<domain>_<what>.py, or add it to EXTRAS or SHARED in scripts/architecture.py\n",
    )


def test_architecture_check_fails_on_paths_modules_and_links_that_do_not_exist(tree_copy):
    doc = tree_copy / DOC
    doc.write_text(
        doc.read_text()
        + "\nSee `exchanges/services/waitlist.py`, `exchanges.services.mail.mail_send_now`,"
        " `exchanges.services.notifications` and [the guide](guide.md); action types such as"
        " `exchanges.application.accepted` and URLs such as `/staff/` are not paths.\n"
    )

    result = _run(tree_copy, "--check", DOC)

    assert (result.returncode, result.stdout.splitlines()) == (
        1,
        [
            "`exchanges/services/waitlist.py` does not exist",
            "`exchanges.services.mail.mail_send_now`: exchanges.services.mail defines no "
            "mail_send_now",
            "`exchanges.services.notifications`: exchanges.services defines no notifications",
            "link (guide.md) does not exist",
        ],
    )
