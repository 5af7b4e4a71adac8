from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "kind"]
    list_filter = ["country", "kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "family_name", "given_name", "role", "country", "organisation",
                    "is_active"]
    list_filter = ["role", "country", "is_active", "is_staff"]
    list_select_related = ["organisation"]
    search_fields = ["email", "given_name", "family_name", "local_name"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("given_name", "family_name", "local_name",
                                  "preferred_language", "country", "time_zone")}),
        (_("Role"), {"fields": ("role", "organisation")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                                       "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "given_name", "family_name", "role",
                                                 "organisation", "password1", "password2")}),
    )
