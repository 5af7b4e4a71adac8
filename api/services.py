"""Writes for the API app: issuing, changing and revoking partner keys, each logged."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import KEY_PREFIX, ApiKey, IdempotencyRecord, hash_secret
from exchanges.activity_types import Activity
from exchanges.exceptions import ExchangeError
from exchanges.services.activity import activity_log_record
from exchanges.validators import validate_api_scopes

# Fields of a key that staff may change after issuing it; the secret never changes.
CHANGEABLE_FIELDS = ("name", "scopes", "expires_at")


def _checked_scopes(scopes) -> list[str]:
    try:
        validate_api_scopes(scopes)
    except ValidationError as error:
        raise ExchangeError(" ".join(error.messages), code="invalid_scopes") from error
    return sorted(set(scopes))


@transaction.atomic
def api_key_create(
    *,
    organisation,
    name: str,
    scopes: list[str],
    expires_at=None,
    actor=None,
    fixed_token: tuple[str, str] | None = None,
) -> tuple[ApiKey, str]:
    """Create a key and return it with the full token, which is never stored or shown again.

    ``fixed_token`` (prefix, secret) is for the demo only, whose keys are published.
    Raises ``ExchangeError`` for a scope outside ``ApiScope``.
    """
    scopes = _checked_scopes(scopes)
    prefix, secret = fixed_token or (secrets.token_hex(6), secrets.token_urlsafe(32))
    key = ApiKey.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        hashed_secret=hash_secret(secret),
        scopes=scopes,
        expires_at=expires_at,
        created_by=actor,
    )
    activity_log_record(
        actor=actor,
        obj=key,
        action_type=Activity.API_KEY_CREATED,
        data={
            "scopes": scopes,
            "organisation": organisation.pk,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_update(*, key: ApiKey, actor, **changes) -> ApiKey:
    """Change a key's name, scopes or expiry; log what changed (old and new values)."""
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not changeable: {sorted(unknown)}")
    if "scopes" in changes:
        changes["scopes"] = _checked_scopes(changes["scopes"])
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    changed = {}
    for field, value in changes.items():
        old = getattr(key, field)
        if old != value:
            changed[field] = [_loggable(old), _loggable(value)]
            setattr(key, field, value)
    if changed:
        key.save(update_fields=list(changed))
        activity_log_record(
            actor=actor, obj=key, action_type=Activity.API_KEY_CHANGED, data={"changes": changed}
        )
    return key


def _loggable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor) -> ApiKey:
    """Revoke ``key`` at once (idempotent: a revoked key keeps its first revocation time)."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    activity_log_record(actor=actor, obj=key, action_type=Activity.API_KEY_REVOKED)
    return key


def idempotency_records_purge() -> int:
    """Delete records older than ``API_IDEMPOTENCY_HOURS``; returns how many."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
