"""API permissions: a partner key may call an endpoint only with the endpoint's scope."""

from rest_framework.permissions import BasePermission

from api.authentication import PartnerClient


class IsPartnerClient(BasePermission):
    """Any valid key (``GET /me`` needs no scope)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, PartnerClient)


class HasScope(IsPartnerClient):
    """Views set ``required_scope``; the key must list it."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        return getattr(view, "required_scope", None) in request.user.key.scopes
