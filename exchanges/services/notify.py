"""The one place application and matching emails leave from: the outbox.

Events that have a staff-editable workflow template (``MailTemplateKey``) are queued with
``mail_queue`` so a cohort's override applies; the others render the system templates
``emails/<lang>/<name>.subject.txt``/``.txt`` (falling back to ``emails/<name>.*``) in the
recipient's language and are queued with ``mail_queue_rendered``. Either way the outbox row is
written in the caller's transaction and dispatched on commit, so nothing is sent for a change
that rolls back and nothing is lost when the broker or mail server is down.
"""

import uuid

from django.conf import settings
from django.template.loader import select_template
from django.utils import formats, translation

from exchanges.enums import Country, MailTemplateKey
from exchanges.models import MatchGroupMember
from exchanges.services.mail import mail_queue, mail_queue_rendered

# Application events whose email is a staff-editable workflow template.
WORKFLOW_KEYS = {
    "submitted": MailTemplateKey.APPLICATION_RECEIVED,
    "accepted": MailTemplateKey.DECISION_ACCEPTED,
    "waitlisted": MailTemplateKey.DECISION_WAITLISTED,
    "rejected": MailTemplateKey.DECISION_REJECTED,
    "referee_requested": MailTemplateKey.REFEREE_REQUEST,
}


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
    status_url = settings.SITE_URL + application.get_absolute_url()
    with translation.override(language):
        values = {
            "program_name": cohort.program.name, "cohort_name": cohort.name,
            "application_url": status_url, "offer_url": status_url,
            "submitted_at": _date(application.submitted_at),
            "starts_on": _date(cohort.starts_on), "ends_on": _date(cohort.ends_on),
            "applicant_name": application.applicant.display_name,
        }
        if context.get("link"):
            values["upload_url"] = context["link"]
        if context.get("expires_at"):
            values["due_date"] = _date(context["expires_at"])
    return values


def notify_application_event(*, application, event: str, context: dict | None = None) -> None:
    """Queue the email for ``event`` about ``application`` in the caller's transaction.

    The applicant is the recipient unless ``context`` names another one with
    ``recipient_email``, ``recipient_name`` and ``recipient_language`` (referees and guardians,
    whose private links exist only in their email and so travel in ``context["link"]``).
    """
    context = dict(context or {})
    applicant = application.applicant
    external = bool(context.get("recipient_email"))
    recipient = None if external else applicant
    email = context.get("recipient_email") or applicant.email
    language = context.get("recipient_language") or applicant.preferred_language or "en"
    key = f"application:{application.pk}:{event}:{_occurrence()}"
    if event in WORKFLOW_KEYS:
        extra = _workflow_context(application, language, context)
        if external:
            extra["recipient_name"] = context.get("recipient_name", "")
        mail_queue(
            template_key=WORKFLOW_KEYS[event], idempotency_key=key, recipient=recipient,
            email=email, language=language, context=extra, concerning=application,
            cohort=application.cohort,
        )
        return
    with translation.override(language):
        full = {
            "application": application, "applicant": applicant, "cohort": application.cohort,
            "program": application.cohort.program, "site_url": settings.SITE_URL,
            "recipient_name": context.get("recipient_name") or applicant.display_name,
            "status_url": settings.SITE_URL + application.get_absolute_url(),
            **context,
        }
        subject = _render(f"application_{event}.subject.txt", language, full)
        body = _render(f"application_{event}.txt", language, full)
    mail_queue_rendered(
        email=email, subject=subject, text=body, template_key=f"application_{event}",
        idempotency_key=key, language=language, recipient=recipient, concerning=application,
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
        applicant = application.applicant
        language = applicant.preferred_language or "en"
        with translation.override(language):
            context = {
                "cohort": application.cohort, "program": application.cohort.program,
                "recipient_name": applicant.display_name,
                "others": [
                    {"name": other.applicant.display_name,
                     "country": Country(other.country).label if other.country in Country.values
                     else other.country}
                    for other in by_group[member.group_id] if other.pk != application.pk
                ],
                "status_url": settings.SITE_URL + application.get_absolute_url(),
            }
            subject = _render("matching_published.subject.txt", language, context)
            body = _render("matching_published.txt", language, context)
        mail_queue_rendered(
            email=applicant.email, subject=subject, text=body,
            template_key="matching_published",
            idempotency_key=f"matching-published:{run.pk}:{application.pk}",
            language=language, recipient=applicant, concerning=application,
        )


def _placement_assignments(placement_run, related: str) -> list:
    from exchanges.models import PlacementAssignment  # noqa: PLC0415 -- merge-friendly import

    return list(
        PlacementAssignment.objects.filter(run=placement_run, **{f"{related}__isnull": False})
        .select_related("application__applicant", "application__cohort__program", related,
                        *(["mentor__applicant"] if related == "mentor" else []))
        .order_by("application__country", "id")
    )


def _send_placement(application, name: str, extra: dict, *, run_id: int) -> None:
    applicant = application.applicant
    language = applicant.preferred_language or "en"
    with translation.override(language):
        context = {
            "cohort": application.cohort, "program": application.cohort.program,
            "recipient_name": applicant.display_name,
            "status_url": settings.SITE_URL + application.get_absolute_url(),
            **extra,
        }
        subject = _render(f"{name}.subject.txt", language, context)
        body = _render(f"{name}.txt", language, context)
    mail_queue_rendered(
        email=applicant.email, subject=subject, text=body, template_key=name,
        idempotency_key=f"{name}:{run_id}:{application.pk}", language=language,
        recipient=applicant, concerning=application,
    )


def notify_hosts_published(*, placement_run) -> None:
    """Email every placed participant of the published host ``placement_run`` their host.

    Called inside ``placement_run_publish``'s transaction; one outbox row per participant.
    """
    for assignment in _placement_assignments(placement_run, "host"):
        host = assignment.host
        _send_placement(assignment.application, "hosts_published",
                        {"host_name": host.name, "host_city": host.city},
                        run_id=placement_run.pk)


def notify_mentors_published(*, placement_run) -> None:
    """Email every paired participant of the published mentor ``placement_run`` their mentor.

    Called inside ``placement_run_publish``'s transaction; one outbox row per participant.
    """
    for assignment in _placement_assignments(placement_run, "mentor"):
        mentor = assignment.mentor
        with translation.override(assignment.application.applicant.preferred_language or "en"):
            country = (str(Country(mentor.country).label) if mentor.country in Country.values
                       else mentor.country)
        _send_placement(assignment.application, "mentors_published",
                        {"mentor_name": mentor.applicant.display_name,
                         "mentor_country": country},
                        run_id=placement_run.pk)
