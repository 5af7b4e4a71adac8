"""The email outbox: render, queue, dispatch, send, retry and sweep.

How to send an email from another capability::

    from exchanges.services.mail import mail_queue

    mail_queue(
        template_key=MailTemplateKey.APPLICATION_RECEIVED,
        recipient=application.applicant,
        idempotency_key=f"application-received:{application.pk}",
        context={"application_url": ..., "submitted_at": ...},
        concerning=application,
        cohort=application.cohort,
    )

Call it inside the service's transaction: the row exists exactly when the change does, and the
Celery task is dispatched on commit. The idempotency key must name the event (object and
occasion, such as ``draft-reminder:<application id>:7d``): a repeated call with the same key
returns the existing row and sends nothing more.

Every template receives ``recipient_name`` (the name in the recipient's language, to which the
templates add 様 or 님), ``site_url`` and, for non-transactional mail, ``unsubscribe_url``. The
variables each workflow expects on top are listed in ``TEMPLATE_CONTEXT``; missing ones render
as empty text, never as an error. Values must be plain strings, numbers or dates: staff-edited
templates see the context, so model instances are never passed.

Delivery guarantees: a row is claimed with a conditional UPDATE (queued, or sending with an
expired claim → sending), so two workers never both send it; the Message-ID is fixed when the
row is created, so a resend after an ambiguous failure (a worker killed between the SMTP
transaction and marking the row sent) carries the same Message-ID. Transient SMTP failures
(4xx, connection errors) go back to queued with exponential backoff; permanent ones (5xx) fail
with the server's reason.
"""

import contextlib
import datetime as dt
import hashlib
import html as html_lib
import logging
import re
import smtplib
import time
from dataclasses import dataclass
from email.utils import make_msgid, parseaddr
from functools import cache

import nh3
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks, strip_tags, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from config.site import absolute_url, site_url
from exchanges.activity_types import Activity
from exchanges.dispatch import dispatch, dispatch_on_commit
from exchanges.enums import CampaignStatus, Language, MailStatus, MailTemplateKey
from exchanges.exceptions import ExchangeError
from exchanges.models import (
    Campaign,
    Cohort,
    MailOptOut,
    MailTemplate,
    OutgoingMail,
    OutgoingMailAttachment,
)
from exchanges.services.activity import activity_log_record
from exchanges.tasks import task_send_outgoing_mail, task_send_outgoing_mail_batch
from exchanges.validators import mail_template_engine, validate_mail_template_source

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "exchanges.mail.unsubscribe"

# The context variables each workflow's templates use, besides recipient_name, site_url and
# unsubscribe_url. Callers pass these names; the staff preview fills them from a real record.
TEMPLATE_CONTEXT: dict[str, tuple[str, ...]] = {
    MailTemplateKey.APPLICATION_RECEIVED: (
        "program_name",
        "cohort_name",
        "application_url",
        "submitted_at",
    ),
    MailTemplateKey.REFEREE_REQUEST: (
        "applicant_name",
        "program_name",
        "cohort_name",
        "upload_url",
        "due_date",
    ),
    MailTemplateKey.REFEREE_REMINDER: (
        "applicant_name",
        "program_name",
        "cohort_name",
        "upload_url",
        "due_date",
    ),
    MailTemplateKey.DRAFT_REMINDER_7D: (
        "program_name",
        "cohort_name",
        "application_url",
        "deadline",
    ),
    MailTemplateKey.DRAFT_REMINDER_1D: (
        "program_name",
        "cohort_name",
        "application_url",
        "deadline",
    ),
    MailTemplateKey.REVIEWER_ASSIGNED: (
        "program_name",
        "cohort_name",
        "review_url",
        "assignment_count",
        "due_date",
    ),
    MailTemplateKey.REVIEWER_NUDGE: (
        "program_name",
        "cohort_name",
        "review_url",
        "pending_count",
        "due_date",
    ),
    MailTemplateKey.DECISION_ACCEPTED: (
        "program_name",
        "cohort_name",
        "offer_url",
        "respond_by",
        "starts_on",
        "ends_on",
    ),
    MailTemplateKey.DECISION_WAITLISTED: (
        "program_name",
        "cohort_name",
        "application_url",
        "waitlist_position",
    ),
    MailTemplateKey.DECISION_REJECTED: ("program_name", "cohort_name"),
    MailTemplateKey.OFFER_DEADLINE_REMINDER: (
        "program_name",
        "cohort_name",
        "offer_url",
        "respond_by",
    ),
    MailTemplateKey.WAITLIST_PROMOTED: ("program_name", "cohort_name", "offer_url", "respond_by"),
    MailTemplateKey.PREDEPARTURE_REMINDER: (
        "program_name",
        "cohort_name",
        "starts_on",
        "days_to_departure",
        "checklist_url",
        "missing_items",
    ),
    MailTemplateKey.SURVEY_INVITATION: ("program_name", "cohort_name", "survey_url", "closes_on"),
    MailTemplateKey.SURVEY_REMINDER: ("program_name", "cohort_name", "survey_url", "closes_on"),
    MailTemplateKey.FOLLOWUP_SURVEY: (
        "program_name",
        "cohort_name",
        "survey_url",
        "closes_on",
        "months_after",
    ),
    MailTemplateKey.NOMINATION_INVITATION: (
        "organisation_name",
        "program_name",
        "cohort_name",
        "deadline",
        "apply_url",
    ),
}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class MailAttachment:
    """A file to send with a message: an ASCII file name, a declared content type (one of
    ``ATTACHMENT_TYPES``) and the bytes. Checked by ``mail_queue_rendered``."""

    filename: str
    mime_type: str
    content: bytes


# The content types an outbox message may carry, so that no caller sends something a mail
# client would run or a filter would reject.
ATTACHMENT_TYPES = frozenset({"application/pdf", "text/calendar", "text/csv"})
_ATTACHMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class SendOutcome:
    """What ``mail_send`` did: ``sent``, ``retry`` (after ``retry_in`` seconds), ``failed``
    or ``skipped`` (someone else holds or finished the row)."""

    result: str
    retry_in: float | None = None


# --- Rendering -------------------------------------------------------------------------------


@cache
def _text_engine() -> Engine:
    """A template engine without HTML autoescaping, for subjects and plain-text bodies."""
    return Engine(
        dirs=[str(path) for path in settings.TEMPLATES[0]["DIRS"]],
        app_dirs=True,
        autoescape=False,
        libraries={},
        builtins=[],
    )


def mail_language(*, recipient: User | None, language: str | None = None) -> str:
    """The language to write to ``recipient`` in: explicit, their preference, or the default."""
    codes = {code for code, _label in Language.choices}
    for candidate in (language, getattr(recipient, "preferred_language", None)):
        if candidate and candidate.split("-")[0] in codes:
            return candidate.split("-")[0]
    return settings.LANGUAGE_CODE


def _clean_subject(subject: str) -> str:
    return " ".join(subject.split())[:300]


def _html_layout(*, body_html: str, subject: str, language: str, unsubscribe_link: str) -> str:
    return render_to_string(
        "emails/layout.html",
        {
            "subject": subject,
            "body_html": body_html,
            "language": language,
            "unsubscribe_url": unsubscribe_link,
        },
    )


# Staff may write a template or campaign as plain text or with HTML markup.
_HTML_MARKUP = re.compile(
    r"<\s*/?\s*(p|br|div|span|strong|b|em|i|u|a|ul|ol|li|h[1-6]|table|thead|tbody|tr|td|th|"
    r"blockquote|hr|img|small|code|pre)\b[^>]*>",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"(<br\s*/?>|</(p|div|h[1-6]|li|tr|blockquote|pre)>)", re.IGNORECASE)


def _text_from_html(markup: str) -> str:
    """The plain-text version of staff HTML: tags dropped, blocks on their own lines."""
    text = _BLOCK_END.sub(lambda match: match.group(0) + "\n", markup)
    text = html_lib.unescape(strip_tags(text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def mail_render_staff_templates(
    *, subject_template: Template, body_template: Template, context: dict, language: str
) -> RenderedMail:
    """Render a staff-written subject and body (a template override or a campaign).

    The one rendering path of staff texts, for sending and for previews alike. A body with
    HTML markup keeps it: the values put into it are escaped, the markup is cleaned of
    anything active (scripts, event handlers, ``javascript:`` links) by nh3, and the text
    version drops the tags. A plain-text body is escaped whole, then given paragraphs and
    links. Call with the context built for the recipient's language.
    """
    with translation.override(language):
        subject = _clean_subject(subject_template.render(Context(context, autoescape=False)))
        if _HTML_MARKUP.search(body_template.source):
            rendered = body_template.render(Context(context, autoescape=True))
            # Cleaned by nh3, so safe to mark.
            body_html = mark_safe(nh3.clean(rendered))  # noqa: S308 -- cleaned by nh3 # nosec
            body_text = _text_from_html(body_html)
        else:
            body_text = body_template.render(Context(context, autoescape=False))
            # Escaped whole before paragraphs and links are added.
            body_html = mark_safe(urlize(linebreaks(escape(body_text)), autoescape=True))  # noqa: S308 # nosec
        text = _with_footer(body_text, context)
        html = _html_layout(
            body_html=body_html,
            subject=subject,
            language=language,
            unsubscribe_link=context.get("unsubscribe_url", ""),
        )
    return RenderedMail(subject=subject, text=text, html=html)


def _with_footer(text: str, context: dict) -> str:
    """Plain text plus, for non-transactional mail, the unsubscribe line (active language)."""
    text = text.strip() + "\n"
    if context.get("unsubscribe_url"):
        text += (
            "\n-- \n"
            + str(
                _("To stop receiving these emails, open: %(url)s")
                % {"url": context["unsubscribe_url"]}
            )
            + "\n"
        )
    return text


def mail_base_context(
    *, recipient: User | None, email: str, language: str, is_transactional: bool
) -> dict:
    """The variables every template receives. Call under ``translation.override``."""
    name = (recipient.display_name or email) if recipient is not None else email
    context = {"recipient_name": name, "site_url": site_url()}
    if not is_transactional:
        context["unsubscribe_url"] = unsubscribe_url(email=email)
    return context


def mail_template_override(
    *, template_key: str, language: str, cohort: Cohort | None
) -> MailTemplate | None:
    """The staff override for the cohort, else the global one, else None (shipped files)."""
    if template_key not in MailTemplateKey.values:
        return None
    candidates = MailTemplate.objects.filter(key=template_key, language=language).filter(
        Q(cohort=cohort) | Q(cohort__isnull=True) if cohort else Q(cohort__isnull=True)
    )
    # Cohort-specific first: nulls sort last in ascending order on both databases.
    return candidates.order_by(F("cohort_id").asc(nulls_last=True)).first()


def mail_compile_staff_source(source: str) -> Template:
    """Staff-written source compiled in the sandbox (``exchanges.validators``). Raises
    ``ValidationError`` naming a refused tag or filter, or the syntax error."""
    validate_mail_template_source(source)
    return Template(source, engine=mail_template_engine())


def mail_render_source(
    *, subject_source: str, text_source: str, context: dict, language: str
) -> RenderedMail:
    """Render staff-written subject and text (an override or a campaign) in ``language``.

    Raises ``ValidationError`` for source the sandbox refuses or cannot render; forms and
    previews show its message, and ``mail_render`` falls back to the shipped template.
    """
    subject_template = mail_compile_staff_source(subject_source)
    body_template = mail_compile_staff_source(text_source)
    try:
        return mail_render_staff_templates(
            subject_template=subject_template,
            body_template=body_template,
            context=context,
            language=language,
        )
    except Exception as error:
        raise ValidationError(
            gettext_lazy("This template cannot be rendered: %(error)s"),
            code="template_render",
            params={"error": error.__class__.__name__},
        ) from error


def mail_render(
    *, template_key: str, language: str, context: dict, cohort: Cohort | None = None
) -> RenderedMail:
    """Render the override for (cohort, language, key) if staff wrote one, else the files
    ``templates/emails/<language>/<key>.subject.txt``, ``.txt`` and ``.html``.

    An override that cannot be rendered (one saved before the sandbox refused what it uses)
    never stops the change that sends the email: the shipped template is used instead, a
    warning naming the override (not the recipient) is logged, and the templates page marks
    the override as not in use.
    """
    override = mail_template_override(template_key=template_key, language=language, cohort=cohort)
    if override is not None:
        try:
            return mail_render_source(
                subject_source=override.subject,
                text_source=override.text_body,
                context=context,
                language=language,
            )
        except ValidationError as error:
            logger.warning(
                "Mail template override %s (%s, %s, cohort %s) cannot be used (%s); "
                "the shipped template was sent instead.",
                override.pk,
                template_key,
                language,
                override.cohort_id,
                error.code,
            )
    engine = _text_engine()
    prefix = f"emails/{language}/{template_key}"
    with translation.override(language):
        subject = _clean_subject(
            engine.get_template(f"{prefix}.subject.txt").render(Context(context, autoescape=False))
        )
        text = _with_footer(
            engine.get_template(f"{prefix}.txt").render(Context(context, autoescape=False)), context
        )
        html = render_to_string(
            f"{prefix}.html", {**context, "subject": subject, "language": language}
        )
    return RenderedMail(subject=subject, text=text, html=html)


def mail_template_problem(template: MailTemplate) -> str:
    """Why the saved override ``template`` cannot be used (the sandbox's message), or ``""``.
    Such an override is skipped when sending; the templates pages show this."""
    for source in (template.subject, template.text_body):
        try:
            validate_mail_template_source(source)
        except ValidationError as error:
            return " ".join(error.messages)
    return ""


# --- Unsubscribing ---------------------------------------------------------------------------


def unsubscribe_token(*, email: str) -> str:
    return signing.dumps(email.lower(), salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_email_from_token(*, token: str) -> str | None:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def unsubscribe_url(*, email: str) -> str:
    path = reverse("mail_unsubscribe", args=[unsubscribe_token(email=email)])
    return absolute_url(path)


@transaction.atomic
def mail_opt_out(*, email: str) -> MailOptOut:
    """Stop non-transactional mail to ``email``; queued campaign mail to it is cancelled."""
    optout, _created = MailOptOut.objects.get_or_create(email=email.lower())
    queued = OutgoingMail.objects.filter(
        recipient_email__iexact=email, is_transactional=False, status=MailStatus.QUEUED
    )
    campaign_ids = sorted(set(queued.exclude(campaign=None).values_list("campaign_id", flat=True)))
    queued.update(status=MailStatus.CANCELLED, last_error="Recipient opted out.")
    if campaign_ids:
        # A cancelled row is final too: it may have been its campaign's last one.
        campaigns_finish_if_done(campaign_ids=campaign_ids)
    return optout


def mail_is_opted_out(*, email: str) -> bool:
    return MailOptOut.objects.filter(email=email.lower()).exists()


def list_unsubscribe_headers(*, email: str, url: str = "") -> dict[str, str]:
    """RFC 8058 one-click unsubscribe headers for non-transactional mail. ``url`` is
    ``unsubscribe_url(email=email)`` when the caller has it already (campaigns)."""
    return {
        "List-Unsubscribe": f"<{url or unsubscribe_url(email=email)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Queueing --------------------------------------------------------------------------------


def new_message_id() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "trilink.invalid"
    return make_msgid(domain=domain)


def _concerning_fields(concerning: models.Model | None) -> dict:
    if concerning is None:
        return {"content_type": None, "object_id": None}
    return {
        "content_type": ContentType.objects.get_for_model(concerning),
        "object_id": concerning.pk,
    }


@transaction.atomic
def mail_queue_rendered(
    *,
    email: str,
    subject: str,
    text: str,
    html: str = "",
    template_key: str,
    idempotency_key: str,
    language: str,
    recipient: User | None = None,
    concerning: models.Model | None = None,
    due_at: dt.datetime | None = None,
    is_transactional: bool = True,
    is_confidential: bool = False,
    campaign=None,
    attachments: list[MailAttachment] | tuple[MailAttachment, ...] = (),
) -> OutgoingMail:
    """Queue an already rendered message (allauth renders its own). Idempotent on the key.

    ``is_confidential`` marks authentication mail: its content is erased once final.
    ``attachments`` are stored with the row, in the same transaction, and sent as MIME parts
    with every attempt; a repeated key returns the existing row and stores nothing more.
    """
    existing = OutgoingMail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    _check_attachments(attachments)
    if attachments and is_confidential:
        raise ValueError("Authentication email carries no attachments.")
    now = timezone.now()
    due_at = due_at or now
    headers = {} if is_transactional else list_unsubscribe_headers(email=email)
    try:
        with transaction.atomic():
            mail = OutgoingMail.objects.create(
                recipient_email=email,
                user=recipient,
                language=language,
                template_key=template_key,
                subject=_clean_subject(subject),
                text_body=text,
                html_body=html,
                headers=headers,
                idempotency_key=idempotency_key,
                message_id=new_message_id(),
                due_at=due_at,
                dispatched_at=now if due_at <= now else None,
                is_transactional=is_transactional,
                is_confidential=is_confidential,
                campaign=campaign,
                **_concerning_fields(concerning),
            )
            OutgoingMailAttachment.objects.bulk_create(
                OutgoingMailAttachment(
                    mail=mail,
                    position=position,
                    filename=attachment.filename,
                    mime_type=attachment.mime_type,
                    size=len(attachment.content),
                    sha256=hashlib.sha256(attachment.content).hexdigest(),
                    content=attachment.content,
                )
                for position, attachment in enumerate(attachments)
            )
    except IntegrityError:
        # A concurrent transaction queued the same key first: theirs is the one.
        return OutgoingMail.objects.get(idempotency_key=idempotency_key)
    if due_at <= now:
        _dispatch_one(mail.pk)
    return mail


def _check_attachments(attachments) -> None:
    """Refuse attachments the outbox would not send safely: a programming error, not a user's."""
    for attachment in attachments:
        if not _ATTACHMENT_NAME.fullmatch(attachment.filename):
            raise ValueError(f"Attachment file name {attachment.filename!r} is not ASCII-safe.")
        if attachment.mime_type not in ATTACHMENT_TYPES:
            raise ValueError(f"Attachment content type {attachment.mime_type!r} is not allowed.")
    total = sum(len(attachment.content) for attachment in attachments)
    if total > settings.OUTBOX_MAX_ATTACHMENT_BYTES:
        raise ValueError(
            f"Attachments of {total} bytes exceed OUTBOX_MAX_ATTACHMENT_BYTES "
            f"({settings.OUTBOX_MAX_ATTACHMENT_BYTES})."
        )


@transaction.atomic
def mail_queue(
    *,
    template_key: str,
    idempotency_key: str,
    recipient: User | None = None,
    email: str = "",
    context: dict | None = None,
    language: str | None = None,
    concerning: models.Model | None = None,
    cohort: Cohort | None = None,
    due_at: dt.datetime | None = None,
    is_transactional: bool = True,
) -> OutgoingMail | None:
    """Render ``template_key`` for ``recipient`` (or a bare ``email``) and queue it.

    Runs in the caller's transaction and dispatches on commit; a ``due_at`` in the future
    leaves the row for the sweeper. Returns the existing row when ``idempotency_key`` was
    used before, and None for non-transactional mail to an address that opted out.
    """
    existing = OutgoingMail.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    email = email or (recipient.email if recipient is not None else "")
    if not email:
        raise ValueError("mail_queue needs a recipient or an email address.")
    if not is_transactional and mail_is_opted_out(email=email):
        return None
    language = mail_language(recipient=recipient, language=language)
    with translation.override(language):
        full_context = {
            **mail_base_context(
                recipient=recipient,
                email=email,
                language=language,
                is_transactional=is_transactional,
            ),
            **(context or {}),
        }
    rendered = mail_render(
        template_key=template_key, language=language, context=full_context, cohort=cohort
    )
    return mail_queue_rendered(
        email=email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        template_key=template_key,
        idempotency_key=idempotency_key,
        language=language,
        recipient=recipient,
        concerning=concerning,
        due_at=due_at,
        is_transactional=is_transactional,
    )


# --- Dispatching -----------------------------------------------------------------------------


def _dispatch_one(mail_id: int) -> None:
    dispatch_on_commit(
        task_send_outgoing_mail, mail_id, on_refused=lambda: _mark_undispatched([mail_id])
    )


def _mark_undispatched(mail_ids: list[int]) -> None:
    """Rows the broker did not take: the sweeper hands them over once it is back."""
    try:
        OutgoingMail.objects.filter(pk__in=mail_ids, status=MailStatus.QUEUED).update(
            dispatched_at=None
        )
    except Exception as exc:  # noqa: BLE001 -- best effort; the sweeper covers it
        logger.warning("Outbox: could not mark undispatched mail (%s)", exc.__class__.__name__)


def mail_dispatch(*, mail_ids: list[int], countdown: float | None = None) -> int:
    """Hand ``mail_ids`` to the broker in batches; never raises and never blocks longer than
    the broker's socket timeouts. Returns how many were handed over.

    Rows that could not be handed over get ``dispatched_at`` cleared: the sweeper picks them up
    once the broker is back. The committed row, not the broker message, is the truth.
    """
    if not mail_ids:
        return 0
    batch_size = max(1, settings.OUTBOX_SEND_BATCH)
    batches = [mail_ids[i : i + batch_size] for i in range(0, len(mail_ids), batch_size)]
    handed = 0
    for batch in batches:
        if len(batch) == 1:
            queued = dispatch(task_send_outgoing_mail, batch[0], countdown=countdown)
        else:
            queued = dispatch(task_send_outgoing_mail_batch, batch, countdown=countdown)
        if not queued:
            break
        handed += len(batch)
    if handed < len(mail_ids):
        logger.warning("Outbox: %d message(s) left for the sweeper", len(mail_ids) - handed)
        _mark_undispatched(mail_ids[handed:])
    return handed


# --- Sending ---------------------------------------------------------------------------------

_smtp = {"connection": None, "used": 0.0, "backend": ""}
# Close a pooled connection idle longer than this; SMTP servers drop idle clients.
_CONNECTION_IDLE_SECONDS = 15.0


def _connection():
    """A connection kept open across messages in a worker process (much faster than one
    per message); discarded after any error or a period of idleness."""
    connection = _smtp["connection"]
    now = time.monotonic()
    if connection is not None and (
        now - _smtp["used"] > _CONNECTION_IDLE_SECONDS or _smtp["backend"] != settings.EMAIL_BACKEND
    ):
        _close_connection()
        connection = None
    if connection is None:
        connection = get_connection(fail_silently=False)
        connection.open()
        _smtp["connection"] = connection
        _smtp["backend"] = settings.EMAIL_BACKEND
    _smtp["used"] = now
    return connection


def _close_connection() -> None:
    connection = _smtp["connection"]
    _smtp["connection"] = None
    if connection is not None:
        # Closing a broken connection may fail too; it is discarded either way.
        with contextlib.suppress(Exception):
            connection.close()


def retry_delay(*, attempts: int) -> float:
    """Seconds before attempt ``attempts + 1``: base * 2**(attempts-1), capped."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return min(settings.OUTBOX_RETRY_MAX_SECONDS, base * (2 ** max(0, attempts - 1)))


def _claimable(now: dt.datetime) -> Q:
    expired = now - dt.timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    return Q(status=MailStatus.QUEUED, due_at__lte=now) | Q(
        status=MailStatus.SENDING, claimed_at__lt=expired
    )


def mail_claim(*, mail_id: int) -> bool:
    """Atomically move the row to sending; True only for the one caller that did it."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(_claimable(now), pk=mail_id).update(
        status=MailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def _build_message(
    mail: OutgoingMail, connection, attachments: list[OutgoingMailAttachment] = ()
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.recipient_email],
        connection=connection,
        headers={"Message-ID": mail.message_id, **(mail.headers or {})},
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    for attachment in attachments:
        # Bytes as stored, base64 in their own part (Django encodes a non-text type so).
        message.attach(attachment.filename, bytes(attachment.content), attachment.mime_type)
    return message


def _classify(exc: Exception) -> tuple[bool, str]:
    """(permanent?, reason) for an SMTP or connection error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = min(exc.recipients.values(), key=lambda item: item[0])
        reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return code >= 500, f"SMTP {code}: {reason}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        reason = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return exc.smtp_code >= 500, f"SMTP {exc.smtp_code}: {reason}"
    return False, f"{exc.__class__.__name__}: {exc}"


def mail_send(*, mail_id: int) -> SendOutcome:
    """Claim, send and record one message. Safe to call any number of times concurrently."""
    return mail_send_batch(mail_ids=[mail_id])[mail_id]


def mail_send_batch(*, mail_ids: list[int]) -> dict[int, SendOutcome]:
    """Claim, send and record each message, over one SMTP connection.

    The batch is claimed in one transaction (rows another worker holds are skipped), then each
    message is sent and marked sent on its own, so a worker that dies mid-batch leaves at most
    the message it was transmitting sent-but-unmarked (resent later with the same Message-ID);
    the rest of its claimed rows are released by the sweeper after
    ``OUTBOX_CLAIM_TIMEOUT_SECONDS`` and sent once.
    """
    outcomes = {mail_id: SendOutcome("skipped") for mail_id in mail_ids}
    claimed = mail_claim_batch(mail_ids=mail_ids)
    if not claimed:
        return outcomes
    rows = (
        OutgoingMail.objects.filter(pk__in=claimed)
        .only(
            "pk",
            "recipient_email",
            "subject",
            "text_body",
            "html_body",
            "headers",
            "message_id",
            "attempts",
            "campaign",
            "is_confidential",
        )
        .in_bulk()
    )
    attachments: dict[int, list[OutgoingMailAttachment]] = {}
    for attachment in OutgoingMailAttachment.objects.filter(mail_id__in=rows).order_by(
        "mail_id", "position"
    ):
        attachments.setdefault(attachment.mail_id, []).append(attachment)
    with _relaxed_session():
        for mail_id in mail_ids:
            if mail_id in rows:
                outcomes[mail_id] = _send_claimed(rows[mail_id], attachments.get(mail_id, []))
    campaign_ids = {
        row.campaign_id
        for mail_id, row in rows.items()
        if row.campaign_id is not None and outcomes[mail_id].result in {"sent", "failed"}
    }
    if campaign_ids:
        # The batch's last final row finishes its campaign.
        campaigns_finish_if_done(campaign_ids=sorted(campaign_ids))
    return outcomes


def _relaxed_commit() -> None:
    """On PostgreSQL, do not wait for the WAL flush when committing a batch claim.

    A worker crash cannot lose such a commit; only a database server crash can lose the last
    fraction of a second of them, and then the claim is simply gone and the rows are queued.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@contextlib.contextmanager
def _relaxed_session():
    """On PostgreSQL, commit the statements run inside without waiting for the WAL flush.

    For the sending loop: each sent mark is then one autocommitted UPDATE, a single round
    trip, instead of BEGIN, ``SET LOCAL``, UPDATE and COMMIT (four). Each mark is still
    committed before the next message is transmitted. Inside a caller's transaction (eager
    tasks in tests) nothing changes: that transaction commits as it would have.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except Exception:  # noqa: BLE001 -- a broken connection is discarded, setting and all
            connection.close()


def mail_claim_batch(*, mail_ids: list[int]) -> list[int]:
    """Atomically claim every claimable row of ``mail_ids``; returns the ids this caller got."""
    now = timezone.now()
    with transaction.atomic():
        _relaxed_commit()
        qs = OutgoingMail.objects.filter(_claimable(now), pk__in=mail_ids)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("pk", flat=True))
        if ids:
            OutgoingMail.objects.filter(pk__in=ids).update(
                status=MailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids


def _send_claimed(
    mail: OutgoingMail, attachments: list[OutgoingMailAttachment] = ()
) -> SendOutcome:
    try:
        connection = _connection()
        _build_message(mail, connection, attachments).send()
    except Exception as exc:  # noqa: BLE001 -- every failure is recorded on the row
        _close_connection()
        permanent, reason = _classify(exc)
        return _record_failure(mail=mail, permanent=permanent, reason=reason)
    # One UPDATE per message, autocommitted (one round trip) and, inside
    # ``_relaxed_session``, without waiting for the WAL flush: the round trips and the flush per
    # message were much of the outbox's overhead. A worker that dies cannot lose the mark (the
    # commit has reached the server); only a database server crash can lose the last fraction
    # of a second of them, and those rows are then sent again with the same Message-ID.
    OutgoingMail.objects.filter(pk=mail.pk, status=MailStatus.SENDING).update(
        status=MailStatus.SENT,
        sent_at=timezone.now(),
        claimed_at=None,
        last_error="",
        **_erased_content(mail),
    )
    return SendOutcome("sent")


def _erased_content(mail: OutgoingMail) -> dict:
    """The update that erases a confidential row's content once the row is final."""
    return {"text_body": "", "html_body": ""} if mail.is_confidential else {}


def _record_failure(*, mail: OutgoingMail, permanent: bool, reason: str) -> SendOutcome:
    now = timezone.now()
    rows = OutgoingMail.objects.filter(pk=mail.pk, status=MailStatus.SENDING)
    if permanent or mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        rows.update(
            status=MailStatus.FAILED,
            claimed_at=None,
            last_error=reason[:2000],
            **_erased_content(mail),
        )
        logger.warning("Outbox: mail %s failed after %d attempt(s)", mail.pk, mail.attempts)
        return SendOutcome("failed")
    delay = retry_delay(attempts=mail.attempts)
    rows.update(
        status=MailStatus.QUEUED,
        claimed_at=None,
        last_error=reason[:2000],
        due_at=now + dt.timedelta(seconds=delay),
        dispatched_at=None,
    )
    logger.info("Outbox: mail %s will be retried in %.0f s", mail.pk, delay)
    return SendOutcome("retry", retry_in=delay)


def mail_retry_later(*, mail_id: int, delay: float) -> None:
    """Hand a message back to the broker after ``delay`` seconds if that stays well inside the
    broker's visibility timeout; longer waits are left to the sweeper (``due_at``)."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    if delay >= visibility / 2 or task_send_outgoing_mail.app.conf.task_always_eager:
        return
    OutgoingMail.objects.filter(pk=mail_id, status=MailStatus.QUEUED).update(
        dispatched_at=timezone.now() + dt.timedelta(seconds=delay)
    )
    mail_dispatch(mail_ids=[mail_id], countdown=delay)


def mail_sweep() -> dict[str, int]:
    """Release abandoned claims and hand due, undispatched rows to the broker.

    Run by beat every ``OUTBOX_SWEEP_SECONDS``. Rows in ``sending`` past the claim timeout go
    back to queued (their worker died); queued rows that are due and were never handed over
    (broker down at commit, or a later send) or were handed over long ago are dispatched again.
    A duplicate dispatch is harmless: the claim lets only one task send.
    """
    now = timezone.now()
    expired = now - dt.timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    released = OutgoingMail.objects.filter(
        status=MailStatus.SENDING, claimed_at__lt=expired
    ).update(status=MailStatus.QUEUED, claimed_at=None, dispatched_at=None)
    stale = now - dt.timedelta(seconds=settings.OUTBOX_REDISPATCH_SECONDS)
    ids = list(
        OutgoingMail.objects.filter(status=MailStatus.QUEUED, due_at__lte=now)
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale))
        .order_by("due_at", "id")
        .values_list("id", flat=True)[: settings.OUTBOX_SWEEP_BATCH]
    )
    if ids:
        OutgoingMail.objects.filter(pk__in=ids).update(dispatched_at=now)
    dispatched = mail_dispatch(mail_ids=ids)
    if released or ids:
        logger.info("Outbox sweep: %d released, %d dispatched", released, dispatched)
    return {"released": released, "dispatched": dispatched}


@transaction.atomic
def mail_resend(*, mail: OutgoingMail, actor: User) -> OutgoingMail:
    """Queue ``mail`` again now, with the same Message-ID and content.

    Authentication mail is never resent by staff: its content is erased once sent, and its
    links are the recipient's alone; the person asks for a new link instead.
    """
    if mail.is_confidential:
        raise ExchangeError(
            gettext_lazy(
                "Authentication emails cannot be sent again by staff; "
                "the person can ask for a new link."
            ),
            code="mail_confidential",
        )
    if mail.status == MailStatus.SENDING:
        raise ExchangeError(
            gettext_lazy("This email is being sent right now; try again in a minute."),
            code="mail_sending",
        )
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.QUEUED,
        due_at=timezone.now(),
        claimed_at=None,
        dispatched_at=timezone.now(),
    )
    activity_log_record(
        actor=actor,
        obj=mail,
        action_type=Activity.MAIL_RESENT,
        data={"previous_status": mail.status},
    )
    mail.refresh_from_db()
    _dispatch_one(mail.pk)
    return mail


@transaction.atomic
def mail_template_save(*, template: MailTemplate, actor: User) -> MailTemplate:
    """Save a staff override of a shipped template (validated by its form) and log it."""
    template.updated_by = actor
    template.updated_at = timezone.now()
    template.save()
    activity_log_record(
        actor=actor,
        obj=template,
        action_type=Activity.MAIL_TEMPLATE_SAVED,
        data={"key": template.key, "language": template.language, "cohort": template.cohort_id},
    )
    return template


@transaction.atomic
def mail_template_reset(*, template: MailTemplate, actor: User) -> None:
    """Remove a staff override, so the shipped template is used again; log it first."""
    activity_log_record(
        actor=actor,
        obj=template,
        action_type=Activity.MAIL_TEMPLATE_RESET,
        data={"key": template.key, "language": template.language},
    )
    template.delete()


__all__ = [
    "ATTACHMENT_TYPES",
    "TEMPLATE_CONTEXT",
    "MailAttachment",
    "RenderedMail",
    "SendOutcome",
    "TemplateSyntaxError",
    "mail_claim",
    "mail_claim_batch",
    "mail_compile_staff_source",
    "mail_dispatch",
    "mail_is_opted_out",
    "mail_language",
    "mail_opt_out",
    "mail_queue",
    "mail_queue_rendered",
    "mail_render",
    "mail_render_source",
    "mail_resend",
    "mail_retry_later",
    "mail_send",
    "mail_send_batch",
    "mail_sweep",
    "mail_template_problem",
    "mail_template_reset",
    "mail_template_save",
    "retry_delay",
    "unsubscribe_email_from_token",
    "unsubscribe_token",
    "unsubscribe_url",
]


def campaigns_finish_if_done(*, campaign_ids: list[int] | None = None) -> int:
    """Mark sending campaigns sent once every row is queued and none is left to send.

    Called when a campaign row reaches a final status and when a campaign has queued its last
    row, so a campaign is "Sent" as soon as its last message is final, with or without beat
    (which calls it too, for campaigns whose rows were finished some other way). Returns how
    many campaigns it finished.
    """
    pending = OutgoingMail.objects.filter(
        campaign=OuterRef("pk"), status__in=[MailStatus.QUEUED, MailStatus.SENDING]
    )
    campaigns = Campaign.objects.filter(status=CampaignStatus.SENDING, enqueued_at__isnull=False)
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    return campaigns.exclude(Exists(pending)).update(
        status=CampaignStatus.SENT, finished_at=timezone.now()
    )
