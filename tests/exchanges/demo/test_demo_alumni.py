"""Demo alumni network: the finished cohort's alumni are in the directory with every kind of
visibility, a few messages were exchanged and one reported; seeding again adds nothing, and a
generated alumnus signs in and finds the others."""

import pytest
from django.urls import reverse

from exchanges.demo import demo_seed
from exchanges.enums import AlumniContact, AlumniReportStatus, ApplicationStatus, CohortStatus
from exchanges.models import AlumniMessage, AlumniProfile, Application, PlacementAssignment

pytestmark = pytest.mark.django_db


def test_seed_demo_puts_an_alumni_cohort_in_the_directory_once(client):
    demo_seed()
    profiles = {
        "profiles": AlumniProfile.objects.count(),
        "messages": AlumniMessage.objects.count(),
    }
    demo_seed()

    alumni = Application.objects.filter(
        status=ApplicationStatus.ALUMNUS, cohort__status=CohortStatus.FINISHED
    )
    assert profiles == {"profiles": 12, "messages": 3}
    assert {
        "profiles": AlumniProfile.objects.count(),
        "messages": AlumniMessage.objects.count(),
    } == profiles
    assert sorted(AlumniProfile.objects.values_list("application_id", flat=True)) == sorted(
        alumni.values_list("pk", flat=True)
    )
    assert sorted(
        AlumniProfile.objects.order_by("country").values_list("country", flat=True).distinct()
    ) == [
        "JP",
        "KR",
        "US",
    ]
    assert AlumniProfile.objects.filter(open_to_mentoring=True).count() == 12
    assert AlumniProfile.objects.filter(contact=AlumniContact.NONE).count() == 3
    assert {
        field: sorted(set(AlumniProfile.objects.values_list(field, flat=True)))
        for field in ("organisation_visibility", "interests_visibility")
    } == {
        "organisation_visibility": ["alumni", "staff"],
        "interests_visibility": ["alumni", "private"],
    }
    assert list(
        AlumniMessage.objects.exclude(report_status="").values_list("report_status", flat=True)
    ) == [AlumniReportStatus.OPEN]
    # The published mentors are alumni who offered to mentor.
    mentors = PlacementAssignment.objects.filter(mentor__isnull=False).values_list(
        "mentor__applicant_id", flat=True
    )
    volunteers = set(
        AlumniProfile.objects.filter(open_to_mentoring=True).values_list("user_id", flat=True)
    )
    assert mentors.exists()
    assert set(mentors) <= volunteers

    alumnus = AlumniProfile.objects.order_by("id").first()
    client.force_login(alumnus.user)
    response = client.get(reverse("apply:alumni_directory"))
    assert response.context["page"].paginator.count == 12
