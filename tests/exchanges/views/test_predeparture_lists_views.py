"""Staff lists of pre-departure: the dietary and accessibility list is refused without its
permission and logged with it (page, print, CSV, XLSX); the arrival and rooming lists in
every format; partner staff see their country only; query counts at 1 and 3 rows."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from exchanges.enums import ApplicationStatus, PlacementKind, PlacementRunStatus
from exchanges.models import ActivityLog, PlacementAssignment, PlacementRun
from tests.conftest import with_mfa
from tests.factories import PartnerStaffFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory, CohortFactory
from tests.factories.placement import HostFactory
from tests.factories.predeparture import ChecklistFactory

pytestmark = pytest.mark.django_db
LOGGED = "exchanges.predeparture.dietary_list_viewed"


@pytest.fixture
def cohort(db):
    return CohortFactory(starts_on=dt.date(2026, 7, 6), ends_on=dt.date(2026, 7, 20))


def participant(cohort, country="KR", **checklist):
    application = ApplicationFactory(
        cohort=cohort, from_country=country, status=ApplicationStatus.CONFIRMED
    )
    ChecklistFactory(application=application, **checklist)
    return application


def allowed(user):
    user.user_permissions.add(Permission.objects.get(codename="view_dietary_list"))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no cached permissions


def url(cohort, kind, fmt=None):
    if fmt:
        return reverse(
            "staff:predeparture_list_format",
            kwargs={"cohort_id": cohort.pk, "kind": kind, "fmt": fmt},
        )
    return reverse("staff:predeparture_list", kwargs={"cohort_id": cohort.pk, "kind": kind})


@pytest.mark.parametrize("fmt", [None, "print", "csv", "xlsx"])
def test_dietary_list_refused_without_the_permission(client, cohort, secretariat, fmt):
    participant(cohort, dietary_needs=["halal"], medical_notes="Wheelchair user")
    client.force_login(secretariat)

    response = client.get(url(cohort, "dietary", fmt))

    assert response.status_code == 403
    assert b"Wheelchair" not in response.content
    assert ActivityLog.objects.filter(action_type=LOGGED).count() == 0


def test_dietary_list_with_the_permission_is_shown_and_each_look_logged(client, cohort):
    person = participant(
        cohort, dietary_needs=["halal"], dietary_notes="No gelatine", medical_notes="=Wheelchair"
    )
    staff = allowed(with_mfa(SecretariatFactory()))
    client.force_login(staff)

    page = client.get(url(cohort, "dietary"))
    download = client.get(url(cohort, "dietary", "csv"))
    workbook = client.get(url(cohort, "dietary", "xlsx"))

    assert page.status_code == 200
    assert page.context["rows"] == [
        [person.applicant.display_name, "South Korea", "Halal", "No gelatine", "'=Wheelchair"]
    ]
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[1] == [
        person.applicant.display_name,
        "South Korea",
        "Halal",
        "No gelatine",
        "'=Wheelchair",
    ]
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert [c.value for c in sheet[2]] == rows[1]
    logged = ActivityLog.objects.filter(action_type=LOGGED).order_by("id")
    assert [(e.actor_id, e.object_id, e.data) for e in logged] == [
        (staff.pk, cohort.pk, {"format": "html", "rows": 1}),
        (staff.pk, cohort.pk, {"format": "csv", "rows": 1}),
        (staff.pk, cohort.pk, {"format": "xlsx", "rows": 1}),
    ]


def test_arrival_list_in_order_and_partner_sees_own_country(client, cohort):
    late = participant(cohort, "KR", arrival_on=dt.date(2026, 7, 6), arrival_time=dt.time(18, 0))
    early = participant(cohort, "KR", arrival_on=dt.date(2026, 7, 5), arrival_transport="KE 17")
    participant(cohort, "US", arrival_on=dt.date(2026, 7, 4))
    partner = with_mfa(PartnerStaffFactory(organisation__country="KR", partner_of=cohort.program))
    client.force_login(partner)

    response = client.get(url(cohort, "arrival"))

    assert [row[0] for row in response.context["rows"]] == [
        early.applicant.display_name,
        late.applicant.display_name,
    ]
    assert response.context["rows"][0][2:] == ["July 5, 2026", "", "KE 17"]
    assert client.get(url(cohort, "dietary")).status_code == 403


def test_rooming_list_shows_the_published_host(client, cohort, secretariat):
    person = participant(cohort)
    host = HostFactory(cohort=cohort, name="Tanaka family", city="Osaka")
    run = PlacementRun.objects.create(
        cohort=cohort,
        kind=PlacementKind.HOSTS,
        status=PlacementRunStatus.PUBLISHED,
        created_by=secretariat,
    )
    PlacementAssignment.objects.create(run=run, application=person, host=host)
    client.force_login(secretariat)

    page = client.get(url(cohort, "rooming"))
    printed = client.get(url(cohort, "rooming", "print"))

    assert page.context["rows"] == [
        [person.applicant.display_name, "South Korea", "Tanaka family", "Osaka"]
    ]
    assert printed.context["rows"] == page.context["rows"]
    assert b"data-print-page" in printed.content


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("kind", ["arrival", "dietary", "rooming"])
def test_lists_make_the_same_queries_at_1_and_3_rows(client, cohort, kind, count):
    for _ in range(count):
        participant(cohort, dietary_needs=["vegan"])
    client.force_login(allowed(with_mfa(SecretariatFactory())))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(cohort, kind))

    assert response.status_code == 200
    assert len(queries) == {"arrival": 9, "dietary": 12, "rooming": 9}[kind]
