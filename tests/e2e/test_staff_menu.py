"""The staff menu keeps "Sign out" on screen from a phone to a wide desktop (the previews
are checked in test_mail_previews.py)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

SERIOUS_IMPACTS = {"serious", "critical"}
AXE = Axe()
WIDTHS = [1280, 390]


def _assert_accessible(page) -> None:
    violations = AXE.run(page).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"])
        for v in violations
        if v["impact"] in SERIOUS_IMPACTS
    ]
    assert serious == [], page.url


def _sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0


def _frame_of(page, selector: str):
    handle = page.locator(selector).first.element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


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
