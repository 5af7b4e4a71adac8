"""What a production install carries: no demo-only packages."""

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _project() -> dict:
    return tomllib.loads(PYPROJECT.read_text())["project"]


def test_faker_is_a_demo_extra_not_a_dependency():
    project = _project()

    assert [dep for dep in project["dependencies"] if dep.lower().startswith("faker")] == []
    assert project["optional-dependencies"]["demo"] == ["Faker>=30.0"]
