"""Demo itinerary and attendance of the running cohort: built once, marks for the sessions
that have started only, and the pages staff and a participant open show them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exchanges.demo import DEMO_DOMAIN, demo_seed
from exchanges.enums import ApplicationStatus, CohortStatus
from exchanges.models import Application, AttendanceMark, Cohort, CompletionRule, ItineraryItem

pytestmark = pytest.mark.django_db


def test_seed_demo_attendance_once_for_started_sessions(client):
    first = demo_seed()
    second = demo_seed()

    running = Cohort.objects.get(status=CohortStatus.RUNNING)
    sessions = ItineraryItem.objects.filter(cohort=running)
    days = (running.ends_on - running.starts_on).days + 1
    participants = Application.objects.filter(
        cohort=running, status=ApplicationStatus.PARTICIPANT
    ).count()
    started = [s for s in sessions if s.starts_at(running.time_zone) <= timezone.now()]
    assert first["itinerary_sessions_created"] == 2 * days == sessions.count()
    assert first["attendance_marks_created"] == len(started) * participants
    assert (second["itinerary_sessions_created"], second["attendance_marks_created"]) == (0, 0)
    assert (
        AttendanceMark.objects.filter(item__cohort=running).count() == len(started) * participants
    )
    assert CompletionRule.objects.get(cohort=running).min_attendance_percent == 80

    korean = Application.objects.select_related("applicant").get(
        cohort=running, applicant__email=f"applicant@{DEMO_DOMAIN}"
    )
    client.force_login(korean.applicant)
    page = client.get(reverse("apply:itinerary", kwargs={"pk": korean.pk}))
    assert page.status_code == 200
    assert sum(len(day["items"]) for day in page.context["days"]) == 2 * days
    staff = User.objects.get(email=f"staff@{DEMO_DOMAIN}")  # has TOTP in the demo
    client.force_login(staff)
    roll = client.get(
        reverse("staff:attendance_roll_call", kwargs={"cohort_id": running.pk, "pk": started[0].pk})
    )
    marked = [
        row["status"] != ""
        for row in roll.context["rows"]
        if row["application"].status == ApplicationStatus.PARTICIPANT
    ]
    assert marked == [True] * participants
