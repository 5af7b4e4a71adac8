"""Campaigns: staff messages to a filtered audience, queued in the background in chunks."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template import Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext

from accounts.models import User
from config.site import site_url
from exchanges.activity_types import Activity
from exchanges.dispatch import dispatch, dispatch_on_commit
from exchanges.enums import CampaignStatus, MailStatus
from exchanges.exceptions import ExchangeError, InvalidTransition
from exchanges.models import Campaign, OutgoingMail
from exchanges.selectors.campaigns import campaign_audience
from exchanges.services.activity import activity_log_record
from exchanges.services.mail import (
    campaigns_finish_if_done,
    list_unsubscribe_headers,
    mail_base_context,
    mail_compile_staff_source,
    mail_dispatch,
    mail_language,
    mail_render_source,
    mail_render_staff_templates,
    new_message_id,
)
from exchanges.tasks import task_run_campaign

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
# A campaign still queueing after this long is presumed interrupted and resumed by beat.
STALLED_AFTER = dt.timedelta(minutes=5)


def campaign_context(*, campaign: Campaign, language: str) -> dict:
    """The campaign's variables with the names in ``language`` (the recipient's)."""
    with translation.override(language):
        return {"cohort_name": campaign.cohort.name, "program_name": campaign.cohort.program.name}


# The preview's unsubscribe link: shaped like the real one, but its token is not signed, so
# following it unsubscribes nobody (the page refuses it). A preview is shown to staff and may
# be copied around; a live token would let anyone who sees it unsubscribe a real person.
PREVIEW_UNSUBSCRIBE_TOKEN = "sample"  # noqa: S105 -- not a secret: a deliberately invalid token


def campaign_preview(*, campaign: Campaign, language: str, recipient: User | None) -> dict:
    """The campaign rendered for ``recipient`` (a member of its audience) in ``language``, or
    for a made-up sample person when ``recipient`` is None. Its unsubscribe link never works."""
    subject, body = campaign.text_for(language)
    email = recipient.email if recipient else "recipient@example.org"
    with translation.override(language):
        context = {
            # Transactional here only so that no live unsubscribe token is made; the sample
            # link below stands in for it.
            **mail_base_context(
                recipient=recipient, email=email, language=language, is_transactional=True
            ),
            **campaign_context(campaign=campaign, language=language),
            "unsubscribe_url": site_url()
            + reverse("mail_unsubscribe", args=[PREVIEW_UNSUBSCRIBE_TOKEN]),
        }
        if recipient is None:
            context["recipient_name"] = pgettext("made-up name in mail previews", "Sample Person")
    return mail_render_source(
        subject_source=subject, text_source=body, context=context, language=language
    )


@transaction.atomic
def campaign_save(*, campaign: Campaign, actor: User) -> Campaign:
    """Save a draft campaign (validated by its form); the first saver is its creator."""
    if campaign.created_by_id is None:
        campaign.created_by = actor
    campaign.save()
    activity_log_record(actor=actor, obj=campaign, action_type=Activity.CAMPAIGN_SAVED)
    return campaign


@transaction.atomic
def campaign_send(
    *, campaign: Campaign, actor: User, scheduled_at: dt.datetime | None = None
) -> Campaign:
    """Send ``campaign`` now, or at ``scheduled_at`` (beat starts it when due)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in {CampaignStatus.DRAFT, CampaignStatus.SCHEDULED}:
        raise InvalidTransition()
    try:
        # A text saved before the sandbox refused what it uses is caught here, not mid-run.
        _compiled(campaign)
    except ValidationError as error:
        raise ExchangeError(" ".join(error.messages), code="campaign_template") from error
    now = timezone.now()
    if scheduled_at and scheduled_at > now:
        campaign.status = CampaignStatus.SCHEDULED
        campaign.scheduled_at = scheduled_at
        campaign.save(update_fields=["status", "scheduled_at"])
    else:
        campaign.status = CampaignStatus.SENDING
        campaign.started_at = now
        campaign.save(update_fields=["status", "started_at"])
        # A broker failure leaves the campaign sending; the campaigns tick resumes it.
        dispatch_on_commit(task_run_campaign, campaign.pk)
    activity_log_record(
        actor=actor,
        obj=campaign,
        action_type=(
            Activity.CAMPAIGN_SCHEDULED
            if campaign.status == CampaignStatus.SCHEDULED
            else Activity.CAMPAIGN_SENDING
        ),
        data={"scheduled_at": scheduled_at.isoformat() if scheduled_at else None},
    )
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User) -> Campaign:
    """Stop a campaign: messages not yet sent are cancelled; ones being sent finish."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status not in {
        CampaignStatus.DRAFT,
        CampaignStatus.SCHEDULED,
        CampaignStatus.SENDING,
    }:
        raise InvalidTransition()
    previous = campaign.status
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = timezone.now()
    campaign.save(update_fields=["status", "finished_at"])
    cancelled = OutgoingMail.objects.filter(campaign=campaign, status=MailStatus.QUEUED).update(
        status=MailStatus.CANCELLED, last_error="Campaign cancelled."
    )
    activity_log_record(
        actor=actor,
        obj=campaign,
        action_type=Activity.CAMPAIGN_CANCELLED,
        data={"from": previous, "messages_cancelled": cancelled},
    )
    return campaign


def _compiled(campaign: Campaign) -> dict[str, tuple[Template, Template]]:
    """The campaign's texts compiled in the staff sandbox (checked when saved; a ``ValidationError``
    here stops the run before any row is written)."""
    result = {}
    for language in ("en", "ja", "ko"):
        subject, body = campaign.text_for(language)
        result[language] = (mail_compile_staff_source(subject), mail_compile_staff_source(body))
    return result


def campaign_enqueue(*, campaign_id: int) -> int:
    """Create the campaign's outbox rows chunk by chunk and dispatch each chunk.

    Idempotent and resumable: rows are keyed ``campaign:<id>:<user id>`` so a re-run (after a
    worker died, or from beat) only adds what is missing. Stops between chunks when the
    campaign is cancelled. Returns the number of rows created.
    """
    campaign = Campaign.objects.select_related("cohort__program").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return 0
    audience = campaign_audience(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(recipients_total=audience.count())
    templates = _compiled(campaign)
    shared = {
        language: campaign_context(campaign=campaign, language=language)
        for language, _name in settings.LANGUAGES
    }
    created = 0
    last_id = 0
    while True:
        chunk = list(audience.filter(id__gt=last_id)[:CHUNK_SIZE])
        if not chunk:
            break
        last_id = chunk[-1].id
        if Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).count() == 0:
            return created
        now = timezone.now()
        # New rows are written already marked as handed over (as ``mail_queue_rendered`` does)
        # rather than marked by a second UPDATE of every row: that rewrite of the chunk was a
        # good part of the queueing time. Rows an interrupted run left unmarked are marked here.
        rows = [_campaign_row(campaign, user, templates, shared, now) for user in chunk]
        keys = [row.idempotency_key for row in rows]
        with transaction.atomic():
            before = OutgoingMail.objects.filter(idempotency_key__in=keys).count()
            OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(rows) - before
        ids = list(
            OutgoingMail.objects.filter(idempotency_key__in=keys, status=MailStatus.QUEUED)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at=now))
            .values_list("id", flat=True)
        )
        OutgoingMail.objects.filter(pk__in=ids, dispatched_at__isnull=True).update(
            dispatched_at=now
        )
        mail_dispatch(mail_ids=ids)
    Campaign.objects.filter(pk=campaign.pk, enqueued_at__isnull=True).update(
        enqueued_at=timezone.now()
    )
    # Rows sent while queueing (or a campaign with nobody to write to) finish it now.
    campaigns_finish_if_done(campaign_ids=[campaign.pk])
    return created


def _campaign_row(
    campaign: Campaign, user: User, templates, shared: dict, now: dt.datetime
) -> OutgoingMail:
    language = mail_language(recipient=user)
    subject_template, body_template = templates[language]
    with translation.override(language):
        context = {
            **mail_base_context(
                recipient=user, email=user.email, language=language, is_transactional=False
            ),
            **shared[language],
        }
    rendered = mail_render_staff_templates(
        subject_template=subject_template,
        body_template=body_template,
        context=context,
        language=language,
    )
    return OutgoingMail(
        recipient_email=user.email,
        user=user,
        language=language,
        template_key="campaign",
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        # The link the context already signed: signing and reversing it was a third of the
        # rendering time per row.
        headers=list_unsubscribe_headers(email=user.email, url=context["unsubscribe_url"]),
        idempotency_key=f"campaign:{campaign.pk}:{user.pk}",
        message_id=new_message_id(),
        campaign=campaign,
        is_transactional=False,
        due_at=now,
        dispatched_at=now,
    )


def campaigns_tick() -> dict[str, int]:
    """Beat: start due scheduled campaigns, resume stalled ones, mark finished ones sent."""
    now = timezone.now()
    started = 0
    for campaign_id in Campaign.objects.filter(
        status=CampaignStatus.SCHEDULED, scheduled_at__lte=now
    ).values_list("id", flat=True):
        if Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SCHEDULED).update(
            status=CampaignStatus.SENDING, started_at=now
        ):
            dispatch(task_run_campaign, campaign_id)
            started += 1
    stalled = list(
        Campaign.objects.filter(
            status=CampaignStatus.SENDING,
            enqueued_at__isnull=True,
            started_at__lt=now - STALLED_AFTER,
        ).values_list("id", flat=True)
    )
    for campaign_id in stalled:
        dispatch(task_run_campaign, campaign_id)
    finished = campaigns_finish_if_done()
    return {"started": started, "resumed": len(stalled), "finished": finished}
