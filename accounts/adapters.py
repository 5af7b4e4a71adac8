"""allauth customisation: profile fields at signup and role-aware redirects."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from exchanges.enums import Role

PROFILE_FIELDS = ("given_name", "family_name", "local_name", "preferred_language", "country",
                  "time_zone")


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        for field in PROFILE_FIELDS:
            if field in form.cleaned_data:
                setattr(user, field, form.cleaned_data[field])
        user.role = Role.APPLICANT
        if commit:
            user.save()
        return user

    def get_login_redirect_url(self, request):
        user = request.user
        if getattr(user, "role", None) in {Role.SECRETARIAT, Role.PARTNER_STAFF}:
            return reverse("staff:dashboard")
        return super().get_login_redirect_url(request)
