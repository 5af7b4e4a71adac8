"""Reading attendance: a session's roll call, each participant's attendance and whether they
meet the cohort's completion rule, all scoped by the viewer and computed in the database."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from exchanges.enums import ApplicationStatus, AttendanceStatus, SurveyKind
from exchanges.models import (
    Application,
    AttendanceMark,
    Certificate,
    Cohort,
    CompletionRule,
    ItineraryItem,
    SurveyInvitation,
)
from exchanges.selectors.applications import applications_visible_to

# Who is on the roll: participants while the program runs, and alumni (marks stay visible).
ROLL_STATUSES = (ApplicationStatus.PARTICIPANT, ApplicationStatus.ALUMNUS)


def attendance_sessions(*, cohort: Cohort) -> QuerySet[ItineraryItem]:
    """The cohort's sessions with how many were marked present (one query)."""
    return (
        ItineraryItem.objects.filter(cohort=cohort)
        .annotate(
            present_count=Count(
                "attendance_marks", filter=Q(attendance_marks__status=AttendanceStatus.PRESENT)
            ),
            marked_count=Count("attendance_marks"),
        )
        .order_by("day", "start_time", "id")
    )


def attendance_roll(*, viewer: User, item: ItineraryItem) -> QuerySet[Application]:
    """The participants of the session's cohort the viewer may see, by country and name."""
    return (
        applications_visible_to(viewer=viewer)
        .filter(cohort_id=item.cohort_id, status__in=ROLL_STATUSES)
        .select_related("applicant")
        .order_by("country", "applicant__family_name", "applicant__given_name", "id")
    )


def attendance_marks_of(*, item: ItineraryItem, application_ids: list[int]) -> dict:
    """``{application id: mark}`` of the session for the listed participants (one query)."""
    return {
        mark.application_id: mark
        for mark in AttendanceMark.objects.filter(item=item, application_id__in=application_ids)
    }


def completion_rule_of(*, cohort: Cohort) -> CompletionRule:
    """The cohort's rule, or the default (80 %, post survey answered) unsaved."""
    return CompletionRule.objects.filter(cohort=cohort).first() or CompletionRule(cohort=cohort)


def completion_candidates(*, viewer: User, cohort: Cohort) -> QuerySet[Application]:
    """The cohort's participants and alumni the viewer may see, each annotated with
    ``present`` and ``excused`` session counts, ``post_survey_done`` and ``has_certificate``."""
    answered = SurveyInvitation.objects.filter(
        application=OuterRef("pk"),
        survey__kind=SurveyKind.POST_PROGRAM,
        completed_at__isnull=False,
    )
    return (
        applications_visible_to(viewer=viewer)
        .filter(cohort=cohort, status__in=ROLL_STATUSES)
        .select_related("applicant")
        .annotate(
            present=Count(
                "attendance_marks",
                filter=Q(
                    attendance_marks__status=AttendanceStatus.PRESENT,
                    attendance_marks__item__cohort=cohort,
                ),
            ),
            excused=Count(
                "attendance_marks",
                filter=Q(
                    attendance_marks__status=AttendanceStatus.EXCUSED,
                    attendance_marks__item__cohort=cohort,
                ),
            ),
            post_survey_done=Exists(answered),
            has_certificate=Exists(Certificate.objects.filter(application=OuterRef("pk"))),
        )
        .order_by("country", "applicant__family_name", "applicant__given_name", "id")
    )


def certificate_by_code(*, code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("application__applicant", "application__cohort__program")
        .filter(code=code)
        .first()
    )


def certificate_of(*, application: Application) -> Certificate | None:
    return Certificate.objects.filter(application=application).first()
