"""scripts/check_inline_imports.py: every inline import states one of the fixed reasons."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_inline_imports.py"

SAMPLE = '''\
"""A module with inline imports, good and bad."""

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal


def good():
    from pathlib import Path  # noqa: PLC0415 -- loaded on use: only this path needs it

    return Path, os


def bad_reason():
    import json  # noqa: PLC0415 -- one test

    return json


def no_reason():
    import csv  # noqa: PLC0415

    return csv


class Holder:
    from string import (  # noqa: PLC0415 -- as above
        ascii_letters,
    )

    def method(self):
        import re  # noqa: PLC0415 -- cycle: the two modules import each other

        return re


def unknown_reason():
    if True:
        import zlib  # noqa: PLC0415 -- speed: shaves a millisecond

    return zlib
'''


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_the_project_states_a_reason_for_every_inline_import():
    result = run()

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_an_inline_import_without_a_listed_reason_fails(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(SAMPLE)

    result = run(str(sample))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{sample}:17",
        f"{sample}:23",
        f"{sample}:29",
        f"{sample}:41",
    ]
    assert result.stderr == (
        "4 inline import(s) without '# noqa: PLC0415 -- <reason>: <why>' on their first line; "
        "<reason> is one of: cycle, tasks, app registry, optional dependency, loaded on use, "
        "test isolation. Or move the import to the top of the module.\n"
    )
