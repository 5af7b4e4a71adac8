"""Background exports of large application lists: start, progress, download, expiry."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from exchanges.enums import ApplicationStatus, ExportStatus
from exchanges.models import ActivityLog, ApplicationExport
from exchanges.services.exports import application_exports_purge
from tests.conftest import with_mfa
from tests.factories import OrganisationFactory, PartnerStaffFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(settings):
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 2
    cohort = CohortFactory()
    for country, name in (("JP", "Sato"), ("KR", "Kim"), ("KR", "Lee")):
        ApplicationFactory(
            cohort=cohort,
            country=country,
            applicant__family_name=name,
            status=ApplicationStatus.SUBMITTED,
        )
    return cohort


def _start(client, cohort, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:export_start", args=[cohort.pk]), data)
    return response, ApplicationExport.objects.get()


def test_small_export_stays_immediate(staff_client, cohort, settings):
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 3

    response = staff_client.get(reverse("staff:export_csv", args=[cohort.pk]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 4
    assert ApplicationExport.objects.count() == 0


def test_large_export_asks_to_start_a_background_job(staff_client, cohort):
    url = reverse("staff:export_xlsx", args=[cohort.pk]) + "?status=submitted&page=2"
    response = staff_client.get(url)

    assert response.status_code == 200
    assert response.templates[0].name == "staff/applications/export_start.html"
    assert response.context["total"] == 3
    assert response.context["filters"] == [("status", "submitted")]
    assert ApplicationExport.objects.count() == 0


def test_background_xlsx_export_is_complete_and_downloadable_by_its_requester(
    staff_client, cohort, secretariat, django_capture_on_commit_callbacks
):
    response, export = _start(
        staff_client,
        cohort,
        django_capture_on_commit_callbacks,
        file_format="xlsx",
        country="KR",
        sort="name",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("staff:export_status", args=[export.pk])
    assert (export.status, export.rows_total, export.rows_done) == (ExportStatus.FINISHED, 2, 2)
    assert export.requested_by == secretariat
    assert export.filters == {"country": "KR", "sort": "name"}
    status = staff_client.get(response["Location"])
    assert status.context["waiting"] is False
    assert reverse("staff:export_download", args=[export.pk]) in status.content.decode()
    download = staff_client.get(reverse("staff:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[2] for row in rows] == ["Family name", "Kim", "Lee"]
    assert list(
        ActivityLog.objects.filter(action_type__startswith="exchanges.application_export.")
        .order_by("id")
        .values_list("action_type", flat=True)
    ) == ["exchanges.application_export.started", "exchanges.application_export.finished"]


def test_background_csv_export_counts_every_row(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    _response, export = _start(
        staff_client, cohort, django_capture_on_commit_callbacks, file_format="csv"
    )

    download = staff_client.get(reverse("staff:export_download", args=[export.pk]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(row[2] for row in rows[1:]) == ["Kim", "Lee", "Sato"]
    assert download["Content-Type"] == "text/csv; charset=utf-8"


def test_another_staff_member_cannot_see_or_download_an_export(
    client, staff_client, cohort, django_capture_on_commit_callbacks
):
    _response, export = _start(
        staff_client, cohort, django_capture_on_commit_callbacks, file_format="csv"
    )
    client.force_login(with_mfa(SecretariatFactory()))

    assert client.get(reverse("staff:export_status", args=[export.pk])).status_code == 404
    assert client.get(reverse("staff:export_download", args=[export.pk])).status_code == 404


def test_partner_export_holds_only_their_country_and_ends_with_their_rights(
    client, cohort, settings, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(country="KR", name="Partner KR")
    cohort.program.partners.add(organisation)
    partner = with_mfa(PartnerStaffFactory(organisation=organisation))
    client.force_login(partner)
    settings.EXPORT_IMMEDIATE_MAX_ROWS = 1
    _response, export = _start(
        client, cohort, django_capture_on_commit_callbacks, file_format="csv"
    )

    text = b"".join(
        client.get(reverse("staff:export_download", args=[export.pk])).streaming_content
    ).decode("utf-8-sig")
    assert sorted(row[2] for row in list(csv.reader(io.StringIO(text)))[1:]) == ["Kim", "Lee"]
    cohort.program.partners.remove(organisation)
    assert client.get(reverse("staff:export_download", args=[export.pk])).status_code == 404


def test_expired_export_is_refused_and_its_file_deleted(
    staff_client, cohort, django_capture_on_commit_callbacks
):
    _response, export = _start(
        staff_client, cohort, django_capture_on_commit_callbacks, file_format="csv"
    )
    name = export.file.name
    ApplicationExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )

    assert staff_client.get(reverse("staff:export_download", args=[export.pk])).status_code == 404
    assert application_exports_purge() == 1
    export.refresh_from_db()
    assert (export.status, export.file.name) == (ExportStatus.EXPIRED, "")
    assert default_storage.exists(name) is False
    page = staff_client.get(reverse("staff:export_status", args=[export.pk]))
    assert page.context["export"].status == ExportStatus.EXPIRED


def test_queued_export_page_polls_and_shows_progress(staff_client, cohort, secretariat):
    export = ApplicationExport.objects.create(
        cohort=cohort,
        requested_by=secretariat,
        file_format="xlsx",
        language="en",
        status=ExportStatus.RUNNING,
        rows_total=4000,
        rows_done=2000,
    )

    page = staff_client.get(reverse("staff:export_status", args=[export.pk]))

    assert page.context["waiting"] is True
    html = page.content.decode()
    assert 'aria-valuenow="50"' in html
    assert "2000 of 4000 rows" in html
    assert staff_client.get(reverse("staff:export_download", args=[export.pk])).status_code == 404
