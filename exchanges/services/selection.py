"""Selection: the cohort's ranking settings, staff moves in and out of the proposal, previews
of the decision emails and bulk decisions.

Every decision goes through ``application_transition``: it locks the country's quota row,
checks the seat or waiting-list place, writes the activity entry and queues the applicant's
email, so quotas hold under concurrent decisions exactly as for single decisions.
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges.activity_types import Activity
from exchanges.enums import (
    APPLICATION_REVIEWABLE,
    ApplicationStatus,
    Language,
    SelectionDecision,
    SelectionMoveDirection,
    SelectionRankBy,
)
from exchanges.exceptions import ExchangeError, SelectionRefused
from exchanges.models import Application, Cohort, SelectionMove, SelectionSettings
from exchanges.selectors.selection import selection_proposal
from exchanges.services.activity import activity_log_record
from exchanges.services.applications import application_transition
from exchanges.services.mail import RenderedMail
from exchanges.services.notify import notify_application_event_preview
from exchanges.services.waitlists import offer_respond_by_for, waitlist_length

S = ApplicationStatus


@transaction.atomic
def selection_settings_save(
    *, cohort: Cohort, actor, rank_by: str, disagreement_threshold: Decimal
) -> SelectionSettings:
    if rank_by not in SelectionRankBy.values:
        raise SelectionRefused(_("Choose one of the scores offered."))
    if not Decimal(0) <= disagreement_threshold <= Decimal(100):
        raise SelectionRefused(_("The disagreement threshold is between 0 and 100."))
    settings, _created = SelectionSettings.objects.select_for_update().get_or_create(cohort=cohort)
    settings.rank_by = rank_by
    settings.disagreement_threshold = disagreement_threshold
    settings.updated_at = timezone.now()
    settings.save()
    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.SELECTION_SETTINGS_SAVED,
        data={"rank_by": rank_by, "disagreement_threshold": str(disagreement_threshold)},
    )
    return settings


@transaction.atomic
def selection_move(*, application: Application, direction: str, actor) -> SelectionMove | None:
    """Move an undecided application into (``in``) or out of (``out``) the proposal, or back
    to where its ranking puts it (``""``). Moving in is refused when the staff moves into the
    country's selection already fill its free seats."""
    application = (
        Application.objects.select_for_update().select_related("cohort").get(pk=application.pk)
    )
    if application.status not in APPLICATION_REVIEWABLE:
        raise SelectionRefused(_("A decision has already been made on this application."))
    cohort = application.cohort
    if direction == SelectionMoveDirection.IN:
        # One move at a time per cohort, so two staff cannot both take the last free seat.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        country = selection_proposal(cohort=cohort).country(application.country)
        moved_in = SelectionMove.objects.filter(
            cohort=cohort,
            direction=SelectionMoveDirection.IN,
            application__country=application.country,
            application__status__in=APPLICATION_REVIEWABLE,
        ).exclude(application=application)
        if country is None or moved_in.count() >= country.free:
            raise SelectionRefused(
                _(
                    "Every free seat of this country is already taken by applications moved "
                    "in by hand. Move one of them out first."
                )
            )
    elif direction and direction != SelectionMoveDirection.OUT:
        raise SelectionRefused(_("Choose to move the application in or out."))
    SelectionMove.objects.filter(application=application).delete()
    move = None
    if direction:
        move = SelectionMove.objects.create(
            cohort=cohort, application=application, direction=direction, moved_by=actor
        )
    activity_log_record(
        actor=actor,
        obj=application,
        action_type=Activity.SELECTION_MOVED,
        data={"direction": direction or "ranking"},
    )
    return move


@dataclass
class DecisionPreview:
    language: str
    language_label: str
    mail: RenderedMail


def selection_preview_decision(
    *, application: Application, decision: str, now: dt.datetime | None = None
) -> list[DecisionPreview]:
    """The decision email ``application``'s applicant would get, in every language (nothing
    is saved or queued: the offer deadline and waiting-list place are set on a copy)."""
    if decision not in SelectionDecision.values:
        raise SelectionRefused(_("Choose accept, waiting list or reject."))
    copy = Application.objects.select_related("applicant", "cohort__program").get(pk=application.pk)
    if decision == SelectionDecision.ACCEPT:
        copy.offer_respond_by = offer_respond_by_for(
            cohort=copy.cohort, decided_at=now or timezone.now()
        )
    elif decision == SelectionDecision.WAITLIST:
        copy.waitlist_position = waitlist_length(cohort_id=copy.cohort_id, country=copy.country) + 1
    return [
        DecisionPreview(
            language=code,
            language_label=str(label),
            mail=notify_application_event_preview(
                application=copy, event=str(decision), language=code
            ),
        )
        for code, label in Language.choices
    ]


@dataclass
class DecisionResult:
    decision: str
    decided: list[Application] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


@contextmanager
def _per_row_locks_by_design():
    """A bulk decision locks and re-reads each application in turn (``application_transition``
    locks the country's quota row, then the application): deliberate, so that quotas hold
    under concurrency exactly as for single decisions, and bounded by the list chosen. The
    test settings' N+1 detector (django-zeal, installed with the test extra only) is told
    so here, and only here."""
    try:
        from zeal import zeal_ignore  # noqa: PLC0415 -- optional dependency: test extra only
    except ImportError:
        yield
        return
    with zeal_ignore([{"model": "exchanges.Application", "field": "get()"}]):
        yield


def _decide_each(
    *, cohort: Cohort, applications: list[Application], decision: str, actor, result
) -> None:
    for application in applications:
        if application.cohort_id != cohort.pk:
            raise SelectionRefused(_("Only applications of this cohort can be decided here."))
        try:
            with transaction.atomic():
                if application.status == S.SUBMITTED and decision != SelectionDecision.REJECT:
                    application_transition(
                        application=application, to_status=S.UNDER_REVIEW, actor=actor
                    )
                application_transition(
                    application=application,
                    to_status=decision,
                    actor=actor,
                    log_data={"bulk": True},
                )
        except ExchangeError as exc:
            result.refused.append((application, str(exc.message)))
        else:
            result.decided.append(application)


@transaction.atomic
def selection_decide(
    *, cohort: Cohort, applications: list[Application], decision: str, actor
) -> DecisionResult:
    """Decide on ``applications`` (undecided ones of ``cohort``), in the order given.

    Each decision is its own savepoint: one refused (the country's seats or waiting list
    full, the application decided meanwhile) is reported and the others go ahead. A
    submitted application nobody reviewed goes to "under review" first, the only way to an
    offer or the waiting list.
    """
    if decision not in SelectionDecision.values:
        raise SelectionRefused(_("Choose accept, waiting list or reject."))
    result = DecisionResult(decision=decision)
    # The log's content types of both models in one query, not one per model later.
    ContentType.objects.get_for_models(Application, Cohort)
    with _per_row_locks_by_design():
        _decide_each(
            cohort=cohort, applications=applications, decision=decision, actor=actor, result=result
        )
    SelectionMove.objects.filter(application__in=[a.pk for a in result.decided]).delete()

    activity_log_record(
        actor=actor,
        obj=cohort,
        action_type=Activity.SELECTION_DECIDED,
        data={
            "decision": decision,
            "decided": [a.pk for a in result.decided],
            "refused": [a.pk for a, _m in result.refused],
        },
    )
    return result
