"""The one place application emails leave from.

Until the persisted outbox (``exchanges.services.mail.mail_queue``) is merged, this renders the
system templates ``emails/<lang>/application_<event>.subject.txt``/``.txt`` (falling back to
``emails/application_<event>.*``) under the recipient's language and hands them to
``send_mail``. Callers register it with ``transaction.on_commit`` so nothing is sent for a
change that rolls back. The signature is stable: at merge only the body changes.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import select_template
from django.utils import translation

from exchanges.enums import Country
from exchanges.models import MatchGroupMember


def _render(name: str, language: str, context: dict) -> str:
    template = select_template([f"emails/{language}/{name}", f"emails/{name}"])
    return template.render(context)


def notify_application_event(*, application, event: str, context: dict | None = None) -> None:
    """Send the email for ``event`` about ``application``.

    The applicant is the recipient unless ``context`` names another one with
    ``recipient_email``, ``recipient_name`` and ``recipient_language`` (referees and guardians,
    whose private links exist only in their email and so travel in ``context["link"]``).
    """
    context = dict(context or {})
    applicant = application.applicant
    language = context.get("recipient_language") or applicant.preferred_language or "en"
    recipient = context.get("recipient_email") or applicant.email
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
    send_mail(
        subject=" ".join(subject.split()), message=body,
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[recipient],
    )


def notify_matching_published(*, run) -> None:
    """Email every member of the published ``run`` their group, in their own language.

    Registered with ``transaction.on_commit`` by ``matching_run_publish``.
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
        send_mail(
            subject=" ".join(subject.split()), message=body,
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[applicant.email],
        )


def _placement_assignments(placement_run, related: str) -> list:
    from exchanges.models import PlacementAssignment  # noqa: PLC0415 -- merge-friendly import

    return list(
        PlacementAssignment.objects.filter(run=placement_run, **{f"{related}__isnull": False})
        .select_related("application__applicant", "application__cohort__program", related,
                        *(["mentor__applicant"] if related == "mentor" else []))
        .order_by("application__country", "id")
    )


def _send_placement(application, name: str, extra: dict) -> None:
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
    send_mail(
        subject=" ".join(subject.split()), message=body,
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[applicant.email],
    )


def notify_hosts_published(*, placement_run) -> None:
    """Email every placed participant of the published host ``placement_run`` their host.

    Registered with ``transaction.on_commit`` by ``placement_run_publish``.
    """
    for assignment in _placement_assignments(placement_run, "host"):
        host = assignment.host
        _send_placement(assignment.application, "hosts_published",
                        {"host_name": host.name, "host_city": host.city})


def notify_mentors_published(*, placement_run) -> None:
    """Email every paired participant of the published mentor ``placement_run`` their mentor.

    Registered with ``transaction.on_commit`` by ``placement_run_publish``.
    """
    for assignment in _placement_assignments(placement_run, "mentor"):
        mentor = assignment.mentor
        with translation.override(assignment.application.applicant.preferred_language or "en"):
            country = (str(Country(mentor.country).label) if mentor.country in Country.values
                       else mentor.country)
        _send_placement(assignment.application, "mentors_published",
                        {"mentor_name": mentor.applicant.display_name,
                         "mentor_country": country})
