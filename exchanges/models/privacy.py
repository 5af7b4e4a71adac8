"""Privacy: applicants' erasure requests and the versioned privacy notices they accept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.enums import ErasureStatus
from exchanges.models.programs import _localised


class ErasureRequest(models.Model):
    """An applicant's request that Trilink erase what it holds about them.

    ``due_at`` is the legal deadline (``PRIVACY_REQUEST_DAYS`` after the request, the one month
    of GDPR article 12(3)); staff see it on the request list. Completing a request erases the
    applicant's identity and files for good (``exchanges.services.privacy``).
    """

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due by"))
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("processed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status=ErasureStatus.PENDING),
                name="erasure_one_pending_per_applicant",
                violation_error_message=_("This applicant already has a pending erasure request."),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="erasure_status_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.applicant_id} {self.status}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ErasureStatus.PENDING and self.due_at <= timezone.now()


class PrivacyNotice(models.Model):
    """One version of the privacy notice, in three languages.

    A draft is edited by the secretariat; publishing fixes its text for good (a published
    version is never changed, so what an applicant accepted can always be shown) and makes it
    the current one. Applications record the version they accepted.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_en = models.TextField(_("text (English)"))
    text_ja = models.TextField(_("text (Japanese)"))
    text_ko = models.TextField(_("text (Korean)"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def text(self) -> str:
        return _localised(self, "text")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
