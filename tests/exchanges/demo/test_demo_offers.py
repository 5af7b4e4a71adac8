"""The offers demo: an open offer for a demo login, numbered waiting lists, idempotent."""

import pytest
from django.utils import timezone

from exchanges.demo import DEMO_DOMAIN, demo_seed
from exchanges.enums import ApplicationStatus, CohortStatus
from exchanges.models import Application, OutgoingMail

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def test_demo_seeds_offers_and_waiting_lists_once():
    first = demo_seed()
    mails = OutgoingMail.objects.count()
    second = demo_seed()

    cohort_offers = Application.objects.filter(cohort__status=CohortStatus.OPEN)
    assert (first["offers_created"], second["offers_created"]) == (8, 0)
    assert OutgoingMail.objects.count() == mails
    korean = cohort_offers.get(applicant__email=f"applicant@{DEMO_DOMAIN}")
    assert korean.status == S.ACCEPTED
    assert korean.offer_is_open
    assert timezone.now() < korean.offer_respond_by
    assert sorted(cohort_offers.filter(status=S.ACCEPTED).values_list("country", flat=True)) == [
        "JP",
        "KR",
        "US",
    ]
    waiting = list(
        cohort_offers.filter(status=S.WAITLISTED)
        .order_by("country", "waitlist_position")
        .values_list("country", "waitlist_position", "applicant__email")
    )
    assert [(country, position) for country, position, _email in waiting] == [
        ("JP", 1),
        ("JP", 2),
        ("JP", 3),
        ("KR", 1),
        ("KR", 2),
    ]
    assert waiting[0][2] == f"applicant-ja@{DEMO_DOMAIN}"


def test_demo_applicant_can_open_their_offer(client):
    demo_seed()
    korean = Application.objects.get(
        applicant__email=f"applicant@{DEMO_DOMAIN}", cohort__status=CohortStatus.OPEN
    )
    client.force_login(korean.applicant)

    response = client.get(korean.get_absolute_url())

    assert response.context["offer_open"] is True
