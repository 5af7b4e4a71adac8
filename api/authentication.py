"""Bearer authentication with organisation API keys."""

import hmac
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import KEY_PREFIX, ApiKey, hash_secret

# last_used_at is written at most this often, so a busy client does not write on every call.
LAST_USED_RESOLUTION_SECONDS = 60


@dataclass
class PartnerClient:
    """The request.user of an API call: the key's organisation, never a person."""

    key: ApiKey
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True

    @property
    def organisation(self):
        return self.key.organisation

    @property
    def country(self) -> str:
        return self.key.organisation.country


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(f"{self.keyword} {KEY_PREFIX}_"):
            return None
        token = header[len(self.keyword) + 1 :].strip()
        try:
            _kind, prefix, secret = token.split("_", 2)
        except ValueError as error:
            raise exceptions.AuthenticationFailed(_("Malformed API key.")) from error
        key = ApiKey.objects.select_related("organisation").filter(prefix=prefix).first()
        if key is None or not hmac.compare_digest(key.hashed_secret, hash_secret(secret)):
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        if not key.is_usable:
            raise exceptions.AuthenticationFailed(_("This API key has expired or was revoked."))
        now = timezone.now()
        if key.last_used_at is None or (
            (now - key.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
            key.last_used_at = now
        return PartnerClient(key=key), key

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "partnerApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "tlk_<prefix>_<secret>"}
