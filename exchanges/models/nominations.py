"""Nominations: a partner organisation puts a candidate forward for a cohort."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import Language, NominationStatus
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort


class Nomination(models.Model):
    """The candidate is invited by email to apply; when they start an application to the
    cohort with the nominated address, the application records the nominating organisation
    and the nomination becomes ``applied``.

    Each organisation's nominations are its own: two organisations may nominate the same
    address for a cohort, and neither learns of the other's. The candidate gets one
    invitation (the first live nomination's); the application records that nomination's
    organisation, and every live nomination of the address becomes ``applied``."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="nominations"
    )
    name = models.CharField(_("candidate name"), max_length=200)
    email = models.EmailField(_("candidate email"))
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NominationStatus.choices,
        default=NominationStatus.INVITED,
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    created_at = models.DateTimeField(_("nominated"), default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live nomination per organisation, cohort and address, whatever its case.
            # Not one per address across organisations: the refusal would tell one
            # organisation of another's nomination.
            models.UniqueConstraint(
                "organisation",
                "cohort",
                Lower("email"),
                condition=~Q(status=NominationStatus.WITHDRAWN),
                name="nomination_one_live_per_organisation",
                violation_error_message=_(
                    "Your organisation has already nominated this email address for this cohort."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.email}"
