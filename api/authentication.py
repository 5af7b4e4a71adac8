"""Bearer authentication with organisation API keys."""

import hmac
import re
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


# tlk_<prefix>_<secret>: the prefix is hex (the demo's are letters), the secret URL-safe
# base64. A token of any other shape is refused before a query, so no odd byte (a NUL, which
# PostgreSQL refuses in text) reaches the database.
TOKEN = re.compile(rf"\A{KEY_PREFIX}_([0-9A-Za-z]{{1,16}})_([A-Za-z0-9_-]{{1,128}})\Z")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer tlk_<prefix>_<secret>``.

    No Authorization header, or one of another scheme, is no credentials (401
    ``not_authenticated``). A bearer header (the scheme is case-insensitive, RFC 7235) whose
    token is missing, not of the key's shape, unknown or wrong is a failed attempt (401
    ``authentication_failed``): the client sent credentials and should learn they are wrong,
    not that it sent none. The token is never logged or echoed.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _space, token = header.strip().partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        match = TOKEN.match(token.strip())
        if match is None:
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        prefix, secret = match.groups()
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
