from django.contrib import admin, messages
from django.utils.translation import gettext as _

from api.models import ApiKey
from api.services import api_key_create


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    fields = ["organisation", "name", "scopes", "expires_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key, token = api_key_create(
            organisation=obj.organisation, name=obj.name, scopes=obj.scopes,
            expires_at=obj.expires_at, actor=request.user,
        )
        obj.pk = key.pk
        messages.warning(request, _("Copy this key now; it will not be shown again: %(token)s")
                         % {"token": token})
