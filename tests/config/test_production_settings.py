"""Production settings refuse to start half-configured and pass Django's deploy checks.

Each test starts a fresh interpreter with a clean environment, because settings are read once
per process and the test process runs on the test settings.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "trilink.example",
    "DATABASE_URL": "postgres://trilink@db.invalid:5432/trilink",
    "EMAIL_URL": "smtp://mail.invalid:25",
}


def _run(args: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        # Keep the embedded var/ of the checkout untouched by these runs.
        "TRILINK_VAR_DIR": str(tmp_path / "var"),
        **variables,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_settings_missing_variable_raise_improperly_configured(tmp_path, missing):
    variables = {name: value for name, value in REQUIRED.items() if name != missing}

    result = _run(["-c", "import config.settings.production"], tmp_path, **variables)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        f"Set the {missing} environment variable for production."
    )


def test_production_settings_without_any_variable_refuse_to_start(tmp_path):
    result = _run(["manage.py", "check"], tmp_path)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "Set the SECRET_KEY environment variable for production."
    )


def test_production_settings_with_variables_import(tmp_path):
    result = _run(
        ["-c", "import config.settings.production as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        tmp_path,
        **REQUIRED,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "False ['trilink.example']\n"


def test_production_check_deploy_prints_no_warnings(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **REQUIRED
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert "WARNING" not in result.stderr
