"""The itinerary in Chromium: a Korean participant opens it on a phone (in Korean, with the
program's times and their own), the calendar link and the print view; axe finds no serious
or critical violation on the participant's and the staff's itinerary pages."""

import datetime as dt

import pytest
from django.urls import reverse

from exchanges.enums import ApplicationStatus
from tests.conftest import with_mfa
from tests.e2e.browser import assert_accessible, sign_in
from tests.factories import SecretariatFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import ItineraryItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args():
    return {"locale": "ko-KR", "timezone_id": "Asia/Seoul", "viewport": PHONE}


def test_korean_participant_opens_the_itinerary_on_a_phone(page, live_server):
    cohort = CohortFactory(
        time_zone="America/New_York",
        starts_on=dt.date(2030, 11, 1),
        ends_on=dt.date(2030, 11, 8),
    )
    ItineraryItemFactory(
        cohort=cohort,
        day=dt.date(2030, 11, 2),
        start_time=dt.time(9, 0),
        end_time=dt.time(10, 30),
        title_ko="개회식",
        place_ko="유엔 본부",
        notes_ko="여권을 지참하십시오.",
        map_url="https://www.openstreetmap.org/?mlat=40.7489&mlon=-73.9680",
    )
    ItineraryItemFactory(
        cohort=cohort, day=dt.date(2030, 11, 4), start_time=dt.time(9, 0), title_ko="토론"
    )
    participant = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.PARTICIPANT,
        applicant__preferred_language="ko",
        applicant__time_zone="Asia/Seoul",
    )
    sign_in(page, live_server, participant.applicant)

    page.goto(reverse("apply:itinerary", kwargs={"pk": participant.pk}))

    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.get_by_role("heading", level=1).inner_text() == "일정"
    first = page.locator(".list-group-item").first
    assert "개회식" in first.inner_text()
    assert "유엔 본부" in first.inner_text()
    assert "여권을 지참하십시오." in first.inner_text()
    # 09:00 in New York (EDT, UTC-4) is 22:00 in Seoul; after the change (EST) 23:00.
    own_times = page.locator(".list-group-item .text-body-secondary").all_inner_texts()
    assert ["오후 10:00" in own_times[0], "오후 11:00" in own_times[1]] == [True, True]
    link = page.get_by_label("회원님의 비공개 캘린더 링크").input_value()
    assert "/itinerary/feed/" in link
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow == 0
    assert_accessible(page)

    page.get_by_role("link", name="인쇄용 일정표").first.click()
    page.wait_for_url("**/itinerary/print/")
    assert page.get_by_role("button", name="인쇄").is_visible()
    assert_accessible(page)


def test_staff_itinerary_pages_pass_axe(page, live_server):
    cohort = CohortFactory(starts_on=dt.date(2030, 7, 6), ends_on=dt.date(2030, 7, 20))
    ItineraryItemFactory(cohort=cohort, map_url="https://www.openstreetmap.org/")
    sign_in(page, live_server, with_mfa(SecretariatFactory(preferred_language="ko")))

    for url in [
        reverse("staff:predeparture_itinerary", kwargs={"cohort_id": cohort.pk}),
        reverse("staff:itinerary_calendar", kwargs={"cohort_id": cohort.pk}),
        reverse("staff:itinerary_print", kwargs={"cohort_id": cohort.pk}),
    ]:
        page.goto(url)
        assert_accessible(page)
