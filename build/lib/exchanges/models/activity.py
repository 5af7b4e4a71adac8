"""The activity log: one row per meaningful change, written by the services."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityLog(models.Model):
    """Who did what to which object, and when.

    ``action_type`` is dotted (``exchanges.application.accepted``) so that the audit trail,
    the staff timeline and partner webhooks can filter by prefix. ``data`` holds the
    details of the change (from and to states, reasons) and never secrets.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    action_type = models.CharField(_("action"), max_length=120)
    data = models.JSONField(_("details"), default=dict, blank=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "timestamp"], name="activity_object_idx"
            ),
            models.Index(fields=["action_type", "timestamp"], name="activity_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action_type} #{self.object_id}"
