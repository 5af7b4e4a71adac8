"""Reading what privacy needs: a person's data, erasure requests, retention, notices."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from accounts.models import User
from exchanges.enums import ErasureStatus
from exchanges.models import (
    ActivityLog,
    Answer,
    Application,
    ErasureRequest,
    OutgoingMail,
    PrivacyNotice,
    Program,
    SurveyResponse,
)


def privacy_subject_applications(*, user: User) -> QuerySet[Application]:
    """``user``'s applications with everything attached to them, in a fixed number of queries."""
    return (
        Application.objects.filter(applicant=user)
        .select_related(
            "cohort__program",
            "privacy_notice",
            "guardian_consent",
            "predeparture_checklist",
            "matching_profile",
        )
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("id")),
            "documents",
            "referee_requests",
            Prefetch(
                "survey_responses",
                queryset=SurveyResponse.objects.select_related("survey").prefetch_related(
                    "answers__question"
                ),
            ),
        )
        .order_by("created_at", "id")
    )


def privacy_subject_mails(*, user: User) -> QuerySet[OutgoingMail]:
    return OutgoingMail.objects.filter(
        Q(user=user) | Q(recipient_email__iexact=user.email)
    ).order_by("created_at", "id")


def privacy_subject_activity(*, user: User) -> QuerySet[ActivityLog]:
    """Entries by ``user`` and about ``user`` or their applications."""
    applications = ContentType.objects.get_for_model(Application)
    users = ContentType.objects.get_for_model(User)
    return ActivityLog.objects.filter(
        Q(actor=user)
        | Q(content_type=users, object_id=user.pk)
        | Q(
            content_type=applications,
            object_id__in=Application.objects.filter(applicant=user).values("pk"),
        )
    ).order_by("timestamp", "id")


def erasure_requests_list(*, status: str = "") -> QuerySet[ErasureRequest]:
    """Requests, pending ones first and the most urgent of them first, then the processed
    ones, with their applicant and processor joined."""
    qs = ErasureRequest.objects.select_related("applicant", "processed_by").annotate(
        waiting=Case(When(status=ErasureStatus.PENDING, then=Value(0)), default=Value(1))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("waiting", "due_at", "id")


def erasure_request_pending_of(*, user: User) -> ErasureRequest | None:
    return user.erasure_requests.filter(status=ErasureStatus.PENDING).first()


def retention_due_applications(*, today: dt.date) -> QuerySet[Application]:
    """Applications not yet anonymised whose cohort ended more than its program's
    ``retention_days`` before ``today``."""
    reached = Q(pk__in=[])
    for program_id, days in Program.objects.filter(retention_days__isnull=False).values_list(
        "pk", "retention_days"
    ):
        reached |= Q(
            cohort__program_id=program_id, cohort__ends_on__lt=today - dt.timedelta(days=days)
        )
    return Application.objects.filter(reached, anonymised_at__isnull=True)


def privacy_notice_current() -> PrivacyNotice | None:
    """The latest published notice: the one new applications accept."""
    return PrivacyNotice.objects.filter(published_at__isnull=False).order_by("-version").first()


def privacy_notices() -> QuerySet[PrivacyNotice]:
    return PrivacyNotice.objects.select_related("created_by").order_by("-version")
