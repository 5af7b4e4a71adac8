from rest_framework.throttling import SimpleRateThrottle

from api.authentication import PartnerClient


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Limit each API key separately, so one partner cannot starve another."""

    scope = "api_key"

    def get_cache_key(self, request, view):
        if isinstance(request.user, PartnerClient):
            return self.cache_format % {"scope": self.scope, "ident": request.user.key.prefix}
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
