"""The email outbox, staff template overrides and opt-outs.

Every email Trilink sends is an ``OutgoingMail`` row first, written in the transaction of the
change that causes it; Celery workers deliver the rows (``exchanges.services.mail``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import (
    Language,
    MailStatus,
    MailTemplateKey,
)
from exchanges.models.campaigns import Campaign


class OutgoingMail(models.Model):
    """One email on its way to one recipient, rendered once at queue time.

    ``idempotency_key`` makes queueing safe to repeat: the same key never yields a second
    row. ``message_id`` is generated when the row is created and reused for every attempt, so
    a message resent after an ambiguous failure can be recognised by receivers.
    ``due_at`` holds back later sends; the beat sweeper dispatches them when due, so nothing
    depends on Celery ETAs longer than the broker's visibility timeout.
    """

    recipient_email = models.EmailField(_("recipient"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_mails",
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    template_key = models.CharField(_("template"), max_length=100)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content_object = GenericForeignKey("content_type", "object_id")
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("handed to the broker"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
    )
    is_transactional = models.BooleanField(
        _("transactional"),
        default=True,
        help_text=_(
            "Transactional mail is sent regardless of opt-outs and has no unsubscribe link."
        ),
    )
    # Authentication mail (verification, password reset, email change, login codes) carries
    # links that act as the recipient. Staff never see its content, and the content is erased
    # once the row is final (sent or failed), so the database keeps no usable link either.
    is_confidential = models.BooleanField(
        _("content withheld"),
        default=False,
        help_text=_(
            "Authentication email: its content is never shown and is erased once it is sent."
        ),
    )

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper: queued rows that are due, and sending rows with an old claim.
            models.Index(fields=["status", "due_at"], name="outgoingmail_sweep"),
            models.Index(fields=["status", "created_at"], name="outgoingmail_status_created"),
            models.Index(fields=["template_key", "created_at"], name="outgoingmail_template"),
            models.Index(fields=["campaign", "status"], name="outgoingmail_campaign"),
            models.Index(fields=["content_type", "object_id"], name="outgoingmail_object"),
            models.Index(fields=["created_at"], name="outgoingmail_created"),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("staff:mail_detail", args=[self.pk])

    @property
    def content_withheld(self) -> bool:
        return self.is_confidential


class OutgoingMailAttachment(models.Model):
    """A file sent with an outbox message: its bytes, stored when the message is queued.

    Stored bytes (not a reference rendered at send time) keep the outbox's guarantees: the
    attachment is written in the transaction of the change that causes the email, so it
    exists exactly when the message does; every attempt and every resend sends the same
    bytes under the same Message-ID; and a send needs no rendering, only one query for the
    attachments of a whole batch. The file name is ASCII and the content type declared and
    allow-listed; sizes are bounded by ``OUTBOX_MAX_ATTACHMENT_BYTES`` per message. The
    admin shows the metadata (name, type, size, SHA-256), never the content.
    """

    mail = models.ForeignKey(
        OutgoingMail,
        verbose_name=_("email"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    filename = models.CharField(_("file name"), max_length=100)
    mime_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))

    class Meta:
        verbose_name = _("email attachment")
        verbose_name_plural = _("email attachments")
        ordering = ["mail", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["mail", "position"],
                name="outgoingmailattachment_unique_position",
                violation_error_message=_("This email already has an attachment in this position."),
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class MailTemplate(models.Model):
    """A staff override of a shipped email template for one language, per cohort or globally.

    The subject and text are Django template source checked when saved (see
    ``exchanges.validators.validate_mail_template``); the HTML version wraps the text.
    """

    cohort = models.ForeignKey(
        "exchanges.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mail_templates",
    )
    key = models.CharField(_("email"), max_length=50, choices=MailTemplateKey.choices)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "key", "language"],
                condition=Q(cohort__isnull=False),
                name="mailtemplate_unique_per_cohort",
                violation_error_message=_(
                    "This cohort already has its own text for this email and language."
                ),
            ),
            models.UniqueConstraint(
                fields=["key", "language"],
                condition=Q(cohort__isnull=True),
                name="mailtemplate_unique_global",
                violation_error_message=_(
                    "There is already a text for all cohorts for this email and language."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class MailOptOut(models.Model):
    """An address that asked not to receive non-transactional mail (campaigns)."""

    email = models.EmailField(_("email address"), unique=True)
    created_at = models.DateTimeField(_("opted out"), default=timezone.now)

    class Meta:
        verbose_name = _("email opt-out")
        verbose_name_plural = _("email opt-outs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email
