import pytest
from django.core import mail
from django.db import IntegrityError

from exchanges.enums import ApplicationStatus
from exchanges.exceptions import InvalidTransition
from exchanges.models import ActivityLog, Application
from exchanges.services.applications import ALLOWED_TRANSITIONS, application_transition
from tests.factories.applications import ApplicationFactory, CohortQuotaFactory

pytestmark = pytest.mark.django_db

ALLOWED = sorted((f, t) for f, targets in ALLOWED_TRANSITIONS.items() for t in targets)
ILLEGAL = sorted(
    (f, t)
    for f in ApplicationStatus.values
    for t in ApplicationStatus.values
    if t not in ALLOWED_TRANSITIONS[f]
)


def test_transition_map_covers_every_status():
    assert set(ALLOWED_TRANSITIONS) == set(ApplicationStatus.values)
    assert len(ALLOWED) + len(ILLEGAL) == len(ApplicationStatus.values) ** 2


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_changes_status_and_logs(
    from_status, to_status, secretariat, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        status=from_status, waitlist_position=1 if from_status == "waitlisted" else None
    )
    CohortQuotaFactory(cohort=application.cohort, seats=5)

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(
            application=application, to_status=to_status, actor=secretariat, reason="checked"
        )

    application.refresh_from_db()
    assert application.status == to_status
    entry = ActivityLog.objects.get(action_type=f"exchanges.application.{to_status}")
    extra = {}
    if to_status == "accepted":
        extra = {"respond_by": application.offer_respond_by.isoformat()}
    elif to_status == "waitlisted":
        extra = {"waitlist_position": 1}
    assert (entry.actor, entry.object_id, entry.data) == (
        secretariat,
        application.pk,
        {"from": from_status, "to": to_status, "reason": "checked", **extra},
    )
    expected_mails = (
        1
        if to_status
        in {"submitted", "accepted", "waitlisted", "rejected", "confirmed", "declined", "withdrawn"}
        else 0
    )
    assert len(mail.outbox) == expected_mails
    if expected_mails:
        assert mail.outbox[0].to == [application.applicant.email]


@pytest.mark.parametrize(("from_status", "to_status"), ILLEGAL)
def test_illegal_transition_raises_and_changes_nothing(
    from_status, to_status, secretariat, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(status=from_status)
    before = Application.objects.values().get(pk=application.pk)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        application_transition(application=application, to_status=to_status, actor=secretariat)

    assert Application.objects.values().get(pk=application.pk) == before
    assert application.status == from_status
    assert ActivityLog.objects.count() == 0
    assert mail.outbox == []


def test_one_application_per_applicant_and_cohort():
    first = ApplicationFactory()

    with pytest.raises(IntegrityError):
        Application.objects.create(applicant=first.applicant, cohort=first.cohort)


def test_submitted_email_uses_applicant_language(secretariat, django_capture_on_commit_callbacks):
    application = ApplicationFactory(
        applicant__preferred_language="ko", applicant__local_name="김민준"
    )

    with django_capture_on_commit_callbacks(execute=True):
        application_transition(application=application, to_status="submitted", actor=None)

    message = mail.outbox[0]
    program = application.cohort.program
    assert message.subject == f"{program.name_ko} 지원서가 접수되었습니다"
    assert message.body.startswith("김민준님, 안녕하십니까.\n\n")
