"""Time travel for the demo: the one place it writes rows past the services.

The demo builds its world through the public services, which stamp everything with
``timezone.now()`` and refuse what the real clock forbids (applying after a deadline). A demo
also needs a past: cohorts whose window closed months ago, decisions made days ago, emails
that were delivered then. These helpers replay that past: a cohort's window is open while its
applicants apply, and afterwards timestamps are moved to when things happened. Nothing here
changes what happened, only when.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import models
from django.db.models import Case, F, Value, When
from django.utils import timezone

from exchanges.enums import CohortStatus, MailStatus
from exchanges.models import ActivityLog, Application, Cohort, Document, OutgoingMail

# Outbox rows the demo staged by hand (``_seed_mail``) keep the state it gave them.
STAGED_MAIL_PREFIX = "demo:"


@contextmanager
def cohort_window_opened(cohort: Cohort) -> Iterator[Cohort]:
    """Run the block while ``cohort`` takes applications, then put its real window back.

    A cohort whose deadline passed (running, finished) had applicants once; they apply
    through the services while the window is open again for the block."""
    if cohort.is_open:
        yield cohort
        return
    real = {"status": cohort.status, "opens_at": cohort.opens_at, "deadline": cohort.deadline}
    now = timezone.now()
    reopened = {
        "status": CohortStatus.OPEN,
        "opens_at": now - dt.timedelta(days=1),
        "deadline": now + dt.timedelta(days=1),
    }
    # Time travel: no service reopens a closed call, and none should.
    Cohort.objects.filter(pk=cohort.pk).update(**reopened)
    for name, value in reopened.items():
        setattr(cohort, name, value)
    try:
        yield cohort
    finally:
        # Time travel: the call closed again, as it really did.
        Cohort.objects.filter(pk=cohort.pk).update(**real)
        for name, value in real.items():
            setattr(cohort, name, value)


def application_backdate(
    application: Application,
    *,
    started: dt.datetime | None = None,
    step: dt.timedelta,
    ended: dt.datetime | None = None,
) -> None:
    """Move ``application``'s history so that it started at ``started`` (or its last entry
    falls on ``ended``) and each entry of its activity log followed the previous one after
    ``step``, never later than now."""
    entries = list(
        ActivityLog.objects.filter(
            content_type__app_label="exchanges",
            content_type__model="application",
            object_id=application.pk,
        ).order_by("timestamp", "id")
    )
    gaps = max(len(entries) - 1, 1)
    if started is None:
        started = (ended or timezone.now()) - step * gaps
    step = min(step, (timezone.now() - started) / gaps)
    when = {}
    for index, entry in enumerate(entries):
        entry.timestamp = started + step * index
        when.setdefault(entry.action_type, entry.timestamp)
    _activity_log_backdate(entries)
    last = entries[-1].timestamp if entries else started
    changes = {"created_at": started, "updated_at": last, "status_changed_at": last}
    if application.submitted_at is not None:
        changes["submitted_at"] = when.get("exchanges.application.submitted", started)
    if application.offer_updated_at is not None:
        changes["offer_updated_at"] = when.get("exchanges.application.accepted", last)
    # Time travel: the application's own stamps follow its log.
    Application.objects.filter(pk=application.pk).update(**changes)
    # Time travel: documents were uploaded when the application was started.
    Document.objects.filter(application=application).update(uploaded_at=started)
    for name, value in changes.items():
        setattr(application, name, value)


def _activity_log_backdate(entries: list[ActivityLog]) -> None:
    """Time travel: the log records when things happened, and these happened in the past.

    The one write past ``ActivityLogQuerySet``'s append-only guard, and only here: the demo
    seed builds a fresh database before anyone uses it, moving the timestamps of entries it
    has just written itself. It goes through the plain ``QuerySet.update`` on purpose."""
    if not entries:
        return
    when = Case(*[When(pk=entry.pk, then=Value(entry.timestamp)) for entry in entries])
    # Time travel: the demo's own fresh entries, moved to when they happened.
    models.QuerySet.update(
        ActivityLog.objects.filter(pk__in=[entry.pk for entry in entries]), timestamp=when
    )


def outbox_delivered(*, after_id: int) -> int:
    """Mark the emails the services queued since ``after_id`` as delivered when they were
    due: the demo's history happened in the past, so the worker sends none of them now (it
    finds them sent). Rows staged by hand keep their state. Returns how many."""
    # Time travel: delivery is the worker's part, and it happened back then.
    return (
        OutgoingMail.objects.filter(pk__gt=after_id, status=MailStatus.QUEUED)
        .exclude(idempotency_key__startswith=STAGED_MAIL_PREFIX)
        .filter(due_at__lte=timezone.now())
        .update(status=MailStatus.SENT, attempts=1, sent_at=F("due_at"))
    )
