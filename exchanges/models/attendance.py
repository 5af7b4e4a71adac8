"""Attendance: one mark per session and participant, each cohort's completion rule and the
certificates of completion.

A mark carries the id its client generated (``client_id``) and the time it was made on the
device (``marked_at``): a queued mark sent twice is recognised and a stale one (made before
the stored mark) is ignored, so marks recorded offline are saved exactly once in effect.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import AttendanceStatus, Language
from exchanges.models.applications import Application
from exchanges.models.predeparture import ItineraryItem
from exchanges.models.programs import Cohort


class AttendanceMark(models.Model):
    """Whether a participant attended one session of the itinerary."""

    item = models.ForeignKey(
        ItineraryItem,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="attendance_marks",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendance_marks",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    # The id the recording device gave this mark: a resend of the same mark is a no-op.
    client_id = models.UUIDField(_("client mark id"))
    marked_at = models.DateTimeField(_("marked at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["item", "application"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "application"],
                name="attendance_once",
                violation_error_message=_(
                    "Attendance is already recorded for this person at this item."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["application", "status"], name="attendance_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.application_id}:{self.status}"


class CompletionRule(models.Model):
    """What a participant of the cohort must do to complete the program."""

    cohort = models.OneToOneField(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="completion_rule"
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    require_post_survey = models.BooleanField(_("post-program survey answered"), default=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("completion rule")
        verbose_name_plural = _("completion rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__lte=100),
                name="completion_percent_at_most_100",
                violation_error_message=_("The minimum attendance must be at most 100 percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}: {self.min_attendance_percent}%"


def certificate_code() -> str:
    return secrets.token_urlsafe(12)


class Certificate(models.Model):
    """A participant's certificate of completion; ``code`` is its public verification key."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="certificate",
    )
    code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=certificate_code
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    attendance_percent = models.PositiveSmallIntegerField(_("attendance (%)"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate of completion")
        verbose_name_plural = _("certificates of completion")

    def __str__(self) -> str:
        return f"{self.application_id}"

    def get_absolute_url(self) -> str:
        return reverse("certificate_verify", kwargs={"code": self.code})
