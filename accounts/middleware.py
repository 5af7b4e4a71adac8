"""Per-request language, time zone and the staff MFA requirement."""

from urllib.parse import unquote, urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.sessions import staff_session_expired
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
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request, user) -> bool:
    """Whether this session itself completed a second factor, as allauth records it.

    Having a TOTP authenticator is not enough: a session opened with the password alone (by
    any login path) has no ``mfa`` record, and must not open a staff page.
    """
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class RequireMFAMiddleware:
    """Staff, partner staff and reviewers open a staff page only in a session that passed TOTP.

    Without an authenticator they are sent to set one up; with one, a session that has not
    passed it (a password-only session) is sent to allauth's TOTP step, which is rate limited.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path.startswith(STAFF_PATH_PREFIXES)
            and user.requires_mfa
        ):
            query = urlencode({"next": request.get_full_path()})
            if not user_has_mfa(user):
                return redirect(f"{reverse('mfa_activate_totp')}?{query}")
            if not session_passed_mfa(request, user):
                return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)


class StaffSessionMiddleware:
    """Sign staff roles (those that need MFA) out after 30 minutes idle or 12 hours in all.

    The person is sent to the sign-in page with a message and comes back to the page asked for;
    an htmx request gets the redirect as ``HX-Redirect`` so the whole page changes. Applicants
    keep the ordinary session length.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.requires_mfa
            and staff_session_expired(request.session)
        ):
            logout(request)
            messages.info(request, _("Your session has expired. Please sign in again."))
            target = f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request") == "true":
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)
