"""Per-request language, time zone and the staff MFA requirement."""

from urllib.parse import unquote, urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from exchanges.validators import available_time_zones

# Pages behind these prefixes are staff pages: they open only after MFA is set up.
STAFF_PATH_PREFIXES = ("/staff/", "/admin/", "/review/")


class UserPreferencesMiddleware:
    """Activate the signed-in user's language and time zone.

    Anonymous visitors get the language Django's LocaleMiddleware chose (cookie, then
    Accept-Language) and the time zone their browser reported in a cookie, if valid.
    Switching language while signed in also stores the choice, so the stored preference
    is always what a signed-in user sees.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tz_name = None
        if user is not None and user.is_authenticated:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
            tz_name = user.time_zone
        else:
            # static/js/trilink.js writes the zone URL-encoded (Asia%2FSeoul).
            tz_name = unquote(request.COOKIES.get(settings.TIMEZONE_COOKIE_NAME, ""))
        if tz_name and tz_name in available_time_zones():
            timezone.activate(tz_name)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def user_has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator  # noqa: PLC0415 -- app registry must be ready

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAMiddleware:
    """Send staff, partner staff and reviewers to TOTP setup before any staff page opens."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(STAFF_PATH_PREFIXES)
            and user.requires_mfa
            and not user_has_mfa(user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)
