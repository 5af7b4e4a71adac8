from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Organisation, User
from accounts.services import user_mfa_reset, user_rights, user_rights_changed_record
from exchanges.enums import Role

# Fields that grant rights: only a superuser may change them, on anyone.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class TolerantAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget re-renders a refused form by looking the submitted ids up;
    a value that is not an id at all (posted by hand) made that lookup raise, a 500 the form
    fuzz test found. Such values are dropped before the lookup: the form has refused them."""

    def optgroups(self, name, value, attr=None):
        pk = self.field.remote_field.model._meta.pk
        ids = []
        for item in value:
            try:
                pk.to_python(item)
            except ValidationError:
                continue
            ids.append(item)
        return super().optgroups(name, ids, attr)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind"]
    list_filter = ["country", "kind"]
    search_fields = ["name"]


@admin.action(description=_("Reset two-factor authentication"))
def reset_mfa(modeladmin, request, queryset):
    if not request.user.is_superuser:
        # A superuser's second factor is reset by superusers only, like the rest of the account.
        skipped = queryset.filter(is_superuser=True).count()
        queryset = queryset.filter(is_superuser=False)
        if skipped:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d superuser was skipped: only a superuser may reset it.",
                    "%(count)d superusers were skipped: only a superuser may reset them.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
    users = list(queryset)
    for user in users:
        user_mfa_reset(actor=request.user, user=user)
    modeladmin.message_user(
        request,
        ngettext(
            "Two-factor authentication was reset for %(count)d user.",
            "Two-factor authentication was reset for %(count)d users.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "family_name",
        "given_name",
        "role",
        "country",
        "organisation",
        "is_active",
        "mfa_enabled",
    ]
    list_filter = ["role", "country", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    search_fields = ["email", "given_name", "family_name", "local_name"]
    autocomplete_fields = ["organisation"]
    actions = [reset_mfa]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "given_name",
                    "family_name",
                    "local_name",
                    "preferred_language",
                    "country",
                    "time_zone",
                )
            },
        ),
        (_("Role"), {"fields": ("role", "organisation")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Two-factor authentication"), {"fields": ("mfa_enabled",)}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "given_name",
                    "family_name",
                    "role",
                    "organisation",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return super().get_queryset(request).annotate(has_totp=Exists(totp))

    @admin.display(boolean=True, description=_("Two-factor authentication"))
    def mfa_enabled(self, obj) -> bool:
        if hasattr(obj, "has_totp"):
            return obj.has_totp
        return Authenticator.objects.filter(user=obj, type=Authenticator.Type.TOTP).exists()

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "mfa_enabled"]
        if not request.user.is_superuser:
            readonly += [name for name in PRIVILEGE_FIELDS if name not in readonly]
            if obj is not None and obj.role == Role.SECRETARIAT:
                readonly.append("role")  # nor take it away: only a superuser may
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # The secretariat role opens every applicant's data (and the admin, with is_staff): only
        # a superuser may give it, so a secretariat user cannot make others their peers.
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [
                choice
                for choice in db_field.get_choices(include_blank=False)
                if choice[0] != Role.SECRETARIAT
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Role, organisation and flag changes are audited with their old and new values.
        before = user_rights(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        user_rights_changed_record(actor=request.user, user=obj, before=before)

    def has_change_permission(self, request, obj=None):
        # A superuser's account (its email and password) is changed by superusers only.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    """Shows that a second factor exists, never its secret (the ``data`` field)."""

    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields
    search_fields = ("user__email",)
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Removing one goes through "Reset two-factor authentication" on the user, which logs.
        return False
