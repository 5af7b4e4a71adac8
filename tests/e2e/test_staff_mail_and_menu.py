"""Staff see what an email will look like, and the menu fits the screen.

At 1280 and 390 px the template editor and the campaign composer show a preview whose HTML
part is real formatting (elements, not escaped tags); axe finds no serious violation. The
staff menu keeps "Sign out" on screen from a phone to a wide desktop.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.exchanges.conftest import make_cohort
from tests.factories import ApplicantFactory
from tests.factories.applications import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS_IMPACTS = {"serious", "critical"}
AXE = Axe()
WIDTHS = [1280, 390]


def _assert_accessible(page) -> None:
    violations = AXE.run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"])
               for v in violations if v["impact"] in SERIOUS_IMPACTS]
    assert serious == [], page.url


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0


def _frame_of(page, selector: str):
    handle = page.locator(selector).first.element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


@pytest.mark.parametrize("width", WIDTHS)
def test_template_editor_preview_shows_formatted_html(page, live_server, secretariat, width):
    cohort = make_cohort()
    ApplicantFactory(email="olivia@example.org", given_name="Olivia", family_name="Johnson",
                     country="US")
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:mail_template_edit", args=[cohort.pk, "decision_rejected", "en"]))
    page.get_by_label("Text").fill(
        "<p>Dear {{ recipient_name }},</p><p>Thank you for applying to "
        "<strong>{{ program_name }}</strong>.</p>")

    frame_locator = page.frame_locator("#preview-html")
    expect(frame_locator.locator("strong")).to_have_text("Leaders Exchange")
    expect(frame_locator.locator("p").first).to_contain_text("Dear ")
    frame = _frame_of(page, "#preview-html")
    assert "<p>" not in frame.inner_text("body")
    expect(page.locator("#preview-subject")).not_to_be_empty()
    _assert_accessible(page)
    _no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_campaign_composer_previews_each_language(page, live_server, secretariat, width):
    cohort = make_cohort()
    person = ApplicantFactory(country="JP", preferred_language="ja")
    ApplicationFactory(cohort=cohort, applicant=person, country="JP")
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server, secretariat)

    page.goto(reverse("staff:campaign_create"))
    page.get_by_label("Internal name").fill("Orientation")
    page.get_by_label("Cohort").select_option(str(cohort.pk))
    page.get_by_label("Subject (English)").fill("Orientation on {{ cohort_name }}")
    page.get_by_label("Message (English)").fill(
        "<p>Dear {{ recipient_name }},</p><p>See you at <strong>{{ program_name }}</strong>."
        "</p>")
    page.get_by_label("Subject (Japanese)").fill("{{ cohort_name }}のオリエンテーション")
    page.get_by_label("Message (Japanese)").fill(
        "<p>{{ recipient_name }} 様</p><p><strong>{{ program_name }}</strong>でお会いしましょう。"
        "</p>")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_role("heading", name=re.compile("Orientation"))).to_be_visible()

    english = page.frame_locator("#preview-en-html")
    japanese = page.frame_locator("#preview-ja-html")
    expect(english.locator("strong")).to_have_text("Leaders Exchange")
    expect(japanese.locator("strong")).to_have_text("リーダー交流")
    expect(page.locator("#preview-ja-subject")).to_have_text("2027年夏のオリエンテーション")
    _assert_accessible(page)
    _no_sideways_scroll(page)


@pytest.mark.parametrize("width", [1200, 1280, 1366, 1440, 1920])
def test_staff_menu_keeps_sign_out_on_screen(page, live_server, secretariat, width):
    secretariat.given_name, secretariat.family_name = "Alexandra", "Montgomery-Fitzgerald"
    secretariat.save(update_fields=["given_name", "family_name"])
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:dashboard"))

    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():
        toggler.click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    box = sign_out.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    _no_sideways_scroll(page)


def test_staff_menu_on_a_phone(page, live_server, secretariat):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:dashboard"))

    page.get_by_role("button", name="Toggle navigation").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    _no_sideways_scroll(page)
