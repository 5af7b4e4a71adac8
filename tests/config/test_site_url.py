"""Links built outside a request follow the address the development server is reached at."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings

from config import site
from tests.exchanges.views.conftest import questions_of
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _forget_served_address():
    site._served_base.clear()
    yield
    site._served_base.clear()


@pytest.mark.django_db
def test_links_follow_the_served_port_in_development(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "config.site.DevelopmentSiteURLMiddleware"]
    cohort = CohortFactory()
    QuestionFactory(step=FormStepFactory(form__cohort=cohort, position=1))
    application = ApplicationFactory(cohort=cohort)
    assert questions_of(cohort)
    client.force_login(application.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/applications/{application.pk}/referees/",
            {"name": "Prof. Tanaka", "email": "tanaka@example.ac.jp", "language": "en"},
            HTTP_HOST="127.0.0.1:8123",
        )

    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/referee/" in line)
    assert "http://127.0.0.1:8123/referee/" in link
    assert site.site_url() == "http://127.0.0.1:8123"


@override_settings(SITE_URL="https://trilink.example/")
def test_site_url_without_a_served_address_is_the_setting():
    assert site.site_url() == "https://trilink.example"
    assert site.absolute_url("/calls/") == "https://trilink.example/calls/"


def _middleware(env_site_url: str | None, var_dir: Path) -> list[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "TRILINK_VAR_DIR": str(var_dir),
    }
    if env_site_url:
        env["SITE_URL"] = env_site_url
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.MIDDLEWARE)"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return eval(result.stdout)  # noqa: S307 -- our own settings' repr of a list of strings


def test_local_settings_follow_the_served_address_only_without_site_url(tmp_path):
    assert "config.site.DevelopmentSiteURLMiddleware" in _middleware(None, tmp_path)
    assert "config.site.DevelopmentSiteURLMiddleware" not in _middleware(
        "https://x.example", tmp_path
    )
