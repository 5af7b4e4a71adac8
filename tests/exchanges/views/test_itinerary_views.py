"""The itinerary: the participant's page in both time zones, the private iCalendar feeds (they
parse with ``icalendar``, carry the cohort's zone across a daylight-saving change in the
reader's zone, follow staff changes with SEQUENCE and LAST-MODIFIED, and stop working after a
reset), the print views and who may open what."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from exchanges.enums import ApplicationStatus
from exchanges.models import ActivityLog, ItineraryFeed, ItineraryItem
from exchanges.selectors.itinerary import itinerary_feed_token
from exchanges.services.itinerary import itinerary_feed_get
from exchanges.services.predeparture import itinerary_item_save
from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import ItineraryItemFactory

pytestmark = pytest.mark.django_db

LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture
def cohort(db):
    # US daylight saving time ends on Sunday 3 November 2030, in the middle of the program.
    return CohortFactory(
        time_zone="Asia/Seoul", starts_on=dt.date(2030, 11, 1), ends_on=dt.date(2030, 11, 8)
    )


@pytest.fixture
def participant(cohort):
    return ApplicationFactory(
        cohort=cohort,
        from_country="US",
        status=ApplicationStatus.PARTICIPANT,
        applicant__time_zone="America/Los_Angeles",
        applicant__preferred_language="en",
    )


@pytest.fixture
def sessions(cohort):
    before = ItineraryItemFactory(
        cohort=cohort,
        day=dt.date(2030, 11, 2),
        start_time=dt.time(9, 0),
        end_time=dt.time(10, 30),
        title_en="Opening",
        title_ko="개회식",
        notes="Bring your passport.",
        notes_ko="여권을 지참하십시오.",
        map_url="https://maps.example/seoul-city-hall",
    )
    after = ItineraryItemFactory(
        cohort=cohort,
        day=dt.date(2030, 11, 4),
        start_time=dt.time(9, 0),
        end_time=dt.time(10, 0),
        title_en="Panel",
        title_ja="",
        title_ko="",
    )
    return before, after


def feed_url(feed) -> str:
    return reverse("itinerary_feed", kwargs={"pk": feed.pk, "token": itinerary_feed_token(feed)})


def events(response) -> list:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))


def test_feed_parses_and_keeps_the_cohort_zone_across_the_readers_dst_change(
    client, participant, sessions
):
    feed = itinerary_feed_get(cohort=participant.cohort, application=participant)

    response = client.get(feed_url(feed))

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    opening, panel = events(response)
    assert str(opening["SUMMARY"]) == "Opening"
    assert opening["DTSTART"].params["TZID"] == "Asia/Seoul"
    start = opening.decoded("dtstart")
    assert start == dt.datetime(2030, 11, 2, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))
    # In Los Angeles: before the change PDT (UTC-7), after it PST (UTC-8).
    assert start.astimezone(LOS_ANGELES).isoformat() == "2030-11-01T17:00:00-07:00"
    assert panel.decoded("dtstart").astimezone(LOS_ANGELES).isoformat() == (
        "2030-11-03T16:00:00-08:00"
    )
    assert opening.decoded("dtend").astimezone(dt.UTC).isoformat() == "2030-11-02T01:30:00+00:00"
    assert str(opening["URL"]) == "https://maps.example/seoul-city-hall"
    assert str(opening["DESCRIPTION"]) == (
        "Bring your passport.\n\nMap: https://maps.example/seoul-city-hall"
    )


def test_feed_of_a_zone_with_daylight_saving_gives_each_session_its_own_offset(client):
    cohort = CohortFactory(
        time_zone="America/New_York", starts_on=dt.date(2030, 11, 1), ends_on=dt.date(2030, 11, 8)
    )
    ItineraryItemFactory(cohort=cohort, day=dt.date(2030, 11, 2), start_time=dt.time(9, 0))
    ItineraryItemFactory(cohort=cohort, day=dt.date(2030, 11, 4), start_time=dt.time(9, 0))
    feed = itinerary_feed_get(cohort=cohort)

    response = client.get(feed_url(feed))

    calendar = Calendar.from_ical(response.content)
    zone = calendar.walk("VTIMEZONE")[0]
    assert zone["TZID"] == "America/New_York"
    assert sorted(sub.name for sub in zone.subcomponents) == ["DAYLIGHT", "STANDARD"]
    starts = [e.decoded("dtstart").astimezone(dt.UTC).isoformat() for e in events(response)]
    assert starts == ["2030-11-02T13:00:00+00:00", "2030-11-04T14:00:00+00:00"]


def test_feed_is_in_the_participants_language(client, cohort, sessions):
    korean = ApplicationFactory(
        cohort=cohort,
        from_country="KR",
        status=ApplicationStatus.PARTICIPANT,
        applicant__preferred_language="ko",
    )
    feed = itinerary_feed_get(cohort=cohort, application=korean)

    opening, panel = events(client.get(feed_url(feed)))

    assert str(opening["SUMMARY"]) == "개회식"
    assert str(opening["DESCRIPTION"]).startswith("여권을 지참하십시오.")
    assert str(panel["SUMMARY"]) == "Panel"


def test_staff_change_raises_sequence_and_last_modified(client, participant, sessions, secretariat):
    opening, _panel = sessions
    ItineraryItem.objects.filter(pk=opening.pk).update(
        updated_at=dt.datetime(2025, 10, 1, 12, 0, tzinfo=dt.UTC)
    )
    opening.refresh_from_db()
    feed = itinerary_feed_get(cohort=participant.cohort, application=participant)
    first = events(client.get(feed_url(feed)))[0]
    assert first["SEQUENCE"] == 0

    itinerary_item_save(
        cohort=participant.cohort, actor=secretariat, item=opening, start_time=dt.time(9, 30)
    )

    changed = events(client.get(feed_url(feed)))[0]
    assert changed["SEQUENCE"] == 1
    assert str(changed["UID"]) == str(first["UID"])
    assert first.decoded("last-modified").isoformat() == "2025-10-01T12:00:00+00:00"
    assert changed.decoded("last-modified") > first.decoded("last-modified")
    assert changed.decoded("dtstart").time() == dt.time(9, 30)


def test_old_link_is_refused_after_reset(client, participant, sessions):
    client.force_login(participant.applicant)
    feed = itinerary_feed_get(cohort=participant.cohort, application=participant)
    old = feed_url(feed)
    assert client.get(old).status_code == 200

    response = client.post(reverse("apply:itinerary_reset", kwargs={"pk": participant.pk}))

    assert response.status_code == 302
    feed.refresh_from_db()
    new = feed_url(feed)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert ActivityLog.objects.filter(action_type="exchanges.itinerary_feed.reset").count() == 1


def test_wrong_token_and_withdrawn_participant_are_refused(client, participant, sessions):
    feed = itinerary_feed_get(cohort=participant.cohort, application=participant)
    wrong = reverse("itinerary_feed", kwargs={"pk": feed.pk, "token": "0" * 64})
    assert client.get(wrong).status_code == 404
    participant.status = ApplicationStatus.WITHDRAWN
    participant.save(update_fields=["status"])

    assert client.get(feed_url(feed)).status_code == 404


def test_participant_page_shows_both_zones_and_the_link(client, participant, sessions):
    client.force_login(participant.applicant)

    response = client.get(reverse("apply:itinerary", kwargs={"pk": participant.pk}))

    assert response.status_code == 200
    entries = [entry for day in response.context["days"] for entry in day["items"]]
    assert [entry["own_time_text"] for entry in entries] == [
        "Nov. 1, 2030, 5 p.m.–6:30 p.m. in your time zone (America/Los_Angeles)",
        "Nov. 3, 2030, 4 p.m.–5 p.m. in your time zone (America/Los_Angeles)",
    ]
    feed = ItineraryFeed.objects.get(application=participant)
    assert response.context["feed_url"].endswith(feed_url(feed))
    assert b"https://maps.example/seoul-city-hall" in response.content


def test_participant_page_is_404_for_someone_else_or_before_confirmation(client, participant):
    other = ApplicationFactory(cohort=participant.cohort, status=ApplicationStatus.SUBMITTED)
    client.force_login(other.applicant)
    assert client.get(reverse("apply:itinerary", kwargs={"pk": participant.pk})).status_code == 404
    assert client.get(reverse("apply:itinerary", kwargs={"pk": other.pk})).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_participant_page_queries_do_not_grow_with_sessions(client, participant, count):
    for day in range(count):
        ItineraryItemFactory(
            cohort=participant.cohort, day=participant.cohort.starts_on + dt.timedelta(days=day)
        )
    client.force_login(participant.applicant)
    url = reverse("apply:itinerary", kwargs={"pk": participant.pk})
    client.get(url)  # the feed row is created on the first visit

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.status_code == 200
    assert len(queries) == 6


def test_print_views_render_the_whole_schedule(client, participant, sessions, secretariat):
    client.force_login(participant.applicant)
    own = client.get(reverse("apply:itinerary_print", kwargs={"pk": participant.pk}))
    client.force_login(secretariat)
    staff = client.get(
        reverse("staff:itinerary_print", kwargs={"cohort_id": participant.cohort_id})
    )

    assert own.status_code == staff.status_code == 200
    assert b"css/itinerary-print.css" in own.content
    assert [len(day["items"]) for day in staff.context["days"]] == [1, 1]


def test_staff_calendar_link_reset_and_partner_outside_the_program_refused(
    client, cohort, secretariat
):
    client.force_login(secretariat)
    page = client.get(reverse("staff:itinerary_calendar", kwargs={"cohort_id": cohort.pk}))
    assert page.status_code == 200
    old = page.context["feed_url"]

    client.post(reverse("staff:itinerary_calendar_reset", kwargs={"cohort_id": cohort.pk}))

    feed = ItineraryFeed.objects.get(cohort=cohort, application=None)
    assert not old.endswith(feed_url(feed))
    outsider = with_mfa(PartnerStaffFactory())
    client.force_login(outsider)
    refused = client.get(reverse("staff:itinerary_calendar", kwargs={"cohort_id": cohort.pk}))
    assert refused.status_code == 403


def test_staff_editor_refuses_a_script_map_link_and_keeps_what_was_typed(
    client, cohort, secretariat
):
    client.force_login(secretariat)
    url = reverse("staff:predeparture_itinerary", kwargs={"cohort_id": cohort.pk})

    response = client.post(
        url,
        {
            "day": "2030-11-03",
            "start_time": "09:00",
            "end_time": "08:00",
            "title_en": "Museum visit",
            "notes_ja": "博物館を見学します。",
            "map_url": "javascript:alert(1)",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert sorted(form.errors) == ["end_time", "map_url"]
    assert form["notes_ja"].value() == "博物館を見学します。"
    assert form["title_en"].value() == "Museum visit"
    assert ItineraryItem.objects.count() == 0

    saved = client.post(
        url,
        {
            "day": "2030-11-03",
            "start_time": "09:00",
            "title_en": "Museum visit",
            "notes_ja": "博物館を見学します。",
            "map_url": "https://www.openstreetmap.org/",
        },
    )

    assert saved.status_code == 302
    item = ItineraryItem.objects.get()
    assert (item.notes_ja, item.map_url, item.sequence) == (
        "博物館を見学します。",
        "https://www.openstreetmap.org/",
        0,
    )
