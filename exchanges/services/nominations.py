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
    organisation's scope) and open. Raises ``DeadlinePassed`` for a closed call and
    ``AlreadyNominated`` when a live nomination for the address and cohort exists. ``via``
    is logged with the change (the API key that made it).
    """
    if not cohort.is_open:
        raise DeadlinePassed(_("This call is not open for applications."))
    email = email.strip()
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
        raise AlreadyNominated(code="already_nominated") from error
    activity_log_record(
        actor=actor,
        obj=nomination,
        action_type=Activity.NOMINATION_CREATED,
        data={"organisation": organisation.pk, "cohort": cohort.pk, **(via or {})},
    )
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
    """Called when an application starts: a live invitation for the applicant's address and
    the cohort records its organisation on the application. Runs in the caller's
    transaction."""
    nomination = (
        Nomination.objects.select_for_update()
        .filter(
            cohort_id=application.cohort_id,
            email__iexact=application.applicant.email,
            status=NominationStatus.INVITED,
        )
        .first()
    )
    if nomination is None:
        return
    nomination.status = NominationStatus.APPLIED
    nomination.application = application
    nomination.save(update_fields=["status", "application"])
    application.nominated_by_id = nomination.organisation_id
    application.save(update_fields=["nominated_by"])
    activity_log_record(
        actor=None,
        obj=nomination,
        action_type=Activity.NOMINATION_APPLIED,
        data={"application": application.pk},
    )
