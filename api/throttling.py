from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.authentication import PartnerClient


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Limit each API key separately, so one partner cannot starve another.

    The rate is read from ``API_RATE_LIMIT`` on each request (not frozen at import), so a
    deployment or a test can change it.
    """

    scope = "api_key"

    def get_rate(self) -> str:
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if isinstance(request.user, PartnerClient):
            return self.cache_format % {"scope": self.scope, "ident": request.user.key.prefix}
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
