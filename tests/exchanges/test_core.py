"""Health check and the translated error pages."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from exchanges.views.core import server_error
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_healthz_embedded_mode_reports_ok_and_eager_broker(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_database_unreachable_returns_503(client):
    # The database is an external system: an unreachable server is simulated at the driver edge.
    with mock.patch(
        "django.db.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "broker": "eager",
    }


def _translated(message: str, language: str) -> str:
    with translation.override(language):
        result = translation.gettext(message)
    # Fails while the catalogue lacks the string: the page would then show English.
    assert result != message, f"No {language} translation for {message!r}"
    return result


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_page_not_found_is_translated(client, language):
    heading = _translated("Page not found", language)

    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)

    content = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in content
    assert f'<h1 class="h2">{heading}</h1>' in content


def test_page_not_found_english(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert '<h1 class="h2">Page not found</h1>' in response.content.decode()


@pytest.mark.parametrize("language", ["ja", "ko"])
def test_permission_denied_is_translated_in_user_language(client, language):
    heading = _translated("Access denied", language)
    client.force_login(ApplicantFactory(preferred_language=language))

    response = client.get(reverse("staff:dashboard"))

    content = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in content
    assert f'<h1 class="h2">{heading}</h1>' in content


def test_server_error_page_renders_translated(rf):
    heading = _translated("Something went wrong", "ja")

    with translation.override("ja"):
        response = server_error(rf.get("/"))

    content = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ja">' in content
    assert f'<h1 class="h2">{heading}</h1>' in content


def test_favicon_ico_leads_to_the_apps_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
