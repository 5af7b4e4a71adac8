"""Seats, offer deadlines and waiting lists: the per-country rules every status change obeys.

``application_transition`` calls these while it holds the lock of the application's
cohort-country quota row (``quota_lock``), so two decisions about the same country can never
both see the last free seat, and waiting-list positions are handed out one at a time.

Lock order, everywhere: the quota row (or, for a country without one, the cohort row) first,
then application rows. Services that lock an application before calling the transition lock
the quota first too, so two transactions never wait on each other in opposite orders.

Waiting lists: a quota with ``waitlist_size`` > 0 holds at most that many waitlisted
applications; waitlisting one more is refused with ``WaitlistFull`` (staff then reject the
application or raise the size). ``waitlist_size`` 0 means no limit. Positions start at 1 and
close up when someone leaves the list. Promotion from the list lives here too: automatically
when a seat becomes free (``waitlist_promote_first``, called by the transition) and by staff
(``waitlist_promote_next``).
"""

import datetime as dt

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.enums import (
    APPLICATION_HOLDING_SEAT,
    ApplicationStatus,
    WaitlistPolicy,
    country_label,
)
from exchanges.exceptions import ExchangeError, QuotaExceeded, QuotaMissing, WaitlistFull
from exchanges.models import Application, Cohort, CohortQuota

# Offers end at the last second of the day in the cohort's announced time zone.
OFFER_DAY_END = dt.time(23, 59, 59)


def offer_respond_by_on(*, cohort: Cohort, day: dt.date) -> dt.datetime:
    """The end (23:59:59) of ``day`` in the cohort's time zone, as an aware instant."""
    return dt.datetime.combine(day, OFFER_DAY_END, tzinfo=cohort.zone)


def offer_respond_by_for(*, cohort: Cohort, decided_at: dt.datetime) -> dt.datetime:
    """The deadline of an offer made at ``decided_at``: the end of the day
    ``offer_response_days`` later, counted in days of the cohort's time zone, and no later
    than the day before the program starts."""
    today = decided_at.astimezone(cohort.zone).date()
    day = today + dt.timedelta(days=cohort.offer_response_days)
    # An offer is answered before the program starts (``offer_extend`` refuses later dates
    # too): a late offer gets until the day before the start, and at least the day it is made.
    day = max(today, min(day, cohort.starts_on - dt.timedelta(days=1)))
    return offer_respond_by_on(cohort=cohort, day=day)


def cohort_has_started(*, cohort: Cohort, now: dt.datetime) -> bool:
    """Whether the program's first day has come in the cohort's time zone."""
    return now.astimezone(cohort.zone).date() >= cohort.starts_on


def quota_lock(*, cohort_id: int, country: str) -> CohortQuota | None:
    """Lock and return the quota row of (cohort, country). Without one, lock the cohort row
    instead, so waiting-list positions of that country are still handed out one at a time."""
    quota = (
        CohortQuota.objects.select_for_update().filter(cohort_id=cohort_id, country=country).first()
    )
    if quota is None:
        Cohort.objects.select_for_update().filter(pk=cohort_id).first()
    return quota


def seats_taken(*, cohort_id: int, country: str) -> int:
    """Offers out (accepted) plus offers taken up (confirmed, participants, alumni)."""
    return Application.objects.filter(
        cohort_id=cohort_id, country=country, status__in=APPLICATION_HOLDING_SEAT
    ).count()


def quota_require_free_seat(*, quota: CohortQuota | None, cohort_id: int, country: str) -> None:
    """Raise ``QuotaMissing`` or ``QuotaExceeded`` unless (cohort, country) has a free seat.
    Call with the quota row locked."""
    if quota is None:
        raise QuotaMissing(
            _(
                "No seats are set for %(country)s in this cohort, so no offer can be made. "
                "Add a quota for %(country)s first."
            )
            % {"country": country_label(country)}
        )
    taken = seats_taken(cohort_id=cohort_id, country=country)
    if taken >= quota.seats:
        raise QuotaExceeded(
            _("All %(seats)s seats for %(country)s are taken (offers out and accepted).")
            % {"seats": quota.seats, "country": country_label(country)}
        )


def waitlist_length(*, cohort_id: int, country: str) -> int:
    return Application.objects.filter(
        cohort_id=cohort_id, country=country, status=ApplicationStatus.WAITLISTED
    ).count()


def waitlist_next_position(*, quota: CohortQuota | None, cohort_id: int, country: str) -> int:
    """The position a newly waitlisted application of (cohort, country) takes: the end of the
    list. Raises ``WaitlistFull`` when the quota limits the list and it is full."""
    waiting = Application.objects.filter(
        cohort_id=cohort_id, country=country, status=ApplicationStatus.WAITLISTED
    )
    if quota is not None and quota.waitlist_size and waiting.count() >= quota.waitlist_size:
        raise WaitlistFull(
            _(
                "The waiting list for %(country)s is full (%(size)s places). Reject the "
                "application or make the waiting list longer."
            )
            % {"country": country_label(country), "size": quota.waitlist_size}
        )
    last = waiting.aggregate(last=Max("waitlist_position"))["last"]
    return (last or 0) + 1


def waitlist_close_up(*, cohort_id: int, country: str, position: int) -> int:
    """Move everyone behind ``position`` one place up, after the holder of it left."""
    return Application.objects.filter(
        cohort_id=cohort_id,
        country=country,
        status=ApplicationStatus.WAITLISTED,
        waitlist_position__gt=position,
    ).update(waitlist_position=F("waitlist_position") - 1)


def waitlist_first(*, cohort_id: int, country: str) -> Application | None:
    """The first application on the (cohort, country) waiting list, locked."""
    return (
        Application.objects.select_for_update()
        .filter(cohort_id=cohort_id, country=country, status=ApplicationStatus.WAITLISTED)
        .order_by(F("waitlist_position").asc(nulls_last=True), "status_changed_at", "id")
        .first()
    )


@transaction.atomic
def waitlist_promote_first(
    *,
    cohort: Cohort,
    country: str,
    actor,
    quota: CohortQuota | None = None,
    freed_by: Application | None = None,
) -> Application | None:
    """Offer a free seat of (cohort, country) to the first waitlisted applicant, with a new
    deadline and the waiting-list promotion email; the rest of the list moves up.

    Returns the promoted application, or None when the program has started, there is no
    quota, no free seat or nobody waiting. ``actor`` is None for the automatic policy;
    ``freed_by`` is the application whose seat became free (recorded in the activity log).
    """
    # A promotion is a transition, and a transition that frees a seat promotes: the state
    # machine and the waiting list call each other.
    from exchanges.services.applications import (  # noqa: PLC0415 -- cycle: mutual recursion
        REASON_PROMOTED,
        application_transition,
    )

    if cohort_has_started(cohort=cohort, now=timezone.now()):
        # Nobody can join a program already under way; staff decide what to do with the seat.
        return None
    if quota is None:
        quota = quota_lock(cohort_id=cohort.pk, country=country)
    if quota is None or seats_taken(cohort_id=cohort.pk, country=country) >= quota.seats:
        return None
    first = waitlist_first(cohort_id=cohort.pk, country=country)
    if first is None:
        return None
    log_data = {
        "policy": cohort.waitlist_policy if actor is None else WaitlistPolicy.MANUAL,
        "waitlist_position": first.waitlist_position,
    }
    if freed_by is not None:
        log_data["freed_by"] = freed_by.pk
    return application_transition(
        application=first,
        to_status=ApplicationStatus.ACCEPTED,
        actor=actor,
        reason=REASON_PROMOTED,
        email_event="waitlist_promoted",
        log_data=log_data,
    )


@transaction.atomic
def waitlist_promote_next(*, cohort: Cohort, country: str, actor) -> Application:
    """Staff offer a free seat of (cohort, country) to the first waitlisted applicant (the
    manual policy's button; it works under the automatic policy too).

    Raises ``QuotaMissing``/``QuotaExceeded`` without a free seat and ``ExchangeError`` when
    nobody is waiting.
    """
    quota = quota_lock(cohort_id=cohort.pk, country=country)
    quota_require_free_seat(quota=quota, cohort_id=cohort.pk, country=country)
    promoted = waitlist_promote_first(cohort=cohort, country=country, actor=actor, quota=quota)
    if promoted is None:
        raise ExchangeError(
            _("Nobody is on the waiting list for this country."), code="waitlist_empty"
        )
    return promoted
