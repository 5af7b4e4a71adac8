"""Itinerary feeds: the private iCalendar links of a cohort's program schedule.

A feed is a participant's (``application`` set) or the cohort's for staff (``application``
empty). The link carries ``salted_hmac(SECRET_KEY, pk:nonce)``, never stored: a leaked table
opens no calendar, and a reset draws a new nonce, so every earlier link stops working.
"""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.models.applications import Application
from exchanges.models.programs import Cohort


def feed_nonce() -> str:
    return secrets.token_hex(16)


class ItineraryFeed(models.Model):
    """One private calendar link: a participant's, or the cohort's (``application`` empty)."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="itinerary_feeds"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="itinerary_feed",
    )
    nonce = models.CharField(_("link secret"), max_length=32, default=feed_nonce, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    reset_at = models.DateTimeField(_("link last reset"), null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)

    class Meta:
        verbose_name = _("itinerary calendar feed")
        verbose_name_plural = _("itinerary calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"],
                condition=models.Q(application__isnull=True),
                name="itinerary_feed_one_per_cohort",
                violation_error_message=_("This cohort already has a calendar feed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id}:{self.application_id or '-'}"
