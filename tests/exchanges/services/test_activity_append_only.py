"""The activity log is an audit trail: rows are added, never changed or deleted."""

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchanges.activity_types import Activity
from exchanges.models import ActivityLog
from exchanges.models.activity import ActivityLogAppendOnlyError
from exchanges.services.activity import activity_log_record
from exchanges.services.applications import application_upload_document
from tests.conftest import TOTP_SECRET, with_mfa
from tests.factories import ApplicantFactory, SecretariatFactory
from tests.factories.applications import ApplicationFactory, FormStepFactory, QuestionFactory
from tests.factories.predeparture import ChecklistFactory
from tests.uploads import MINIMAL_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(cohort):
    application = ApplicationFactory(cohort=cohort)
    return activity_log_record(
        actor=None, obj=application, action_type=Activity.APPLICATION_STARTED, data={"a": 1}
    )


def _stored(entry) -> tuple:
    return ActivityLog.objects.filter(pk=entry.pk).values_list("action_type", "data").get()


def test_saving_an_existing_entry_raises_and_keeps_the_row(entry):
    entry.action_type = "exchanges.application.accepted"

    with pytest.raises(ActivityLogAppendOnlyError):
        entry.save()

    assert _stored(entry) == ("exchanges.application.started", {"a": 1})


def test_deleting_an_entry_raises_and_keeps_the_row(entry):
    with pytest.raises(ActivityLogAppendOnlyError):
        entry.delete()

    assert ActivityLog.objects.filter(pk=entry.pk).count() == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda qs, e: qs.update(data={}),
        lambda qs, e: qs.delete(),
        lambda qs, e: qs.bulk_update([e], ["data"]),
        lambda qs, e: qs.update_or_create(pk=e.pk, defaults={"data": {}}),
        lambda qs, e: ActivityLog.objects.update(data={}),
        lambda qs, e: ActivityLog.objects.all().delete(),
    ],
)
def test_queryset_writes_raise_and_keep_the_rows(entry, change):
    entry.data = {}

    with pytest.raises(ActivityLogAppendOnlyError):
        change(ActivityLog.objects.filter(pk=entry.pk), entry)

    assert _stored(entry) == ("exchanges.application.started", {"a": 1})


def test_people_with_entries_cannot_be_deleted(cohort):
    """Deleting an actor would rewrite their entries (SET NULL) behind the guards."""
    actor = ApplicantFactory()
    application = ApplicationFactory(cohort=cohort, applicant=actor)
    activity_log_record(actor=actor, obj=application, action_type=Activity.APPLICATION_STARTED)

    with pytest.raises(Exception, match="protected foreign keys"):
        actor.delete()

    assert ActivityLog.objects.filter(actor=actor).count() == 1


def test_admin_shows_entries_read_only_with_no_delete(client, entry):
    superuser = with_mfa(SecretariatFactory(is_superuser=True, is_staff=True))
    client.force_login(superuser)

    change = client.get(reverse("admin:exchanges_activitylog_change", args=[entry.pk]))
    delete = client.post(
        reverse("admin:exchanges_activitylog_delete", args=[entry.pk]), {"post": "yes"}
    )
    changelist = client.get(reverse("admin:exchanges_activitylog_changelist"))

    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    assert delete.status_code == 403
    assert "delete_selected" not in changelist.text
    assert ActivityLog.objects.filter(pk=entry.pk).count() == 1


def test_admin_edits_are_mirrored_into_the_log(client):
    superuser = with_mfa(SecretariatFactory(is_superuser=True, is_staff=True))
    client.force_login(superuser)
    target = ApplicantFactory(given_name="Ana")

    response = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        {
            "email": target.email,
            "given_name": "Anna",
            "family_name": target.family_name,
            "local_name": "",
            "preferred_language": "en",
            "country": "US",
            "time_zone": "UTC",
            "role": "reviewer",
            "organisation": "",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 302
    log_entry = LogEntry.objects.get(action_flag=CHANGE)
    entries = list(
        ActivityLog.objects.filter(object_id=target.pk)
        .order_by("id")
        .values_list("actor_id", "content_type__model", "action_type", "data")
    )
    assert entries == [
        (
            superuser.pk,
            "user",
            "accounts.user.role_changed",
            {"role": {"from": "applicant", "to": "reviewer"}},
        ),
        (
            superuser.pk,
            "user",
            "admin.object.changed",
            {
                "model": "accounts.user",
                "object": str(target.pk),
                "change": log_entry.get_change_message(),
                "admin_log_entry": log_entry.pk,
            },
        ),
    ]


def test_admin_addition_without_numeric_key_is_logged_on_the_entry(secretariat):
    log_entry = LogEntry.objects.create(
        user=secretariat,
        content_type=ContentType.objects.get_for_model(LogEntry),
        object_id="abc",
        object_repr="abc",
        action_flag=ADDITION,
    )

    logged = ActivityLog.objects.get(action_type="admin.object.added")

    assert (logged.content_type.model, logged.object_id) == ("logentry", log_entry.pk)


def test_staff_document_download_is_logged(client, cohort, secretariat):
    question = QuestionFactory(step=FormStepFactory(form__cohort=cohort), kind="file")
    application = ApplicationFactory(cohort=cohort)
    document = application_upload_document(
        application=application,
        question=question,
        actor=application.applicant,
        uploaded_file=SimpleUploadedFile("cv.pdf", MINIMAL_PDF),
    )
    client.force_login(secretariat)

    response = client.get(reverse("staff:document", args=[document.pk]))

    assert response.status_code == 200
    assert list(
        ActivityLog.objects.filter(
            action_type=Activity.APPLICATION_DOCUMENT_DOWNLOADED
        ).values_list("actor_id", "object_id", "data")
    ) == [(secretariat.pk, application.pk, {"document": document.pk, "kind": document.kind})]


def test_immediate_export_is_logged_with_its_row_count(client, cohort, secretariat):
    ApplicationFactory.create_batch(2, cohort=cohort, submitted=True)
    client.force_login(secretariat)

    response = client.get(reverse("staff:export_csv", args=[cohort.pk]))
    b"".join(response.streaming_content)

    assert list(
        ActivityLog.objects.filter(action_type=Activity.EXPORT_DOWNLOADED).values_list(
            "actor_id", "object_id", "data"
        )
    ) == [(secretariat.pk, cohort.pk, {"export": "applications", "format": "csv", "rows": 2})]


def test_staff_sign_in_is_logged_applicant_sign_in_is_not(client):
    staff = with_mfa(SecretariatFactory(email="staff@example.org"))
    applicant = ApplicantFactory(email="someone@example.org")

    client.post(
        reverse("account_login"),
        {"login": applicant.email, "password": "correct-horse-battery-staple"},
    )
    client.logout()
    client.post(
        reverse("account_login"), {"login": staff.email, "password": "correct-horse-battery-staple"}
    )
    client.post(reverse("mfa_authenticate"), {"code": _totp_code()})

    assert list(
        ActivityLog.objects.filter(action_type=Activity.ACCOUNTS_USER_SIGNED_IN).values_list(
            "actor_id", "object_id", "data"
        )
    ) == [(staff.pk, staff.pk, {"role": "secretariat"})]


def _totp_code() -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(TOTP_SECRET, counter))


def test_secretariat_view_of_checklist_details_is_logged_with_field_names_only(
    staff_client, secretariat, cohort
):
    application = ApplicationFactory(cohort=cohort, status="confirmed")
    ChecklistFactory(application=application, medical_notes="Asthma")
    secretariat.user_permissions.add(Permission.objects.get(codename="view_dietary_list"))

    response = staff_client.get(
        reverse(
            "staff:predeparture_participant",
            kwargs={"cohort_id": cohort.pk, "pk": application.pk},
        )
    )

    (entry,) = ActivityLog.objects.filter(action_type=Activity.APPLICATION_SENSITIVE_VIEWED)
    assert response.status_code == 200
    assert (entry.actor_id, entry.object_id) == (secretariat.pk, application.pk)
    assert "medical_notes" in entry.data["fields"]
    assert "Asthma" not in str(entry.data)
