"""Demo pre-departure data: idempotent, shown to the demo logins, no email sent."""

import pytest
from django.urls import reverse

from accounts.models import User
from exchanges.demo import DEMO_DOMAIN, demo_seed
from exchanges.demo.predeparture import DEMO_ITINERARY
from exchanges.enums import ApplicationStatus, CohortStatus
from exchanges.models import (
    ActivityLog,
    Application,
    Cohort,
    ItineraryItem,
    OutgoingMail,
    PredepartureChecklist,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {
        "applications": Application.objects.count(),
        "checklists": PredepartureChecklist.objects.count(),
        "items": ItineraryItem.objects.count(),
        "log": ActivityLog.objects.count(),
        "mail": OutgoingMail.objects.count(),
    }


def test_seed_demo_predeparture_once_with_every_state_and_no_mail():
    first = demo_seed()
    before = _snapshot()
    second = demo_seed()

    upcoming = Cohort.objects.get(status=CohortStatus.OPEN)
    confirmed = Application.objects.filter(cohort=upcoming, status=ApplicationStatus.CONFIRMED)
    checklists = PredepartureChecklist.objects.filter(application__cohort=upcoming)
    assert (first["predeparture_participants_created"], first["itinerary_items_created"]) == (7, 8)
    assert (second["predeparture_participants_created"], second["itinerary_items_created"]) == (
        0,
        0,
    )
    assert _snapshot() == before
    assert upcoming.starts_on > upcoming.deadline.date()
    assert sorted(confirmed.values_list("country", flat=True)) == [
        "JP",
        "JP",
        "KR",
        "KR",
        "US",
        "US",
        "US",
    ]
    assert sorted(c.is_complete for c in checklists) == [False, False, False, False, True, True]
    assert OutgoingMail.objects.filter(template_key="predeparture_reminder").count() == 0


def test_demo_login_sees_a_partly_complete_checklist_and_the_itinerary(client):
    demo_seed()
    application = Application.objects.get(
        applicant__email=f"applicant-en@{DEMO_DOMAIN}", cohort__status=CohortStatus.OPEN
    )
    client.force_login(application.applicant)

    status = client.get(application.get_absolute_url())
    response = client.get(reverse("apply:predeparture", kwargs={"pk": application.pk}))

    assert reverse("apply:predeparture", kwargs={"pk": application.pk}) in status.content.decode()
    assert response.context["progress"]["done"] == 3
    assert [day["number"] for day in response.context["itinerary"]] == [1, 2, 3, 4, 21]
    assert response.context["itinerary"][0]["items"][0]["own_time_text"].endswith(
        "(America/Denver)"
    )


def test_demo_secretariat_login_holds_the_health_permission_and_opens_the_dietary_list(client):
    demo_seed()
    demo_seed()
    upcoming = Cohort.objects.get(status=CohortStatus.OPEN)
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")
    partner = User.objects.get(email=f"partner-jp@{DEMO_DOMAIN}")
    url = reverse("staff:predeparture_list", args=[upcoming.pk, "dietary"])

    assert staff.user_permissions.filter(codename="view_dietary_list").count() == 1
    client.force_login(partner)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_demo_itinerary_notes_are_shown_in_the_participants_language(client):
    demo_seed()
    application = Application.objects.get(
        applicant__email=f"applicant-en@{DEMO_DOMAIN}", cohort__status=CohortStatus.OPEN
    )
    application.applicant.preferred_language = "ko"
    application.applicant.save(update_fields=["preferred_language"])
    client.force_login(application.applicant)

    response = client.get(reverse("apply:predeparture", kwargs={"pk": application.pk}))

    notes = [
        item["notes"]
        for day in response.context["itinerary"]
        for item in day["items"]
        if item["notes"]
    ]
    assert notes == [
        "인천공항 픽업은 10:00부터 1시간 간격으로 운행합니다.",
        "보안 검색이 있으니 여권을 지참하시기 바랍니다.",
        "편한 신발을 신고 오시기 바랍니다. 점심 식사는 제공됩니다.",
    ]


def test_demo_itinerary_items_have_notes_in_every_language_or_none():
    assert [notes for *_rest, notes in DEMO_ITINERARY if any(notes) and not all(notes)] == []
