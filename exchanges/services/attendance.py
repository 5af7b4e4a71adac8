"""Attendance and completion.

Recording (``attendance_record``) is idempotent per (session, participant): each mark carries
the id its device generated and the time it was made there. A mark whose id is already
stored is a replay (a queue flushed twice after a dropped connection) and changes nothing; a
mark made before the stored one is stale and is ignored; anything else replaces the stored
mark. So marks queued offline on one or several phones end up saved once, last one wins.

Completion (``cohort_complete``): a participant completes when the share of sessions they
attended reaches the cohort's ``CompletionRule.min_attendance_percent`` (sessions they were
excused from do not count against them) and, when the rule asks for it, they answered the
post-program survey. Each one who completes moves to ALUMNUS through
``application_transition`` (audited), gets a certificate with a public verification code
(logged) and an email in their language with the certificate and verification links.
"""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.activity_types import Activity
from exchanges.enums import ApplicationStatus, AttendanceStatus
from exchanges.exceptions import ExchangeError
from exchanges.models import (
    Application,
    AttendanceMark,
    Certificate,
    Cohort,
    CompletionRule,
    ItineraryItem,
)
from exchanges.selectors.attendance import (
    attendance_roll,
    completion_candidates,
    completion_rule_of,
)
from exchanges.services.activity import activity_log_record
from exchanges.services.applications import application_transition
from exchanges.services.notify import notify_program_completed

MAX_MARKS_PER_REQUEST = 500


def attendance_percent(*, present: int, excused: int, sessions: int) -> int:
    """Attended share of the sessions that count, rounded down; 100 when none count."""
    counted = sessions - excused
    if counted <= 0:
        return 100
    return min(100, (100 * present) // counted)


def completion_reasons(*, rule: CompletionRule, percent: int, post_survey_done: bool) -> list[str]:
    """Why a participant does not complete (translated, empty when they do)."""
    reasons = []
    if percent < rule.min_attendance_percent:
        reasons.append(
            _("Attended %(percent)s%% of sessions; %(required)s%% needed.")
            % {"percent": percent, "required": rule.min_attendance_percent}
        )
    if rule.require_post_survey and not post_survey_done:
        reasons.append(_("The post-program survey is not answered."))
    return reasons


def _parse_mark(raw: dict) -> tuple[int, str, uuid.UUID, dt.datetime]:
    try:
        application_id = int(raw["application"])
        status = str(raw["status"])
        client_id = uuid.UUID(str(raw["client_id"]))
        marked_at = dt.datetime.fromisoformat(str(raw["marked_at"]).replace("Z", "+00:00"))
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(_("A mark is incomplete or malformed."), code="bad_mark") from error
    if status not in AttendanceStatus.values:
        raise ValidationError(_("Unknown attendance value."), code="bad_status")
    if marked_at.tzinfo is None:
        raise ValidationError(_("A mark's time must include its time zone."), code="naive")
    # A device clock ahead of the server must not make a mark unbeatable.
    return application_id, status, client_id, min(marked_at, timezone.now())


@transaction.atomic
def attendance_record(*, item: ItineraryItem, marks: list[dict], actor) -> dict:
    """Save ``marks`` (``application``, ``status``, ``client_id``, ``marked_at`` ISO 8601) of
    the session ``item``. Returns ``{"saved": [...], "duplicate": [...], "stale": [...]}``
    of client ids. Raises ``ValidationError`` for a malformed mark and ``ExchangeError`` for a
    participant outside the session's cohort or the actor's scope; then nothing is saved."""
    if len(marks) > MAX_MARKS_PER_REQUEST:
        raise ExchangeError(_("Too many marks at once."), code="too_many_marks")
    parsed = [_parse_mark(raw) for raw in marks]
    allowed = set(attendance_roll(viewer=actor, item=item).values_list("id", flat=True))
    if any(application_id not in allowed for application_id, *_rest in parsed):
        raise ExchangeError(
            _("A mark is for someone who is not a participant you can see in this cohort."),
            code="not_on_roll",
        )
    # Lock the session's stored marks of these participants: two phones sending at once
    # are applied one after the other.
    stored = {
        mark.application_id: mark
        for mark in AttendanceMark.objects.select_for_update().filter(
            item=item, application_id__in={p[0] for p in parsed}
        )
    }
    result: dict[str, list[str]] = {"saved": [], "duplicate": [], "stale": []}
    now = timezone.now()
    for application_id, status, client_id, marked_at in sorted(parsed, key=lambda p: p[3]):
        mark = stored.get(application_id)
        if mark is not None and mark.client_id == client_id:
            result["duplicate"].append(str(client_id))
            continue
        if mark is not None and marked_at < mark.marked_at:
            result["stale"].append(str(client_id))
            continue
        if mark is None:
            mark = AttendanceMark(item=item, application_id=application_id)
            stored[application_id] = mark
        mark.status = status
        mark.client_id = client_id
        mark.marked_at = marked_at
        mark.recorded_by = actor
        mark.recorded_at = now
        mark.save()
        result["saved"].append(str(client_id))
    if result["saved"]:
        # Counts only: who attended is in the marks themselves.
        activity_log_record(
            actor=actor,
            obj=item,
            action_type=Activity.ATTENDANCE_RECORDED,
            data={"cohort": item.cohort_id, "saved": len(result["saved"])},
        )
    return result


@transaction.atomic
def completion_rule_save(
    *, cohort: Cohort, actor, min_attendance_percent: int, require_post_survey: bool
) -> CompletionRule:
    if not 0 <= min_attendance_percent <= 100:
        raise ValidationError(
            {"min_attendance_percent": _("Enter a percentage from 0 to 100.")}, code="percent"
        )
    rule, _created = CompletionRule.objects.update_or_create(
        cohort=cohort,
        defaults={
            "min_attendance_percent": min_attendance_percent,
            "require_post_survey": require_post_survey,
            "updated_at": timezone.now(),
        },
    )
    activity_log_record(
        actor=actor,
        obj=rule,
        action_type=Activity.COMPLETION_RULE_SAVED,
        data={
            "min_attendance_percent": min_attendance_percent,
            "require_post_survey": require_post_survey,
        },
    )
    return rule


def completion_table(*, viewer, cohort: Cohort, candidates) -> list[dict]:
    """Each candidate (from ``completion_candidates``) with percent, outcome and reasons."""
    rule = completion_rule_of(cohort=cohort)
    sessions = ItineraryItem.objects.filter(cohort=cohort).count()
    rows = []
    for application in candidates:
        percent = attendance_percent(
            present=application.present, excused=application.excused, sessions=sessions
        )
        reasons = completion_reasons(
            rule=rule, percent=percent, post_survey_done=application.post_survey_done
        )
        rows.append(
            {
                "application": application,
                "percent": percent,
                "completes": not reasons,
                "reasons": reasons,
                "is_alumnus": application.status == ApplicationStatus.ALUMNUS,
            }
        )
    return rows


@transaction.atomic
def cohort_complete(*, cohort: Cohort, actor, application_ids: list[int] | None = None) -> int:
    """Move every participant of ``cohort`` (or of ``application_ids``) in the actor's scope
    who meets the completion rule to ALUMNUS, with a certificate and an email. Returns how
    many completed; those who do not meet the rule, or already completed, are left alone."""
    candidates = completion_candidates(viewer=actor, cohort=cohort).filter(
        status=ApplicationStatus.PARTICIPANT
    )
    if application_ids is not None:
        candidates = candidates.filter(pk__in=application_ids)
    rule = completion_rule_of(cohort=cohort)
    completed = 0
    for row in completion_table(viewer=actor, cohort=cohort, candidates=candidates):
        if not row["completes"]:
            continue
        application: Application = row["application"]
        application_transition(
            application=application,
            to_status=ApplicationStatus.ALUMNUS,
            actor=actor,
            reason="completed",
            log_data={
                "attendance_percent": row["percent"],
                "min_attendance_percent": rule.min_attendance_percent,
                "post_survey_required": rule.require_post_survey,
            },
        )
        certificate = Certificate.objects.create(
            application=application,
            language=application.applicant.preferred_language or "en",
            attendance_percent=row["percent"],
        )
        activity_log_record(
            actor=actor,
            obj=certificate,
            action_type=Activity.CERTIFICATE_ISSUED,
            data={"application": application.pk, "language": certificate.language},
        )
        notify_program_completed(application=application, certificate=certificate)
        completed += 1
    return completed
