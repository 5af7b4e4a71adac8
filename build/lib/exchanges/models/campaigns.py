"""Campaigns: a staff message to a filtered audience, queued into the outbox in chunks."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    ApplicationStatus,
    CampaignStatus,
    Country,
)


class Campaign(models.Model):
    """A message staff compose once and send to a filtered audience of a cohort.

    The audience is chosen by ``exchanges.selectors.campaigns.campaign_audience``; subject and body
    exist per language and each recipient gets their own language (English as fallback).
    """

    cohort = models.ForeignKey(
        "exchanges.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    name = models.CharField(_("internal name"), max_length=200)
    audience_roles = models.JSONField(_("roles"), default=list, blank=True)
    audience_countries = models.JSONField(_("countries"), default=list, blank=True)
    audience_statuses = models.JSONField(
        _("application statuses"),
        default=list,
        blank=True,
        help_text=_("Empty means everyone linked to the cohort's program."),
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_ja = models.CharField(_("subject (Japanese)"), max_length=200, blank=True)
    subject_ko = models.CharField(_("subject (Korean)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"))
    body_ja = models.TextField(_("message (Japanese)"), blank=True)
    body_ko = models.TextField(_("message (Korean)"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
        db_index=True,
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("all messages queued"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    recipients_total = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="campaign_status_due")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("staff:campaign_detail", args=[self.pk])

    def text_for(self, language: str) -> tuple[str, str]:
        """Subject and body in ``language``, falling back to English where one is empty."""
        subject = getattr(self, f"subject_{language}", "") or self.subject_en
        body = getattr(self, f"body_{language}", "") or self.body_en
        return subject, body

    @property
    def country_labels(self) -> list[str]:
        labels = dict(Country.choices)
        return [str(labels.get(code, code)) for code in self.audience_countries]

    @property
    def status_labels(self) -> list[str]:
        labels = dict(ApplicationStatus.choices)
        return [str(labels.get(code, code)) for code in self.audience_statuses]
