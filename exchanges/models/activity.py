"""The activity log: one row per meaningful change, written by the services."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ActivityLogAppendOnlyError(RuntimeError):
    """Raised by any attempt to change or delete an activity-log row: the log is an audit
    trail, and an entry that could be rewritten would prove nothing."""


class ActivityLogQuerySet(models.QuerySet):
    """Reads and inserts only: ``update``, ``delete`` and ``bulk_update`` raise."""

    def update(self, **kwargs):
        raise ActivityLogAppendOnlyError("The activity log is append-only: rows are never updated.")

    def delete(self):
        raise ActivityLogAppendOnlyError("The activity log is append-only: rows are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ActivityLogAppendOnlyError("The activity log is append-only: rows are never updated.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise ActivityLogAppendOnlyError("The activity log is append-only: rows are never updated.")


class ActivityLog(models.Model):
    """Who did what to which object, and when.

    Append-only: ``save`` of an existing row, ``delete`` and the queryset's ``update``,
    ``delete`` and ``bulk_update`` raise ``ActivityLogAppendOnlyError``; the admin shows the
    rows read-only and the API has no endpoint for them.

    ``action_type`` is dotted (``exchanges.application.accepted``) so that the audit trail,
    the staff timeline and partner webhooks can filter by prefix. ``data`` holds the
    details of the change (from and to states, reasons) and never secrets.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        # PROTECT, not SET_NULL or CASCADE: either would rewrite or remove audit rows behind
        # the append-only guards. People are erased by pseudonymisation, never deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    action_type = models.CharField(_("action"), max_length=120)
    data = models.JSONField(_("details"), default=dict, blank=True)
    timestamp = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = ActivityLogQuerySet.as_manager()

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

    def save(self, *args, **kwargs) -> None:
        # Append-only: a row is written once, when it is added.
        if not self._state.adding:
            raise ActivityLogAppendOnlyError(
                "The activity log is append-only: rows are never updated."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ActivityLogAppendOnlyError("The activity log is append-only: rows are never deleted.")
