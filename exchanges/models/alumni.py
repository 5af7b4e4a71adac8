"""The alumni network: directory profiles, the languages they list, messages between alumni
and suspensions of a sender's messaging.

A profile exists only while its alumnus is in the directory: leaving deletes it (and its
languages) at once, so nothing the alumnus chose to show outlives the choice. Each shown field
has its own visibility (``AlumniVisibility``); selectors filter and search a field only where
the reader may see it, so a filter never reveals a hidden value. Messages keep no email
address: mail to the recipient goes through the outbox from Trilink's own address and the
reply link leads back to Trilink.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import AlumniContact, AlumniReportStatus, AlumniVisibility, Sector
from exchanges.models.applications import Application
from exchanges.models.programs import Cohort

ALUMNI_DISPLAY_NAME_MAX = 100
ALUMNI_ORGANISATION_MAX = 200
ALUMNI_INTERESTS_MAX = 500
ALUMNI_MESSAGE_MAX = 2000

# The profile fields an alumnus shows or hides one by one (each has ``<name>_visibility``).
ALUMNI_VISIBILITY_FIELDS = ("sector", "organisation", "country", "cohort", "languages", "interests")


def _visibility(label):
    return models.CharField(
        label, max_length=10, choices=AlumniVisibility.choices, default=AlumniVisibility.ALUMNI
    )


class AlumniProfile(models.Model):
    """An alumnus's entry in the directory; one per person, deleted when they leave."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("alumnus"),
        on_delete=models.CASCADE,
        related_name="alumni_profile",
    )
    # The alumnus record the profile rests on (their latest program as an alumnus).
    application = models.ForeignKey(
        Application,
        verbose_name=_("alumni record"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    display_name = models.CharField(_("name shown in the directory"), max_length=100)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="+"
    )
    interests = models.CharField(_("interests"), max_length=500, blank=True)
    contact = models.CharField(
        _("contact preference"),
        max_length=10,
        choices=AlumniContact.choices,
        default=AlumniContact.MESSAGES,
    )
    open_to_mentoring = models.BooleanField(_("open to mentoring participants"), default=False)
    sector_visibility = _visibility(_("who sees the sector"))
    organisation_visibility = _visibility(_("who sees the organisation"))
    country_visibility = _visibility(_("who sees the country"))
    cohort_visibility = _visibility(_("who sees the cohort"))
    languages_visibility = _visibility(_("who sees the languages"))
    interests_visibility = _visibility(_("who sees the interests"))
    created_at = models.DateTimeField(_("joined the directory"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("alumni profile")
        verbose_name_plural = _("alumni profiles")
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["country_visibility", "country"], name="alumni_country_idx"),
            models.Index(fields=["sector_visibility", "sector"], name="alumni_sector_idx"),
            models.Index(fields=["cohort_visibility", "cohort"], name="alumni_cohort_idx"),
            models.Index(fields=["open_to_mentoring"], name="alumni_mentoring_idx"),
            models.Index(fields=["display_name", "id"], name="alumni_name_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("apply:alumni_profile", kwargs={"pk": self.pk})


class AlumniLanguage(models.Model):
    """A language an alumnus lists: one row each, so the language filter uses an index."""

    profile = models.ForeignKey(
        AlumniProfile,
        verbose_name=_("alumni profile"),
        on_delete=models.CASCADE,
        related_name="languages",
    )
    code = models.CharField(_("language"), max_length=10)

    class Meta:
        verbose_name = _("alumni language")
        verbose_name_plural = _("alumni languages")
        ordering = ["profile", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "code"],
                name="alumni_language_once",
                violation_error_message=_("This language is already listed on the profile."),
            ),
        ]
        indexes = [models.Index(fields=["code", "profile"], name="alumni_language_idx")]

    def __str__(self) -> str:
        return self.code


class AlumniMessage(models.Model):
    """A message from one alumnus to another; the recipient may report it to staff."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.CASCADE,
        related_name="alumni_messages_sent",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="alumni_messages_received",
    )
    # Both directory names as they were when sent: the message reads the same after either
    # side leaves, and a person who left is never shown by their account name instead.
    sender_name = models.CharField(_("sender's name"), max_length=100)
    recipient_name = models.CharField(_("recipient's name"), max_length=100)
    in_reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=ALUMNI_MESSAGE_MAX)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    report_status = models.CharField(
        _("report"), max_length=10, choices=AlumniReportStatus.choices, blank=True
    )
    report_reason = models.CharField(_("reason for the report"), max_length=500, blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    report_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("report reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report_reviewed_at = models.DateTimeField(_("report reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("alumni message")
        verbose_name_plural = _("alumni messages")
        ordering = ["-sent_at", "-id"]
        indexes = [
            # The rate limit counts a sender's recent messages.
            models.Index(fields=["sender", "sent_at"], name="alumni_msg_sender_idx"),
            models.Index(fields=["recipient", "sent_at"], name="alumni_msg_recipient_idx"),
            models.Index(fields=["report_status", "reported_at"], name="alumni_msg_report_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.sender_id}→{self.recipient_id}"

    def get_absolute_url(self) -> str:
        return reverse("apply:alumni_message", kwargs={"pk": self.pk})


class AlumniSuspension(models.Model):
    """A sender whose alumni messaging staff suspended; kept when they leave the directory."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("alumnus"),
        on_delete=models.CASCADE,
        related_name="alumni_suspension",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suspended by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("suspended"), default=timezone.now)

    class Meta:
        verbose_name = _("messaging suspension")
        verbose_name_plural = _("messaging suspensions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.user_id)
