"""Partner API keys: scoped to one organisation, stored hashed, with expiry."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges.validators import validate_api_scopes

KEY_PREFIX = "tlk"


def hash_secret(secret: str) -> str:
    """Keys are 256-bit random strings, so a fast hash is enough to make a leaked table useless."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKey(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    name = models.CharField(_("name"), max_length=100)
    # The public part of the key, shown in lists and used to find the row.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    hashed_secret = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}_{self.prefix}_…)"

    def clean(self) -> None:
        try:
            validate_api_scopes(self.scopes)
        except ValidationError as error:
            raise ValidationError({"scopes": error.messages}) from error

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``, per key and caller.

    The row is written (committed) before the request's work starts, with no response yet:
    a second request with the same key finds it and gets 409 while the first runs, and the
    stored response, byte for byte, once it has finished. Rows older than
    ``API_IDEMPOTENCY_HOURS`` are deleted by a beat task.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key for a different request is refused.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "idempotency_key"],
                name="idempotency_key_once_per_caller",
                violation_error_message=_(
                    "This idempotency key was already used with this API key."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.idempotency_key}"
