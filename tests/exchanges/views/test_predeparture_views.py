"""Pre-departure pages: the participant's checklist and itinerary, the staff completion table,
one participant's checklist (details for the secretariat, health details only with
``view_dietary_list``), the itinerary editor, who may
see what, and query counts of the lists."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from exchanges.activity_types import Activity
from exchanges.enums import ApplicationStatus
from exchanges.models import ActivityLog, ItineraryItem, PredepartureChecklist
from tests.conftest import with_mfa
from tests.factories import ApplicantFactory, PartnerStaffFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import (
    ChecklistFactory,
    ItineraryItemFactory,
    complete_values,
)

pytestmark = pytest.mark.django_db

MEDICAL = "Type 1 diabetes; carries insulin."


@pytest.fixture
def cohort(db):
    return CohortFactory(
        time_zone="Asia/Seoul", starts_on=dt.date(2030, 7, 6), ends_on=dt.date(2030, 7, 26)
    )


@pytest.fixture
def confirmed(cohort):
    return ApplicationFactory(
        cohort=cohort,
        from_country="US",
        status=ApplicationStatus.CONFIRMED,
        applicant__time_zone="America/Los_Angeles",
    )


def page_url(application) -> str:
    return reverse("apply:predeparture", kwargs={"pk": application.pk})


def staff_url(name, cohort, **kwargs) -> str:
    return reverse(f"staff:{name}", kwargs={"cohort_id": cohort.pk, **kwargs})


# --- participant page ------------------------------------------------------------------------


def test_participant_sees_empty_checklist_without_creating_one(client, confirmed):
    client.force_login(confirmed.applicant)

    response = client.get(page_url(confirmed))

    assert response.status_code == 200
    assert response.context["progress"] == {"done": 0, "total": 5, "percent": 0}
    assert [row["key"] for row in response.context["sections"]] == [
        "passport",
        "visa",
        "insurance",
        "emergency_contact",
        "dietary",
        "medical",
        "arrival",
    ]
    assert PredepartureChecklist.objects.count() == 0


def test_status_page_links_to_the_checklist_only_when_confirmed(client, cohort, confirmed):
    submitted = ApplicationFactory(
        cohort=cohort, from_country="KR", status=ApplicationStatus.SUBMITTED
    )
    client.force_login(confirmed.applicant)
    confirmed_page = client.get(confirmed.get_absolute_url())
    client.force_login(submitted.applicant)
    submitted_page = client.get(submitted.get_absolute_url())

    assert page_url(confirmed) in confirmed_page.content.decode()
    assert "predeparture" not in submitted_page.content.decode()


@pytest.mark.parametrize(
    ("starts_in_days", "next_steps", "checklist_text"),
    [
        (
            5,
            ["Complete your pre-departure checklist", "Keep the program dates free"],
            "The program starts on",
        ),
        (-2, ["The program is under way: it runs from"], "The program started on"),
        (-30, ["The program ended on"], "The program ended on"),
    ],
    ids=["upcoming", "under-way", "ended"],
)
def test_status_and_checklist_texts_follow_the_programs_dates(
    client, starts_in_days, next_steps, checklist_text
):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Seoul"))
    starts = today + dt.timedelta(days=starts_in_days)
    cohort = CohortFactory(
        time_zone="Asia/Seoul", starts_on=starts, ends_on=starts + dt.timedelta(days=20)
    )
    application = ApplicationFactory(
        cohort=cohort, status=ApplicationStatus.CONFIRMED, applicant__preferred_language="en"
    )
    client.force_login(application.applicant)

    status_page = client.get(application.get_absolute_url()).content.decode()
    steps = status_page.split('id="confirmed-heading"', 1)[1].split("</ol>", 1)[0]
    checklist = client.get(page_url(application)).content.decode()
    intro = checklist.split('id="program-dates">', 1)[1].split("</p>", 1)[0]

    for text in next_steps:
        assert text in steps
    assert "We will email you the pre-departure checklist" not in steps
    assert ("Keep the program dates free" in steps) is (starts_in_days > 0)
    assert intro.startswith(checklist_text)


def test_another_participant_gets_404(client, cohort, confirmed):
    other = ApplicationFactory(cohort=cohort, from_country="JP", status=ApplicationStatus.CONFIRMED)
    client.force_login(other.applicant)

    assert client.get(page_url(confirmed)).status_code == 404
    assert (
        client.post(
            page_url(confirmed), {"section": "medical", "medical-medical_notes": "x"}
        ).status_code
        == 404
    )
    assert PredepartureChecklist.objects.count() == 0


def test_staff_cannot_use_the_participants_page(staff_client, confirmed):
    assert staff_client.get(page_url(confirmed)).status_code == 404
    assert (
        staff_client.post(
            page_url(confirmed), {"section": "medical", "medical-medical_notes": "x"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "status", [ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.WITHDRAWN]
)
def test_owner_who_is_not_confirmed_gets_404(client, cohort, status):
    application = ApplicationFactory(cohort=cohort, from_country="US", status=status)
    client.force_login(application.applicant)

    assert client.get(page_url(application)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, confirmed):
    response = client.get(page_url(confirmed))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_invalid_section_keeps_what_was_typed_and_saves_nothing(client, confirmed):
    client.force_login(confirmed.applicant)

    response = client.post(
        page_url(confirmed),
        {
            "section": "emergency_contact",
            "emergency_contact-emergency_name": "Emma Reed",
            "emergency_contact-emergency_relationship": "",
            "emergency_contact-emergency_phone": "(310) 555-0199",
        },
    )

    form = next(
        row["form"] for row in response.context["sections"] if row["key"] == "emergency_contact"
    )
    assert response.status_code == 200
    assert form.errors == {
        "emergency_relationship": [
            "Enter how this person is related to you, for example “mother” or “spouse”."
        ],
        "emergency_phone": [
            "Enter the number in international format: + and the country "
            "code first, for example +81 90 1234 5678, +82 10 1234 5678, "
            "+1 202 555 0123."
        ],
    }
    assert (form["emergency_name"].value(), form["emergency_phone"].value()) == (
        "Emma Reed",
        "(310) 555-0199",
    )
    assert PredepartureChecklist.objects.count() == 0


def test_passport_expiring_too_soon_is_shown_next_to_the_field(client, confirmed):
    client.force_login(confirmed.applicant)

    response = client.post(
        page_url(confirmed),
        {
            "section": "passport",
            "passport-passport_valid_until": "2030-12-31",
            "passport-passport_validity_confirmed": "on",
        },
    )

    form = response.context["sections"][0]["form"]
    assert form.errors == {
        "passport_valid_until": [
            "Your passport must be valid until at least Jan. 26, 2031, six months after the "
            "program ends on July 26, 2030. Please renew it before you travel."
        ]
    }
    assert form["passport_valid_until"].value() == "2030-12-31"


def test_valid_section_is_saved_and_the_page_returns_to_it(client, confirmed):
    client.force_login(confirmed.applicant)

    response = client.post(
        page_url(confirmed),
        {
            "section": "emergency_contact",
            "emergency_contact-emergency_name": "Emma Reed",
            "emergency_contact-emergency_relationship": "Sister",
            "emergency_contact-emergency_phone": "+1 (310) 555-0199",
        },
    )

    checklist = PredepartureChecklist.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(confirmed) + "#section-emergency_contact"
    assert (checklist.application_id, checklist.emergency_phone) == (confirmed.pk, "+13105550199")
    page = client.get(page_url(confirmed))
    assert page.context["progress"] == {"done": 1, "total": 5, "percent": 20}


def test_checklist_of_a_finished_program_is_read_only(client):
    past = CohortFactory(starts_on=dt.date(2024, 7, 6), ends_on=dt.date(2024, 7, 26))
    application = ApplicationFactory(
        cohort=past, from_country="US", status=ApplicationStatus.PARTICIPANT
    )
    client.force_login(application.applicant)

    page = client.get(page_url(application))
    post = client.post(page_url(application), {"section": "medical", "medical-medical_notes": "x"})

    assert (page.status_code, page.context["can_edit"]) == (200, False)
    assert page.context["sections"][5]["form"].fields["medical_notes"].disabled is True
    assert post.status_code == 403


def test_itinerary_is_shown_in_the_participants_language_and_time_zone(client, cohort):
    reader = ApplicationFactory(
        cohort=cohort,
        from_country="JP",
        status=ApplicationStatus.CONFIRMED,
        applicant__time_zone="America/Los_Angeles",
        applicant__preferred_language="ja",
    )
    ItineraryItemFactory(
        cohort=cohort,
        day=dt.date(2030, 7, 7),
        start_time=dt.time(9),
        end_time=dt.time(10, 30),
        title_en="Visit to the National Assembly",
        title_ja="国会訪問",
        place_ja="国会議事堂",
    )
    client.force_login(reader.applicant)

    response = client.get(page_url(reader))

    [day] = response.context["itinerary"]
    [entry] = day["items"]
    assert (day["number"], day["date_text"]) == (2, "2030年7月7日")
    assert (entry["title"], entry["place"], entry["time_text"]) == (
        "国会訪問",
        "国会議事堂",
        "9:00–10:30",
    )
    # 09:00 in Seoul on 7 July is 17:00 PDT on 6 July.
    with translation.override("ja"):
        assert entry["own_time_text"] == gettext(
            "%(date)s, %(times)s in your time zone (%(zone)s)"
        ) % {"date": "2030年7月6日", "times": "17:00–18:30", "zone": "America/Los_Angeles"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "July 8, 2030, 5 p.m.–July 9, 2030, 3 a.m. in your time zone (America/Denver)"),
        ("ja", None),
        ("ko", None),
    ],
)
def test_own_time_that_crosses_midnight_names_the_end_date(client, cohort, language, expected):
    reader = ApplicationFactory(
        cohort=cohort,
        status=ApplicationStatus.CONFIRMED,
        applicant__time_zone="America/Denver",
        applicant__preferred_language=language,
    )
    # 08:00-18:00 in Seoul on 9 July is 17:00 on 8 July to 03:00 on 9 July in Denver.
    ItineraryItemFactory(
        cohort=cohort, day=dt.date(2030, 7, 9), start_time=dt.time(8), end_time=dt.time(18)
    )
    client.force_login(reader.applicant)

    response = client.get(page_url(reader))

    [day] = response.context["itinerary"]
    [entry] = day["items"]
    end_date = {"en": "July 9, 2030", "ja": "2030年7月9日", "ko": "2030년 7월 9일"}[language]
    assert end_date in entry["own_time_text"]
    if expected is not None:
        assert entry["own_time_text"] == expected


@pytest.mark.parametrize("count", [1, 3])
def test_participant_page_query_count(client, confirmed, count, django_assert_num_queries):
    ChecklistFactory(application=confirmed)
    ItineraryItemFactory.create_batch(count, cohort=confirmed.cohort)
    client.force_login(confirmed.applicant)
    client.get(page_url(confirmed))

    with django_assert_num_queries(5):
        response = client.get(page_url(confirmed))

    assert sum(len(day["items"]) for day in response.context["itinerary"]) == count


# --- staff: completion table -----------------------------------------------------------------


def test_secretariat_sees_every_participant_with_completion(staff_client, cohort, confirmed):
    done = ApplicationFactory(cohort=cohort, from_country="KR", status=ApplicationStatus.CONFIRMED)
    ChecklistFactory(application=done, completed_at=cohort.opens_at, **complete_values(cohort))
    ApplicationFactory(cohort=cohort, from_country="JP", status=ApplicationStatus.SUBMITTED)

    response = staff_client.get(staff_url("predeparture", cohort))

    rows = {row["application"].pk: row for row in response.context["rows"]}
    assert response.status_code == 200
    assert sorted(rows) == sorted([confirmed.pk, done.pk])
    assert (rows[done.pk]["progress"]["done"], rows[confirmed.pk]["progress"]["done"]) == (5, 0)
    assert response.context["counts"] == {"total": 2, "complete": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"completion": "complete"}, ["done"]),
        ({"completion": "incomplete"}, ["started", "untouched"]),
        ({"country": "KR"}, ["done", "started"]),
        ({"completion": "incomplete", "country": "KR"}, ["started"]),
    ],
)
def test_completion_table_filters(staff_client, cohort, query, expected):
    people = {
        "done": ApplicationFactory(
            cohort=cohort, from_country="KR", status=ApplicationStatus.CONFIRMED
        ),
        "started": ApplicationFactory(
            cohort=cohort, from_country="KR", status=ApplicationStatus.CONFIRMED
        ),
        "untouched": ApplicationFactory(
            cohort=cohort, from_country="US", status=ApplicationStatus.CONFIRMED
        ),
    }
    ChecklistFactory(
        application=people["done"], completed_at=cohort.opens_at, **complete_values(cohort)
    )
    ChecklistFactory(application=people["started"], medical_notes=MEDICAL)
    names = {application.pk: name for name, application in people.items()}

    response = staff_client.get(staff_url("predeparture", cohort), query)

    assert sorted(names[row["application"].pk] for row in response.context["rows"]) == expected


def test_partner_staff_see_only_their_countrys_participants(client, cohort, confirmed):
    ApplicationFactory(cohort=cohort, from_country="KR", status=ApplicationStatus.CONFIRMED)
    partner = with_mfa(
        PartnerStaffFactory(
            organisation__country="US", organisation__name="Partner US", partner_of=cohort.program
        )
    )
    client.force_login(partner)

    response = client.get(staff_url("predeparture", cohort))

    assert [row["application"].pk for row in response.context["rows"]] == [confirmed.pk]
    assert response.context["counts"] == {"total": 1, "complete": 0}


def test_staff_outside_the_program_and_reviewers_are_refused(client, cohort, reviewer, confirmed):
    outsider = with_mfa(PartnerStaffFactory(organisation__country="US"))
    urls = [
        staff_url("predeparture", cohort),
        staff_url("predeparture_participant", cohort, pk=confirmed.pk),
    ]

    for user in (outsider, reviewer):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [403, 403]


@pytest.mark.parametrize("count", [1, 3])
def test_completion_table_query_count(staff_client, cohort, count, django_assert_num_queries):
    for index in range(count):
        application = ApplicationFactory(
            cohort=cohort,
            from_country=("US", "JP", "KR")[index],
            status=ApplicationStatus.CONFIRMED,
        )
        ChecklistFactory(application=application, medical_notes=MEDICAL)
    staff_client.get(staff_url("predeparture", cohort))

    with django_assert_num_queries(8):
        response = staff_client.get(staff_url("predeparture", cohort))

    assert len(response.context["rows"]) == count


# --- staff: one participant's checklist --------------------------------------------------------


def _with_health_details(application, cohort):
    return ChecklistFactory(
        application=application,
        medical_notes=MEDICAL,
        medical_updated_at=cohort.opens_at,
        dietary_needs=["halal"],
        dietary_notes="No gelatin",
        dietary_updated_at=cohort.opens_at,
        emergency_name="Emma Reed",
    )


def _allowed(user):
    user.user_permissions.add(Permission.objects.get(codename="view_dietary_list"))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no cached permissions


def _sensitive_views():
    return list(
        ActivityLog.objects.filter(action_type=Activity.APPLICATION_SENSITIVE_VIEWED).values_list(
            "actor_id", "object_id", "data"
        )
    )


def test_secretariat_with_the_permission_reads_health_details_and_the_view_is_logged(
    client, cohort, confirmed
):
    _with_health_details(confirmed, cohort)
    staff = _allowed(with_mfa(SecretariatFactory()))
    client.force_login(staff)

    response = client.get(staff_url("predeparture_participant", cohort, pk=confirmed.pk))

    details = {row["key"]: row["details"] for row in response.context["sections"]}
    assert response.context["details"] is True
    assert details["medical"] == [("Medical or accessibility needs", MEDICAL)]
    assert details["dietary"] == [("Dietary needs", "Halal"), ("Dietary details", "No gelatin")]
    assert MEDICAL in response.content.decode()
    assert _sensitive_views() == [
        (
            staff.pk,
            confirmed.pk,
            {
                "fields": [
                    "dietary_needs",
                    "dietary_notes",
                    "emergency_name",
                    "emergency_phone",
                    "emergency_relationship",
                    "medical_notes",
                    "passport_valid_until",
                    "passport_validity_confirmed",
                ]
            },
        )
    ]


def test_secretariat_without_the_permission_reads_other_details_but_no_health(
    staff_client, secretariat, cohort, confirmed
):
    _with_health_details(confirmed, cohort)

    response = staff_client.get(staff_url("predeparture_participant", cohort, pk=confirmed.pk))

    content = response.content.decode()
    details = {row["key"]: row["details"] for row in response.context["sections"]}
    assert (response.context["details"], response.context["health"]) == (True, False)
    assert (details["medical"], details["dietary"]) == ([], [])
    assert ("Emergency contact name", "Emma Reed") in details["emergency_contact"]
    assert [text for text in (MEDICAL, "No gelatin", "Halal") if text in content] == []
    assert (
        "Dietary and medical needs are visible only to the participant and to staff allowed "
        "to see the dietary and accessibility list."
    ) in content
    assert _sensitive_views() == [
        (
            secretariat.pk,
            confirmed.pk,
            {
                "fields": [
                    "emergency_name",
                    "emergency_phone",
                    "emergency_relationship",
                    "passport_valid_until",
                    "passport_validity_confirmed",
                ]
            },
        )
    ]


def test_partner_staff_with_the_permission_read_health_details_of_their_country_only(
    client, cohort, confirmed
):
    _with_health_details(confirmed, cohort)
    korean = ApplicationFactory(
        cohort=cohort, from_country="KR", status=ApplicationStatus.CONFIRMED
    )
    partner_us = _allowed(
        with_mfa(
            PartnerStaffFactory(
                organisation__country="US",
                organisation__name="Partner US",
                partner_of=cohort.program,
            )
        )
    )
    client.force_login(partner_us)

    response = client.get(staff_url("predeparture_participant", cohort, pk=confirmed.pk))
    other = client.get(staff_url("predeparture_participant", cohort, pk=korean.pk))

    details = {row["key"]: row["details"] for row in response.context["sections"]}
    assert details["medical"] == [("Medical or accessibility needs", MEDICAL)]
    assert details["emergency_contact"] == []
    assert "Emma Reed" not in response.content.decode()
    assert other.status_code == 404
    assert _sensitive_views() == [
        (
            partner_us.pk,
            confirmed.pk,
            {"fields": ["dietary_needs", "dietary_notes", "medical_notes"]},
        )
    ]


def test_partner_staff_see_completion_but_no_details(client, cohort, confirmed):
    ChecklistFactory(
        application=confirmed,
        medical_notes=MEDICAL,
        medical_updated_at=cohort.opens_at,
        dietary_needs=["halal"],
        dietary_notes="No gelatin",
        dietary_updated_at=cohort.opens_at,
        emergency_name="Emma Reed",
    )
    partner_us = with_mfa(
        PartnerStaffFactory(
            organisation__country="US", organisation__name="Partner US", partner_of=cohort.program
        )
    )
    client.force_login(partner_us)

    response = client.get(staff_url("predeparture_participant", cohort, pk=confirmed.pk))

    content = response.content.decode()
    states = {row["key"]: row["complete"] for row in response.context["sections"]}
    assert response.status_code == 200
    assert response.context["details"] is False
    assert [row["details"] for row in response.context["sections"]] == [[]] * 7
    assert (states["medical"], states["dietary"], states["passport"]) == (True, True, False)
    assert [text for text in (MEDICAL, "No gelatin", "Halal", "Emma Reed") if text in content] == []


def test_partner_staff_of_another_country_get_404(client, cohort, confirmed):
    partner_jp = with_mfa(
        PartnerStaffFactory(
            organisation__country="JP", organisation__name="Partner JP", partner_of=cohort.program
        )
    )
    client.force_login(partner_jp)

    response = client.get(staff_url("predeparture_participant", cohort, pk=confirmed.pk))

    assert response.status_code == 404


def test_participant_of_another_cohort_or_not_confirmed_is_404(staff_client, cohort):
    elsewhere = ApplicationFactory(
        cohort=CohortFactory(), from_country="US", status=ApplicationStatus.CONFIRMED
    )
    accepted = ApplicationFactory(
        cohort=cohort, from_country="US", status=ApplicationStatus.ACCEPTED
    )

    assert (
        staff_client.get(staff_url("predeparture_participant", cohort, pk=elsewhere.pk)).status_code
        == 404
    )
    assert (
        staff_client.get(staff_url("predeparture_participant", cohort, pk=accepted.pk)).status_code
        == 404
    )


# --- staff: itinerary editor -----------------------------------------------------------------

ITEM = {
    "day": "2030-07-06",
    "start_time": "09:00",
    "end_time": "10:30",
    "title_en": "Welcome breakfast",
    "title_ja": "歓迎朝食会",
    "title_ko": "환영 조찬",
    "place_en": "Lotte Hotel",
    "place_ja": "ロッテホテル",
    "place_ko": "롯데호텔",
    "notes": "Bring your passport.",
}


def test_secretariat_adds_edits_and_deletes_an_item(staff_client, cohort):
    created = staff_client.post(staff_url("predeparture_itinerary", cohort), ITEM)
    item = ItineraryItem.objects.get()
    edited = staff_client.post(
        staff_url("predeparture_itinerary_edit", cohort, pk=item.pk),
        {**ITEM, "start_time": "08:30"},
    )
    item.refresh_from_db()
    start = item.start_time
    deleted = staff_client.post(staff_url("predeparture_itinerary_delete", cohort, pk=item.pk))

    assert [created.status_code, edited.status_code, deleted.status_code] == [302, 302, 302]
    assert start == dt.time(8, 30)
    assert ItineraryItem.objects.count() == 0


def test_invalid_item_keeps_what_was_typed(staff_client, cohort):
    response = staff_client.post(
        staff_url("predeparture_itinerary", cohort),
        {**ITEM, "day": "2030-08-01", "end_time": "08:00", "title_en": ""},
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors == {
        "title_en": ["This field is required."],
        "day": ["The day must be within the program, from July 6, 2030 to July 26, 2030."],
        "end_time": ["The end time must be after the start time."],
    }
    assert (form["title_ja"].value(), form["day"].value()) == ("歓迎朝食会", "2030-08-01")
    assert ItineraryItem.objects.count() == 0


def test_only_the_secretariat_edits_the_itinerary(client, cohort, confirmed):
    item = ItineraryItemFactory(cohort=cohort)
    urls = [
        staff_url("predeparture_itinerary", cohort),
        staff_url("predeparture_itinerary_edit", cohort, pk=item.pk),
    ]

    partner_us = with_mfa(
        PartnerStaffFactory(
            organisation__country="US", organisation__name="Partner US", partner_of=cohort.program
        )
    )
    client.force_login(partner_us)
    partner = [client.get(url).status_code for url in urls]
    client.force_login(confirmed.applicant)
    applicant = [client.get(url).status_code for url in urls]
    deleted = client.post(staff_url("predeparture_itinerary_delete", cohort, pk=item.pk))

    assert partner == [403, 403]
    assert applicant == [403, 403]
    assert deleted.status_code == 403
    assert ItineraryItem.objects.count() == 1


def test_item_of_another_cohort_is_404(staff_client, cohort):
    item = ItineraryItemFactory(cohort=CohortFactory())

    response = staff_client.get(staff_url("predeparture_itinerary_edit", cohort, pk=item.pk))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_itinerary_editor_query_count(staff_client, cohort, count, django_assert_num_queries):
    ItineraryItemFactory.create_batch(count, cohort=cohort)
    staff_client.get(staff_url("predeparture_itinerary", cohort))

    with django_assert_num_queries(7):
        response = staff_client.get(staff_url("predeparture_itinerary", cohort))

    assert sum(len(day["items"]) for day in response.context["days"]) == count


def test_staff_cohort_list_links_to_pre_departure(staff_client, cohort):
    response = staff_client.get(reverse("staff:cohorts"))

    assert staff_url("predeparture", cohort) in response.content.decode()


def test_applicant_without_confirmed_application_cannot_open_staff_pages(client, cohort):
    client.force_login(ApplicantFactory())

    assert client.get(staff_url("predeparture", cohort)).status_code == 403
