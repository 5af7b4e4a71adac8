"""API keys in Chromium: partner staff issue a key from the staff menu, copy it from the page,
call the API with it, revoke it, and the next call is refused; the pages pass axe."""

import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import with_mfa
from tests.e2e.browser import serious_violations, sign_in
from tests.factories import OrganisationFactory, PartnerStaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _me_status(live_server, token: str) -> int:
    request = urllib.request.Request(  # noqa: S310 -- the test's own live server
        f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310 -- as above
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_partner_staff_issue_use_and_revoke_a_key(page, live_server):
    organisation = OrganisationFactory(name="Japan Center for Civic Exchange", country="JP")
    staff = with_mfa(PartnerStaffFactory(organisation=organisation))
    sign_in(page, live_server, staff)
    page.goto("/staff/")

    page.get_by_role("link", name="API keys").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Issue a key").click()
    page.get_by_role("button", name="Issue the key").click()
    expect(page.get_by_text("Give the key a name.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Name").fill("Roster sync")
    page.get_by_label("Read programs and cohorts").check()
    page.get_by_role("button", name="Issue the key").click()

    token = page.get_by_label("Key “Roster sync” for").input_value()
    assert serious_violations(page) == []
    assert _me_status(live_server, token) == 200
    page.get_by_role("link", name="I have copied the key").click()
    expect(page.locator("#api-keys")).not_to_contain_text("Not used yet")
    page.get_by_role("link", name="Revoke Roster sync").click()
    page.get_by_role("button", name="Revoke the key").click()

    expect(page.locator("#api-keys")).to_contain_text("Revoked")
    assert _me_status(live_server, token) == 401
