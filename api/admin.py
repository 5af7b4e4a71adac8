from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from api.forms import ApiKeyForm
from api.models import ApiKey, IdempotencyRecord
from api.services import CHANGEABLE_FIELDS, api_key_create, api_key_revoke, api_key_update
from exchanges.exceptions import ExchangeError


@admin.action(description=gettext_lazy("Revoke the selected keys"))
def revoke_keys(modeladmin, request, queryset):
    keys = list(queryset)
    for key in keys:
        api_key_revoke(key=key, actor=request.user)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d key was revoked.",
            "%(count)d keys were revoked.",
            len(keys),
        )
        % {"count": len(keys)},
        messages.SUCCESS,
    )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued, changed and revoked through ``api.services``, which log each change;
    they are revoked rather than deleted, so the log keeps what they did."""

    form = ApiKeyForm
    list_display = ["name", "organisation", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    readonly_fields = ["prefix", "revoked_at", "last_used_at", "created_by", "created_at"]
    actions = [revoke_keys]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organisation", "name", "scopes", "expires_at"]
        return ["organisation", "name", "scopes", "expires_at", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["organisation", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        try:
            if change:
                api_key_update(
                    key=obj,
                    actor=request.user,
                    **{field: form.cleaned_data[field] for field in CHANGEABLE_FIELDS},
                )
                return
            key, token = api_key_create(
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.cleaned_data["expires_at"],
                actor=request.user,
            )
        except ExchangeError as error:
            # The form's choices already refuse unknown scopes; this is the last guard.
            messages.error(request, str(error.message))
            return
        obj.pk = key.pk
        messages.warning(
            request,
            _("Copy this key now; it will not be shown again: %(token)s") % {"token": token},
        )


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Stored first answers to POSTs with an Idempotency-Key: shown, never changed."""

    list_display = ["idempotency_key", "api_key", "status_code", "created_at"]
    list_select_related = ["api_key"]
    exclude = ["body"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
