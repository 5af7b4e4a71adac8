"""The foundation in a real browser: languages, the switcher, a demo login, accessibility."""

import pytest
from django.conf import settings
from django.utils import translation

from exchanges.demo import DEMO_DOMAIN, demo_seed
from tests.e2e.browser import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _context(locale: str, timezone_id: str = "UTC") -> dict:
    return {
        "locale": locale,
        "timezone_id": timezone_id,
        "viewport": {"width": 1280, "height": 900},
    }


def _translated(message: str, language: str) -> str:
    with translation.override(language):
        result = translation.gettext(message)
    assert result != message, f"No {language} translation for {message!r}"
    return result


@pytest.mark.parametrize(
    ("browser_context_args", "language"),
    [(_context("ja-JP", "Asia/Tokyo"), "ja"), (_context("ko-KR", "Asia/Seoul"), "ko")],
    ids=["ja", "ko"],
)
def test_home_page_browser_locale_selects_language(page, language):
    heading = _translated("Trilink exchanges", language)
    sign_in = _translated("Sign in", language)

    page.goto("/")

    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == heading
    assert page.get_by_role("link", name=sign_in, exact=True).first.is_visible()


@pytest.mark.parametrize("browser_context_args", [_context("ko-KR", "Asia/Seoul")], ids=["ko"])
def test_home_page_times_follow_browser_time_zone(page):
    note = _translated("Times are shown in %(tz)s.", "ko") % {"tz": "Asia/Seoul"}
    page.goto("/")

    page.reload()  # the first page reports the zone in a cookie; the next request uses it

    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    assert cookies["trilink_tz"] == "Asia%2FSeoul"
    assert page.locator("footer span").inner_text() == note


def test_language_switcher_changes_language_and_stays_on_page(page):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.select_option("#language-select", "ja")
    with page.expect_navigation():
        page.get_by_role("button", name="Change", exact=True).click()

    assert page.url.endswith("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"


def test_login_demo_applicant_lands_on_home_with_name(page, live_server):
    demo_seed()
    page.goto("/accounts/login/")

    page.fill("input[name=login]", f"applicant@{DEMO_DOMAIN}")
    page.fill("input[name=password]", settings.TRILINK_DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()

    # The demo applicant prefers Korean: the page switches and shows the Hangul name.
    assert page.url == f"{live_server.url}/"
    assert page.locator("html").get_attribute("lang") == "ko"
    welcome = _translated("Welcome back, %(name)s.", "ko") % {"name": "김민준"}
    assert page.get_by_text(welcome, exact=True).is_visible()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_accessibility_anonymous_pages_have_no_serious_violations(page, path):
    page.goto(path)

    assert serious_violations(page) == []


@pytest.mark.parametrize("browser_context_args", [_context("ja-JP", "Asia/Tokyo")], ids=["ja"])
def test_accessibility_home_japanese_has_no_serious_violations(page):
    page.goto("/")

    assert serious_violations(page) == []


@pytest.mark.parametrize(
    "browser_context_args",
    [{"locale": "en-US", "timezone_id": "UTC", "viewport": {"width": 390, "height": 844}}],
    ids=["phone"],
)
def test_accessibility_home_on_phone_has_no_serious_violations(page):
    page.goto("/")

    assert serious_violations(page) == []


def test_signup_password_rules_are_announced_with_the_field(page):
    page.goto("/accounts/signup/")

    password = page.locator("#id_password1")
    described_by = password.get_attribute("aria-describedby")
    description = page.locator(f"#{described_by}")
    # The rules list sits inside the element the field names as its description (as_p put it
    # in a <span> in a <p>, and the browser moved the list out, leaving the span empty).
    assert description.locator("li").count() >= 2
    assert "10 characters" in description.inner_text()
    assert page.locator("p ul, p ol").count() == 0
