"""Scheduled email workflows run by Celery beat (``exchanges.send_scheduled_reminders``).

A workflow is a function ``(now) -> int`` that finds who is due a reminder and calls
``reminder_queue`` for each; it is registered with ``@reminder_workflow("name")``. Beat runs
every registered workflow every 15 minutes, so a workflow must be idempotent: the key
``<workflow>:<object id>:<window>`` (for example ``draft-reminder:42:7d``) makes each reminder
go out at most once per recipient and window, however many ticks see it due.

Example (in the applications capability)::

    @reminder_workflow("draft-reminder")
    def draft_reminders(now):
        count = 0
        for application in drafts_with_deadline_within(days=8):
            for window, days, key in (("7d", 7, MailTemplateKey.DRAFT_REMINDER_7D),
                                      ("1d", 1, MailTemplateKey.DRAFT_REMINDER_1D)):
                if reminder_is_due(deadline=application.cohort.deadline, days_before=days,
                                   time_zone=application.applicant.time_zone, now=now):
                    count += bool(reminder_queue(workflow="draft-reminder", window=window,
                                                 obj=application, template_key=key, ...))
        return count
"""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from exchanges.models import Cohort, OutgoingMail
from exchanges.services.mail import mail_queue

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


def reminder_is_due(*, deadline: dt.datetime, days_before: int, time_zone: str,
                    now: dt.datetime) -> bool:
    """True from the reminder's due time until the deadline itself."""
    return reminder_due_at(deadline=deadline, days_before=days_before,
                           time_zone=time_zone) <= now < deadline


def reminder_key(*, workflow: str, obj: models.Model, window: str) -> str:
    return f"{workflow}:{obj.pk}:{window}"


@transaction.atomic
def reminder_queue(*, workflow: str, window: str, obj: models.Model, recipient: User,
                   template_key: str, context: dict, cohort: Cohort | None = None
                   ) -> OutgoingMail | None:
    """Queue one reminder at most once for (workflow, object, window). Returns the new row,
    or None when this reminder was queued before."""
    key = reminder_key(workflow=workflow, obj=obj, window=window)
    if OutgoingMail.objects.filter(idempotency_key=key).exists():
        return None
    return mail_queue(template_key=template_key, idempotency_key=key, recipient=recipient,
                      context=context, concerning=obj, cohort=cohort)


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
