"""API permissions: a partner key may call an endpoint only with the endpoint's scope."""

from django.utils.translation import ngettext
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from api.authentication import PartnerClient


class MissingScope(PermissionDenied):
    """The key is valid but lacks the operation's scope; ``required_scopes`` names it."""

    def __init__(self, scopes: list[str]):
        self.required_scopes = list(scopes)
        detail = ngettext(
            "This API key lacks the scope this operation needs: %(scopes)s.",
            "This API key lacks the scopes this operation needs: %(scopes)s.",
            len(self.required_scopes),
        ) % {"scopes": ", ".join(self.required_scopes)}
        super().__init__(detail)


class IsPartnerClient(BasePermission):
    """Any valid key (``GET /me`` needs no scope)."""

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, PartnerClient)


class HasScope(IsPartnerClient):
    """Views set ``required_scope``; the key must list it, else the 403 names the scope (a
    client cannot otherwise tell which of its key's scopes is missing)."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        scope = getattr(view, "required_scope", None)
        if not scope:
            return False
        if scope not in request.user.key.scopes:
            raise MissingScope([str(scope)])
        return True
