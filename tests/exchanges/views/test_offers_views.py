"""Offer pages: the applicant's accept/decline, staff deadline changes, seats and promotion."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from exchanges.enums import ApplicationStatus, WaitlistPolicy
from exchanges.models import Application, CohortQuota
from exchanges.services.activity import activity_log_record
from exchanges.services.applications import application_transition
from tests.conftest import with_mfa
from tests.factories import ApplicantFactory, PartnerStaffFactory
from tests.factories.applications import ApplicationFactory, CohortFactory, CohortQuotaFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus
UTC = dt.UTC
DEADLINE = dt.datetime(2030, 3, 16, 14, 59, 59, tzinfo=UTC)  # 23:59:59 on 16 March in Seoul


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def cohort():
    return CohortFactory(
        time_zone="Asia/Seoul",
        starts_on=dt.date(2030, 7, 1),
        with_quota=True,
        quota__seats=2,
        quota__waitlist_size=5,
    )


@pytest.fixture
def offered(cohort):
    return ApplicationFactory(
        cohort=cohort,
        accepted=True,
        offer_respond_by=DEADLINE,
        applicant__time_zone="America/Los_Angeles",
    )


# --- Applicant -------------------------------------------------------------------------------


def test_status_page_shows_offer_in_applicants_zone_with_buttons(client, offered):
    client.force_login(offered.applicant)

    response = client.get(reverse("apply:status", args=[offered.pk]))

    content = response.content.decode()
    assert response.context["offer_open"] is True
    assert (
        "<strong>Please accept or decline by March 16, 2030, 7:59 a.m. "
        "(America/Los_Angeles).</strong>"
    ) in content
    assert reverse("apply:offer_accept", args=[offered.pk]) in content
    assert reverse("apply:offer_decline", args=[offered.pk]) in content


@pytest.mark.parametrize("count", [1, 3])
def test_offer_status_page_query_count(client, offered, count, django_assert_num_queries):
    for _index in range(count):
        application_transition(
            application=ApplicationFactory(cohort=offered.cohort, status=S.UNDER_REVIEW),
            to_status=S.WAITLISTED,
            actor=None,
        )

    for _index in range(count):
        activity_log_record(
            actor=None,
            obj=offered,
            action_type="exchanges.application.accepted",
            data={"reason": "promoted"},
        )
    client.force_login(offered.applicant)

    # session, user, application, activity, referees, published group, open surveys
    with django_assert_num_queries(7):
        response = client.get(reverse("apply:status", args=[offered.pk]))

    assert [row["reason"] for row in response.context["timeline"]] == [
        "offered a place that became free on the waiting list"
    ] * count


def test_accept_confirms_and_page_shows_next_steps(
    client, offered, django_capture_on_commit_callbacks
):
    client.force_login(offered.applicant)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("apply:offer_accept", args=[offered.pk]))
        second = client.post(reverse("apply:offer_accept", args=[offered.pk]))

    assert first["Location"] == second["Location"] == reverse("apply:status", args=[offered.pk])
    offered.refresh_from_db()
    assert offered.status == S.CONFIRMED
    assert len(mail.outbox) == 1
    page = client.get(reverse("apply:status", args=[offered.pk])).content.decode()
    assert "Your place is confirmed" in page
    assert "Next steps" in page
    assert reverse("apply:offer_accept", args=[offered.pk]) not in page


def test_accept_is_post_only(client, offered):
    client.force_login(offered.applicant)

    assert client.get(reverse("apply:offer_accept", args=[offered.pk])).status_code == 405


def test_decline_needs_confirmation_keeps_reason_and_is_double_submit_safe(
    client, offered, django_capture_on_commit_callbacks
):
    client.force_login(offered.applicant)
    url = reverse("apply:offer_decline", args=[offered.pk])

    assert client.get(url).status_code == 200
    unconfirmed = client.post(url, {"reason": "A new job"})
    assert unconfirmed.status_code == 200
    assert unconfirmed.context["form"].errors == {
        "confirm": ["Tick the box to confirm that you decline your place."]
    }
    assert unconfirmed.context["form"]["reason"].value() == "A new job"
    offered.refresh_from_db()
    assert offered.status == S.ACCEPTED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "A new job", "confirm": "on"})
        again = client.post(url, {"reason": "A new job", "confirm": "on"})

    offered.refresh_from_db()
    assert offered.status == S.DECLINED
    assert again["Location"] == reverse("apply:status", args=[offered.pk])
    assert len(mail.outbox) == 1


def test_after_deadline_buttons_are_gone_and_posts_refused(client, offered):
    # The session clock is real, so the deadline moves into the past instead.
    Application.objects.filter(pk=offered.pk).update(
        offer_respond_by=dt.datetime(2024, 3, 16, 14, 59, 59, tzinfo=UTC)
    )
    client.force_login(offered.applicant)

    page = client.get(reverse("apply:status", args=[offered.pk]))
    accept = client.post(reverse("apply:offer_accept", args=[offered.pk]))
    client.get(reverse("apply:status", args=[offered.pk]))  # shows and consumes the message
    decline = client.post(reverse("apply:offer_decline", args=[offered.pk]), {"confirm": "on"})

    content = page.content.decode()
    assert reverse("apply:offer_accept", args=[offered.pk]) not in content
    assert "The deadline has passed, so this offer can no longer be accepted." in content
    assert messages_of(accept) == [
        "The deadline to answer this offer (March 16, 2024, 7:59 a.m.) has passed."
    ]
    assert messages_of(decline) == ["This offer can no longer be answered."]
    offered.refresh_from_db()
    assert offered.status == S.ACCEPTED


@pytest.mark.parametrize("name", ["offer_accept", "offer_decline"])
def test_other_applicant_gets_404(client, offered, name):
    client.force_login(ApplicantFactory())

    assert (
        client.post(reverse(f"apply:{name}", args=[offered.pk]), {"confirm": "on"}).status_code
        == 404
    )
    offered.refresh_from_db()
    assert offered.status == S.ACCEPTED


def test_anonymous_is_sent_to_login(client, offered):
    response = client.post(reverse("apply:offer_accept", args=[offered.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_waitlisted_applicant_sees_position(client, cohort):
    people = [ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW) for _index in range(2)]
    for application in people:
        application_transition(application=application, to_status=S.WAITLISTED, actor=None)
    client.force_login(people[1].applicant)

    content = client.get(reverse("apply:status", args=[people[1].pk])).content.decode()

    assert (
        "You are number 2 on the waiting list for South Korea. If a place becomes free, "
        "we will offer it to you by email."
    ) in content


# --- Staff: the application page -------------------------------------------------------------


def test_staff_sees_deadline_position_and_seats(staff_client, offered):
    page = staff_client.get(reverse("staff:application", args=[offered.pk]))

    assert page.context["quota_row"] == {
        "country": "KR",
        "label": "South Korea",
        "seats": 2,
        "taken": 1,
        "free": 1,
        "waiting": 0,
        "waitlist_size": 5,
        "can_promote": False,
    }
    assert page.context["deadline_form"] is not None
    content = page.content.decode()
    assert "1 of 2 taken" in content
    assert "March 16, 2030, 11:59 p.m. Asia/Seoul" in content


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "Enter the new deadline."),
        ("16/03/2030", "Enter a date such as 2030-03-20."),
        ("2020-01-01", "The new deadline must be in the future."),
        ("2030-07-01", "The new deadline must be before the program starts (July 1, 2030)."),
    ],
)
def test_staff_extend_validation_keeps_input(staff_client, offered, value, error):
    response = staff_client.post(
        reverse("staff:application", args=[offered.pk]),
        {"action": "offer_deadline", "respond_by": value},
    )

    assert response.status_code == 200
    assert response.context["deadline_form"].errors == {"respond_by": [error]}
    assert response.context["deadline_form"]["respond_by"].value() == value
    offered.refresh_from_db()
    assert offered.offer_respond_by == DEADLINE


def test_staff_extend_changes_deadline(staff_client, offered):
    response = staff_client.post(
        reverse("staff:application", args=[offered.pk]),
        {"action": "offer_deadline", "respond_by": "2030-03-20"},
    )

    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.offer_respond_by == dt.datetime(2030, 3, 20, 14, 59, 59, tzinfo=UTC)
    assert messages_of(response) == ["The offer deadline has been changed."]


def test_quota_refusal_is_a_form_error_keeping_the_reason(staff_client, offered):
    ApplicationFactory(cohort=offered.cohort, status=S.CONFIRMED)
    candidate = ApplicationFactory(cohort=offered.cohort, status=S.UNDER_REVIEW)

    response = staff_client.post(
        reverse("staff:application", args=[candidate.pk]),
        {"to_status": "accepted", "reason": "Strong essay"},
    )

    assert response.status_code == 200
    form = response.context["transition_form"]
    assert form.non_field_errors() == [
        "All 2 seats for South Korea are taken (offers out and accepted)."
    ]
    assert form["reason"].value() == "Strong essay"
    candidate.refresh_from_db()
    assert candidate.status == S.UNDER_REVIEW


def test_partner_of_other_country_gets_404_on_offer(client, offered):
    partner_jp = with_mfa(
        PartnerStaffFactory(
            organisation__country="JP",
            organisation__name="Partner JP",
            partner_of=offered.cohort.program,
        )
    )
    client.force_login(partner_jp)

    response = client.post(
        reverse("staff:application", args=[offered.pk]),
        {"action": "offer_deadline", "respond_by": "2030-03-20"},
    )

    assert response.status_code == 404
    offered.refresh_from_db()
    assert offered.offer_respond_by == DEADLINE


# --- Staff: seats on the pipeline and promotion ----------------------------------------------


@pytest.fixture
def manual_cohort(cohort):
    cohort.waitlist_policy = WaitlistPolicy.MANUAL
    cohort.save()
    ApplicationFactory(cohort=cohort, status=S.CONFIRMED)
    waiting = [ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW) for _index in range(2)]
    for application in waiting:
        application_transition(application=application, to_status=S.WAITLISTED, actor=None)
    return cohort


def test_pipeline_shows_seats_and_promote_button(staff_client, manual_cohort):
    response = staff_client.get(reverse("staff:pipeline", args=[manual_cohort.pk]))

    assert response.context["quotas"] == [
        {
            "country": "KR",
            "label": "South Korea",
            "seats": 2,
            "taken": 1,
            "free": 1,
            "waiting": 2,
            "waitlist_size": 5,
            "can_promote": True,
        }
    ]
    assert reverse("staff:waitlist_promote", args=[manual_cohort.pk]) in (response.content.decode())


def test_staff_promotes_next_under_manual_policy(
    staff_client, manual_cohort, secretariat, django_capture_on_commit_callbacks
):
    url = reverse("staff:waitlist_promote", args=[manual_cohort.pk])

    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(url, {"country": "KR"})
    second = staff_client.post(url, {"country": "KR"})

    assert list(
        Application.objects.filter(cohort=manual_cohort, status__in=[S.ACCEPTED, S.WAITLISTED])
        .order_by("id")
        .values_list("status", "waitlist_position")
    ) == [(S.ACCEPTED, None), (S.WAITLISTED, 1)]
    promoted = Application.objects.get(cohort=manual_cohort, status=S.ACCEPTED)
    assert messages_of(first) == [
        f"{promoted.applicant.display_name} has been offered the free place."
    ]
    assert messages_of(second) == [
        f"{promoted.applicant.display_name} has been offered the free place.",
        "All 2 seats for South Korea are taken (offers out and accepted).",
    ]
    assert [m.subject for m in mail.outbox] == [
        f"A place is now available for you in {manual_cohort.program.name_en}"
    ]


def test_partner_promoting_an_applicant_without_consent_learns_only_the_number(
    client, manual_cohort, django_capture_on_commit_callbacks
):
    Application.objects.filter(cohort=manual_cohort, status=S.WAITLISTED).update(
        shares_with_partners=False
    )
    korea = with_mfa(
        PartnerStaffFactory(organisation__country="KR", partner_of=manual_cohort.program)
    )
    client.force_login(korea)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff:waitlist_promote", args=[manual_cohort.pk]), {"country": "KR"}
        )

    promoted = Application.objects.get(cohort=manual_cohort, status=S.ACCEPTED)
    assert messages_of(response) == [f"Application #{promoted.pk} has been offered the free place."]


def test_partner_promotes_only_own_country(client, manual_cohort):
    japan = with_mfa(
        PartnerStaffFactory(
            organisation__country="JP",
            organisation__name="Partner JP",
            partner_of=manual_cohort.program,
        )
    )
    korea = with_mfa(
        PartnerStaffFactory(
            organisation__country="KR",
            organisation__name="Partner KR",
            partner_of=manual_cohort.program,
        )
    )
    url = reverse("staff:waitlist_promote", args=[manual_cohort.pk])

    client.force_login(japan)
    assert client.post(url, {"country": "KR"}).status_code == 404
    assert client.get(reverse("staff:pipeline", args=[manual_cohort.pk])).context["quotas"] == []
    client.force_login(korea)
    assert client.post(url, {"country": "KR"}).status_code == 302
    assert Application.objects.filter(cohort=manual_cohort, status=S.ACCEPTED).count() == 1


def test_applicant_cannot_promote(client, applicant, manual_cohort):
    client.force_login(applicant)

    response = client.post(
        reverse("staff:waitlist_promote", args=[manual_cohort.pk]), {"country": "KR"}
    )

    assert response.status_code == 403


@pytest.mark.parametrize("count", [1, 3])
def test_pipeline_with_offers_and_waitlist_query_count(
    staff_client, cohort, count, django_assert_num_queries
):
    CohortQuota.objects.filter(cohort=cohort).update(seats=10)
    CohortQuotaFactory(cohort=cohort, country="JP", seats=3)
    for _index in range(count):
        offer = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)
        application_transition(application=offer, to_status=S.ACCEPTED, actor=None)
        waiting = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)
        application_transition(application=waiting, to_status=S.WAITLISTED, actor=None)

    # session, user, MFA check, cohort, counts, quota rows, page count, page rows
    with django_assert_num_queries(8):
        response = staff_client.get(
            reverse("staff:pipeline", args=[cohort.pk]),
            {"status": "waitlisted", "sort": "waitlist_position"},
        )

    assert [a.waitlist_position for a in response.context["page"].object_list] == list(
        range(1, count + 1)
    )
    assert [
        (row["country"], row["taken"], row["waiting"]) for row in response.context["quotas"]
    ] == [("JP", 0, 0), ("KR", count, count)]


def test_staff_sees_waitlist_position_and_missing_quota(staff_client, cohort):
    waiting = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW)
    application_transition(application=waiting, to_status=S.WAITLISTED, actor=None)
    japanese = ApplicationFactory(cohort=cohort, status=S.UNDER_REVIEW, country="JP")

    waiting_page = staff_client.get(reverse("staff:application", args=[waiting.pk]))
    japanese_page = staff_client.get(reverse("staff:application", args=[japanese.pk]))

    assert '<dd class="col-sm-9" id="waitlist-position">1</dd>' in waiting_page.content.decode()
    assert waiting_page.context["deadline_form"] is None
    assert japanese_page.context["quota_row"] is None
    assert (
        "No quota is set for this country: no offer can be made until one is added."
        in japanese_page.content.decode()
    )
