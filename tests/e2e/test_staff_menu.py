"""The staff menu keeps "Sign out" on screen from a phone to a wide desktop (the previews
are checked in test_mail_previews.py)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0


@pytest.mark.parametrize("width", [1200, 1280, 1366, 1440, 1920])
def test_staff_menu_keeps_sign_out_on_screen(page, live_server, secretariat, width):
    secretariat.given_name, secretariat.family_name = "Alexandra", "Montgomery-Fitzgerald"
    secretariat.save(update_fields=["given_name", "family_name"])
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, secretariat)
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
    sign_in(page, live_server, secretariat)
    page.goto(reverse("staff:dashboard"))

    page.get_by_role("button", name="Toggle navigation").click()

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    _no_sideways_scroll(page)
