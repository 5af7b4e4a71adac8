"""Retention: applications are anonymised a configured time after their cohort ends, by an
idempotent beat job with a dry run that changes nothing."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchanges.activity_types import Activity
from exchanges.models import ActivityLog, Application, Document
from exchanges.services.applications import application_upload_document
from exchanges.services.privacy import privacy_retention_apply, privacy_retention_report
from exchanges.tasks import task_apply_retention
from tests.factories.applications import (
    ApplicationFactory,
    CohortFactory,
    FormStepFactory,
    QuestionFactory,
)
from tests.uploads import MINIMAL_PDF

pytestmark = pytest.mark.django_db

TODAY = dt.datetime.now(tz=dt.UTC).date()


def _cohort(*, ended_days_ago: int, retention_days: int | None):
    ends_on = TODAY - dt.timedelta(days=ended_days_ago)
    cohort = CohortFactory(
        program__retention_days=retention_days,
        opens_at=timezone.now() - dt.timedelta(days=400),
        deadline=timezone.now() - dt.timedelta(days=300),
        starts_on=ends_on - dt.timedelta(days=20),
        ends_on=ends_on,
    )
    return cohort


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    due = _cohort(ended_days_ago=40, retention_days=30)
    recent = _cohort(ended_days_ago=10, retention_days=30)
    kept = _cohort(ended_days_ago=900, retention_days=None)
    question = QuestionFactory(step=FormStepFactory(form__cohort=due), kind="file")
    old = ApplicationFactory(cohort=due, institution="Kyoto University")
    document = application_upload_document(
        application=old,
        question=question,
        actor=old.applicant,
        uploaded_file=SimpleUploadedFile("cv.pdf", MINIMAL_PDF),
    )
    ApplicationFactory(cohort=due, status="rejected")
    # The same person later applied to a cohort still within its retention time.
    returning = ApplicationFactory(cohort=due)
    ApplicationFactory(cohort=recent, applicant=returning.applicant)
    ApplicationFactory(cohort=kept)
    return {"due": due, "old": old, "document": document, "returning": returning}


def _snapshot() -> list[tuple]:
    return list(
        Application.objects.order_by("id").values_list(
            "id", "institution", "birth_date", "anonymised_at", "applicant__email"
        )
    )


def test_dry_run_reports_due_applications_and_changes_nothing(world):
    before = _snapshot()

    report = privacy_retention_report(today=TODAY)

    assert [(row["cohort"], row["retention_days"], row["applications"]) for row in report] == [
        (world["due"], 30, 3)
    ]
    assert _snapshot() == before
    assert default_storage.exists(world["document"].file.name)
    assert ActivityLog.objects.filter(action_type=Activity.APPLICATION_ANONYMISED).count() == 0


def test_retention_anonymises_due_applications_once(world, django_capture_on_commit_callbacks):
    name = world["document"].file.name

    with django_capture_on_commit_callbacks(execute=True):
        first = privacy_retention_apply(today=TODAY)
    after_first = _snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        second = privacy_retention_apply(today=TODAY)

    assert first == {"applications": 3, "files": 1, "accounts": 2}
    assert second == {"applications": 0, "files": 0, "accounts": 0}
    assert _snapshot() == after_first
    old = Application.objects.get(pk=world["old"].pk)
    assert (old.institution, old.birth_date, old.anonymised_at is not None) == ("", None, True)
    assert default_storage.exists(name) is False
    assert Document.objects.filter(application=old).count() == 0
    assert ActivityLog.objects.filter(action_type=Activity.APPLICATION_ANONYMISED).count() == 3
    # Applications outside the rule, and the returning applicant's account, are untouched.
    assert Application.objects.filter(anonymised_at__isnull=True).count() == 2
    returning = world["returning"].applicant
    returning.refresh_from_db()
    assert (returning.is_active, returning.email.endswith("@erased.invalid")) == (True, False)


def test_retention_is_scheduled_daily_and_the_task_runs_the_service(world):
    assert settings.CELERY_BEAT_SCHEDULE["exchanges.apply_retention"] == {
        "task": "exchanges.apply_retention",
        "schedule": 86400.0,
    }

    # The cohorts ended relative to TODAY; now is later still, so the same three are due.
    assert task_apply_retention()["applications"] == 3


def test_retention_page_shows_the_dry_run(staff_client, world):
    response = staff_client.get(reverse("staff:retention_report"))

    assert response.status_code == 200
    assert [(row["cohort"], row["applications"]) for row in response.context["rows"]] == [
        (world["due"], 3)
    ]
    assert Application.objects.filter(anonymised_at__isnull=False).count() == 0
