"""Webhooks: a partner organisation's subscriptions, the events written in the transaction of
the change they report (the outbox), each event's delivery to each subscription and the log of
every attempt."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import Language, WebhookDeliveryStatus, WebhookEvent


class WebhookSubscription(models.Model):
    """Where an organisation wants some events sent. The signing secret is stored encrypted
    (it must be read to sign) and shown once, when the subscription is created."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
    )
    url = models.URLField(_("receiver URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    description = models.CharField(_("description"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact email"),
        help_text=_("Told when the subscription is disabled after repeated failures."),
    )
    contact_language = models.CharField(
        _("contact language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    encrypted_secret = models.TextField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    # Set only when failures disabled it (not when its organisation switched it off): such a
    # subscription keeps receiving deliveries, held until it is enabled again.
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "is_active"])]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.url}"

    @property
    def event_labels(self) -> list[str]:
        return [str(WebhookEvent(e).label) for e in self.events if e in WebhookEvent.values]


class WebhookEventRecord(models.Model):
    """One change reported to subscribers, with its versioned payload. ``event_id`` is the id
    receivers see, the same on every attempt and redelivery, so they can drop duplicates."""

    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class WebhookDelivery(models.Model):
    """One event to one subscription, tried until it succeeds or runs out of attempts.

    ``attempts`` counts every request, manual redeliveries included (it numbers them);
    ``manual_attempts`` counts the redeliveries, which do not use up the automatic ones.
    ``redelivery_requested_at`` marks a redelivery asked for and not yet made."""

    event = models.ForeignKey(
        WebhookEventRecord,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    manual_attempts = models.PositiveSmallIntegerField(_("manual redeliveries"), default=0)
    redelivery_requested_at = models.DateTimeField(_("redelivery requested"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"],
                name="webhook_delivery_once_per_subscription",
                violation_error_message=_(
                    "This event has already been queued for this subscription."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["subscription", "-id"]),
            # The sweeper looks for redeliveries whose dispatch the broker refused.
            models.Index(
                fields=["redelivery_requested_at"],
                condition=models.Q(redelivery_requested_at__isnull=False),
                name="webhook_redelivery_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.subscription_id}"


class WebhookAttempt(models.Model):
    """The log of one request: what the receiver answered and how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"
