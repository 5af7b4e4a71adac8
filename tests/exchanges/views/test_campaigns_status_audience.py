"""The campaign compose form offers application statuses; the audience count follows them."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from exchanges.enums import ApplicationStatus
from exchanges.models import Campaign
from exchanges.services.mail import unsubscribe_token
from tests.factories import ApplicantFactory
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def campaign_post(cohort, **extra):
    return {
        "name": "Visa briefing",
        "cohort": cohort.pk,
        "subject_en": "Visa",
        "body_en": "Hello {{ recipient_name }}",
        "subject_ja": "",
        "body_ja": "",
        "subject_ko": "",
        "body_ko": "",
        **extra,
    }


def test_compose_form_offers_translated_application_statuses(staff_client):
    response = staff_client.get(reverse("staff:campaign_create"))

    field = response.context["form"].fields["audience_statuses"]
    # The enum's lazy pgettext labels themselves, so each request shows its own language.
    assert field.choices == list(S.choices)
    with translation.override("en"):
        assert str(dict(field.choices)["confirmed"]) == "Offer accepted"
    assert 'name="audience_statuses" value="confirmed"' in response.content.decode()


def test_status_filter_saves_and_the_audience_count_reflects_it(staff_client):
    cohort = CohortFactory()
    for status, country in (
        (S.CONFIRMED, "JP"),
        (S.PARTICIPANT, "JP"),
        (S.SUBMITTED, "JP"),
        (S.CONFIRMED, "KR"),
    ):
        ApplicationFactory(
            cohort=cohort,
            status=status,
            country=country,
            applicant=ApplicantFactory(country=country),
        )

    response = staff_client.post(
        reverse("staff:campaign_create"),
        campaign_post(
            cohort, audience_countries=["JP"], audience_statuses=["confirmed", "participant"]
        ),
    )
    campaign = Campaign.objects.get()
    detail = staff_client.get(campaign.get_absolute_url())

    assert response.status_code == 302
    assert campaign.audience_statuses == ["confirmed", "participant"]
    assert detail.context["audience_count"] == 2
    assert "Offer accepted, Participant" in detail.content.decode()


def test_statuses_with_only_staff_roles_are_refused(staff_client):
    cohort = CohortFactory()

    response = staff_client.post(
        reverse("staff:campaign_create"),
        campaign_post(cohort, audience_roles=["secretariat"], audience_statuses=["confirmed"]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["audience_statuses"] == [
        "Application statuses only select applicants: tick Applicant as a role, or no role."
    ]
    assert Campaign.objects.count() == 0


def test_an_opted_out_address_in_another_case_is_neither_counted_nor_sent(
    staff_client, client, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    kept = ApplicantFactory(email="kept@example.org")
    opted_out = ApplicantFactory(email="Mixed.Case@Example.org")
    for person in (kept, opted_out):
        ApplicationFactory(cohort=cohort, applicant=person, country=person.country)
    client.post(
        reverse("mail_unsubscribe", args=[unsubscribe_token(email=opted_out.email)]),
        {"List-Unsubscribe": "One-Click"},
    )
    staff_client.post(reverse("staff:campaign_create"), campaign_post(cohort))
    campaign = Campaign.objects.get()

    page = staff_client.get(campaign.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("staff:campaign_send", args=[campaign.pk]), {"send_at": ""})

    assert "1 person (opted-out addresses excluded)" in page
    assert [message.to for message in mail.outbox] == [[kept.email]]
