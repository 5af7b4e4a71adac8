"""Scheduled email workflows run by Celery beat (``exchanges.send_scheduled_reminders``).

Registered here (other capabilities register theirs in their own service modules, imported by
``ExchangesConfig.ready`` so every process that runs the beat task has them):
``draft-reminder`` (7 days and 1 day before the cohort deadline, to drafts of open cohorts, at
09:00 in the applicant's time zone) and ``referee-reminder`` (3 days before a pending referee
link expires, at 09:00 in the cohort's time zone: referees have no account or time zone).

A workflow is a function ``(now) -> int`` that finds who is due a reminder and hands
``reminders_queue_due`` one ``(object, window, send)`` per person, where ``send()`` calls
``reminder_queue``; it is registered with ``@reminder_workflow("name")``. Beat runs every
registered workflow every 15 minutes, so a workflow must be idempotent: the key
``<workflow>:<object id>:<window>`` (for example ``draft-reminder:42:7d``) makes each reminder
go out at most once per recipient and window, however many ticks see it due.

Example (``draft_reminders`` below)::

    @reminder_workflow("draft-reminder")
    def draft_reminders(now):
        due = []
        for application in drafts_with_deadline_within(days=8):
            window = draft_reminder_window(application=application, now=now)
            if window is not None:
                due.append((application, window, partial(draft_reminder_queue, ...)))
        return reminders_queue_due(workflow="draft-reminder", due=due)
"""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from functools import partial

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from config.site import absolute_url
from exchanges.activity_types import Activity

# The token hash must be the one the upload view looks up: one definition, in applications.
from exchanges.enums import (
    REFEREE_OPEN_STATUSES,
    ApplicationStatus,
    CohortStatus,
    MailTemplateKey,
    RefereeStatus,
)
from exchanges.formatting import mail_datetime_text
from exchanges.models import Application, Cohort, OutgoingMail, RefereeRequest
from exchanges.services.activity import activity_log_record
from exchanges.services.mail import mail_language, mail_queue
from exchanges.tokens import token_hash, token_new

logger = logging.getLogger(__name__)

# The local time of day at which a "N days before" reminder becomes due.
REMINDER_LOCAL_HOUR = 9

_WORKFLOWS: dict[str, Callable[[dt.datetime], int]] = {}


def reminder_workflow(name: str):
    """Register a scheduled workflow under ``name`` (its idempotency-key prefix)."""

    def register(function: Callable[[dt.datetime], int]):
        _WORKFLOWS[name] = function
        return function

    return register


def reminder_workflows() -> dict[str, Callable[[dt.datetime], int]]:
    return dict(_WORKFLOWS)


def reminder_due_at(*, deadline: dt.datetime, days_before: int, time_zone: str) -> dt.datetime:
    """When the reminder ``days_before`` the deadline is due: at 09:00 on that calendar day in
    the recipient's time zone (so it arrives in their morning, not at night)."""
    zone = zoneinfo.ZoneInfo(time_zone or "UTC")
    local_deadline = deadline.astimezone(zone)
    day = local_deadline.date() - dt.timedelta(days=days_before)
    return dt.datetime.combine(day, dt.time(REMINDER_LOCAL_HOUR), tzinfo=zone)


def reminder_is_due(
    *, deadline: dt.datetime, days_before: int, time_zone: str, now: dt.datetime
) -> bool:
    """True from the reminder's due time until the deadline itself."""
    return (
        reminder_due_at(deadline=deadline, days_before=days_before, time_zone=time_zone)
        <= now
        < deadline
    )


def reminder_occasion(*, window: str, deadline: dt.datetime, cohort: Cohort) -> str:
    """The window part of the key of a reminder before a deadline staff may move: the window
    and the deadline's date in the cohort's time zone (``3d:2030-03-10``). A moved deadline
    gets its own reminders; one deadline never gets a window twice."""
    return f"{window}:{deadline.astimezone(cohort.zone).date().isoformat()}"


def reminder_key(*, workflow: str, obj: models.Model, window: str) -> str:
    return f"{workflow}:{obj.pk}:{window}"


@transaction.atomic
def reminder_queue(
    *,
    workflow: str,
    window: str,
    obj: models.Model,
    recipient: User | None,
    template_key: str,
    context: dict,
    cohort: Cohort | None = None,
    email: str = "",
    language: str | None = None,
) -> OutgoingMail | None:
    """Queue one reminder at most once for (workflow, object, window). Returns the new row,
    or None when this reminder was queued before. ``email`` and ``language`` address someone
    without an account (a referee); ``recipient`` is then None."""
    key = reminder_key(workflow=workflow, obj=obj, window=window)
    if OutgoingMail.objects.filter(idempotency_key=key).exists():
        return None
    return mail_queue(
        template_key=template_key,
        idempotency_key=key,
        recipient=recipient,
        email=email,
        language=language,
        context=context,
        concerning=obj,
        cohort=cohort,
    )


def reminders_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every registered workflow; one failing workflow does not stop the others."""
    now = now or timezone.now()
    results = {}
    for name, function in _WORKFLOWS.items():
        try:
            results[name] = function(now)
        except Exception:
            logger.exception("Reminder workflow %s failed", name)
            results[name] = -1
    return results


def reminder_keys_queued(keys: list[str]) -> set[str]:
    """Which of ``keys`` already have an outbox row: one query for a whole tick's candidates."""
    return set(
        OutgoingMail.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )


DueReminder = tuple[models.Model, str, Callable[[], OutgoingMail | None]]


def reminders_queue_due(*, workflow: str, due: list[DueReminder]) -> int:
    """Queue the reminders of a tick: each ``(object, window, send)`` whose key has no outbox
    row yet calls ``send()``. One query finds the rows queued before; one failing send is
    logged and never stops the others. Returns how many were queued."""
    done = reminder_keys_queued(
        [reminder_key(workflow=workflow, obj=obj, window=window) for obj, window, _send in due]
    )
    count = 0
    for obj, window, send in due:
        if reminder_key(workflow=workflow, obj=obj, window=window) in done:
            continue
        try:
            count += send() is not None
        except Exception:
            logger.exception("Reminder %s for %s %s failed", workflow, obj._meta.model_name, obj.pk)
    return count


# --- Draft deadline reminders ----------------------------------------------------------------

DRAFT_WORKFLOW = "draft-reminder"
# (window, days before the deadline, template); a later window replaces an earlier one.
DRAFT_WINDOWS = (
    ("7d", 7, MailTemplateKey.DRAFT_REMINDER_7D),
    ("1d", 1, MailTemplateKey.DRAFT_REMINDER_1D),
)
# A reminder N days before is due at most N days + 15 hours (+1 DST hour) before the deadline.
_DRAFT_HORIZON = dt.timedelta(days=max(days for _w, days, _k in DRAFT_WINDOWS) + 1)


def draft_reminder_window(*, application: Application, now: dt.datetime) -> tuple[str, str] | None:
    """The (window, template) due for ``application`` at ``now``, or None.

    Only the latest window whose time has come counts, so a missed 7-day reminder is never
    sent after the 1-day one; a draft started after a window's time gets no reminder for it.
    """
    deadline = application.cohort.deadline
    time_zone = application.applicant.time_zone
    due_window = None
    for window, days, template_key in DRAFT_WINDOWS:
        due = reminder_due_at(deadline=deadline, days_before=days, time_zone=time_zone)
        if due <= now < deadline:
            due_window = (window, template_key) if application.created_at < due else None
    return due_window


def draft_reminder_context(*, application: Application, language: str) -> dict:
    """Plain values for the draft reminder templates (``TEMPLATE_CONTEXT``)."""
    cohort = application.cohort
    with translation.override(language):
        return {
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "application_url": absolute_url(application.get_absolute_url()),
            "deadline": mail_datetime_text(
                value=cohort.deadline, language=language, time_zone=application.applicant.time_zone
            ),
        }


@reminder_workflow(DRAFT_WORKFLOW)
def draft_reminders(now: dt.datetime) -> int:
    """Remind applicants whose application to an open cohort is still a draft."""
    applications = list(
        Application.objects.filter(
            status=ApplicationStatus.DRAFT,
            applicant__is_active=True,
            cohort__status=CohortStatus.OPEN,
            cohort__opens_at__lte=now,
            cohort__deadline__gt=now,
            cohort__deadline__lte=now + _DRAFT_HORIZON,
        )
        .select_related("applicant", "cohort__program")
        .order_by("id")
    )
    due = []
    for application in applications:
        window = draft_reminder_window(application=application, now=now)
        if window is not None:
            due.append(
                (
                    application,
                    window[0],
                    partial(
                        draft_reminder_queue,
                        application=application,
                        window=window[0],
                        template_key=window[1],
                    ),
                )
            )
    return reminders_queue_due(workflow=DRAFT_WORKFLOW, due=due)


def draft_reminder_queue(
    *, application: Application, window: str, template_key: str
) -> OutgoingMail | None:
    language = mail_language(recipient=application.applicant)
    return reminder_queue(
        workflow=DRAFT_WORKFLOW,
        window=window,
        obj=application,
        recipient=application.applicant,
        template_key=template_key,
        context=draft_reminder_context(application=application, language=language),
        cohort=application.cohort,
    )


# --- Referee reminders -----------------------------------------------------------------------

REFEREE_WORKFLOW = "referee-reminder"
REFEREE_REMINDER_DAYS = 3
REFEREE_WINDOW = f"{REFEREE_REMINDER_DAYS}d"
_REFEREE_HORIZON = dt.timedelta(days=REFEREE_REMINDER_DAYS + 1)


def _referee_reminder_due(*, request: RefereeRequest, now: dt.datetime) -> bool:
    due = reminder_due_at(
        deadline=request.expires_at,
        days_before=REFEREE_REMINDER_DAYS,
        time_zone=request.application.cohort.time_zone,
    )
    return request.created_at < due <= now < request.expires_at


@transaction.atomic
def referee_reminder_queue(*, request: RefereeRequest) -> OutgoingMail | None:
    """Remind the referee of ``request`` once, with a fresh private link.

    Only the hash of the first link was stored, so the reminder carries a new token and the
    old link stops working (as when a guardian is asked again). The request is locked and
    the idempotency key checked first, so the token changes exactly when the reminder is
    queued, in the same transaction.
    """
    locked = RefereeRequest.objects.select_for_update().get(pk=request.pk)
    key = reminder_key(workflow=REFEREE_WORKFLOW, obj=locked, window=REFEREE_WINDOW)
    if (
        locked.status != RefereeStatus.PENDING
        or request.application.status not in REFEREE_OPEN_STATUSES
        or OutgoingMail.objects.filter(idempotency_key=key).exists()
    ):
        return None
    token = token_new()
    locked.token_hash = token_hash(token)
    locked.save(update_fields=["token_hash"])
    application = request.application
    cohort = application.cohort
    language = mail_language(recipient=None, language=locked.language)
    with translation.override(language):
        context = {
            "recipient_name": locked.name,
            "applicant_name": application.applicant.display_name,
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "upload_url": absolute_url(reverse("apply:referee_upload", kwargs={"token": token})),
            "due_date": mail_datetime_text(
                value=locked.expires_at, language=language, time_zone=cohort.time_zone
            ),
        }
    mail = reminder_queue(
        workflow=REFEREE_WORKFLOW,
        window=REFEREE_WINDOW,
        obj=locked,
        recipient=None,
        email=locked.email,
        language=language,
        template_key=MailTemplateKey.REFEREE_REMINDER,
        context=context,
        cohort=cohort,
    )
    activity_log_record(
        actor=None,
        obj=application,
        action_type=Activity.APPLICATION_REFEREE_REMINDED,
        data={"referee_request": locked.pk},
    )
    return mail


@reminder_workflow(REFEREE_WORKFLOW)
def referee_reminders(now: dt.datetime) -> int:
    """Remind referees whose letter is still pending, 3 days before their link expires."""
    requests = list(
        RefereeRequest.objects.filter(
            status=RefereeStatus.PENDING,
            expires_at__gt=now,
            expires_at__lte=now + _REFEREE_HORIZON,
            application__status__in=REFEREE_OPEN_STATUSES,
        )
        .select_related("application__applicant", "application__cohort__program")
        .order_by("id")
    )
    return reminders_queue_due(
        workflow=REFEREE_WORKFLOW,
        due=[
            (request, REFEREE_WINDOW, partial(referee_reminder_queue, request=request))
            for request in requests
            if _referee_reminder_due(request=request, now=now)
        ],
    )
