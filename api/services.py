"""Writes for the API app: issuing and revoking partner keys."""

import secrets

from django.db import transaction
from django.utils import timezone

from api.models import KEY_PREFIX, ApiKey, hash_secret
from exchanges.enums import ApiScope
from exchanges.exceptions import ExchangeError
from exchanges.services.activity import activity_log_record


@transaction.atomic
def api_key_create(*, organisation, name: str, scopes: list[str], expires_at=None,
                   actor=None) -> tuple[ApiKey, str]:
    """Create a key and return it with the full token, which is never stored or shown again."""
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise ExchangeError(f"Unknown scopes: {', '.join(unknown)}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organisation=organisation, name=name, prefix=prefix, hashed_secret=hash_secret(secret),
        scopes=list(scopes), expires_at=expires_at, created_by=actor,
    )
    activity_log_record(actor=actor, obj=key, action_type="api.key.created",
                        data={"scopes": list(scopes)})
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor) -> ApiKey:
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    activity_log_record(actor=actor, obj=key, action_type="api.key.revoked")
    return key
