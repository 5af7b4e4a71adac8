"""API permissions: a partner key may call an endpoint only with the endpoint's scope."""

from rest_framework.permissions import BasePermission

from api.authentication import PartnerClient


class HasScope(BasePermission):
    """Views set ``required_scope``; the key must list it."""

    def has_permission(self, request, view) -> bool:
        client = request.user
        if not isinstance(client, PartnerClient):
            return False
        return getattr(view, "required_scope", None) in client.key.scopes
