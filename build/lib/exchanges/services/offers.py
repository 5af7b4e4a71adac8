"""Offers: the applicant's answer, staff deadline changes and manual waiting-list promotion,
and two scheduled workflows.

The quota, deadline and waiting-list rules live in ``application_transition`` (with the
helpers in ``exchanges.services.waitlists``); the services here lock the quota row before the
application, as the transition does, and then call it.

Workflows (registered with ``@reminder_workflow``, run by beat every 15 minutes):

``offer-lapse``
    Moves offers (ACCEPTED) whose ``offer_respond_by`` has passed to DECLINED with the reason
    ``lapsed``; the applicant gets the "offer expired" email and, under the automatic policy,
    the first waitlisted applicant of the country is offered the seat. Each application is
    locked and its state re-checked, so repeated ticks and concurrent runs lapse it once.

``offer-deadline-reminder``
    Windows ``3d`` and ``1d``: 09:00 in the applicant's time zone 3 days and 1 day before the
    deadline, to ACCEPTED applications only. Only the latest window whose time has come
    counts, and an offer made (or whose deadline was set) after a window's time gets no
    reminder for it. Idempotency key ``offer-deadline-reminder:<application id>:<window>:<date
    of the deadline in the cohort's time zone>``: a new deadline (staff extended it) is a new
    occasion and gets its own reminders; the same deadline never gets one twice.
"""

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from config.site import absolute_url
from exchanges.activity_types import Activity
from exchanges.enums import ApplicationStatus, MailTemplateKey
from exchanges.exceptions import DeadlinePassed, ExchangeError, InvalidTransition
from exchanges.formatting import deadline_text
from exchanges.models import Application, OutgoingMail
from exchanges.services.activity import activity_log_record
from exchanges.services.applications import (
    REASON_LAPSED,
    application_transition,
)
from exchanges.services.mail import mail_language
from exchanges.services.notify import notify_application_event, offer_respond_by_text
from exchanges.services.reminders import (
    reminder_due_at,
    reminder_occasion,
    reminder_queue,
    reminder_workflow,
    reminders_queue_due,
)
from exchanges.services.waitlists import (
    offer_respond_by_on,
    quota_lock,
)

logger = logging.getLogger(__name__)

S = ApplicationStatus


def _lock(application: Application) -> Application:
    """Lock the quota row, then the application (the transition's lock order)."""
    quota_lock(cohort_id=application.cohort_id, country=application.country)
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "applicant")
        .get(pk=application.pk)
    )


def _sync(application: Application, locked: Application) -> Application:
    for name in (
        "status",
        "status_changed_at",
        "updated_at",
        "offer_respond_by",
        "offer_updated_at",
        "waitlist_position",
    ):
        setattr(application, name, getattr(locked, name))
    return application


@transaction.atomic
def offer_respond(
    *, application: Application, actor, accept: bool, reason: str = ""
) -> Application:
    """The applicant accepts (CONFIRMED) or declines (DECLINED) their offer.

    Safe against double submits: answering again the way the offer was already answered
    returns the application unchanged. Raises ``DeadlinePassed`` at or after the deadline
    and ``InvalidTransition`` when there is no open offer (answered the other way, withdrawn).
    A decline frees the seat, which the transition offers to the waiting list.
    """
    target = S.CONFIRMED if accept else S.DECLINED
    locked = _lock(application)
    if locked.status == target:
        return _sync(application, locked)
    if locked.status != S.ACCEPTED:
        raise InvalidTransition(_("This offer can no longer be answered."))
    if locked.offer_respond_by is not None and timezone.now() >= locked.offer_respond_by:
        raise DeadlinePassed(
            _("The deadline to answer this offer (%(deadline)s) has passed.")
            % {"deadline": deadline_text(locked.offer_respond_by)}
        )
    return application_transition(
        application=application, to_status=target, actor=actor, reason=reason
    )


@transaction.atomic
def offer_extend(*, application: Application, respond_by_date: dt.date, actor) -> Application:
    """Set the offer's deadline to the end of ``respond_by_date`` in the cohort's time zone.

    Raises ``InvalidTransition`` when the application holds no offer, and ``ExchangeError``
    when the new deadline is not in the future or not before the program starts.
    Reminders start again for the new deadline (their key names it), and the applicant is
    told the new deadline by email in the same transaction.
    """
    locked = _lock(application)
    if locked.status != S.ACCEPTED:
        raise InvalidTransition(_("Only an open offer has a deadline to change."))
    cohort = locked.cohort
    new_deadline = offer_respond_by_on(cohort=cohort, day=respond_by_date)
    now = timezone.now()
    if new_deadline <= now:
        raise ExchangeError(_("The new deadline must be in the future."), code="offer_deadline")
    if respond_by_date >= cohort.starts_on:
        raise ExchangeError(
            _("The new deadline must be before the program starts (%(date)s).")
            % {"date": formats.date_format(cohort.starts_on, "DATE_FORMAT")},
            code="offer_deadline",
        )
    previous = locked.offer_respond_by
    locked.offer_respond_by = new_deadline
    locked.offer_updated_at = now
    locked.updated_at = now
    locked.save(update_fields=["offer_respond_by", "offer_updated_at", "updated_at"])
    activity_log_record(
        actor=actor,
        obj=locked,
        action_type=Activity.APPLICATION_OFFER_DEADLINE_CHANGED,
        data={
            "from": previous.astimezone(dt.UTC).isoformat() if previous else None,
            "to": new_deadline.astimezone(dt.UTC).isoformat(),
        },
    )
    # The applicant learns the new date at once, not only from the next reminder.
    notify_application_event(application=locked, event="offer_extended")
    return _sync(application, locked)


# --- Lapsed offers ---------------------------------------------------------------------------

LAPSE_WORKFLOW = "offer-lapse"


@transaction.atomic
def offer_lapse(*, application: Application, now: dt.datetime) -> Application | None:
    """Decline ``application``'s offer because its deadline passed; None when it no longer
    applies (answered, extended or lapsed meanwhile)."""
    locked = _lock(application)
    if (
        locked.status != S.ACCEPTED
        or locked.offer_respond_by is None
        or locked.offer_respond_by > now
    ):
        return None
    return application_transition(
        application=application,
        to_status=S.DECLINED,
        actor=None,
        reason=REASON_LAPSED,
        email_event="offer_lapsed",
    )


@reminder_workflow(LAPSE_WORKFLOW)
def offer_lapses(now: dt.datetime) -> int:
    """Lapse every offer whose deadline has passed; one failure never stops the rest."""
    candidates = list(
        Application.objects.filter(status=S.ACCEPTED, offer_respond_by__lte=now)
        .only("pk", "cohort_id", "country")
        .order_by("offer_respond_by", "id")
    )
    count = 0
    for application in candidates:
        try:
            count += offer_lapse(application=application, now=now) is not None
        except Exception:
            logger.exception("Offer lapse for application %s failed", application.pk)
    return count


# --- Offer deadline reminders ----------------------------------------------------------------

REMINDER_WORKFLOW = "offer-deadline-reminder"
# (window, days before the deadline); a later window replaces an earlier one.
REMINDER_WINDOWS = (("3d", 3), ("1d", 1))
# A reminder N days before is due at most N days + 15 hours (+1 DST hour) before the deadline.
_REMINDER_HORIZON = dt.timedelta(days=max(days for _w, days in REMINDER_WINDOWS) + 1)


def offer_reminder_window(*, application: Application, now: dt.datetime) -> str | None:
    """The window (``3d``/``1d``) due for ``application``'s offer at ``now``, or None."""
    deadline = application.offer_respond_by
    if application.status != S.ACCEPTED or deadline is None:
        return None
    set_at = application.offer_updated_at or application.status_changed_at
    due_window = None
    for window, days in REMINDER_WINDOWS:
        due = reminder_due_at(
            deadline=deadline, days_before=days, time_zone=application.applicant.time_zone
        )
        if due <= now < deadline:
            due_window = window if set_at < due else None
    return due_window


def offer_reminder_context(*, application: Application, language: str) -> dict:
    """Plain values for the offer deadline reminder (``TEMPLATE_CONTEXT``)."""
    cohort = application.cohort
    with translation.override(language):
        return {
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "offer_url": absolute_url(application.get_absolute_url()),
            "respond_by": offer_respond_by_text(application=application, language=language),
        }


@reminder_workflow(REMINDER_WORKFLOW)
def offer_deadline_reminders(now: dt.datetime) -> int:
    """Remind applicants with an unanswered offer, 3 days and 1 day before its deadline."""
    applications = list(
        Application.objects.filter(
            status=S.ACCEPTED,
            applicant__is_active=True,
            offer_respond_by__gt=now,
            offer_respond_by__lte=now + _REMINDER_HORIZON,
        )
        .select_related("applicant", "cohort__program")
        .order_by("id")
    )
    due = []
    for application in applications:
        window = offer_reminder_window(application=application, now=now)
        if window is not None:
            occasion = reminder_occasion(
                window=window, deadline=application.offer_respond_by, cohort=application.cohort
            )
            due.append(
                (
                    application,
                    occasion,
                    partial(offer_reminder_queue, application=application, occasion=occasion),
                )
            )
    return reminders_queue_due(workflow=REMINDER_WORKFLOW, due=due)


def offer_reminder_queue(*, application: Application, occasion: str) -> OutgoingMail | None:
    language = mail_language(recipient=application.applicant)
    return reminder_queue(
        workflow=REMINDER_WORKFLOW,
        window=occasion,
        obj=application,
        recipient=application.applicant,
        template_key=MailTemplateKey.OFFER_DEADLINE_REMINDER,
        context=offer_reminder_context(application=application, language=language),
        cohort=application.cohort,
    )
