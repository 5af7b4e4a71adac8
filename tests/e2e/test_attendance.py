"""Attendance in Chromium on a phone: staff mark a session while the network drops and
returns, and every mark is saved once, even when the server's answer to the first send is
lost and the queue is sent again; axe finds no serious or critical violation on the sessions,
roll call and completion pages."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from exchanges.enums import ApplicationStatus
from exchanges.models import ActivityLog, AttendanceMark
from tests.conftest import with_mfa
from tests.e2e.browser import assert_accessible, sign_in
from tests.factories import SecretariatFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import ItineraryItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args():
    return {"locale": "en-US", "timezone_id": "Asia/Tokyo", "viewport": PHONE}


@pytest.fixture
def session_with_participants(db):
    cohort = CohortFactory(
        time_zone="Asia/Tokyo", starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10)
    )
    item = ItineraryItemFactory(cohort=cohort, title_en="Morning seminar")
    people = [
        ApplicationFactory(
            cohort=cohort, from_country=country, status=ApplicationStatus.PARTICIPANT
        )
        for country in ("JP", "KR", "US")
    ]
    return item, people


def wait_until_sent(page) -> None:
    # A web-first assertion, not wait_for_function: that evaluates a string in the page,
    # which the enforced CSP (no 'unsafe-eval') rightly refuses.
    expect(page.locator("[data-attendance]")).to_have_attribute("data-pending", "0", timeout=20_000)


def test_marks_made_offline_are_saved_once_when_the_network_returns(
    page, live_server, session_with_participants
):
    item, (japanese, korean, american) = session_with_participants
    sign_in(page, live_server, with_mfa(SecretariatFactory()))
    page.goto(
        reverse("staff:attendance_roll_call", kwargs={"cohort_id": item.cohort_id, "pk": item.pk})
    )
    # The first answer from the server is lost on its way back: the marks reach the database
    # but the phone keeps them queued and sends them again.
    lost = {"count": 0}

    def lose_first_answer(route):
        if lost["count"] == 0:
            lost["count"] += 1
            route.fetch()  # the server saves the marks...
            route.abort("connectionreset")  # ...and the answer never arrives
        else:
            route.continue_()

    page.route("**/marks/", lose_first_answer)

    page.context.set_offline(True)
    page.locator(f"label[for=mark-{japanese.pk}-present]").click()
    page.locator(f"label[for=mark-{korean.pk}-absent]").click()
    page.locator(f"label[for=mark-{korean.pk}-present]").click()  # changed their mind
    page.locator(f"label[for=mark-{american.pk}-excused]").click()
    status = page.get_by_role("status")
    assert "offline" in status.inner_text().lower()
    assert page.locator("[data-attendance]").get_attribute("data-pending") == "3"
    assert AttendanceMark.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_sent(page)

    assert lost["count"] == 1
    assert sorted(AttendanceMark.objects.values_list("application_id", "status")) == sorted(
        [(japanese.pk, "present"), (korean.pk, "present"), (american.pk, "excused")]
    )
    assert ActivityLog.objects.filter(action_type="exchanges.attendance.recorded").count() == 1
    assert status.inner_text() == "All marks are saved."
    page.reload()
    assert page.locator(f"#mark-{korean.pk}-present").is_checked()


def test_mark_everyone_present_and_pages_pass_axe(page, live_server, session_with_participants):
    item, people = session_with_participants
    sign_in(page, live_server, with_mfa(SecretariatFactory()))
    roll = reverse(
        "staff:attendance_roll_call", kwargs={"cohort_id": item.cohort_id, "pk": item.pk}
    )
    page.goto(roll)
    assert_accessible(page)

    page.get_by_role("button", name="Mark everyone on this page present").click()
    wait_until_sent(page)

    assert AttendanceMark.objects.filter(status="present").count() == len(people)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow == 0
    for url in [
        reverse("staff:attendance", kwargs={"cohort_id": item.cohort_id}),
        reverse("staff:attendance_completion", kwargs={"cohort_id": item.cohort_id}),
    ]:
        page.goto(url)
        assert_accessible(page)
