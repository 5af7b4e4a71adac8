"""Partner staff in a browser: the webhook page lists their organisation's subscription, the
delivery log shows each attempt, and "Send again" makes a real receiver on loopback get the
same event once more, with a valid signature; accessible and fitting a phone."""

import json

import pytest
from django.urls import reverse

from exchanges.services.applications import application_transition
from tests.conftest import with_mfa
from tests.e2e.browser import assert_accessible, sign_in
from tests.e2e.test_workflows import assert_fits_phone
from tests.factories import OrganisationFactory, PartnerStaffFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.webhooks import subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def test_partner_staff_read_the_log_and_redeliver(page, live_server, receiver):
    cohort = CohortFactory()
    japan = OrganisationFactory(name="Japan Center", country="JP")
    korea = OrganisationFactory(name="Korea Foundation", country="KR")
    cohort.program.partners.add(japan, korea)
    subscription, receiver.secret = subscribe(japan, receiver.url)
    subscribe(korea, "https://93.184.215.14/korea-only")
    receiver.answers = [503]
    application = ApplicationFactory(cohort=cohort, from_country="JP")
    application_transition(application=application, to_status="submitted", actor=None)
    staff = with_mfa(PartnerStaffFactory(organisation=japan))
    sign_in(page, live_server, staff)

    page.goto(reverse("staff:webhook_list"))
    assert page.locator("table").inner_text().count("Japan Center") == 1
    assert "korea-only" not in page.content()
    assert_accessible(page)
    page.get_by_role("link", name=receiver.url).click()
    log = page.locator("#delivery-log")
    assert "HTTP 503" in log.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Send again").click()

    page.get_by_text("The event is being sent again, with the same event id.").wait_for()
    assert "#2" in page.locator("#delivery-log").inner_text()
    assert "HTTP 200" in page.locator("#delivery-log").inner_text()
    event_id = json.loads(receiver.requests[0].body)["id"]
    assert [r.answered for r in receiver.requests] == [503, 200]
    assert receiver.accepted == [event_id]
    assert all(r.signature_valid for r in receiver.requests)
    assert page.url.endswith(reverse("staff:webhook_detail", args=[subscription.pk]))
    assert_fits_phone(page)
