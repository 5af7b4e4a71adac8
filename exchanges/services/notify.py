"""The one place application, matching and webhook emails leave from: the outbox.

Events that have a staff-editable workflow template (``MailTemplateKey``) are queued with
``mail_queue`` so a cohort's override applies; the others render the system templates
``emails/<lang>/<name>.subject.txt``/``.txt`` (falling back to ``emails/<name>.*``) in the
recipient's language and are queued with ``mail_queue_rendered``. Either way the outbox row is
written in the caller's transaction and dispatched on commit, so nothing is sent for a change
that rolls back and nothing is lost when the broker or mail server is down.
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.template.loader import select_template
from django.urls import reverse
from django.utils import formats, translation

from config.site import absolute_url, site_url
from exchanges.enums import MailTemplateKey, country_label
from exchanges.formatting import mail_datetime_text
from exchanges.models import MatchGroupMember, OutgoingMail, PlacementAssignment
from exchanges.services.attendance_certificates import certificate_pdf
from exchanges.services.mail import (
    MailAttachment,
    RenderedMail,
    mail_base_context,
    mail_language,
    mail_queue,
    mail_queue_rendered,
    mail_render,
)

# Application events whose email is a staff-editable workflow template.
WORKFLOW_KEYS = {
    "submitted": MailTemplateKey.APPLICATION_RECEIVED,
    "accepted": MailTemplateKey.DECISION_ACCEPTED,
    "waitlisted": MailTemplateKey.DECISION_WAITLISTED,
    "rejected": MailTemplateKey.DECISION_REJECTED,
    "waitlist_promoted": MailTemplateKey.WAITLIST_PROMOTED,
    "referee_requested": MailTemplateKey.REFEREE_REQUEST,
}
# Application events whose email is a system template, ``emails/application_<event>.*``.
SYSTEM_EVENTS = frozenset(
    {
        "confirmed",
        "declined",
        "withdrawn",
        "offer_extended",
        "offer_lapsed",
        "guardian_requested",
        "guardian_consented",
        "referee_received",
    }
)


def _render(name: str, language: str, context: dict) -> str:
    template = select_template([f"emails/{language}/{name}", f"emails/{name}"])
    return template.render(context)


def _occurrence() -> str:
    """Distinguishes two occurrences of the same event (a status reached twice)."""
    return uuid.uuid4().hex[:12]


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _workflow_context(application, language: str, context: dict) -> dict:
    """Plain values only: staff-edited templates see this context."""
    cohort = application.cohort
    status_url = absolute_url(application.get_absolute_url())
    with translation.override(language):
        values = {
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "application_url": status_url,
            "offer_url": status_url,
            "submitted_at": _date(application.submitted_at),
            "starts_on": _date(cohort.starts_on),
            "ends_on": _date(cohort.ends_on),
            "applicant_name": application.applicant.display_name,
        }
        if context.get("link"):
            values["upload_url"] = context["link"]
        if context.get("expires_at"):
            values["due_date"] = _date(context["expires_at"])
    if application.offer_respond_by:
        values["respond_by"] = offer_respond_by_text(application=application, language=language)
    if application.waitlist_position:
        values["waitlist_position"] = application.waitlist_position
    return values


def offer_respond_by_text(*, application, language: str) -> str:
    """The offer's deadline as its applicant reads it: their language and wall clock."""
    return mail_datetime_text(
        value=application.offer_respond_by,
        language=language,
        time_zone=application.applicant.time_zone,
    )


def _recipient(application, context: dict):
    """(user or None, email, language) of the person an email about ``application`` goes to.

    The applicant, unless ``context`` names another person with ``recipient_email``,
    ``recipient_name`` and ``recipient_language`` (referees and guardians have no account).
    """
    applicant = application.applicant
    if context.get("recipient_email"):
        language = context.get("recipient_language") or applicant.preferred_language or "en"
        return None, context["recipient_email"], language
    return applicant, applicant.email, applicant.preferred_language or "en"


def _queue_system_mail(
    *,
    application,
    name: str,
    idempotency_key: str,
    context: dict | None = None,
    localised: Callable[[], dict] | None = None,
    attachments: list[MailAttachment] | tuple[MailAttachment, ...] = (),
) -> None:
    """Render the system template ``name`` about ``application`` and queue it.

    ``localised``, when given, returns more context and is called in the recipient's language,
    so that names and labels in it come out in that language. ``attachments`` go with it.
    """
    context = dict(context or {})
    recipient, email, language = _recipient(application, context)
    applicant = application.applicant
    with translation.override(language):
        full = {
            "application": application,
            "applicant": applicant,
            "cohort": application.cohort,
            "program": application.cohort.program,
            "site_url": site_url(),
            "recipient_name": context.get("recipient_name") or applicant.display_name,
            "status_url": absolute_url(application.get_absolute_url()),
            **context,
            **(localised() if localised else {}),
        }
        subject = _render(f"{name}.subject.txt", language, full)
        body = _render(f"{name}.txt", language, full)
    mail_queue_rendered(
        email=email,
        subject=subject,
        text=body,
        template_key=name,
        idempotency_key=idempotency_key,
        language=language,
        recipient=recipient,
        concerning=application,
        attachments=attachments,
    )


def notify_application_event(*, application, event: str, context: dict | None = None) -> None:
    """Queue the email for ``event`` about ``application`` in the caller's transaction.

    The applicant is the recipient unless ``context`` names another one with
    ``recipient_email``, ``recipient_name`` and ``recipient_language`` (referees and guardians,
    whose private links exist only in their email and so travel in ``context["link"]``).
    """
    if event not in WORKFLOW_KEYS and event not in SYSTEM_EVENTS:
        raise ValueError(f"No email is declared for the application event {event!r}.")
    context = dict(context or {})
    key = f"application:{application.pk}:{event}:{_occurrence()}"
    if event in SYSTEM_EVENTS:
        localised = None
        if application.offer_respond_by and not context.get("recipient_email"):

            def localised():
                return {
                    "respond_by": offer_respond_by_text(
                        application=application, language=translation.get_language()
                    )
                }

        _queue_system_mail(
            application=application,
            name=f"application_{event}",
            idempotency_key=key,
            context=context,
            localised=localised,
        )
        return
    recipient, email, language = _recipient(application, context)
    extra = _workflow_context(application, language, context)
    if recipient is None:
        extra["recipient_name"] = context.get("recipient_name", "")
    mail_queue(
        template_key=WORKFLOW_KEYS[event],
        idempotency_key=key,
        recipient=recipient,
        email=email,
        language=language,
        context=extra,
        concerning=application,
        cohort=application.cohort,
    )


def notify_application_event_preview(*, application, event: str, language: str) -> RenderedMail:
    """The email ``event`` (a workflow event: ``accepted``, ``waitlisted``, ``rejected``...)
    about ``application`` as it would be rendered in ``language``, queueing nothing. The
    caller sets what the decision would set first (an offer deadline, a waiting-list place)
    on an unsaved instance."""
    applicant = application.applicant
    with translation.override(language):
        context = {
            **mail_base_context(
                recipient=applicant, email=applicant.email, language=language, is_transactional=True
            ),
            **_workflow_context(application, language, {}),
        }
    return mail_render(
        template_key=WORKFLOW_KEYS[event],
        language=language,
        context=context,
        cohort=application.cohort,
    )


def notify_matching_published(*, run) -> None:
    """Email every member of the published ``run`` their group, in their own language.

    Called inside ``matching_run_publish``'s transaction; one outbox row per member.
    """
    members = list(
        MatchGroupMember.objects.filter(run=run)
        .select_related("application__applicant", "application__cohort__program")
        .order_by("group__number", "application__country", "id")
    )
    by_group: dict[int, list] = {}
    for member in members:
        by_group.setdefault(member.group_id, []).append(member.application)
    for member in members:
        application = member.application
        others = [other for other in by_group[member.group_id] if other.pk != application.pk]
        _queue_system_mail(
            application=application,
            name="matching_published",
            idempotency_key=f"matching-published:{run.pk}:{application.pk}",
            localised=lambda others=others: {
                "others": [
                    {"name": other.applicant.display_name, "country": country_label(other.country)}
                    for other in others
                ]
            },
        )


def _placement_assignments(placement_run, related: str) -> list:
    return list(
        PlacementAssignment.objects.filter(run=placement_run, **{f"{related}__isnull": False})
        .select_related(
            "application__applicant",
            "application__cohort__program",
            related,
            *(["mentor__applicant"] if related == "mentor" else []),
        )
        .order_by("application__country", "id")
    )


def notify_hosts_published(*, placement_run) -> None:
    """Email every placed participant of the published host ``placement_run`` their host.

    Called inside ``placement_run_publish``'s transaction; one outbox row per participant.
    """
    for assignment in _placement_assignments(placement_run, "host"):
        host = assignment.host
        _queue_system_mail(
            application=assignment.application,
            name="hosts_published",
            idempotency_key=f"hosts_published:{placement_run.pk}:{assignment.application_id}",
            context={"host_name": host.name},
            localised=lambda host=host: {"host_city": host.localised_city},
        )


def notify_mentors_published(*, placement_run) -> None:
    """Email every paired participant of the published mentor ``placement_run`` their mentor.

    Called inside ``placement_run_publish``'s transaction; one outbox row per participant.
    """
    for assignment in _placement_assignments(placement_run, "mentor"):
        mentor = assignment.mentor
        _queue_system_mail(
            application=assignment.application,
            name="mentors_published",
            idempotency_key=f"mentors_published:{placement_run.pk}:{assignment.application_id}",
            localised=lambda mentor=mentor: {
                "mentor_name": mentor.applicant.display_name,
                "mentor_country": country_label(mentor.country),
            },
        )


def certificate_filename(certificate) -> str:
    """The attachment's file name: ASCII in every language (mail clients and file systems
    keep it intact) and without the verification code or the person's name."""
    return f"trilink-certificate-{certificate.pk}.pdf"


def notify_program_completed(*, application, certificate) -> None:
    """Email a participant who completed the program: congratulations, their certificate
    attached (PDF in the certificate's language, which prints the verification link), the
    link to download it again (behind sign-in) and its public verification link. Once per
    person: the PDF is rendered only when the row is new."""
    applicant = application.applicant
    idempotency_key = f"program-completed:{application.pk}"
    if OutgoingMail.objects.filter(idempotency_key=idempotency_key).exists():
        return

    def localised():
        return {
            "completed_at": mail_datetime_text(
                value=certificate.issued_at,
                language=translation.get_language(),
                time_zone=applicant.time_zone,
            )
        }

    _queue_system_mail(
        application=application,
        name="program_completed",
        idempotency_key=idempotency_key,
        context={
            "certificate_url": absolute_url(
                reverse("apply:certificate_pdf", kwargs={"pk": application.pk})
            ),
            "verify_url": absolute_url(certificate.get_absolute_url()),
            "certificate_filename": certificate_filename(certificate),
        },
        localised=localised,
        attachments=[
            MailAttachment(
                filename=certificate_filename(certificate),
                mime_type="application/pdf",
                content=certificate_pdf(certificate),
            )
        ],
    )


def queue_system_mail_to(
    *,
    email: str,
    name: str,
    language: str,
    context: dict,
    idempotency_key: str,
    recipient=None,
    concerning=None,
) -> None:
    """Render the system template ``name`` in ``language`` and queue it to ``email``: mail
    that concerns no application (between alumni, to a webhook contact, about a person's
    data). ``recipient`` is the account it goes to, when there is one."""
    with translation.override(language):
        full = {"site_url": site_url(), **context}
        subject = _render(f"{name}.subject.txt", language, full)
        body = _render(f"{name}.txt", language, full)
    mail_queue_rendered(
        email=email,
        subject=subject,
        text=body,
        template_key=name,
        idempotency_key=idempotency_key,
        language=language,
        recipient=recipient,
        concerning=concerning,
    )


def notify_alumni_message(*, message) -> None:
    """Email ``message`` (an ``AlumniMessage``) to its recipient, in their language and time
    zone, from Trilink's own address with a link back to Trilink to reply or report: the
    sender's address appears nowhere. Called inside the sending service's transaction."""
    recipient = message.recipient
    language = mail_language(recipient=recipient)
    queue_system_mail_to(
        email=recipient.email,
        recipient=recipient,
        language=language,
        name="alumni_message",
        idempotency_key=f"alumni-message:{message.pk}",
        context={
            "recipient_name": message.recipient_name,
            "sender_name": message.sender_name,
            "body": message.body,
            "sent_at": mail_datetime_text(
                value=message.sent_at, language=language, time_zone=recipient.time_zone
            ),
            "message_url": absolute_url(message.get_absolute_url()),
        },
        concerning=message,
    )


# The contact's wall clock in the webhook email: the organisation's country's.
COUNTRY_TIME_ZONES = {"JP": "Asia/Tokyo", "KR": "Asia/Seoul", "US": "America/New_York"}


def notify_webhook_disabled(*, subscription, disabled_at) -> None:
    """Tell a webhook subscription's contact, in their language, that it was disabled after
    a run of failures, with the receiver, the time, how long new events are kept for it and
    a link to the delivery log."""
    organisation = subscription.organisation
    language = subscription.contact_language
    queue_system_mail_to(
        name="webhook_disabled",
        email=subscription.contact_email,
        language=language,
        context={
            "organisation_name": organisation.name,
            "url": subscription.url,
            "failures": subscription.consecutive_failures,
            "keep_days": settings.WEBHOOK_KEEP_DISABLED_DAYS,
            "disabled_at": mail_datetime_text(
                value=disabled_at,
                language=language,
                time_zone=COUNTRY_TIME_ZONES.get(organisation.country, "UTC"),
            ),
            "page_url": absolute_url(
                reverse("staff:webhook_detail", kwargs={"pk": subscription.pk})
            ),
        },
        idempotency_key=f"webhook:{subscription.pk}:disabled:{disabled_at.timestamp()}",
        concerning=subscription,
    )
