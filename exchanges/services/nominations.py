"""Nominations: a partner organisation invites a candidate to apply to a cohort."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from config.site import absolute_url
from exchanges.activity_types import Activity
from exchanges.enums import MailTemplateKey, NominationStatus
from exchanges.exceptions import DeadlinePassed, ExchangeError, InvalidTransition
from exchanges.models import Application, Cohort, Nomination
from exchanges.services.activity import activity_log_record
from exchanges.services.mail import mail_queue


class AlreadyNominated(ExchangeError):
    status_code = 409
    default_message = _("This person is already nominated for this cohort.")


def _live(cohort: Cohort, email: str):
    return Nomination.objects.filter(cohort=cohort, email__iexact=email).exclude(
        status=NominationStatus.WITHDRAWN
    )


@transaction.atomic
def nomination_create(
    *,
    organisation: Organisation,
    cohort: Cohort,
    name: str,
    email: str,
    language: str,
    note: str = "",
    actor=None,
    via: dict | None = None,
) -> Nomination:
    """Nominate ``email`` for ``cohort`` and queue the invitation in ``language``.

    The cohort must be one of the organisation's programs (callers pass it from the
    organisation's scope) and open. Raises ``DeadlinePassed`` (``cohort_not_open``) for a
    closed call and ``AlreadyNominated`` when the organisation already has a live nomination
    for the address (compared in any case; it is stored in lower case) and cohort. ``via``
    is logged with the change (the API key that made it).

    Another organisation's nomination of the same address changes nothing in the answer, so
    no organisation learns of another's. It changes the mail: the candidate gets one
    invitation per cohort, the first live nomination's, so a later one is recorded without
    mailing them again (the activity log says ``invitation_mailed: false``).
    """
    if not cohort.is_open:
        raise DeadlinePassed(_("This call is not open for applications."), code="cohort_not_open")
    email = email.strip().lower()
    if _live(cohort, email).filter(organisation=organisation).exists():
        raise AlreadyNominated(code="already_nominated")
    # Taken before this nomination exists; two organisations nominating at the same moment
    # may each mail an invitation, which is harmless.
    already_invited = _live(cohort, email).exists()
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                organisation=organisation,
                cohort=cohort,
                name=name,
                email=email,
                language=language,
                note=note,
            )
    except IntegrityError as error:
        # The same organisation's concurrent request won the race.
        raise AlreadyNominated(code="already_nominated") from error
    activity_log_record(
        actor=actor,
        obj=nomination,
        action_type=Activity.NOMINATION_CREATED,
        data={
            "organisation": organisation.pk,
            "cohort": cohort.pk,
            "invitation_mailed": not already_invited,
            **(via or {}),
        },
    )
    if already_invited:
        return nomination
    with translation.override(language):
        context = {
            "recipient_name": name,
            "organisation_name": organisation.name,
            "program_name": cohort.program.name,
            "cohort_name": cohort.name,
            "deadline": "{} ({})".format(
                formats.date_format(
                    timezone.localtime(cohort.deadline, cohort.zone), "DATETIME_FORMAT"
                ),
                cohort.time_zone,
            ),
            "apply_url": absolute_url(reverse("apply:call", kwargs={"cohort_id": cohort.pk})),
        }
    mail_queue(
        template_key=MailTemplateKey.NOMINATION_INVITATION,
        idempotency_key=f"nomination:{nomination.pk}:invitation",
        email=email,
        language=language,
        context=context,
        concerning=nomination,
        cohort=cohort,
    )
    return nomination


@transaction.atomic
def nomination_withdraw(
    *, nomination: Nomination, actor=None, via: dict | None = None
) -> Nomination:
    """Withdraw an invitation not yet taken up. An application already started stays: it
    is the candidate's. Withdrawing twice is a no-op."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status == NominationStatus.WITHDRAWN:
        return nomination
    if nomination.status != NominationStatus.INVITED:
        raise InvalidTransition(
            _("The candidate has already applied; the nomination can no longer be withdrawn."),
            code="nomination_applied",
        )
    nomination.status = NominationStatus.WITHDRAWN
    nomination.withdrawn_at = timezone.now()
    nomination.save(update_fields=["status", "withdrawn_at"])
    activity_log_record(
        actor=actor,
        obj=nomination,
        action_type=Activity.NOMINATION_WITHDRAWN,
        data=via or {},
    )
    return nomination


def nomination_link_application(*, application: Application) -> None:
    """Called when an application starts: every live invitation for the applicant's address
    and the cohort becomes ``applied`` with the application, and the application records the
    organisation of the first of them (whose invitation the candidate got). Runs in the
    caller's transaction."""
    nominations = list(
        Nomination.objects.select_for_update()
        .filter(
            cohort_id=application.cohort_id,
            email__iexact=application.applicant.email,
            status=NominationStatus.INVITED,
        )
        .order_by("created_at", "id")
    )
    if not nominations:
        return
    for nomination in nominations:
        nomination.status = NominationStatus.APPLIED
        nomination.application = application
        nomination.save(update_fields=["status", "application"])
        activity_log_record(
            actor=None,
            obj=nomination,
            action_type=Activity.NOMINATION_APPLIED,
            data={"application": application.pk},
        )
    application.nominated_by_id = nominations[0].organisation_id
    application.save(update_fields=["nominated_by"])
