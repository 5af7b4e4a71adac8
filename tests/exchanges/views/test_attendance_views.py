"""Attendance pages: the roll call (JSON endpoint and plain form, both idempotent), who may
take the roll and decide completion, the certificate download and the public verification
page, and query counts of the lists at 1 and 3 rows."""

import datetime as dt
import io
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from exchanges.enums import ApplicationStatus, AttendanceStatus
from exchanges.models import AttendanceMark, Certificate
from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.predeparture import ItineraryItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(db):
    return CohortFactory(starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 10))


@pytest.fixture
def item(cohort):
    return ItineraryItemFactory(cohort=cohort)


def participants(cohort, count, country="KR"):
    return [
        ApplicationFactory(
            cohort=cohort, from_country=country, status=ApplicationStatus.PARTICIPANT
        )
        for _ in range(count)
    ]


def marks_url(item):
    return reverse("staff:attendance_marks", kwargs={"cohort_id": item.cohort_id, "pk": item.pk})


def post_marks(client, item, marks):
    return client.post(
        marks_url(item), data=json.dumps({"marks": marks}), content_type="application/json"
    )


def test_marks_endpoint_saves_once_when_the_queue_is_sent_twice(client, item, secretariat):
    (person,) = participants(item.cohort, 1)
    client.force_login(secretariat)
    mark = {
        "application": person.pk,
        "status": "present",
        "client_id": str(uuid.uuid4()),
        "marked_at": timezone.now().isoformat(),
    }

    first = post_marks(client, item, [mark])
    second = post_marks(client, item, [mark])

    assert (first.status_code, first.json()["saved"]) == (200, [mark["client_id"]])
    assert second.json() == {"saved": [], "duplicate": [mark["client_id"]], "stale": []}
    assert list(AttendanceMark.objects.values_list("application_id", "status")) == [
        (person.pk, "present")
    ]


def test_marks_endpoint_refuses_bad_input_and_people_outside_the_partners_country(client, item):
    (korean,) = participants(item.cohort, 1, "KR")
    (american,) = participants(item.cohort, 1, "US")
    partner = with_mfa(
        PartnerStaffFactory(organisation__country="KR", partner_of=item.cohort.program)
    )
    client.force_login(partner)
    stamp = timezone.now().isoformat()

    bad = client.post(marks_url(item), data="nope", content_type="application/json")
    outside = post_marks(
        client,
        item,
        [
            {
                "application": american.pk,
                "status": "present",
                "client_id": str(uuid.uuid4()),
                "marked_at": stamp,
            }
        ],
    )
    own = post_marks(
        client,
        item,
        [
            {
                "application": korean.pk,
                "status": "absent",
                "client_id": str(uuid.uuid4()),
                "marked_at": stamp,
            }
        ],
    )

    assert (bad.status_code, outside.status_code, own.status_code) == (400, 409, 200)
    assert list(AttendanceMark.objects.values_list("application_id", flat=True)) == [korean.pk]


def test_roll_call_form_without_javascript_is_idempotent(client, item, secretariat):
    people = participants(item.cohort, 2)
    client.force_login(secretariat)
    url = reverse("staff:attendance_roll_call", kwargs={"cohort_id": item.cohort_id, "pk": item.pk})
    page = client.get(url)
    batch = page.context["form"]["batch"].value()
    data = {
        "batch": str(batch),
        f"mark-{people[0].pk}": "present",
        f"mark-{people[1].pk}": "excused",
    }

    client.post(url, data)
    again = client.post(url, data)

    assert again.status_code == 302
    assert sorted(AttendanceMark.objects.values_list("application_id", "status")) == [
        (people[0].pk, AttendanceStatus.PRESENT),
        (people[1].pk, AttendanceStatus.EXCUSED),
    ]


def test_roll_call_refused_to_partner_outside_the_program_and_completion_to_partners(client, item):
    outsider = with_mfa(PartnerStaffFactory())
    partner = with_mfa(
        PartnerStaffFactory(organisation__country="KR", partner_of=item.cohort.program)
    )
    roll = reverse(
        "staff:attendance_roll_call", kwargs={"cohort_id": item.cohort_id, "pk": item.pk}
    )
    completion = reverse("staff:attendance_completion", kwargs={"cohort_id": item.cohort_id})

    client.force_login(outsider)
    assert client.get(roll).status_code == 403
    client.force_login(partner)
    assert client.get(roll).status_code == 200
    assert client.get(completion).status_code == 403


def test_certificate_download_and_public_verification(client, cohort):
    (person,) = participants(cohort, 1)
    other = participants(cohort, 1)[0]
    certificate = Certificate.objects.create(
        application=person, language="en", attendance_percent=90
    )
    url = reverse("apply:certificate_pdf", kwargs={"pk": person.pk})

    client.force_login(other.applicant)
    assert client.get(url).status_code == 404
    client.force_login(person.applicant)
    response = client.get(url)
    client.logout()
    page = client.get(certificate.get_absolute_url())

    assert response["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert page.status_code == 200
    assert page.context["texts"]["name"] == person.applicant.display_name
    assert client.get(reverse("certificate_verify", kwargs={"code": "nothing"})).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_lists_make_the_same_queries_at_1_and_3_rows(client, cohort, secretariat, count):
    items = [ItineraryItemFactory(cohort=cohort) for _ in range(count)]
    participants(cohort, count)
    client.force_login(secretariat)
    urls = [
        reverse("staff:attendance", kwargs={"cohort_id": cohort.pk}),
        reverse("staff:attendance_roll_call", kwargs={"cohort_id": cohort.pk, "pk": items[0].pk}),
        reverse("staff:attendance_completion", kwargs={"cohort_id": cohort.pk}),
    ]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts == [7, 9, 10]
