"""Language and time zone: stored preference, switcher, Accept-Language and cookies."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import reverse

from accounts.middleware import UserPreferencesMiddleware
from tests.factories import DEFAULT_PASSWORD, ApplicantFactory

pytestmark = pytest.mark.django_db

HTML_LANG = re.compile(r'<html lang="([^"]+)">')


def _html_lang(response) -> str:
    match = HTML_LANG.search(response.content.decode())
    assert match, "No <html lang> in the page"
    return match.group(1)


def _footer_time_zone(response) -> str:
    match = re.search(r"Times are shown in ([^.<]+)\.", response.content.decode())
    assert match, "No time zone note in the footer"
    return match.group(1)


@pytest.mark.parametrize("path", ["/", "/accounts/profile/", "/accounts/email/"])
def test_preferred_language_activates_on_every_page(client, path):
    client.force_login(ApplicantFactory(preferred_language="ja"))

    response = client.get(path)

    assert response.status_code == 200
    assert _html_lang(response) == "ja"


def test_preferred_language_wins_over_language_cookie(client):
    client.force_login(ApplicantFactory(preferred_language="ko"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert _html_lang(response) == "ko"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ja", "ja"),
        ("ko-KR,ko;q=0.9", "ko"),
        ("ja-JP,ja;q=0.9,en;q=0.5", "ja"),
        ("en-US", "en"),
        ("fr-FR", "en"),
    ],
)
def test_login_page_language_from_accept_language(client, header, expected):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=header)

    assert response.status_code == 200
    assert _html_lang(response) == expected


def test_language_cookie_wins_over_accept_language_for_anonymous(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"

    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ja")

    assert _html_lang(response) == "ko"


def test_set_language_signed_in_stores_preference(client):
    user = ApplicantFactory(preferred_language="en")
    client.force_login(user)

    response = client.post(
        reverse("set_language"), {"language": "ko", "next": "/accounts/profile/"}
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert user.preferred_language == "ko"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    assert _html_lang(client.get("/")) == "ko"


def test_set_language_anonymous_sets_cookie(client):
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    assert _html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "ja"


def test_set_language_unknown_language_changes_nothing(client):
    user = ApplicantFactory(preferred_language="en")
    client.force_login(user)

    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.preferred_language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_set_language_foreign_next_redirects_home(client):
    response = client.post(
        reverse("set_language"), {"language": "ja", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_set_language_get_not_allowed(client):
    response = client.get(reverse("set_language"), {"language": "ja"})

    assert response.status_code == 405


def test_time_zone_signed_in_user_uses_own_zone(client):
    client.force_login(ApplicantFactory(time_zone="Asia/Tokyo"))
    client.cookies[settings.TIMEZONE_COOKIE_NAME] = "America/Chicago"

    response = client.get("/")

    assert _footer_time_zone(response) == "Asia/Tokyo"


def test_time_zone_anonymous_uses_cookie(client):
    client.cookies[settings.TIMEZONE_COOKIE_NAME] = "Asia/Seoul"

    response = client.get("/")

    assert _footer_time_zone(response) == "Asia/Seoul"


def test_time_zone_anonymous_url_encoded_cookie_is_decoded(client):
    # static/js/trilink.js stores the zone with encodeURIComponent.
    client.cookies[settings.TIMEZONE_COOKIE_NAME] = "America%2FLos_Angeles"

    response = client.get("/")

    assert _footer_time_zone(response) == "America/Los_Angeles"


def test_time_zone_anonymous_invalid_cookie_is_ignored(client):
    client.cookies[settings.TIMEZONE_COOKIE_NAME] = "Not/AZone"

    response = client.get("/")

    assert _footer_time_zone(response) == "UTC"


def test_time_zone_anonymous_without_cookie_is_utc(client):
    response = client.get("/")

    assert _footer_time_zone(response) == "UTC"


def _render_time_through_middleware(request) -> str:
    """Render a fixed UTC instant inside UserPreferencesMiddleware, as a page would."""
    instant = dt.datetime(2027, 1, 1, 0, 0, tzinfo=dt.UTC)

    def view(_request):
        return HttpResponse(
            Template("{{ instant|date:'Y-m-d H:i' }}").render(Context({"instant": instant}))
        )

    return UserPreferencesMiddleware(view)(request).content.decode()


def test_time_rendering_signed_in_user_converts_to_own_zone(rf):
    request = rf.get("/")
    request.user = ApplicantFactory(time_zone="Asia/Tokyo")

    assert _render_time_through_middleware(request) == "2027-01-01 09:00"


def test_time_rendering_anonymous_cookie_converts_to_cookie_zone(rf):
    request = rf.get("/")
    request.COOKIES[settings.TIMEZONE_COOKIE_NAME] = "America/New_York"
    request.user = AnonymousUser()

    assert _render_time_through_middleware(request) == "2026-12-31 19:00"


def test_time_rendering_anonymous_invalid_cookie_stays_utc(rf):
    request = rf.get("/")
    request.COOKIES[settings.TIMEZONE_COOKIE_NAME] = "Europe/Atlantis"
    request.user = AnonymousUser()

    assert _render_time_through_middleware(request) == "2027-01-01 00:00"


def _flash_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_sign_in_message_is_in_the_users_language_not_the_browsers(client):
    user = ApplicantFactory(
        given_name="Minjun",
        family_name="Kim",
        local_name="김민준",
        country="KR",
        preferred_language="ko",
    )

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    assert (_html_lang(response), _flash_messages(response)) == (
        "ko",
        ["김민준 님으로 로그인했습니다."],
    )


def test_sign_in_message_of_an_english_user_from_a_japanese_browser_is_english(client):
    user = ApplicantFactory(
        given_name="Olivia", family_name="Johnson", country="US", preferred_language="en"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="ja",
        follow=True,
    )

    assert (_html_lang(response), _flash_messages(response)) == (
        "en",
        ["Signed in as Olivia Johnson."],
    )


def test_sign_out_message_is_in_the_language_of_the_signed_out_page(client):
    client.force_login(ApplicantFactory(preferred_language="ko"))

    response = client.post(reverse("account_logout"), HTTP_ACCEPT_LANGUAGE="ja", follow=True)

    assert (_html_lang(response), _flash_messages(response)) == ("ja", ["ログアウトしました。"])


@pytest.mark.parametrize(
    ("language", "label"), [("ja", "コードの送信先"), ("ko", "코드를 받을 주소")]
)
def test_reauthentication_code_page_labels_the_recipient_in_the_users_language(
    client, language, label
):
    user = ApplicantFactory(preferred_language=language)
    client.force_login(user)

    response = client.get(reverse("account_request_reauthentication_code"))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<label class="form-label" for="id_recipient">{label}</label>' in content
    assert "Recipient" not in content
